"""``manage.py flag_overdue_reports [--date YYYY-MM-DD]``: the annual reports' overdue job, by hand."""

from django.utils.translation import gettext as _

from annual_reports.jobs import flag_overdue_reports
from portal.commands import DailyJobCommand


class Command(DailyJobCommand):
    help = (
        "Flag as overdue, from the day after the deadline, every annual report not submitted by it (as if today were "
        "the date), and tell the lead unit, its district and city staff once. Safe to run again."
    )

    def run(self, *, today):
        result = flag_overdue_reports(today=today)
        return _("%(date)s：%(count)d 份年度报告逾期未提交，已标记；新发送通知 %(notifications)d 条。") % {
            "date": today.isoformat(),
            "count": result.reports,
            "notifications": result.notifications,
        }
