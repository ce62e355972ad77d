"""``manage.py import_filings PATH [PATH ...] --by USERNAME [--dry-run]``: consortia filed on paper before the portal,
one ``consortium-filing/1`` document with a ``record`` per file (``reviews.imports``; how-to in docs/import.md).

Exit status: 0 every file imported or already there, 1 any file refused, 2 any input unreadable (no such path, not
JSON, an empty folder, an unknown ``--by``).
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from consortia.eligibility import InvalidDocument, parse_document
from consortia.eligibility.exchange import Unreadable, read_text
from portal.models import User
from reviews.imports import import_filing

IMPORTED, REFUSED, UNREADABLE = 0, 1, 2


class Command(BaseCommand):
    help = (
        "Import consortia filed on paper before the portal: consortium-filing/1 documents with a record object "
        "(filing number, status, filing date, period). A folder means its *.json files, sorted. Each file is one "
        "transaction; a filing number already imported is skipped. Exit 0 all imported or already there, 1 any "
        "refused, 2 any input unreadable."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="JSON files, or folders of them")
        parser.add_argument(
            "--by",
            required=True,
            metavar="USERNAME",
            help="the city staff member or administrator entering the paper filings (recorded as their creator)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, store nothing")

    def handle(self, *args, paths, by, dry_run, **options):
        actor = _operator(by)
        status = IMPORTED
        counts = {"imported": 0, "skipped": 0, "refused": 0}
        for label, path in self._files(paths):
            if path is None:
                status = max(status, UNREADABLE)
                continue
            try:
                document = parse_document(read_text(str(path.absolute())))
            except Unreadable as error:
                self.stderr.write(f"{label}: {error}")
                status = max(status, UNREADABLE)
                continue
            except InvalidDocument as error:  # not JSON at all
                self._problems(label, error)
                status = max(status, UNREADABLE)
                continue
            try:
                outcome = import_filing(document=document, file_name=path.name, actor=actor, dry_run=dry_run)
            except InvalidDocument as error:
                self._problems(label, error)
                self.stderr.write(f"{label}: " + _("未导入。"))
                counts["refused"] += 1
                status = max(status, REFUSED)
                continue
            facts = {
                "number": outcome.filing_number,
                "name": outcome.name,
                "status": outcome.status_label,
                "new": outcome.new_organisations,
            }
            if outcome.already_imported:
                counts["skipped"] += 1
                message = _("已导入过，跳过（%(number)s“%(name)s”）。")
            else:
                counts["imported"] += 1
                if dry_run:
                    message = _("将导入 %(number)s“%(name)s”（%(status)s），新建单位 %(new)d 家。")
                else:
                    message = _("已导入 %(number)s“%(name)s”（%(status)s），新建单位 %(new)d 家。")
            self.stdout.write(f"{label}: " + message % facts)
        if dry_run:
            summary = _(
                "试运行，未保存任何内容：将导入 %(imported)d 个，已导入过 %(skipped)d 个，不能导入 %(refused)d 个。"
            )
        else:
            summary = _("已导入 %(imported)d 个，已导入过而跳过 %(skipped)d 个，未导入 %(refused)d 个。")
        self.stdout.write(summary % counts)
        if status != IMPORTED:
            sys.exit(status)

    def _files(self, paths):
        """(label, path) per file to read; a folder gives its ``*.json`` files in name order. ``path`` is None for a
        folder with nothing to import, reported here."""
        for name in paths:
            path = Path(name)
            if not path.is_dir():
                yield name, path
                continue
            files = sorted(path.glob("*.json"))
            if not files:
                self.stderr.write(f"{name}: " + _("文件夹中没有 .json 文件。"))
                yield name, None
            for file in files:
                yield str(file), file

    def _problems(self, label: str, error: InvalidDocument):
        for problem in error.problems:
            self.stderr.write(f"{label}: {problem}")


def _operator(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not (user.is_city_staff or user.is_portal_admin):
        raise CommandError(
            _("--by %(username)s：应为市科技局用户或系统管理员的有效用户名。") % {"username": username},
            returncode=UNREADABLE,
        )
    return user
