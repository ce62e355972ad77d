"""The services' refusals word for word and at their fields, the edges of the years and dates a campaign may be opened
with, what each save and comment leaves in the audit trail, a stale click refused, what the city may decide on a
report, and the notices of a submission and of a decision exactly as they are read."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from annual_reports.models import AnnualReport, ReportCampaign, ReportComment, ReportSection, ReportStatus
from annual_reports.services import (
    accept_report,
    comment_on_report,
    open_campaign,
    return_report,
    save_report_section,
    submit_report,
)
from annual_reports.workflow import report_decisions
from consortia.services import StaleSection
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification
from tests.lifecycle.factories import lead_user

from .factories import YEAR, fill_in

pytestmark = pytest.mark.django_db

TODAY = date(YEAR, 11, 15)


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


# --- Opening a campaign ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "deadline", "message", "field"),
    [
        (YEAR + 1, None, f"报告年度须在 2000 年至 {YEAR} 年之间。", "year"),
        (1999, date(YEAR, 12, 31), f"报告年度须在 2000 年至 {YEAR} 年之间。", "year"),
        (YEAR, TODAY - timedelta(days=1), "提交截止日期不能早于今天。", "deadline"),
    ],
)
def test_a_campaign_out_of_range_is_refused_word_for_word_at_its_field(demo_users, year, deadline, message, field):
    error = refused(open_campaign, year=year, deadline=deadline, actor=demo_users["city"], today=TODAY)

    assert (error.message, error.field) == (message, field)
    assert not ReportCampaign.objects.exists()


def test_only_city_staff_open_a_campaign_word_for_word(demo_users):
    error = refused(open_campaign, year=YEAR, actor=demo_users["jiangning"], today=TODAY)

    assert (error.message, error.field) == ("只有市科技局可以开启年度报告。", None)


def test_a_year_opened_twice_is_refused_word_for_word(demo_users):
    open_campaign(year=YEAR, actor=demo_users["city"], today=TODAY)

    error = refused(open_campaign, year=YEAR, actor=demo_users["city"], today=TODAY)

    assert (error.message, error.field) == (f"{YEAR} 年度报告已经开启，不能重复开启。", "year")


def test_the_first_year_and_a_deadline_of_today_are_accepted_on_the_day_given(demo_users):
    """2000 is the first year a campaign may be for; the deadline may be the day it is opened. ``today`` is the day
    the caller names, not the clock's."""
    opened_2000 = open_campaign(year=2000, deadline=date(2000, 6, 1), actor=demo_users["city"], today=date(2000, 6, 1))
    this_year = open_campaign(year=YEAR, deadline=TODAY, actor=demo_users["city"], today=TODAY)

    assert [(c.year, c.period_start, c.period_end, c.deadline) for c in (opened_2000, this_year)] == [
        (2000, date(2000, 1, 1), date(2000, 12, 31), date(2000, 6, 1)),
        (YEAR, date(YEAR, 1, 1), date(YEAR, 12, 31), TODAY),
    ]


# --- Saving a section -----------------------------------------------------------------------------------------------


def save(report, actor, *, version: int, team_size: int):
    def apply(live):
        live.team_size = team_size

    return save_report_section(
        report_id=report.pk, actor=actor, section=ReportSection.TEAM, loaded_version=version, apply=apply
    )


def test_a_save_records_who_and_when_and_is_audited_exactly(report, demo_users):
    lead = demo_users["lead-a"]
    before = timezone.now()

    save(report, lead, version=0, team_size=8)

    report.refresh_from_db()
    entry = report.section_versions["team"]
    assert (entry["version"], entry["by"]) == (1, str(lead))
    assert before <= parse_datetime(entry["at"]) <= timezone.now()
    event = AuditEvent.objects.get(actor=lead)
    assert (event.event_type, event.object_type, event.object_id, event.changes) == (
        AuditEvent.Type.RECORD_CHANGED,
        "annual_reports.annualreport",
        str(report.pk),
        {"action": "save_report_section", "section": "team", "version": 1},
    )


def test_a_stale_save_says_who_saved_the_section_and_when(report, demo_users):
    colleague = lead_user(demo_users["lead-a"].organisation, username="colleague")
    save(report, colleague, version=0, team_size=8)
    report.refresh_from_db()
    saved_at = timezone.localtime(parse_datetime(report.section_versions["team"]["at"]))

    with pytest.raises(StaleSection) as stale:
        save(report, demo_users["lead-a"], version=0, team_size=9)

    assert stale.value.message == (
        f"保存未成功：在您打开本页之后，{colleague} 于 {saved_at:%Y-%m-%d %H:%M} 保存了“运营团队的建设情况”。"
        "为避免覆盖他人的修改，您的内容未保存。请核对下方对方保存的内容，确认后再次保存。"
    )
    assert (stale.value.section, stale.value.version) == ("team", 1)


# --- Comments -------------------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(report, demo_users):
    fill_in(report)
    submit_report(report_id=report.pk, actor=demo_users["lead-a"])
    report.refresh_from_db()
    return report


def test_an_empty_comment_is_refused_at_its_field(submitted, demo_users):
    error = refused(comment_on_report, report_id=submitted.pk, actor=demo_users["jiangning"], text=" \n ")

    assert (error.message, error.field) == ("请填写意见。", "text")
    assert not ReportComment.objects.exists()


def test_a_comment_is_audited_with_its_id(submitted, demo_users):
    comment = comment_on_report(report_id=submitted.pk, actor=demo_users["jiangning"], text="已核实。")

    event = AuditEvent.objects.get(changes__action="comment")
    assert (event.event_type, event.actor, event.object_type, event.object_id, event.changes) == (
        AuditEvent.Type.RECORD_CHANGED,
        demo_users["jiangning"],
        "annual_reports.annualreport",
        str(submitted.pk),
        {"action": "comment", "comment": comment.pk},
    )
    assert (comment.report, comment.author, comment.text) == (submitted, demo_users["jiangning"], "已核实。")


def test_a_districts_comment_costs_no_more_queries_than_the_citys(submitted, demo_users):
    """The district's check reads the lead unit's jurisdiction from the report's row, not by more queries."""
    counts = []
    for username in ("city", "jiangning"):
        with CaptureQueriesContext(connection) as queries:
            comment_on_report(report_id=submitted.pk, actor=demo_users[username], text="意见")
        counts.append(len(queries))

    assert counts[0] == counts[1]


# --- The city's decisions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("decide", [accept_report, return_report])
def test_a_decision_on_a_report_that_moved_since_the_page_was_shown_is_refused(submitted, demo_users, decide):
    error = refused(
        decide,
        report_id=submitted.pk,
        actor=demo_users["city"],
        reason="理由",
        expected_status=ReportStatus.RETURNED,
    )

    assert error.message == "该年度报告的状态已变为“已提交”，可能已有他人先行办理。请刷新页面后查看。"
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def test_the_city_may_accept_or_return_a_submitted_report_and_nobody_decides_otherwise(report, demo_users):
    def offered(username, status):
        AnnualReport.objects.filter(pk=report.pk).update(status=status)
        report.refresh_from_db()
        return [t.action for t in report_decisions(demo_users[username], report)]

    assert offered("city", ReportStatus.SUBMITTED) == ["accept", "return"]
    for status in (ReportStatus.TO_FILL, ReportStatus.RETURNED, ReportStatus.ACCEPTED):
        assert offered("city", status) == []
    for username in ("lead-a", "jiangning", "admin"):
        for status in ReportStatus.values:
            assert offered(username, status) == []


def test_a_submission_is_announced_as_the_reviewers_work_until_the_city_decides(report, demo_users):
    """Each submission tells the district and the city which submission it is; the city's decision finishes that
    work for everyone it was sent to."""
    lead, city = demo_users["lead-a"], demo_users["city"]
    name = report.consortium.name
    fill_in(report)
    Notification.objects.all().delete()

    def announced(number):
        body = f"南京示范半导体科技有限公司 提交了“{name}”的 {YEAR} 年度报告（第 {number} 次提交），请登录平台查阅。"
        return [
            (
                username,
                f"年度报告已提交：{name}",
                body,
                f"/annual-reports/reports/{report.pk}/",
                f"report:submitted:{report.pk}",
            )
            for username in ("city", "jiangning")
        ]

    def told():
        return list(
            Notification.objects.filter(work_key__isnull=False, done_at__isnull=True)
            .order_by("recipient__username")
            .values_list("recipient__username", "subject", "body", "link", "work_key")
        )

    submit_report(report_id=report.pk, actor=lead)
    assert told() == announced(1)

    return_report(report_id=report.pk, actor=city, reason="请补充。")
    assert told() == []
    submit_report(report_id=report.pk, actor=lead)
    assert told() == announced(2)

    accept_report(report_id=report.pk, actor=city)
    assert told() == []
    assert Notification.objects.filter(work_key=f"report:submitted:{report.pk}", done_at__isnull=False).count() == 4


@pytest.mark.parametrize(
    ("decide", "reason", "decision", "says"),
    [
        (accept_report, "", "通过", ""),
        (accept_report, "材料完整", "通过", "意见：材料完整"),
        (return_report, "请补充经费明细", "退回修改", "意见：请补充经费明细"),
    ],
)
def test_the_lead_unit_is_told_the_decision_and_its_reason_word_for_word(
    submitted, demo_users, decide, reason, decision, says
):
    Notification.objects.all().delete()
    name = submitted.consortium.name

    decide(report_id=submitted.pk, actor=demo_users["city"], reason=reason)

    (told,) = Notification.objects.all()
    assert (told.recipient, told.subject, told.body, told.link) == (
        demo_users["lead-a"],
        f"年度报告{decision}：{name}",
        f"市科技局对“{name}”的 {YEAR} 年度报告的处理结果：{decision}。{says}",
        f"/annual-reports/reports/{submitted.pk}/",
    )
