"""Reminders 30, 7 and 1 days before the deadline to the lead unit's users, each once, none once submitted; the job
costs the same number of queries for ten reports as for fifty."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annual_reports.jobs import create_reports, send_report_reminders
from annual_reports.models import AnnualReport, ReportStatus
from consortia.states import Status
from portal.models import Notification
from tests.lifecycle.factories import lead_user

from . import factories

pytestmark = pytest.mark.django_db


def notifications():
    """What was sent besides the notice that the report is open (``test_campaign``'s subject)."""
    return Notification.objects.exclude(dedup_key__startswith="report-opened:")


DEADLINE = date(2026, 12, 31)


def remind(on: date) -> str:
    out = StringIO()
    call_command("send_report_reminders", "--date", on.isoformat(), stdout=out)
    return out.getvalue()


def reminders():
    return notifications().filter(dedup_key__startswith="report-reminder:")


def test_thirty_seven_and_one_day_before_the_deadline_each_lead_unit_user_is_reminded_once(report, demo_users):
    lead, colleague = demo_users["lead-a"], lead_user(demo_users["lead-a"].organisation, username="colleague")

    output = remind(DEADLINE - timedelta(days=30))

    assert "1 份年度报告距提交截止 30、7、1 天" in output and "新发送提醒 2 条" in output
    first = reminders().get(recipient=lead)
    assert first.subject == f"年度报告提交截止还有 30 天：{report.consortium.name}"
    assert "2026 年度报告须于 2026-12-31 前提交，还有 30 天" in first.body
    assert first.link == f"/annual-reports/reports/{report.pk}/"
    remind(DEADLINE - timedelta(days=7))
    remind(DEADLINE - timedelta(days=1))

    for user in (lead, colleague):
        keys = sorted(reminders().filter(recipient=user).values_list("dedup_key", flat=True))
        assert keys == sorted(f"report-reminder:{report.pk}:{days}:{user.pk}" for days in (30, 7, 1))
    # Nobody else: the district and the city are not reminded.
    assert set(notifications().values_list("recipient", flat=True)) == {lead.pk, colleague.pk}


def test_no_reminder_on_other_days(report):
    for days in (60, 31, 29, 8, 6, 2, 0, -1):
        remind(DEADLINE - timedelta(days=days))

    assert not notifications().exists()


def test_a_re_run_sends_nothing_more(report):
    day = DEADLINE - timedelta(days=7)
    remind(day)
    sent = set(notifications().values_list("pk", flat=True))

    output = remind(day)

    assert set(notifications().values_list("pk", flat=True)) == sent and len(sent) == 1
    assert "新发送提醒 0 条" in output


def test_no_reminder_once_submitted_nor_for_a_revoked_consortium(report, demo_users):
    remind(DEADLINE - timedelta(days=30))
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    remind(DEADLINE - timedelta(days=7))
    assert reminders().count() == 1

    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED)
    remind(DEADLINE - timedelta(days=7))
    assert reminders().count() == 2  # returned: to be submitted again

    report.consortium.status = Status.REVOKED
    report.consortium.save()
    remind(DEADLINE - timedelta(days=1))
    assert reminders().count() == 2


def test_the_thresholds_come_from_the_settings(report, settings):
    settings.REPORT_REMINDER_DAYS = [14]

    remind(DEADLINE - timedelta(days=30))
    assert not notifications().exists()
    remind(DEADLINE - timedelta(days=14))
    assert reminders().get().dedup_key.startswith(f"report-reminder:{report.pk}:14:")


def _queries_to_remind(*, lead, count: int, year: int) -> int:
    for _ in range(count):
        factories.consortium(lead=lead, start=date(year, 1, 1), end=date(year, 12, 31))
    campaign = factories.campaign(year=year)
    create_reports(campaign=campaign)
    with CaptureQueriesContext(connection) as queries:
        result = send_report_reminders(today=campaign.deadline - timedelta(days=7))
    assert (result.reports, result.notifications) == (count, count)
    return len(queries)


def test_the_number_of_queries_does_not_depend_on_how_many_reports_are_due(demo_users):
    lead = demo_users["lead-a"]

    for_ten = _queries_to_remind(lead=lead, count=10, year=2024)
    for_fifty = _queries_to_remind(lead=lead, count=50, year=2025)

    assert for_ten == for_fifty
