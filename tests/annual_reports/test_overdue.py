"""The day after the deadline, reports not submitted are overdue since that day; the lead unit, its district and
city staff are told once; the job costs the same number of queries for ten reports as for fifty."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annual_reports.jobs import create_reports, flag_overdue_reports
from annual_reports.models import AnnualReport, ReportStatus
from portal.models import Notification

from . import factories

pytestmark = pytest.mark.django_db


def notifications():
    """What was sent besides the notice that the report is open (``test_campaign``'s subject)."""
    return Notification.objects.exclude(dedup_key__startswith="report-opened:")


DEADLINE = date(2026, 12, 31)


def flag(on: date) -> str:
    out = StringIO()
    call_command("flag_overdue_reports", "--date", on.isoformat(), stdout=out)
    return out.getvalue()


def overdue_since(report):
    report.refresh_from_db()
    return report.overdue_since


def test_not_before_the_day_after_the_deadline(report):
    flag(DEADLINE - timedelta(days=1))
    flag(DEADLINE)

    assert overdue_since(report) is None
    assert not notifications().exists()


def test_the_day_after_the_deadline_the_lead_unit_its_district_and_the_city_are_told_once(report, demo_users):
    output = flag(DEADLINE + timedelta(days=1))

    assert overdue_since(report) == date(2027, 1, 1)
    assert "1 份年度报告逾期未提交" in output and "新发送通知 3 条" in output
    told = {n.recipient.username: n for n in notifications().select_related("recipient")}
    assert set(told) == {"lead-a", "jiangning", "city"}
    assert told["lead-a"].subject == f"年度报告逾期未提交：{report.consortium.name}"
    assert "未在截止日期 2026-12-31 前提交，自 2027-01-01 起标记为逾期" in told["jiangning"].body
    assert told["city"].subject == "2026 年度报告：1 份逾期未提交"
    assert told["city"].dedup_key == f"report-overdue-city:{report.campaign_id}:{demo_users['city'].pk}"

    again = flag(DEADLINE + timedelta(days=1))
    flag(DEADLINE + timedelta(days=2))

    assert notifications().count() == 3
    assert "0 份年度报告逾期未提交" in again and "新发送通知 0 条" in again
    assert overdue_since(report) == date(2027, 1, 1)


def test_a_missed_day_is_caught_up_with_the_same_date(report):
    flag(DEADLINE + timedelta(days=5))

    assert overdue_since(report) == date(2027, 1, 1)


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
def test_a_submitted_report_is_not_overdue(report, status):
    AnnualReport.objects.filter(pk=report.pk).update(status=status)

    flag(DEADLINE + timedelta(days=1))

    assert overdue_since(report) is None
    assert not notifications().exists()


def test_a_returned_report_not_submitted_again_is_overdue(report):
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED)

    flag(DEADLINE + timedelta(days=1))

    assert overdue_since(report) == date(2027, 1, 1)


def _queries_to_flag(*, lead, count: int, year: int) -> int:
    for _ in range(count):
        factories.consortium(lead=lead, start=date(year, 1, 1), end=date(year, 12, 31))
    campaign = factories.campaign(year=year)
    create_reports(campaign=campaign)
    with CaptureQueriesContext(connection) as queries:
        result = flag_overdue_reports(today=campaign.deadline + timedelta(days=1))
    # Each report's lead-unit user and district officer, and one summary for the city.
    assert (result.reports, result.notifications) == (count, 2 * count + 1)
    return len(queries)


def test_the_number_of_queries_does_not_depend_on_how_many_reports_are_overdue(demo_users):
    lead = demo_users["lead-a"]

    for_ten = _queries_to_flag(lead=lead, count=10, year=2024)
    for_fifty = _queries_to_flag(lead=lead, count=50, year=2025)

    assert for_ten == for_fifty
