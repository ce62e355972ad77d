"""What each decision of the district and of the city does and who is told (reviews/services.py), stated one rule a
test: the tests that kill the surviving mutants of ``make mutation MUTANTS='reviews.services.*'`` (docs/testing.md)."""

import hashlib
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consortia.eligibility.periods import latest_end
from consortia.models import Consortium, EligibilityThresholds
from consortia.services import submit_filing
from portal.exceptions import DomainError
from portal.models import Notification
from reviews.models import FilingNotice, ReviewOpinion
from reviews.notice import render_filing_notice
from reviews.services import construction_period, notice_data, review_filing
from tests.factories import complete_filing

pytestmark = pytest.mark.django_db


def told_of(decide):
    """The usernames told by notification while ``decide()`` runs, by subject."""
    before = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    decide()
    told = {}
    for username, subject in Notification.objects.filter(id__gt=before).values_list("recipient__username", "subject"):
        told.setdefault(username, []).append(subject)
    return told


def district(consortium, users, decision, comment="", **extra):
    return review_filing(
        consortium_id=consortium.pk,
        actor=users["jiangning"],
        decision=decision,
        comment=comment,
        expected_status="district_review",
        **extra,
    )


def city(consortium, users, decision, comment="", **extra):
    return review_filing(
        consortium_id=consortium.pk,
        actor=users["city"],
        decision=decision,
        comment=comment,
        expected_status="city_review",
        **extra,
    )


@pytest.fixture
def with_the_city(submitted, demo_users):
    district(submitted, demo_users, "recommend")
    return submitted


# --- Who is told of each decision -------------------------------------------------------------------------------------


def test_a_district_recommendation_tells_the_lead_unit_and_city_staff(submitted, demo_users):
    told = told_of(lambda: district(submitted, demo_users, "recommend"))
    assert set(told) == {"lead-a", "city"}
    assert told["city"] == [f"区级推荐的备案申请待审核：{submitted.name}"]


@pytest.mark.parametrize("decision", ["return", "not_recommend"])
def test_a_district_return_or_refusal_tells_the_lead_unit_only(submitted, demo_users, decision):
    told = told_of(lambda: district(submitted, demo_users, decision, "材料不全。"))
    assert set(told) == {"lead-a"}


@pytest.mark.parametrize("decision", ["approve", "return", "reject"])
def test_a_city_decision_tells_the_lead_unit_and_the_district(with_the_city, demo_users, decision):
    told = told_of(lambda: city(with_the_city, demo_users, decision, "意见见附件。"))
    # The other district's officer (xuanwu) and city staff themselves hear nothing.
    assert set(told) == {"lead-a", "jiangning"}
    assert told["jiangning"][0].startswith("市科技局审核结果：")


def test_the_lead_unit_is_told_which_authority_decided(with_the_city, demo_users):
    """The district's recommendation names the district's bureau, the city's decision the city's."""
    bodies = Notification.objects.filter(recipient=demo_users["lead-a"], subject__startswith="备案审核结果")
    assert bodies.get().body.startswith("江宁区科学技术局 对“")
    city(with_the_city, demo_users, "reject", "不符合条件。")
    assert bodies.latest("id").body.startswith("南京市科学技术局 对“")


def test_city_staff_with_a_district_still_on_their_account_decide_as_the_city(with_the_city, demo_users):
    """Nothing stops a city account from keeping the district it had (only officers must have one)."""
    staff = demo_users["city"]
    staff.authority = demo_users["jiangning"].authority
    staff.save(update_fields=["authority"])
    city(with_the_city, demo_users, "reject", "不符合条件。")
    body = Notification.objects.filter(recipient=demo_users["lead-a"]).latest("id").body
    assert body.startswith("南京市科学技术局 对“")


# --- What approval does and what return and reject do not -----------------------------------------------------------


@pytest.mark.parametrize("decision, status", [("return", "returned"), ("reject", "rejected")])
def test_a_city_return_or_rejection_sets_no_period_and_no_number(with_the_city, demo_users, decision, status):
    city(with_the_city, demo_users, decision, "请补充。")
    decided = Consortium.objects.get(pk=with_the_city.pk)
    assert (decided.status, decided.start_date, decided.end_date, decided.filing_number) == (status, None, None, None)


def test_approval_sets_the_period_and_the_number(with_the_city, demo_users):
    city(with_the_city, demo_users, "approve")
    approved = Consortium.objects.get(pk=with_the_city.pk)
    assert approved.status == "active"
    assert approved.start_date and approved.end_date > approved.start_date and approved.filing_number


# --- The opinion kept -------------------------------------------------------------------------------------------------


def test_a_decision_without_a_comment_keeps_an_empty_opinion(submitted, demo_users):
    review_filing(
        consortium_id=submitted.pk,
        actor=demo_users["jiangning"],
        decision="recommend",
        expected_status="district_review",
    )
    assert ReviewOpinion.objects.get().comment == ""


def test_section_remarks_are_kept_trimmed_and_blank_ones_dropped(submitted, demo_users):
    district(
        submitted, demo_users, "return", "见分项。", section_comments={"basic": "  目标须量化。 ", "funding": "   "}
    )
    assert ReviewOpinion.objects.get().section_comments == {"basic": "目标须量化。"}


def test_a_decision_taken_on_a_stale_page_is_refused(submitted, demo_users):
    """The officer's page showed the filing with the city; it is with the district, so nothing is decided."""
    with pytest.raises(DomainError):
        review_filing(
            consortium_id=submitted.pk,
            actor=demo_users["jiangning"],
            decision="recommend",
            expected_status="city_review",
        )
    assert Consortium.objects.get(pk=submitted.pk).status == "district_review"
    assert not ReviewOpinion.objects.exists()


# --- The edges of the construction period ---------------------------------------------------------------------------


def test_approval_on_the_planned_end_day_gives_a_full_period_from_that_day():
    planned_end = date(2026, 6, 30)
    assert construction_period(
        planned_start=date(2026, 1, 1), planned_end=planned_end, approved_on=planned_end, years=3
    ) == (planned_end, latest_end(planned_end, 3))


def test_approval_the_day_before_the_planned_end_keeps_the_planned_end():
    planned_end = date(2026, 6, 30)
    approved_on = planned_end - timedelta(days=1)
    assert construction_period(
        planned_start=date(2026, 1, 1), planned_end=planned_end, approved_on=approved_on, years=3
    ) == (approved_on, planned_end)


def test_a_chosen_start_before_the_approval_is_refused_with_both_dates():
    with pytest.raises(DomainError) as refused:
        construction_period(
            planned_start=date(2026, 1, 1),
            planned_end=date(2027, 12, 31),
            approved_on=date(2026, 3, 10),
            years=3,
            start=date(2026, 3, 9),
        )
    assert str(refused.value) == "建设期开始日期 2026-03-09 早于批准日期 2026-03-10：建设期最早自批准之日起计算。"
    assert refused.value.field == "start_date"


def test_each_decision_keeps_the_officers_opinion_on_the_latest_submission(submitted, demo_users):
    """A returned filing, resubmitted, is decided on its second submission: each opinion names the submission, the
    officer and their role, the decision and the comment as given."""
    district(submitted, demo_users, "return", "请补充合作协议。", section_comments={"basic": "目标须量化。"})
    submit_filing(consortium_id=submitted.pk, actor=demo_users["lead-a"])
    district(submitted, demo_users, "recommend", "同意推荐。")
    city(submitted, demo_users, "reject", "不符合条件。")
    opinions = ReviewOpinion.objects.order_by("id").values_list(
        "consortium", "submission__number", "reviewer__username", "role", "decision", "comment", "section_comments"
    )
    assert list(opinions) == [
        (submitted.pk, 1, "jiangning", "district_officer", "return", "请补充合作协议。", {"basic": "目标须量化。"}),
        (submitted.pk, 2, "jiangning", "district_officer", "recommend", "同意推荐。", {}),
        (submitted.pk, 2, "city", "city_staff", "reject", "不符合条件。", {}),
    ]


def test_a_decision_on_a_filing_with_no_submission_is_refused(demo_users, media):
    """A filing put in review by hand (a data repair, say) without a snapshot has nothing to decide on."""
    consortium = complete_filing(lead_user=demo_users["lead-a"])
    Consortium.objects.filter(pk=consortium.pk).update(status="district_review", submitted_at=timezone.now())
    with pytest.raises(DomainError) as refused:
        district(consortium, demo_users, "recommend", "同意推荐。")
    assert refused.value.message == "该备案尚无提交记录，不能作出审核决定。"
    assert Consortium.objects.get(pk=consortium.pk).status == "district_review"
    assert not ReviewOpinion.objects.exists()


# --- What approval sets, exactly -------------------------------------------------------------------------------------


def planned(consortium, *, start, end):
    Consortium.objects.filter(pk=consortium.pk).update(planned_start=start, planned_end=end)


def test_an_approval_after_the_planned_start_starts_today_files_today_and_takes_the_years_first_number(
    with_the_city, demo_users
):
    today = timezone.localdate()
    planned(with_the_city, start=today - timedelta(days=30), end=today + timedelta(days=400))
    city(with_the_city, demo_users, "approve")
    approved = Consortium.objects.get(pk=with_the_city.pk)
    assert (approved.start_date, approved.end_date, approved.filed_on, approved.filing_number) == (
        today,
        today + timedelta(days=400),
        today,
        f"宁创联备〔{today.year}〕001号",
    )


def test_an_approval_caps_the_planned_end_at_the_years_the_thresholds_allow(with_the_city, demo_users):
    today = timezone.localdate()
    planned(with_the_city, start=today, end=today + timedelta(days=3650))
    city(with_the_city, demo_users, "approve")
    approved = Consortium.objects.get(pk=with_the_city.pk)
    years = EligibilityThresholds.load().period_max_years
    assert (approved.start_date, approved.end_date) == (today, latest_end(today, years))


def test_an_approval_keeps_the_period_city_staff_chose(with_the_city, demo_users):
    start = timezone.localdate() + timedelta(days=10)
    end = start + timedelta(days=500)
    city(with_the_city, demo_users, "approve", start_date=start, end_date=end)
    approved = Consortium.objects.get(pk=with_the_city.pk)
    assert (approved.start_date, approved.end_date) == (start, end)


def test_the_notice_issued_is_kept_with_its_hash_size_and_the_code_printed_on_it(with_the_city, demo_users):
    """Re-rendering from the filing's facts and the code on file gives the very bytes issued: the code kept is the
    one printed."""
    city(with_the_city, demo_users, "approve")
    approved = Consortium.objects.get(pk=with_the_city.pk)
    notice = FilingNotice.objects.get(consortium=approved)
    with notice.file.open("rb") as stored:
        issued = stored.read()
    assert (notice.sha256, notice.size, notice.version, notice.code_printed, notice.reason) == (
        hashlib.sha256(issued).hexdigest(),
        len(issued),
        1,
        True,
        "",
    )
    assert render_filing_notice(notice_data(approved)) == issued


# --- What each party is told, exactly ---------------------------------------------------------------------------------


def notes_of(decide):
    """The notifications ``decide()`` sends, by recipient: (subject, body, link, work_key)."""
    before = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    decide()
    rows = Notification.objects.filter(id__gt=before).order_by("id")
    return {n.recipient.username: (n.subject, n.body, n.link, n.work_key) for n in rows}


def test_a_recommendation_tells_the_lead_unit_the_decision_and_remarks_and_asks_the_city_to_review(
    submitted, demo_users
):
    name, detail = submitted.name, reverse("consortia:detail", args=[submitted.pk])
    notes = notes_of(lambda: district(submitted, demo_users, "recommend", section_comments={"basic": "目标须量化。"}))
    assert notes == {
        "lead-a": (
            f"备案审核结果：推荐至市科技局 — {name}",
            f"江宁区科学技术局 对“{name}”的备案申请作出决定：推荐至市科技局。\n意见或理由：基本信息：目标须量化。",
            detail,
            None,
        ),
        "city": (
            f"区级推荐的备案申请待审核：{name}",
            f"江宁区科学技术局 推荐了“{name}”的备案申请，请登录平台审核。",
            reverse("reviews:review", args=[submitted.pk]),
            f"city_review:{submitted.pk}",
        ),
    }


def test_an_approval_tells_the_lead_unit_and_the_district_the_number_and_the_period(with_the_city, demo_users):
    name, detail = with_the_city.name, reverse("consortia:detail", args=[with_the_city.pk])
    notes = notes_of(lambda: city(with_the_city, demo_users, "approve"))
    approved = Consortium.objects.get(pk=with_the_city.pk)
    body = (
        f"南京市科学技术局 对“{name}”的备案申请作出决定：准予备案。备案编号：{approved.filing_number}，"
        f"建设期 {approved.start_date.isoformat()} 至 {approved.end_date.isoformat()}。可在平台下载备案通知书。"
    )
    assert notes == {
        "lead-a": (f"备案审核结果：准予备案 — {name}", body, detail, None),
        "jiangning": (f"市科技局审核结果：准予备案 — {name}", body, detail, None),
    }


def test_a_city_rejection_tells_both_the_reason_and_the_remarks_but_no_number(with_the_city, demo_users):
    name, detail = with_the_city.name, reverse("consortia:detail", args=[with_the_city.pk])
    notes = notes_of(
        lambda: city(with_the_city, demo_users, "reject", "不符合条件。", section_comments={"tasks": "指标不清。"})
    )
    body = f"南京市科学技术局 对“{name}”的备案申请作出决定：不予备案。\n意见或理由：不符合条件。\n攻关任务：指标不清。"
    assert notes == {
        "lead-a": (f"备案审核结果：不予备案 — {name}", body, detail, None),
        "jiangning": (f"市科技局审核结果：不予备案 — {name}", body, detail, None),
    }
