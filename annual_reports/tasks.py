"""The annual reports' daily jobs, scheduled by Celery beat in Asia/Shanghai time (``CELERY_BEAT_SCHEDULE``). Thin:
each calls its job, which is idempotent, so a retried task changes nothing more. The management commands
``send_report_reminders`` and ``flag_overdue_reports`` run the same jobs by hand."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import jobs


def _day(on: str | None) -> date:
    return date.fromisoformat(on) if on else timezone.localdate()


@shared_task(name="annual_reports.tasks.create_reports", ignore_result=True)
def create_reports(on: str | None = None) -> int:
    """Make the reports of consortia approved since their campaign opened, while its deadline (ISO ``on``'s day or
    later; default today) has not passed."""
    return jobs.create_reports_for_open_campaigns(today=_day(on))


@shared_task(name="annual_reports.tasks.send_report_reminders", ignore_result=True)
def send_report_reminders(on: str | None = None) -> int:
    """Queue the reminders due on ``on`` (ISO date; default today)."""
    return jobs.send_report_reminders(today=_day(on)).notifications


@shared_task(name="annual_reports.tasks.flag_overdue_reports", ignore_result=True)
def flag_overdue_reports(on: str | None = None) -> int:
    """Flag the reports not submitted by a deadline before ``on`` (ISO date; default today)."""
    return jobs.flag_overdue_reports(today=_day(on)).reports
