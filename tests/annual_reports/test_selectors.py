"""Who sees which reports, what they read of one, and a campaign's progress in one aggregate query."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from annual_reports.jobs import create_reports
from annual_reports.models import AnnualReport, ReportSection, ReportStatus
from annual_reports.selectors import campaign_progress, consortium_reports, report_as_seen, visible_reports
from annual_reports.services import save_report_section, submit_report
from portal.models import Authority

from . import factories
from .factories import YEAR, fill_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_districts(demo_users):
    """lead-a (江宁) has two consortia, lead-b (玄武) one; all report in the year."""
    a1 = factories.consortium(lead=demo_users["lead-a"])
    a2 = factories.consortium(lead=demo_users["lead-a"])
    b = factories.consortium(lead=demo_users["lead-b"])
    campaign = factories.campaign()
    create_reports(campaign=campaign)
    return campaign, a1, a2, b


def consortia_seen(user, campaign=None):
    return set(visible_reports(user, campaign=campaign).values_list("consortium_id", flat=True))


def test_each_sees_the_reports_of_the_consortia_it_sees(demo_users, two_districts):
    _, a1, a2, b = two_districts

    assert consortia_seen(demo_users["lead-a"]) == {a1.pk, a2.pk}
    assert consortia_seen(demo_users["lead-b"]) == {b.pk}
    assert consortia_seen(demo_users["jiangning"]) == {a1.pk, a2.pk}
    assert consortia_seen(demo_users["xuanwu"]) == {b.pk}
    assert consortia_seen(demo_users["city"]) == consortia_seen(demo_users["admin"]) == {a1.pk, a2.pk, b.pk}
    assert consortia_seen(AnonymousUser()) == set()
    other_year = factories.campaign(year=YEAR - 1)
    assert consortia_seen(demo_users["city"], campaign=other_year) == set()


def test_a_consortiums_reports_latest_year_first(demo_users):
    consortium = factories.consortium(lead=demo_users["lead-a"], start=date(2024, 1, 1))
    for year in (2024, 2026, 2025):
        create_reports(campaign=factories.campaign(year=year))

    years = [r.campaign.year for r in consortium_reports(demo_users["jiangning"], consortium)]

    assert years == [2026, 2025, 2024]
    assert list(consortium_reports(demo_users["lead-b"], consortium)) == []


def test_others_read_the_last_submission_never_the_lead_units_unsent_edits(demo_users, report):
    assert report_as_seen(demo_users["city"], report).content is None  # nothing submitted yet
    fill_in(report)
    submit_report(report_id=report.pk, actor=demo_users["lead-a"])
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED)

    def rewrite(r):
        r.plan_narrative = "尚未提交的修改"

    save_report_section(
        report_id=report.pk, actor=demo_users["lead-a"], section=ReportSection.PLAN, loaded_version=0, apply=rewrite
    )

    report.refresh_from_db()
    seen_by_city = report_as_seen(demo_users["city"], report)
    assert seen_by_city.submission.number == 1
    assert seen_by_city.content["narratives"]["plan"] == "下年度工作计划：本年度情况说明。"
    seen_by_lead = report_as_seen(demo_users["lead-a"], report)
    assert seen_by_lead.submission is None and seen_by_lead.content["narratives"]["plan"] == "尚未提交的修改"


def test_campaign_progress_by_status_and_by_district_in_one_query(demo_users, two_districts, django_assert_num_queries):
    campaign, a1, a2, _ = two_districts
    AnnualReport.objects.filter(consortium=a1).update(status=ReportStatus.SUBMITTED)
    AnnualReport.objects.filter(consortium=a2).update(overdue_since=date(YEAR + 1, 1, 1))

    with django_assert_num_queries(2):  # the campaign's version, then the count
        progress = campaign_progress(campaign, user=demo_users["city"])
    with django_assert_num_queries(1):  # nothing changed since: the version alone
        assert campaign_progress(campaign, user=demo_users["city"]) == progress

    assert progress.overall.total == 3 and progress.overall.overdue == 1
    assert progress.overall.by_status == {"to_fill": 2, "submitted": 1, "returned": 0, "accepted": 0}
    by_code = {authority.code: counts for authority, counts in progress.authorities}
    assert list(by_code) == ["320102", "320115"]  # in the order of the codes: 玄武, 江宁
    assert by_code["320115"].by_status["submitted"] == 1 and by_code["320115"].by_status["to_fill"] == 1
    assert by_code["320115"].overdue == 1
    assert by_code["320102"].total == 1 and by_code["320102"].overdue == 0
    jiangning = next(authority for authority, _ in progress.authorities if authority.code == "320115")
    assert jiangning.name == Authority.objects.get(code="320115").name

    # A district sees its own jurisdiction only.
    own = campaign_progress(campaign, user=demo_users["xuanwu"])
    assert own.overall.total == 1 and [a.code for a, _ in own.authorities] == ["320102"]
