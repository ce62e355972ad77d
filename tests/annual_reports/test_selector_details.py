"""The read side in detail: what each of the seven contents still lacks, word for word; the latest of several
submissions and returns; lists read in one query; a campaign's progress by district with a lead unit that has none,
in the reader's language, and counted again once a report changes; the home page's report cards."""

from datetime import date

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation

from annual_reports.jobs import create_reports
from annual_reports.models import AnnualReport, ReportStatus
from annual_reports.selectors import (
    campaign_progress,
    consortium_reports,
    report_as_seen,
    report_checklist,
    report_comments,
    returned_because,
    visible_reports,
    work_panels,
)
from annual_reports.services import comment_on_report, return_report, submit_report
from consortia import changes
from consortia.selectors import SectionStatus
from portal.models import Authority
from portal.selectors import Panel
from tests.lifecycle.factories import lead_user, organisation, pdf_upload

from . import factories
from .factories import YEAR, fill_in

pytestmark = pytest.mark.django_db

MID_YEAR = date(YEAR, 6, 30)
TEXT = "文字说明"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"


def checklist(report) -> dict[str, tuple[str, ...]]:
    statuses = report_checklist(report)
    assert all(isinstance(status, SectionStatus) for status in statuses)
    return {status.section: (status.label, status.missing) for status in statuses}


def test_an_empty_report_lacks_each_text_and_each_structured_part_word_for_word(demo_users):
    lead = demo_users["lead-a"]
    member = organisation(kind="university", name="南京某大学")
    consortium = factories.consortium(lead=lead, members=[member], tasks=2)
    factories.plan(consortium, lead.organisation, YEAR, "100")
    changes.record_member_left(
        consortium_id=consortium.pk,
        actor=lead,
        membership_id=consortium.memberships.get(organisation=member).pk,
        effective_on=MID_YEAR,
        explanation="该校因研究方向调整退出。",
        agreement=pdf_upload("退出补充协议.pdf"),
    )
    create_reports(campaign=factories.campaign())
    report = AnnualReport.objects.get(consortium=consortium)

    assert checklist(report) == {
        "overall": ("建设总体情况", (TEXT, "变更事项“参与单位退出（南京某大学），2026-06-30”的说明")),
        "partners": ("合作单位和开展研发项目进展情况", (TEXT,)),
        "team": ("运营团队的建设情况", (TEXT, "运营团队人数")),
        "funding": ("资金投入使用和收益分配情况", (TEXT,)),
        "tasks": ("攻关项目整体进展情况", (TEXT, "攻关任务“攻关任务1”的进展状态", "攻关任务“攻关任务2”的进展状态")),
        "talent": (
            "人才培养情况",
            (TEXT, "引进人才（人）", "培养人才（人）", "其中高层次人才（人）", "其中青年人才（人）"),
        ),
        "plan": ("下年度工作计划", (TEXT,)),
    }
    assert list(checklist(report)) == ["overall", "partners", "team", "funding", "tasks", "talent", "plan"]


def test_a_filled_in_report_lacks_nothing_until_its_funding_lines_are_gone(report):
    fill_in(report)
    assert {section: missing for section, (_, missing) in checklist(report).items()} == dict.fromkeys(
        ["overall", "partners", "team", "funding", "tasks", "talent", "plan"], ()
    )

    report.funding_lines.all().delete()
    assert checklist(report)["funding"] == ("资金投入使用和收益分配情况", ("至少一条经费到位与使用情况",))

    report.team_size, report.talent_young = None, None
    missing = checklist(report)
    assert (missing["team"][1], missing["talent"][1]) == (("运营团队人数",), ("其中青年人才（人）",))


def submit_and_return(report, demo_users, reason: str) -> None:
    submit_report(report_id=report.pk, actor=demo_users["lead-a"])
    return_report(report_id=report.pk, actor=demo_users["city"], reason=reason)


def test_the_reason_shown_is_the_latest_return_while_the_report_is_returned(report, demo_users):
    fill_in(report)
    assert returned_because(report) == ""

    submit_and_return(report, demo_users, "请补充经费明细。")
    submit_and_return(report, demo_users, "请补充下年度计划。")

    report.refresh_from_db()
    assert returned_because(report) == "请补充下年度计划。"
    seen = report_as_seen(demo_users["city"], report)
    assert (seen.submission.number, seen.content) == (2, seen.submission.content)
    assert seen.submission == report.submissions.get(number=2)

    submit_report(report_id=report.pk, actor=demo_users["lead-a"])
    report.refresh_from_db()
    assert returned_because(report) == ""


def test_a_report_marked_returned_without_a_return_shows_no_reason(report):
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED)
    report.refresh_from_db()

    assert returned_because(report) == ""


def test_the_lists_are_read_in_one_query(report, demo_users, django_assert_num_queries):
    fill_in(report)
    submit_report(report_id=report.pk, actor=demo_users["lead-a"])
    comment_on_report(report_id=report.pk, actor=demo_users["jiangning"], text="本区已核实。")
    comment_on_report(report_id=report.pk, actor=demo_users["city"], text="已阅。")
    city = demo_users["city"]

    with django_assert_num_queries(1):
        seen = [
            (r.campaign.year, r.consortium.name, r.consortium.lead_organisation.name) for r in visible_reports(city)
        ]
    assert seen == [(YEAR, report.consortium.name, "南京示范半导体科技有限公司")]
    with django_assert_num_queries(1):
        assert [r.campaign.year for r in consortium_reports(city, report.consortium)] == [YEAR]
    with django_assert_num_queries(1):
        remarks = [(c.author.username, c.text) for c in report_comments(city, report)]
    assert remarks == [("jiangning", "本区已核实。"), ("city", "已阅。")]
    assert list(report_comments(demo_users["admin"], report).values_list("text", flat=True)) == [
        "本区已核实。",
        "已阅。",
    ]


@pytest.fixture
def three_districts_and_none(demo_users):
    """Reports led from 玄武 (one), 江宁 (two, both overdue), 江北 (one, overdue) and by a unit without a district."""
    nowhere = lead_user(organisation(name="无属地测试单位"))
    leads = [demo_users["lead-b"], demo_users["lead-a"], demo_users["lead-a"], demo_users["lead-c"], nowhere]
    built = [factories.consortium(lead=lead) for lead in leads]
    campaign = factories.campaign()
    create_reports(campaign=campaign)
    AnnualReport.objects.filter(consortium__in=built[1:4]).update(overdue_since=date(YEAR + 1, 1, 1))
    AnnualReport.objects.filter(consortium=built[2]).update(status=ReportStatus.SUBMITTED)
    return campaign


def test_progress_by_district_in_code_order_with_the_unit_without_a_district_last(demo_users, three_districts_and_none):
    progress = campaign_progress(three_districts_and_none, user=demo_users["city"])

    assert (progress.overall.total, progress.overall.overdue) == (5, 3)
    assert progress.overall.by_status == {"to_fill": 4, "submitted": 1, "returned": 0, "accepted": 0}
    codes = sorted(Authority.objects.filter(code__in=["320102", "320115", "JBXQ"]).values_list("code", flat=True))
    assert [authority.code if authority else None for authority, _ in progress.authorities] == [*codes, None]
    assert progress.authorities[-1][0] is None  # no district: no authority, not an empty one
    by_code = {authority.code if authority else None: counts for authority, counts in progress.authorities}
    assert {code: (counts.by_status, counts.overdue) for code, counts in by_code.items()} == {
        "320102": ({"to_fill": 1, "submitted": 0, "returned": 0, "accepted": 0}, 0),
        "320115": ({"to_fill": 1, "submitted": 1, "returned": 0, "accepted": 0}, 2),
        "JBXQ": ({"to_fill": 1, "submitted": 0, "returned": 0, "accepted": 0}, 1),
        None: ({"to_fill": 1, "submitted": 0, "returned": 0, "accepted": 0}, 0),
    }
    for authority, _ in progress.authorities[:3]:
        saved = Authority.objects.get(code=authority.code)
        assert (authority.pk, authority.name_zh, authority.name_en) == (saved.pk, saved.name_zh, saved.name_en)


def test_progress_names_the_districts_in_the_readers_language(demo_users, three_districts_and_none):
    with translation.override("en"):
        progress = campaign_progress(three_districts_and_none, user=demo_users["jiangning"])
        (jiangning, counts), *others = progress.authorities
        assert jiangning.name == Authority.objects.get(code="320115").name_en != jiangning.name_zh
    assert others == [] and counts.total == 2


def test_progress_is_counted_again_once_a_report_changes(demo_users, three_districts_and_none):
    city = demo_users["city"]
    before = campaign_progress(three_districts_and_none, user=city)

    AnnualReport.objects.filter(campaign=three_districts_and_none, status=ReportStatus.SUBMITTED).update(
        status=ReportStatus.ACCEPTED, updated_at=timezone.now()
    )
    after = campaign_progress(three_districts_and_none, user=city)

    assert (before.overall.by_status["submitted"], before.overall.by_status["accepted"]) == (1, 0)
    assert (after.overall.by_status["submitted"], after.overall.by_status["accepted"]) == (0, 1)


def test_progress_is_counted_again_once_a_report_is_gone_though_the_last_change_is_the_same(
    demo_users, three_districts_and_none
):
    """The figures are kept under the number of reports as well as their last change: a report deleted in the
    database (the portal deletes none) is not counted on."""
    city = demo_users["city"]
    before = campaign_progress(three_districts_and_none, user=city)
    reports = AnnualReport.objects.filter(campaign=three_districts_and_none)
    last_change = reports.aggregate(last=Max("updated_at"))["last"]

    reports.order_by("updated_at", "pk").first().delete()
    after = campaign_progress(three_districts_and_none, user=city)

    assert reports.aggregate(last=Max("updated_at"))["last"] == last_change
    assert (before.overall.total, after.overall.total) == (5, 4)


def test_the_report_cards_say_what_waits_and_where_to_go(report, demo_users):
    assert work_panels(demo_users["lead-a"]) == [
        Panel(
            title="待填报或修改的年度报告",
            count=1,
            empty_text="没有待填报的年度报告。",
            link=reverse("annual_reports:mine"),
            link_text="填报年度报告",
        )
    ]
    assert work_panels(demo_users["city"]) == [
        Panel(
            title="待审核的年度报告",
            count=0,
            empty_text="暂无待审核的年度报告。",
            link=reverse("annual_reports:campaigns"),
            link_text="查看年度报告",
        )
    ]
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    assert [panel.count for panel in work_panels(demo_users["city"])] == [1]
    assert [panel.count for panel in work_panels(demo_users["lead-a"])] == [0]
    for username in ("jiangning", "admin"):
        assert work_panels(demo_users[username]) == []
