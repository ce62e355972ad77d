"""``manage.py send_report_reminders [--date YYYY-MM-DD]``: the annual reports' reminder job, by hand."""

from django.utils.translation import gettext as _

from annual_reports.jobs import reminder_days, send_report_reminders
from portal.commands import DailyJobCommand


class Command(DailyJobCommand):
    help = (
        "Remind lead units of the annual report's deadline, on the days settings.REPORT_REMINDER_DAYS before it "
        "(default 30, 7 and 1), as if today were the date, while the report is not submitted. Each reminder is sent "
        "once per report, threshold and user, however often this runs."
    )

    def run(self, *, today):
        result = send_report_reminders(today=today)
        return _("%(date)s：%(count)d 份年度报告距提交截止 %(days)s 天；新发送提醒 %(notifications)d 条。") % {
            "date": today.isoformat(),
            "count": result.reports,
            "days": "、".join(str(d) for d in reminder_days()),
            "notifications": result.notifications,
        }
