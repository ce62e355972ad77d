"""The report page's review forms: city staff accept or return a submitted report (a return needs its reason, kept
in the history the page shows), district officers and city staff leave remarks the lead unit never sees, and the
city's work notification is finished by the decision."""

import pytest
from django.test import Client
from django.urls import reverse

from annual_reports.models import ReportComment, ReportEvent, ReportStatus
from annual_reports.services import submit_report
from portal.models import Notification

from .factories import fill_in

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(report, demo_users):
    fill_in(report)
    submit_report(report_id=report.pk, actor=demo_users["lead-a"])
    report.refresh_from_db()
    return report


def decide(user, report, **data):
    return client_for(user).post(
        reverse("annual_reports:decide", args=[report.pk]), {"expected_status": "submitted", **data}
    )


def test_city_staff_return_a_report_with_the_reason_the_page_then_shows(submitted, demo_users):
    response = decide(demo_users["city"], submitted, decision="return", reason="请补充资金支出明细。")

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.RETURNED
    assert ReportEvent.objects.filter(report=submitted, action="return").get().comment == "请补充资金支出明细。"
    page = client_for(demo_users["lead-a"]).get(response.url)
    events = page.content.decode()
    assert "请补充资金支出明细。" in events and "已退回" in events
    assert page.context["decision_form"] is None
    # and the lead unit reads it again beside the form it revises
    editor = client_for(demo_users["lead-a"]).get(reverse("annual_reports:edit", args=[submitted.pk, "funding"]))
    assert editor.context["return_reason"] == "请补充资金支出明细。"
    assert 'data-testid="return-reason"' in editor.content.decode()


def test_a_return_without_a_reason_is_an_error_at_its_field_and_changes_nothing(submitted, demo_users):
    response = decide(demo_users["city"], submitted, decision="return", reason="   ")

    assert response.status_code == 400
    form = response.context["decision_form"]
    assert "须填写理由" in form.errors["reason"][0]
    assert form["decision"].value() == "return"  # what was chosen is still chosen
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    assert not ReportEvent.objects.filter(report=submitted).exclude(action="submit").exists()


def test_a_reason_over_its_length_is_refused_at_the_field(submitted, demo_users):
    response = decide(demo_users["city"], submitted, decision="return", reason="改" * 2001)

    assert response.status_code == 400
    assert response.context["decision_form"].errors["reason"]
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def test_a_reason_at_its_length_is_kept_whole(submitted, demo_users):
    decide(demo_users["city"], submitted, decision="return", reason="改" * 2000)

    assert ReportEvent.objects.get(report=submitted, action="return").comment == "改" * 2000


def test_accepting_finishes_the_citys_work_notification(submitted, demo_users):
    city = demo_users["city"]
    (work,) = Notification.objects.filter(recipient=city, link=reverse("annual_reports:report", args=[submitted.pk]))
    assert work.done_at is None

    decide(city, submitted, decision="accept", reason="")

    submitted.refresh_from_db()
    work.refresh_from_db()
    assert submitted.status == ReportStatus.ACCEPTED
    assert work.done_at is not None


def test_a_second_decision_on_a_decided_report_is_refused_and_changes_nothing(submitted, demo_users):
    decide(demo_users["city"], submitted, decision="accept")
    response = decide(demo_users["city"], submitted, decision="return", reason="迟到的退回")

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.ACCEPTED
    assert not ReportEvent.objects.filter(report=submitted, action="return").exists()


@pytest.mark.parametrize("username", ["jiangning", "lead-a"])
def test_who_is_not_city_staff_is_offered_no_decision_and_cannot_post_one(submitted, demo_users, username):
    user = demo_users[username]
    page = client_for(user).get(reverse("annual_reports:report", args=[submitted.pk]))
    assert page.context["decision_form"] is None

    decide(user, submitted, decision="accept")

    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def test_the_district_comments_and_the_city_reads_it_but_the_lead_unit_does_not(submitted, demo_users):
    url = reverse("annual_reports:comment", args=[submitted.pk])
    response = client_for(demo_users["jiangning"]).post(url, {"text": "经费执行情况需核实。"})

    assert response.status_code == 302
    assert ReportComment.objects.get(report=submitted).text == "经费执行情况需核实。"
    city_page = client_for(demo_users["city"]).get(reverse("annual_reports:report", args=[submitted.pk]))
    assert [c.text for c in city_page.context["comments"]] == ["经费执行情况需核实。"]
    lead_page = client_for(demo_users["lead-a"]).get(reverse("annual_reports:report", args=[submitted.pk]))
    assert list(lead_page.context["comments"]) == []
    assert lead_page.context["comment_form"] is None
    assert "经费执行情况需核实。" not in lead_page.content.decode()


def test_an_empty_comment_is_an_error_at_its_field(submitted, demo_users):
    response = client_for(demo_users["jiangning"]).post(
        reverse("annual_reports:comment", args=[submitted.pk]), {"text": ""}
    )

    assert response.status_code == 400
    assert response.context["comment_form"].errors["text"]
    assert not ReportComment.objects.exists()


def test_a_lead_unit_posting_a_comment_is_refused(submitted, demo_users):
    client_for(demo_users["lead-a"]).post(
        reverse("annual_reports:comment", args=[submitted.pk]), {"text": "我们自己的意见"}
    )

    assert not ReportComment.objects.exists()
