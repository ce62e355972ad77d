"""``manage.py verify_documents [--quiet]``: every stored document's file against its recorded SHA-256 and size.
Exit 1 when any file is missing or altered, so a cron job or a restore check can act on it."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ...documents import Fault, verify_documents


class Command(BaseCommand):
    help = (
        "Hash the file of every stored document (filing documents, supplementary agreements, lifecycle evidence, "
        "filing notices) and compare it with the SHA-256 and size recorded when it was stored. Lists each missing or "
        "altered file; exits 1 when there is any, 0 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing when every file is intact.")

    def handle(self, *args, quiet, **options):
        verification = verify_documents()
        for problem in verification.problems:
            self.stderr.write(problem.describe())
        summary = _("已检查 %(checked)d 份文件：%(missing)d 份缺失，%(altered)d 份被改动，%(size)d 份大小不符。") % {
            "checked": verification.checked,
            "missing": verification.count(Fault.MISSING),
            "altered": verification.count(Fault.ALTERED),
            "size": verification.count(Fault.SIZE_DIFFERS),
        }
        if verification.problems:
            self.stderr.write(summary)
            sys.exit(1)
        if not quiet:
            self.stdout.write(summary)
