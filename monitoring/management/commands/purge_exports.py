"""``manage.py purge_exports [--date YYYY-MM-DD]``: the daily purge of expired export files, by hand."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from portal.commands import DailyJobCommand
from portal.exceptions import DomainError

from ...jobs import purge_expired_exports


class Command(DailyJobCommand):
    help = (
        "Delete the files of the portfolio export jobs whose seven days ended before the date (default: today in "
        "Asia/Shanghai) and mark the jobs expired. A date after today is refused. Safe to run again."
    )

    def run(self, *, today):
        try:
            count = purge_expired_exports(today=today)
        except DomainError as error:
            raise CommandError(error.message) from None
        return _("%(date)s：已清理 %(count)d 个过期的导出文件。") % {"date": today.isoformat(), "count": count}
