"""``manage.py expire_consortia [--date YYYY-MM-DD]``: the daily expiry job, by hand (DESIGN §6)."""

from django.utils.translation import gettext as _

from consortia.lifecycle.jobs import expire_due_consortia
from portal.commands import DailyJobCommand


class Command(DailyJobCommand):
    help = (
        "Expire every active consortium whose construction period ended before the date (default: today in "
        "Asia/Shanghai), with workflow and audit events and notifications. Safe to run again: a second run changes "
        "and sends nothing."
    )

    def run(self, *, today):
        result = expire_due_consortia(today=today)
        return _("%(date)s：%(count)d 个联合体建设期满，已终止备案；新发送通知 %(notifications)d 条。") % {
            "date": today.isoformat(),
            "count": result.consortia,
            "notifications": result.notifications,
        }
