"""``manage.py purge_audit_events [--date YYYY-MM-DD]``: the audit trail's retention job, by hand."""

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.commands import DailyJobCommand
from portal.exceptions import DomainError
from portal.jobs import purge_audit_events


class Command(DailyJobCommand):
    help = (
        "Remove the audit events that occurred before the day AUDIT_RETENTION_DAYS (at least 180) before the date "
        "(default: today in Asia/Shanghai), and record one audit event saying how many and the cutoff. A date in the "
        "past removes less; a date after today is refused. Safe to run again."
    )

    def run(self, *, today: date) -> str:
        try:
            result = purge_audit_events(today=today)
        except DomainError as error:
            raise CommandError(error.message) from None
        return _("%(date)s：已删除 %(count)d 条审计日志（%(cutoff)s 之前发生的）。") % {
            "date": today.isoformat(),
            "count": result.removed,
            "cutoff": timezone.localtime(result.cutoff).strftime("%Y-%m-%d %H:%M"),
        }
