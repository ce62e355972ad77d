"""``manage.py check_eligibility FILE [FILE ...]``: a dry run of the eligibility rules on exchange-format files.

Exit status: 0 all eligible, 1 any not eligible, 2 any input unreadable or invalid, 3 the database is not ready.
Stores nothing.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from consortia.eligibility import InvalidDocument, context_from_database, evaluate, read_filing
from consortia.eligibility.exchange import STDIN, Unreadable, read_text
from consortia.eligibility.report import render_text

ELIGIBLE, NOT_ELIGIBLE, INVALID_INPUT, NOT_READY = 0, 1, 2, 3


class Command(BaseCommand):
    help = (
        "Check consortium-filing/1 documents against the eligibility rules (DESIGN §4) without storing anything. "
        "Exit 0 when all are eligible, 1 when any is not, 2 when any input is unreadable or invalid."
    )
    # Tests hand in their own standard input.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="exchange-format JSON files; - for standard input")
        parser.add_argument(
            "--json", action="store_true", help="print DESIGN §9's JSON, one object per line per valid file"
        )

    def handle(self, *args, files, stdin=None, **options):
        stdin = stdin or sys.stdin
        as_json = options["json"]
        status = ELIGIBLE
        filings = []
        for name in files:
            label = _("（标准输入）") if name == STDIN else name
            try:
                filings.append((label, read_filing(read_text(name, stdin))))
            except InvalidDocument as error:
                for problem in error.problems:
                    self.stderr.write(f"{label}: {problem}")
                status = INVALID_INPUT
            except Unreadable as error:
                self.stderr.write(f"{label}: {error}")
                status = INVALID_INPUT
        if filings:
            context = self._context()
            for number, (label, filing) in enumerate(filings):
                evaluation = evaluate(filing, context)
                if not evaluation.eligible and status == ELIGIBLE:
                    status = NOT_ELIGIBLE
                if as_json:
                    self.stdout.write(_dumps(evaluation.as_dict()))
                else:
                    if number:
                        self.stdout.write("")
                    self.stdout.write(render_text(evaluation, title=f"{label} — {filing.name}"))
        if status != ELIGIBLE:
            sys.exit(status)

    def _context(self):
        try:
            context = context_from_database()
        except DatabaseError as error:
            raise CommandError(
                _("数据库尚未就绪（%(error)s）：请先运行 manage.py migrate 和 manage.py load_reference_data。")
                % {"error": error},
                returncode=NOT_READY,
            ) from None
        if not context.active_field_codes:
            self.stderr.write(_("注意：重点产业领域目录为空，请先运行 manage.py load_reference_data。"))
        return context


def _dumps(data: dict) -> str:
    # One line per file, Chinese as Chinese; keys in the order DESIGN §9 gives them.
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))
