"""What each decision of the district and of the city does and who is told (reviews/services.py), stated one rule a
test: the tests that kill the surviving mutants of ``make mutation MUTANTS='reviews.services.*'`` (docs/testing.md)."""

from datetime import date, timedelta

import pytest

from consortia.eligibility.periods import latest_end
from consortia.models import Consortium
from portal.exceptions import DomainError
from portal.models import Notification
from reviews.models import ReviewOpinion
from reviews.services import construction_period, review_filing

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
