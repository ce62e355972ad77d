"""What the daily jobs' management commands of every app share: ``--date`` to act as if it were another day."""

import argparse
from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {value!r}") from None


class DailyJobCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=iso_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="act as if today were this date (default: today in Asia/Shanghai)",
        )

    def handle(self, *args, **options):
        self.stdout.write(self.run(today=options["date"] or timezone.localdate()))

    def run(self, *, today: date) -> str:
        raise NotImplementedError
