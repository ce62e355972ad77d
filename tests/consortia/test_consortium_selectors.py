"""The filing's read side (consortia.selectors), read back exactly: what each section of the editor still lacks, the
funding plan's sums, the filing as each user sees it, the remarks of an open return, the home page's panels, and the
history of a filed consortium's members and changes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from consortia.models import (
    ChangeDocument,
    ChangeRecord,
    Consortium,
    Document,
    FundingLine,
    LeadUnit,
    Membership,
    Submission,
)
from consortia.selectors import (
    changes_in_period,
    consortium_changes,
    filing_as_seen,
    funding_totals,
    lists_technology_kind,
    membership_history,
    open_remarks,
    remark_answers,
    section_checklist,
    work_panels,
)
from consortia.services import submit_filing
from consortia.snapshots import filing_details, filing_document, load_filing
from consortia.states import Status
from portal.models import PlatformCategory
from reviews.services import review_filing
from tests.factories import complete_filing, make_pdf, organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def lead(demo_users):
    return demo_users["lead-a"]


@pytest.fixture
def draft(lead):
    return complete_filing(lead_user=lead)


def missing(consortium) -> dict[str, tuple[str, ...]]:
    return {status.section: status.missing for status in section_checklist(load_filing(consortium.pk))}


# --- The checklist -----------------------------------------------------------------------------------------------


def test_a_complete_filing_lacks_nothing_in_editor_order(draft):
    checklist = section_checklist(load_filing(draft.pk))

    assert [(s.section, s.label, s.missing, s.complete) for s in checklist] == [
        ("basic", "基本信息", (), True),
        ("lead", "牵头单位", (), True),
        ("members", "参与单位", (), True),
        ("governance", "组织架构与运行机制", (), True),
        ("tasks", "攻关任务", (), True),
        ("funding", "经费计划", (), True),
        ("documents", "附件材料", (), True),
    ]


def test_an_empty_draft_says_what_each_section_lacks(lead):
    consortium = Consortium.objects.create(name="  ", lead_organisation=lead.organisation, created_by=lead)

    checklist = section_checklist(load_filing(consortium.pk))

    assert [(s.section, s.missing, s.complete) for s in checklist] == [
        (
            "basic",
            (
                "联合体名称",
                "产业领域",
                "攻关技术类型",
                "联合体简介",
                "建设目标",
                "计划建设开始日期",
                "计划建设结束日期",
            ),
            False,
        ),
        ("lead", ("单位负责人", "上年度销售收入", "上年度研发投入"), False),
        ("members", ("至少一家参与单位",), False),
        ("governance", ("请确认组织架构与运行机制（可注明暂未设立）",), False),
        ("tasks", ("至少一项攻关任务",), False),
        ("funding", ("至少一条经费计划",), False),
        ("documents", ("组建协议（PDF）", "组建协议签署日期"), False),
    ]


def test_blank_text_counts_as_missing_and_each_fact_is_checked_on_its_own(draft):
    Consortium.objects.filter(pk=draft.pk).update(summary="   ", goals=" \n", planned_end=None)
    LeadUnit.objects.filter(consortium=draft).update(head="  ", rd_expense_prev_year=None)

    assert missing(draft)["basic"] == ("联合体简介", "建设目标", "计划建设结束日期")
    assert missing(draft)["lead"] == ("单位负责人", "上年度研发投入")
    LeadUnit.objects.filter(consortium=draft).update(head="王敏", revenue_prev_year=None, rd_expense_prev_year=0)
    assert missing(draft)["lead"] == ("上年度销售收入",)


def test_a_platform_lead_unit_owes_its_level_and_category_not_its_accounts(draft, lead):
    lead.organisation.kind = "platform"
    lead.organisation.save()
    LeadUnit.objects.filter(consortium=draft).update(revenue_prev_year=None, rd_expense_prev_year=None)

    assert missing(draft)["lead"] == ("平台级别", "平台类别")
    LeadUnit.objects.filter(consortium=draft).update(platform_level="provincial")
    assert missing(draft)["lead"] == ("平台类别",)
    LeadUnit.objects.filter(consortium=draft).update(
        platform_level="", platform_category=PlatformCategory.objects.first()
    )
    assert missing(draft)["lead"] == ("平台级别",)


def test_a_university_lead_unit_owes_only_its_head(draft, lead):
    lead.organisation.kind = "university"
    lead.organisation.save()
    LeadUnit.objects.filter(consortium=draft).update(revenue_prev_year=None, rd_expense_prev_year=None)

    assert missing(draft)["lead"] == ()


def test_members_who_left_tasks_funding_documents_and_the_signing_day(draft):
    Membership.objects.filter(consortium=draft).update(left_on=date(2026, 1, 1))
    draft.tasks.all().delete()
    draft.funding_lines.all().delete()
    Document.objects.filter(consortium=draft).update(kind=Document.Kind.OTHER)
    Consortium.objects.filter(pk=draft.pk).update(agreement_signed_on=None, section_versions={})

    lacking = missing(draft)

    assert lacking["members"] == ("至少一家参与单位",)
    assert lacking["governance"] == ("请确认组织架构与运行机制（可注明暂未设立）",)
    assert lacking["tasks"] == ("至少一项攻关任务",)
    assert lacking["funding"] == ("至少一条经费计划",)
    assert lacking["documents"] == ("组建协议（PDF）", "组建协议签署日期")


def test_the_agreement_alone_completes_the_documents_with_its_signing_day(draft):
    Document.objects.filter(consortium=draft).delete()
    assert missing(draft)["documents"] == ("组建协议（PDF）",)


# --- The funding plan's sums -------------------------------------------------------------------------------------


def test_the_funding_plan_is_summed_per_year_per_unit_and_overall(draft, lead):
    member = draft.memberships.select_related("organisation").order_by("pk").first().organisation
    FundingLine.objects.filter(consortium=draft).delete()
    FundingLine.objects.create(
        consortium=draft, organisation=lead.organisation, year=2027, self_raised=100, government=20, financial=5
    )
    FundingLine.objects.create(consortium=draft, organisation=lead.organisation, year=2026, self_raised="10.50")
    FundingLine.objects.create(consortium=draft, organisation=member, year=2026, government=30, financial="1.25")
    other = complete_filing(lead_user=lead, name="另一个联合体", seed=4000)  # its lines are not summed here

    totals = funding_totals(draft)

    def plain(rows):
        return [{key: value for key, value in row.items() if key != "organisation"} for row in rows]

    assert plain(totals.by_year) == [
        {
            "label": 2026,
            "self_raised": Decimal("10.50"),
            "government": Decimal("30"),
            "financial": Decimal("1.25"),
            "total": Decimal("41.75"),
        },
        {
            "label": 2027,
            "self_raised": Decimal("100"),
            "government": Decimal("20"),
            "financial": Decimal("5"),
            "total": Decimal("125"),
        },
    ]
    assert sorted(plain(totals.by_unit), key=lambda row: row["label"]) == sorted(
        [
            {
                "label": lead.organisation.name,
                "self_raised": Decimal("110.50"),
                "government": Decimal("20"),
                "financial": Decimal("5"),
                "total": Decimal("135.50"),
            },
            {
                "label": member.name,
                "self_raised": Decimal("0"),
                "government": Decimal("30"),
                "financial": Decimal("1.25"),
                "total": Decimal("31.25"),
            },
        ],
        key=lambda row: row["label"],
    )
    assert [row["organisation"] for row in totals.by_unit] == sorted([lead.organisation_id, member.pk])
    assert totals.overall == {
        "label": "合计",
        "self_raised": Decimal("110.50"),
        "government": Decimal("50"),
        "financial": Decimal("6.25"),
        "total": Decimal("166.75"),
    }
    assert funding_totals(other).overall["total"] == Decimal("100")


def test_a_plan_with_no_line_has_no_sums(draft):
    FundingLine.objects.filter(consortium=draft).delete()

    totals = funding_totals(draft)

    assert (totals.by_year, totals.by_unit, totals.overall) == ([], [], None)


# --- The filing as each user sees it -----------------------------------------------------------------------------


def test_the_lead_unit_sees_its_live_filing_and_everyone_else_the_latest_submission(draft, lead, demo_users):
    submit_filing(consortium_id=draft.pk, actor=lead)
    first = Submission.objects.get(consortium=draft)
    latest = Submission.objects.create(
        consortium=draft,
        number=2,
        submitted_by=lead,
        document={"name": "第二次"},
        details={"goals": "二"},
        eligibility={},
    )
    Consortium.objects.filter(pk=draft.pk).update(name="提交后改的名字")
    loaded = load_filing(draft.pk)

    own = filing_as_seen(lead, loaded)
    officer = filing_as_seen(demo_users["jiangning"], loaded)

    assert own.submission is None
    assert own.document == filing_document(loaded) and own.document["name"] == "提交后改的名字"
    assert own.details == filing_details(loaded)
    assert (officer.submission, officer.document, officer.details) == (latest, {"name": "第二次"}, {"goals": "二"})
    assert filing_as_seen(demo_users["city"], loaded).submission == latest != first


def test_a_reviewer_of_a_filing_never_submitted_sees_the_live_filing(draft, demo_users):
    loaded = load_filing(draft.pk)

    seen = filing_as_seen(demo_users["admin"], loaded)

    assert (seen.submission, seen.document) == (None, filing_document(loaded))


# --- The remarks of an open return -------------------------------------------------------------------------------


def decide(user, consortium, decision, **section_comments):
    consortium.refresh_from_db()
    return review_filing(
        consortium_id=consortium.pk,
        actor=user,
        decision=decision,
        comment="请修改。" if decision in ("return", "not_recommend") else "",
        section_comments=section_comments,
        expected_status=consortium.status,
    )


@pytest.fixture
def returned(draft, lead, demo_users):
    submit_filing(consortium_id=draft.pk, actor=lead)
    decide(demo_users["jiangning"], draft, "return", funding="补充经费。", tasks="量化指标。", basic="")
    return draft


def test_an_open_return_gives_its_remarks_in_editor_order(returned):
    remarks = open_remarks(Consortium.objects.get(pk=returned.pk))

    assert list(remarks.items()) == [("tasks", "量化指标。"), ("funding", "补充经费。")]


def test_the_remarks_say_which_sections_changed_since_the_return(returned):
    Consortium.objects.filter(pk=returned.pk).update(goals="改过的建设目标。")
    FundingLine.objects.filter(consortium=returned).update(self_raised=999)

    answers = remark_answers(load_filing(returned.pk))

    assert [(a.section, a.label, a.remark, a.changed) for a in answers] == [
        ("tasks", "攻关任务", "量化指标。", False),
        ("funding", "经费计划", "补充经费。", True),
    ]


def test_a_resubmission_answers_the_return(returned, lead):
    submit_filing(consortium_id=returned.pk, actor=lead)
    consortium = Consortium.objects.get(pk=returned.pk)
    Consortium.objects.filter(pk=returned.pk).update(status=Status.RETURNED)  # as if returned without a new opinion

    assert open_remarks(Consortium.objects.get(pk=returned.pk)) == {}
    assert remark_answers(load_filing(consortium.pk)) == []


def test_remarks_count_only_while_the_filing_is_returned(returned):
    Consortium.objects.filter(pk=returned.pk).update(status=Status.DRAFT)
    assert open_remarks(Consortium.objects.get(pk=returned.pk)) == {}


def test_a_later_decision_that_is_not_a_return_closes_the_remarks(draft, lead, demo_users):
    submit_filing(consortium_id=draft.pk, actor=lead)
    decide(demo_users["jiangning"], draft, "recommend", funding="推荐时的意见。")
    Consortium.objects.filter(pk=draft.pk).update(status=Status.RETURNED)

    assert open_remarks(Consortium.objects.get(pk=draft.pk)) == {}


def test_a_return_without_remarks_has_no_answers(draft, lead, demo_users):
    submit_filing(consortium_id=draft.pk, actor=lead)
    decide(demo_users["jiangning"], draft, "return")

    assert open_remarks(Consortium.objects.get(pk=draft.pk)) == {}
    assert remark_answers(load_filing(draft.pk)) == []


# --- Technology kinds --------------------------------------------------------------------------------------------


def test_a_technology_kind_finds_the_consortia_that_list_it(draft, lead):
    other = complete_filing(lead_user=lead, name="前沿联合体", seed=5000)
    Consortium.objects.filter(pk=other.pk).update(technology_kinds=["frontier"])

    def listing(kind):
        return set(Consortium.objects.filter(lists_technology_kind(kind)).values_list("pk", flat=True))

    assert listing("frontier") == {draft.pk, other.pk}
    assert listing("choke-point") == {draft.pk}
    assert listing("choke") == set()


# --- The home page's panels --------------------------------------------------------------------------------------


def panels(user):
    return [(p.title, p.count, p.empty_text, p.link, p.link_text) for p in work_panels(user)]


def test_each_role_has_its_panels_with_its_counts(demo_users, lead):
    drafts = [complete_filing(lead_user=lead, name=f"草稿{n}", seed=6000 + 10 * n) for n in range(5)]
    moved = {0: Status.RETURNED, 1: Status.DISTRICT_REVIEW, 2: Status.CITY_REVIEW, 3: Status.CITY_REVIEW}
    for index, status in moved.items():
        Consortium.objects.filter(pk=drafts[index].pk).update(status=status, submitted_at=timezone.now())

    assert panels(lead) == [
        ("本单位的创新联合体备案", 5, "本单位尚无创新联合体备案。", "/filings/", "查看或新建备案"),
        ("待填写或修改的备案", 2, "没有待填写或修改的备案。", "/filings/", "继续填写"),
        ("审核中的备案", 3, "没有审核中的备案。", "/filings/", "查看备案"),
    ]
    assert panels(demo_users["jiangning"]) == [
        ("待初审的备案申请", 1, "辖区内暂无待初审的备案申请。", "/reviews/", "进入初审队列")
    ]
    assert panels(demo_users["xuanwu"])[0][1] == 0
    assert panels(demo_users["city"]) == [
        ("待审核备案的申请", 2, "暂无待市科技局审核的备案申请。", "/reviews/", "进入审核队列")
    ]
    assert panels(demo_users["admin"]) == []


# --- A filed consortium's history --------------------------------------------------------------------------------


def filed(draft, on=date(2026, 1, 10)):
    Consortium.objects.filter(pk=draft.pk).update(status=Status.ACTIVE, filed_on=on, submitted_at=timezone.now())
    return Consortium.objects.get(pk=draft.pk)


def test_the_members_history_keeps_who_belonged_to_the_filed_consortium_in_joining_order(
    draft, django_assert_num_queries
):
    """Members of the filing (no joining day) first, then in the order they joined; names read with the rows."""
    consortium = filed(draft)
    original = list(consortium.memberships.order_by("pk"))
    joined_later = Membership.objects.create(
        consortium=consortium, organisation=organisation(7001), joined_on=date(2026, 3, 1)
    )
    joined_first = Membership.objects.create(
        consortium=consortium, organisation=organisation(7002), joined_on=date(2026, 2, 1)
    )
    left_before_filing = Membership.objects.create(
        consortium=consortium, organisation=organisation(7003), left_on=date(2026, 1, 9)
    )
    left_on_filing_day = Membership.objects.create(
        consortium=consortium, organisation=organisation(7004), left_on=date(2026, 1, 10)
    )

    # A row written again moves in PostgreSQL's heap: the order must not depend on where rows lie.
    Membership.objects.filter(pk=original[0].pk).update(role="负责材料研究与测试。")

    with django_assert_num_queries(1):
        history = [(m, m.organisation.name) for m in membership_history(consortium)]

    assert [m for m, _ in history] == [*original, left_on_filing_day, joined_first, joined_later]
    assert left_before_filing not in [m for m, _ in history]
    assert history[0][1] == original[0].organisation.name


def test_the_members_history_of_a_filing_never_filed_keeps_everyone(draft):
    gone = Membership.objects.create(consortium=draft, organisation=organisation(7101), left_on=date(2025, 1, 1))
    assert gone in membership_history(Consortium.objects.get(pk=draft.pk))


def change(consortium, *, kind=ChangeRecord.Kind.STRATEGIC_PLAN, effective_on, recorded_by, explanation="调整。"):
    pdf = make_pdf()
    agreement = ChangeDocument(
        consortium=consortium, original_name="补充协议.pdf", size=len(pdf), sha256="0" * 64, uploaded_by=recorded_by
    )
    agreement.file.save("upload.pdf", ContentFile(pdf), save=False)
    agreement.save()
    return ChangeRecord.objects.create(
        consortium=consortium,
        kind=kind,
        effective_on=effective_on,
        explanation=explanation,
        agreement=agreement,
        recorded_by=recorded_by,
    )


def test_the_changes_are_newest_first_and_a_period_gives_its_own_in_order(draft, lead):
    consortium = filed(draft)
    early = change(consortium, effective_on=date(2026, 2, 1), recorded_by=lead)
    same_day_first = change(consortium, effective_on=date(2026, 6, 30), recorded_by=lead)
    same_day_second = change(consortium, effective_on=date(2026, 6, 30), recorded_by=lead)
    start = change(consortium, effective_on=date(2026, 1, 1), recorded_by=lead)
    after = change(consortium, effective_on=date(2027, 1, 1), recorded_by=lead)
    before = change(consortium, effective_on=date(2025, 12, 31), recorded_by=lead)
    elsewhere = change(
        filed(complete_filing(lead_user=lead, name="别的", seed=8000)), effective_on=date(2026, 2, 1), recorded_by=lead
    )

    assert list(consortium_changes(consortium)) == [
        after,
        same_day_second,
        same_day_first,
        early,
        start,
        before,
    ]
    in_2026 = changes_in_period(consortium, date(2026, 1, 1), date(2026, 6, 30))
    assert list(in_2026) == [start, early, same_day_first, same_day_second]
    assert elsewhere not in in_2026
    record = consortium_changes(consortium)[0]
    assert (record.recorded_by.username, record.agreement.original_name) == ("lead-a", "补充协议.pdf")
    assert list(changes_in_period(consortium, date(2026, 7, 1), date(2026, 12, 31))) == []
    assert list(changes_in_period(consortium, date(2027, 1, 1), date(2027, 1, 1) + timedelta(days=0))) == [after]


def test_changes_of_one_day_are_in_the_order_they_were_recorded(draft, lead):
    """Recorded first is listed first in a period (last in the history), whatever order the rows were written in."""
    consortium = filed(draft)
    written_first = change(consortium, effective_on=date(2026, 3, 1), recorded_by=lead)
    written_second = change(consortium, effective_on=date(2026, 3, 1), recorded_by=lead)
    ChangeRecord.objects.filter(pk=written_first.pk).update(recorded_at=written_second.recorded_at + timedelta(hours=1))

    assert list(changes_in_period(consortium, date(2026, 1, 1), date(2026, 12, 31))) == [written_second, written_first]
    assert list(consortium_changes(consortium)) == [written_first, written_second]


def test_the_remarks_answers_read_the_return_and_its_submission_together(returned, django_assert_num_queries):
    consortium = load_filing(returned.pk)

    with django_assert_num_queries(2):  # the opinion with its submission, the latest submission's id
        answers = remark_answers(consortium)

    assert [answer.section for answer in answers] == ["tasks", "funding"]


def test_the_history_reads_each_changes_member_agreement_and_recorder_in_one_query(
    draft, lead, django_assert_num_queries
):
    consortium = filed(draft)
    membership = consortium.memberships.order_by("pk").first()
    record = change(consortium, effective_on=date(2026, 3, 1), recorded_by=lead)
    ChangeRecord.objects.filter(pk=record.pk).update(kind=ChangeRecord.Kind.MEMBER_LEFT, membership=membership)

    with django_assert_num_queries(1):
        read = [
            (c.membership.organisation.name, c.agreement.original_name, c.recorded_by.username)
            for c in consortium_changes(consortium)
        ]

    assert read == [(membership.organisation.name, "补充协议.pdf", "lead-a")]
