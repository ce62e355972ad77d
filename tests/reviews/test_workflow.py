"""District pre-screening and city approval through the review page (issue 6)."""

import hashlib
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consortia.models import Consortium, WorkflowEvent
from portal.exceptions import DomainError
from portal.models import Notification
from reviews.models import ReviewOpinion
from reviews.notice import notice_sha256, render_filing_notice
from reviews.services import construction_period, notice_data, review_filing

pytestmark = pytest.mark.django_db


def decide(user, consortium, decision, comment="", **extra):
    client = Client()
    client.force_login(user)
    consortium.refresh_from_db()
    data = {"decision": decision, "comment": comment, "expected_status": consortium.status, **extra}
    return client.post(reverse("reviews:review", args=[consortium.pk]), data, follow=True)


def recipients(subject_fragment):
    return set(
        Notification.objects.filter(subject__contains=subject_fragment).values_list("recipient__username", flat=True)
    )


def test_district_recommends_and_city_staff_are_told(submitted, demo_users):
    response = decide(demo_users["jiangning"], submitted, "recommend", "材料齐全，同意推荐。")
    assert "已办理：推荐至市科技局" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "city_review"
    opinion = ReviewOpinion.objects.get()
    assert (opinion.reviewer, opinion.decision, opinion.submission.number) == (demo_users["jiangning"], "recommend", 1)
    assert recipients("待审核") == {"city"}
    assert recipients("推荐至市科技局") == {"lead-a"}


def test_return_without_a_reason_changes_nothing(submitted, demo_users):
    response = decide(demo_users["jiangning"], submitted, "return", "")
    assert "须填写理由" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "district_review"
    assert not ReviewOpinion.objects.exists()


def test_return_tells_the_lead_unit_the_reason(submitted, demo_users):
    decide(demo_users["jiangning"], submitted, "return", "请补充组建协议签字页。")
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    body = Notification.objects.get(recipient=demo_users["lead-a"], subject__contains="退回修改").body
    assert "请补充组建协议签字页。" in body


def test_city_approval_issues_number_period_and_notice(submitted, demo_users):
    decide(demo_users["jiangning"], submitted, "recommend")
    response = decide(demo_users["city"], submitted, "approve", "同意备案。")
    assert response.status_code == 200
    submitted.refresh_from_db()
    today = timezone.localdate()
    assert submitted.status == "active"
    assert submitted.filing_number == f"宁创联备〔{today.year}〕001号"
    assert submitted.filed_on == today
    assert (submitted.start_date, submitted.end_date) == construction_period(
        planned_start=date(2026, 1, 1), planned_end=date(2028, 12, 31), approved_on=today, years=3
    )
    notice = submitted.notice
    stored = notice.file.read()
    assert hashlib.sha256(stored).hexdigest() == notice.sha256
    # Re-rendering gives the same content: the stored hash can be checked at any time.
    assert notice_sha256(render_filing_notice(notice_data(submitted))) == notice.sha256
    body = Notification.objects.get(recipient=demo_users["lead-a"], subject__contains="准予备案").body
    assert submitted.filing_number in body


def test_notice_downloads_for_the_lead_unit_district_and_city_only(submitted, demo_users):
    decide(demo_users["jiangning"], submitted, "recommend")
    decide(demo_users["city"], submitted, "approve")
    url = reverse("reviews:notice", args=[submitted.pk])
    for username, expected in [("lead-a", 200), ("jiangning", 200), ("city", 200), ("lead-b", 404), ("xuanwu", 404)]:
        client = Client()
        client.force_login(demo_users[username])
        response = client.get(url)
        assert response.status_code == expected, username
        if expected == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_approving_twice_approves_once_with_a_clear_message(submitted, demo_users):
    decide(demo_users["jiangning"], submitted, "recommend")
    review_filing(
        consortium_id=submitted.pk, actor=demo_users["city"], decision="approve", expected_status="city_review"
    )
    with pytest.raises(DomainError, match="已变为“已备案（建设期内）”"):
        review_filing(
            consortium_id=submitted.pk, actor=demo_users["city"], decision="approve", expected_status="city_review"
        )
    assert WorkflowEvent.objects.filter(consortium=submitted, action="approve").count() == 1
    assert Consortium.objects.exclude(filing_number=None).count() == 1


def test_officer_of_another_district_cannot_decide_or_see(submitted, demo_users):
    client = Client()
    client.force_login(demo_users["xuanwu"])
    url = reverse("reviews:review", args=[submitted.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"decision": "recommend", "expected_status": "district_review"})
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == "district_review"


def test_lead_unit_cannot_open_the_review_page(submitted, demo_users):
    client = Client()
    client.force_login(demo_users["lead-a"])
    assert client.get(reverse("reviews:review", args=[submitted.pk])).status_code == 403


def test_resubmission_shows_what_changed(submitted, demo_users):
    from consortia.services import submit_filing

    decide(demo_users["jiangning"], submitted, "return", "请完善建设目标。")
    Consortium.objects.filter(pk=submitted.pk).update(goals="修改后的建设目标：良率 95%。")
    submit_filing(consortium_id=submitted.pk, actor=demo_users["lead-a"])
    client = Client()
    client.force_login(demo_users["jiangning"])
    page = client.get(reverse("reviews:review", args=[submitted.pk])).content.decode()
    assert 'data-section="basic" data-changed="yes"' in page
    assert 'data-section="members" data-changed="no"' in page
    assert "修改后的建设目标：良率 95%。" in page
    assert "三年内实现 1200V 碳化硅 MOSFET 量产。" in page  # the previous text, shown beside it


@pytest.mark.parametrize(
    "planned_start, planned_end, approved_on, expected",
    [
        (date(2026, 1, 1), date(2028, 12, 31), date(2025, 12, 1), (date(2026, 1, 1), date(2028, 12, 31))),
        # Approved after the planned start: the period starts then and is capped at three years less a day.
        (date(2026, 1, 1), date(2028, 12, 31), date(2026, 3, 10), (date(2026, 3, 10), date(2028, 12, 31))),
        (date(2026, 1, 1), date(2029, 6, 30), date(2026, 3, 10), (date(2026, 3, 10), date(2029, 3, 9))),
        (date(2024, 2, 29), date(2027, 12, 31), date(2024, 1, 1), (date(2024, 2, 29), date(2027, 2, 28))),
        # Approved after the planned end: a full period from the approval date.
        (date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1), (date(2026, 7, 1), date(2029, 6, 30))),
    ],
)
def test_construction_period(planned_start, planned_end, approved_on, expected):
    assert (
        construction_period(planned_start=planned_start, planned_end=planned_end, approved_on=approved_on, years=3)
        == expected
    )


def test_section_remarks_reach_the_lead_unit(submitted, demo_users):
    decide(
        demo_users["jiangning"],
        submitted,
        "return",
        "请按分项意见修改。",
        section_basic="建设目标须量化。",
        section_funding="请补充 2027 年经费。",
    )
    body = Notification.objects.get(recipient=demo_users["lead-a"]).body
    assert "基本信息：建设目标须量化。" in body
    assert "经费计划：请补充 2027 年经费。" in body
    client = Client()
    client.force_login(demo_users["lead-a"])
    page = client.get(reverse("consortia:detail", args=[submitted.pk])).content.decode()
    assert "退回修改" in page and "基本信息：建设目标须量化。" in page
    client.force_login(demo_users["jiangning"])
    page = client.get(reverse("reviews:review", args=[submitted.pk])).content.decode()
    assert "基本信息：建设目标须量化。" in page
