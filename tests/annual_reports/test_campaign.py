"""Opening a year's campaign and making its reports (guideline §5.2): who reports, what is pre-filled, and that the
set-based job is idempotent and costs the same number of queries for ten consortia as for fifty."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annual_reports.jobs import create_reports, create_reports_for_open_campaigns
from annual_reports.models import AnnualReport, ReportCampaign, ReportFundingLine, ReportStatus, ReportTaskProgress
from annual_reports.services import open_campaign
from consortia.models import ResearchTask, TechnologyKind
from consortia.states import Status
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification
from tests.lifecycle.factories import organisation

from . import factories
from .factories import YEAR

pytestmark = pytest.mark.django_db


def reported(campaign) -> set[int]:
    return set(AnnualReport.objects.filter(campaign=campaign).values_list("consortium_id", flat=True))


def test_every_consortium_running_at_some_time_in_the_period_reports_and_no_other(demo_users):
    lead = demo_users["lead-a"]
    march_to_august = factories.consortium(lead=lead, start=date(YEAR, 3, 1), end=date(YEAR, 8, 31))
    march_to_august.status = Status.EXPIRED
    march_to_august.save()
    running = factories.consortium(lead=lead)
    ended_on_new_years_day = factories.consortium(lead=lead, end=date(YEAR, 1, 1), status=Status.EXPIRED)
    completed = factories.consortium(lead=lead, status=Status.COMPLETED)
    expired_the_year_before = factories.consortium(
        lead=lead, start=date(YEAR - 3, 1, 1), end=date(YEAR - 1, 12, 31), status=Status.EXPIRED
    )
    starts_next_year = factories.consortium(lead=lead, start=date(YEAR + 1, 1, 1), end=date(YEAR + 3, 12, 31))
    revoked = factories.consortium(lead=lead, status=Status.REVOKED)
    not_filed = factories.consortium(lead=lead, status=Status.CITY_REVIEW)
    not_filed.filing_number = None
    not_filed.save()
    campaign = factories.campaign()

    assert create_reports(campaign=campaign) == 4

    assert reported(campaign) == {march_to_august.pk, running.pk, ended_on_new_years_day.pk, completed.pk}
    assert not reported(campaign) & {expired_the_year_before.pk, starts_next_year.pk, revoked.pk, not_filed.pk}
    report = AnnualReport.objects.get(campaign=campaign, consortium=march_to_august)
    assert (report.status, report.overdue_since, report.section_versions) == (ReportStatus.TO_FILL, None, {})
    assert report.overall_narrative == "" and report.team_size is None
    # Each creation is in the audit trail, by the system.
    audited = AuditEvent.objects.filter(object_type="annual_reports.annualreport", username="system")
    assert set(audited.values_list("object_id", flat=True)) == {
        str(pk) for pk in AnnualReport.objects.values_list("pk", flat=True)
    }


def test_running_again_creates_no_duplicates_and_adds_one_approved_since(demo_users):
    lead = demo_users["lead-a"]
    first = factories.consortium(lead=lead, tasks=2)
    campaign = factories.campaign()
    create_reports(campaign=campaign)
    rows = (AnnualReport.objects.count(), ReportTaskProgress.objects.count(), AuditEvent.objects.count())

    assert create_reports(campaign=campaign) == 0
    assert (AnnualReport.objects.count(), ReportTaskProgress.objects.count(), AuditEvent.objects.count()) == rows

    approved_later = factories.consortium(lead=lead, start=date(YEAR, 11, 20), tasks=1)
    assert create_reports_for_open_campaigns(today=date(YEAR, 12, 1)) == 1
    assert reported(campaign) == {first.pk, approved_later.pk}
    assert ReportTaskProgress.objects.filter(report__consortium=approved_later).count() == 1
    assert AnnualReport.objects.count() == 2


def test_the_lead_units_users_are_told_once_and_one_approved_since_is_told_on_the_next_run(demo_users):
    lead, colleague = demo_users["lead-a"], demo_users["lead-b"]
    first = factories.consortium(lead=lead)
    campaign = factories.campaign()
    create_reports(campaign=campaign)
    report = AnnualReport.objects.get(consortium=first)

    def told():
        return Notification.objects.filter(dedup_key__startswith="report-opened:")

    (notice,) = told()
    assert (notice.recipient, notice.link) == (lead, f"/annual-reports/reports/{report.pk}/")
    assert "请填报 2026 年度报告" in notice.subject and "2026-12-31" in notice.body

    create_reports(campaign=campaign)
    assert told().count() == 1  # nobody told twice

    later = factories.consortium(lead=colleague, start=date(YEAR, 11, 20))
    create_reports_for_open_campaigns(today=date(YEAR, 12, 1))
    assert told().count() == 2
    assert told().filter(recipient=colleague, link__endswith=f"/{later.annual_reports.get().pk}/").exists()


def test_the_daily_run_leaves_a_campaign_alone_once_its_deadline_has_passed(demo_users):
    campaign = factories.campaign(deadline=date(YEAR, 12, 31))
    late = factories.consortium(lead=demo_users["lead-a"], start=date(YEAR, 12, 30))

    assert create_reports_for_open_campaigns(today=date(YEAR + 1, 1, 1)) == 0
    assert reported(campaign) == set()
    assert create_reports_for_open_campaigns(today=date(YEAR, 12, 31)) == 1
    assert reported(campaign) == {late.pk}


def test_funding_lines_are_pre_filled_from_that_years_plan(demo_users):
    lead = demo_users["lead-a"]
    member = organisation(kind="university")
    consortium = factories.consortium(lead=lead, members=[member])
    factories.plan(consortium, lead.organisation, YEAR, "300", government="50.5", financial="20")
    factories.plan(consortium, member, YEAR, "80")
    factories.plan(consortium, lead.organisation, YEAR - 1, "999")
    factories.plan(consortium, member, YEAR + 1, "777")

    create_reports(campaign=factories.campaign())

    lines = ReportFundingLine.objects.filter(report__consortium=consortium)
    assert {line.organisation_id: line.planned for line in lines} == {
        lead.organisation.pk: Decimal("370.50"),
        member.pk: Decimal("80.00"),
    }
    assert {(line.received, line.spent, line.explanation) for line in lines} == {(Decimal("0"), Decimal("0"), "")}


def test_tasks_get_a_progress_row_each_and_a_task_added_later_gets_one_on_the_next_run(demo_users):
    lead = demo_users["lead-a"]
    consortium = factories.consortium(lead=lead, tasks=2)
    factories.plan(consortium, lead.organisation, YEAR, "100")
    campaign = factories.campaign()
    create_reports(campaign=campaign)
    report = AnnualReport.objects.get()
    assert sorted(report.task_progress.values_list("task_id", flat=True)) == sorted(
        consortium.tasks.values_list("pk", flat=True)
    )
    assert set(report.task_progress.values_list("status", flat=True)) == {""}

    # The lead unit removes the pre-filled line (its plan changed); a new task joins the filing.
    report.funding_lines.all().delete()
    added = ResearchTask.objects.create(
        consortium=consortium, title="新增任务", kind=TechnologyKind.FRONTIER, objectives="前沿探索"
    )
    create_reports(campaign=campaign)

    assert not report.funding_lines.exists()  # pre-filling is for a new report only
    assert report.task_progress.filter(task=added).exists()


def test_a_submitted_report_gets_no_new_task_rows(demo_users):
    consortium = factories.consortium(lead=demo_users["lead-a"], tasks=1)
    campaign = factories.campaign()
    create_reports(campaign=campaign)
    AnnualReport.objects.update(status=ReportStatus.SUBMITTED)
    ResearchTask.objects.create(consortium=consortium, title="提交后新增", kind=TechnologyKind.FRONTIER, objectives="x")

    create_reports(campaign=campaign)

    assert ReportTaskProgress.objects.count() == 1


def _queries_to_create(*, lead, count: int, year: int) -> int:
    for _ in range(count):
        consortium = factories.consortium(lead=lead, start=date(year, 1, 1), end=date(year, 12, 31), tasks=2)
        factories.plan(consortium, lead.organisation, year, "10")
    campaign = factories.campaign(year=year)
    with CaptureQueriesContext(connection) as queries:
        assert create_reports(campaign=campaign) == count
    assert ReportFundingLine.objects.filter(report__campaign=campaign).count() == count
    assert ReportTaskProgress.objects.filter(report__campaign=campaign).count() == 2 * count
    return len(queries)


def test_the_number_of_queries_does_not_depend_on_how_many_consortia_report(demo_users):
    lead = demo_users["lead-a"]

    for_ten = _queries_to_create(lead=lead, count=10, year=2024)
    for_fifty = _queries_to_create(lead=lead, count=50, year=2025)

    assert for_ten == for_fifty


# --- open_campaign and its command -----------------------------------------------------------------------------


def test_city_staff_open_a_campaign_with_the_calendar_year_and_31_december_by_default(demo_users):
    running = factories.consortium(lead=demo_users["lead-a"])

    campaign = open_campaign(year=YEAR, actor=demo_users["city"], today=date(YEAR, 11, 15))

    campaign.refresh_from_db()
    assert (campaign.period_start, campaign.period_end, campaign.deadline) == (
        date(YEAR, 1, 1),
        date(YEAR, 12, 31),
        date(YEAR, 12, 31),
    )
    assert campaign.opened_by == demo_users["city"]
    assert reported(campaign) == {running.pk}
    event = AuditEvent.objects.get(object_type="annual_reports.reportcampaign")
    assert event.actor == demo_users["city"] and event.username == "city"
    assert event.changes == {"action": "open_campaign", "year": YEAR, "deadline": f"{YEAR}-12-31", "reports": 1}


@pytest.mark.parametrize("username", ["lead-a", "jiangning"])
def test_only_city_staff_open_a_campaign(demo_users, username):
    with pytest.raises(DomainError, match="只有市科技局"):
        open_campaign(year=YEAR, actor=demo_users[username], today=date(YEAR, 11, 15))
    assert not ReportCampaign.objects.exists()


def test_a_year_is_opened_once(demo_users):
    factories.consortium(lead=demo_users["lead-a"])
    open_campaign(year=YEAR, actor=demo_users["city"], today=date(YEAR, 11, 15))

    with pytest.raises(DomainError, match=f"{YEAR} 年度报告已经开启"):
        open_campaign(year=YEAR, deadline=date(YEAR + 1, 1, 15), actor=demo_users["city"], today=date(YEAR, 11, 16))

    assert ReportCampaign.objects.get().deadline == date(YEAR, 12, 31)
    assert AnnualReport.objects.count() == 1


@pytest.mark.parametrize(
    ("year", "deadline", "message"),
    [
        (YEAR + 1, None, "报告年度须在 2000 年至 2026 年之间"),
        (1999, None, "报告年度须在"),
        (YEAR, date(YEAR, 11, 14), "提交截止日期不能早于今天"),
    ],
)
def test_a_year_not_begun_or_a_deadline_already_passed_is_refused(demo_users, year, deadline, message):
    with pytest.raises(DomainError, match=message):
        open_campaign(year=year, deadline=deadline, actor=demo_users["city"], today=date(YEAR, 11, 15))
    assert not ReportCampaign.objects.exists()


def test_the_command_opens_the_campaign_as_the_system(demo_users):
    this_year = timezone.localdate().year
    factories.consortium(lead=demo_users["lead-a"], start=date(this_year, 1, 1), end=date(this_year + 2, 12, 31))
    out = StringIO()

    call_command("open_report_campaign", str(this_year), stdout=out)

    campaign = ReportCampaign.objects.get()
    assert campaign.opened_by is None and campaign.deadline == date(this_year, 12, 31)
    assert f"已开启 {this_year} 年度报告" in out.getvalue() and "已生成年度报告 1 份" in out.getvalue()
    event = AuditEvent.objects.get(object_type="annual_reports.reportcampaign")
    assert event.actor is None and event.username == "system"
    with pytest.raises(CommandError, match="已经开启"):
        call_command("open_report_campaign", str(this_year), "--deadline", f"{this_year}-12-31", stdout=StringIO())
