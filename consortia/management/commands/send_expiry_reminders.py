"""``manage.py send_expiry_reminders [--date YYYY-MM-DD]``: the daily reminder job, by hand (DESIGN §6)."""

from django.utils.translation import gettext as _

from consortia.lifecycle.jobs import reminder_days, send_expiry_reminders
from portal.commands import DailyJobCommand


class Command(DailyJobCommand):
    help = (
        "Remind lead units and their districts of the end of the construction period, on the days "
        "settings.EXPIRY_REMINDER_DAYS before it (default 90 and 30), as if today were the date. Each reminder is sent "
        "once per consortium, threshold and recipient, however often this runs."
    )

    def run(self, *, today):
        result = send_expiry_reminders(today=today)
        return _("%(date)s：%(count)d 个联合体距建设期满 %(days)s 天；新发送提醒 %(notifications)d 条。") % {
            "date": today.isoformat(),
            "count": result.consortia,
            "days": "、".join(str(d) for d in reminder_days()),
            "notifications": result.notifications,
        }
