"""``manage.py open_report_campaign YEAR [--deadline YYYY-MM-DD]``: open a year's annual reports as the system."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from annual_reports.services import open_campaign
from portal.commands import iso_date
from portal.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Open the annual reports of YEAR (period: the calendar year; deadline: 31 December unless --deadline) and "
        "make a report for every consortium filed and running at some time in it. Runs as the system: the campaign "
        "has no opener and the audit event names 'system'. The daily job adds consortia approved later."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, metavar="YEAR")
        parser.add_argument(
            "--deadline", type=iso_date, default=None, metavar="YYYY-MM-DD", help="default: 31 December of YEAR"
        )

    def handle(self, *args, year, deadline, **options):
        try:
            campaign = open_campaign(year=year, deadline=deadline, actor=None)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            _("已开启 %(year)s 年度报告，提交截止日期 %(deadline)s；已生成年度报告 %(count)d 份。")
            % {"year": campaign.year, "deadline": campaign.deadline.isoformat(), "count": campaign.reports.count()}
        )
