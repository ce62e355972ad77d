"""One construction period (issue 12): the approval sets it, city staff may change it within the rule, and every page
shows that one, while the submitted snapshot keeps the planned one, labelled as planned."""

import io
import json
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from consortia.eligibility.periods import latest_end
from consortia.models import Consortium, WorkflowEvent
from consortia.services import submit_filing
from portal.exceptions import DomainError
from reviews.models import FilingNotice, ReviewOpinion
from reviews.notice import chinese_date
from reviews.services import review_filing
from tests.factories import complete_filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def planned(today):
    """A full three-year period planned to start 100 days ago: approval today cannot start it as planned."""
    start = today - timedelta(days=100)
    return start, latest_end(start, 3)


@pytest.fixture
def recommended(demo_users, media, planned):
    """lead-a's filing, submitted with the planned period and recommended by its district: with the city now."""
    consortium = complete_filing(lead_user=demo_users["lead-a"])
    Consortium.objects.filter(pk=consortium.pk).update(planned_start=planned[0], planned_end=planned[1])
    submit_filing(consortium_id=consortium.pk, actor=demo_users["lead-a"])
    review_filing(
        consortium_id=consortium.pk,
        actor=demo_users["jiangning"],
        decision="recommend",
        expected_status="district_review",
    )
    consortium.refresh_from_db()
    return consortium


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def approve(client, consortium, **dates):
    data = {"decision": "approve", "comment": "同意备案。", "expected_status": "city_review"}
    data.update({name: value.isoformat() for name, value in dates.items()})
    return client.post(reverse("reviews:review", args=[consortium.pk]), data)


def input_value(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page).group(1)


def notice_text(consortium) -> str:
    with consortium.notice.file.open("rb") as stored:
        return "".join(PdfReader(io.BytesIO(stored.read())).pages[0].extract_text().split())


def header_period(page: str) -> str:
    return " ".join(re.search(r'data-testid="period">(.*?)</span>', page, re.S).group(1).split())


def assert_nothing_approved(consortium):
    consortium.refresh_from_db()
    assert (consortium.status, consortium.filing_number, consortium.start_date) == ("city_review", None, None)
    assert not FilingNotice.objects.filter(consortium=consortium).exists()
    assert not ReviewOpinion.objects.filter(consortium=consortium, decision="approve").exists()
    assert not WorkflowEvent.objects.filter(consortium=consortium, action="approve").exists()


def test_the_approval_form_offers_the_period_an_approval_today_would_set(recommended, demo_users, today, planned):
    page = client_for(demo_users["city"]).get(reverse("reviews:review", args=[recommended.pk])).content.decode()
    # The planned start is past, so the approval date; the planned end is within three years of it.
    assert input_value(page, "start_date") == today.isoformat()
    assert input_value(page, "end_date") == planned[1].isoformat()


def test_the_district_decides_without_a_period(demo_users, media):
    consortium = complete_filing(lead_user=demo_users["lead-a"])
    submit_filing(consortium_id=consortium.pk, actor=demo_users["lead-a"])
    page = client_for(demo_users["jiangning"]).get(reverse("reviews:review", args=[consortium.pk])).content.decode()
    assert 'data-testid="decision-form"' in page
    assert 'name="start_date"' not in page and 'name="end_date"' not in page


def test_once_approved_every_page_shows_the_approved_period_and_the_snapshot_the_planned_one(
    recommended, demo_users, today, planned
):
    city = client_for(demo_users["city"])
    page = city.get(reverse("reviews:review", args=[recommended.pk])).content.decode()
    # Approve with the dates the form offers, as a reviewer who changes nothing does.
    offered = {name: date.fromisoformat(input_value(page, name)) for name in ("start_date", "end_date")}
    response = approve(city, recommended, **offered)
    assert response.status_code == 302
    recommended.refresh_from_db()
    approved = (today, planned[1])
    assert (recommended.status, recommended.start_date, recommended.end_date) == ("active", *approved)

    detail = client_for(demo_users["lead-a"]).get(reverse("consortia:detail", args=[recommended.pk])).content.decode()
    assert header_period(detail) == f"建设期：{approved[0].isoformat()} 至 {approved[1].isoformat()}"
    # The planned period stays in the submitted snapshot, labelled as planned, and nowhere else on the page.
    snapshot = recommended.submissions.get().document["period"]
    assert snapshot == {"start": planned[0].isoformat(), "end": planned[1].isoformat()}
    assert re.search(rf"计划建设周期</dt><dd[^>]*>{planned[0].isoformat()} 至 {planned[1].isoformat()}</dd>", detail)
    assert detail.count(planned[0].isoformat()) == 1
    assert ">建设周期<" not in detail

    text = notice_text(recommended)
    assert f"建设期{chinese_date(approved[0])}至{chinese_date(approved[1])}" in text
    assert chinese_date(planned[0]) not in text

    export = client_for(demo_users["city"]).get(reverse("consortia:export", args=[recommended.pk]))
    assert json.loads(export.content)["period"] == {"start": approved[0].isoformat(), "end": approved[1].isoformat()}
    # The export leaves the stored snapshot as it was submitted.
    recommended.submissions.get().refresh_from_db()
    assert recommended.submissions.get().document["period"] == snapshot


def test_city_staff_may_set_a_shorter_period_and_a_later_start_within_the_rule(recommended, demo_users, today):
    start = today + timedelta(days=30)
    end = start + timedelta(days=400)
    response = approve(client_for(demo_users["city"]), recommended, start_date=start, end_date=end)
    assert response.status_code == 302
    recommended.refresh_from_db()
    assert (recommended.status, recommended.start_date, recommended.end_date) == ("active", start, end)
    assert f"建设期{chinese_date(start)}至{chinese_date(end)}" in notice_text(recommended)


def test_city_staff_may_extend_the_end_up_to_the_latest_the_rule_allows(recommended, demo_users, today, planned):
    latest = latest_end(today, 3)
    assert latest > planned[1]
    approve(client_for(demo_users["city"]), recommended, start_date=today, end_date=latest)
    recommended.refresh_from_db()
    assert (recommended.start_date, recommended.end_date) == (today, latest)


def test_an_end_beyond_the_rule_is_refused_at_the_field_and_nothing_is_approved(recommended, demo_users, today):
    too_late = latest_end(today, 3) + timedelta(days=1)
    response = approve(client_for(demo_users["city"]), recommended, start_date=today, end_date=too_late)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["end_date"]
    assert f"结束日期最迟为 {latest_end(today, 3).isoformat()}" in errors["end_date"][0]
    end_input = re.search(r'<input[^>]*name="end_date"[^>]*>', response.content.decode()).group(0)
    assert "is-invalid" in end_input
    assert_nothing_approved(recommended)


def test_an_end_not_after_the_start_is_refused(recommended, demo_users, today):
    response = approve(client_for(demo_users["city"]), recommended, start_date=today, end_date=today)
    assert "应晚于开始日期" in response.context["form"].errors["end_date"][0]
    assert_nothing_approved(recommended)


def test_a_start_before_the_approval_date_is_refused(recommended, demo_users, today, planned):
    response = approve(client_for(demo_users["city"]), recommended, start_date=planned[0], end_date=planned[1])
    message = response.context["form"].errors["start_date"][0]
    assert f"建设期开始日期 {planned[0].isoformat()} 早于批准日期 {today.isoformat()}" in message
    assert_nothing_approved(recommended)


def test_the_approval_itself_refuses_a_period_beyond_the_rule(recommended, demo_users, today):
    """Not only the form: the door's approval step checks the period under the lock."""
    with pytest.raises(DomainError) as refused:
        review_filing(
            consortium_id=recommended.pk,
            actor=demo_users["city"],
            decision="approve",
            expected_status="city_review",
            start_date=today,
            end_date=latest_end(today, 3) + timedelta(days=1),
        )
    assert refused.value.field == "end_date"
    assert_nothing_approved(recommended)


def test_dates_left_in_the_form_do_not_hold_up_another_decision(recommended, demo_users, today):
    city = client_for(demo_users["city"])
    data = {
        "decision": "return",
        "comment": "请补充经费计划。",
        "expected_status": "city_review",
        "end_date": (latest_end(today, 3) + timedelta(days=1)).isoformat(),
    }
    assert city.post(reverse("reviews:review", args=[recommended.pk]), data).status_code == 302
    recommended.refresh_from_db()
    assert (recommended.status, recommended.start_date, recommended.end_date) == ("returned", None, None)


def test_a_past_planned_start_is_advised_on_at_submission_and_does_not_block(demo_users, media, planned):
    consortium = complete_filing(lead_user=demo_users["lead-a"])
    Consortium.objects.filter(pk=consortium.pk).update(planned_start=planned[0], planned_end=planned[1])
    lead = client_for(demo_users["lead-a"])
    page = lead.get(reverse("consortia:eligibility", args=[consortium.pk])).content.decode()
    assert 'data-rule="PERIOD_START" data-outcome="fail"' in page
    assert "建设期最早自批准之日起计算" in page

    assert lead.post(reverse("consortia:submit", args=[consortium.pk])).status_code == 302
    consortium.refresh_from_db()
    assert consortium.status == "district_review"
    stored = {r["code"]: r for r in consortium.submissions.get().eligibility["results"]}
    assert (stored["PERIOD_START"]["severity"], stored["PERIOD_START"]["outcome"]) == ("advise", "fail")
    review_page = client_for(demo_users["jiangning"]).get(reverse("reviews:review", args=[consortium.pk]))
    assert 'data-rule="PERIOD_START"' in review_page.content.decode()
