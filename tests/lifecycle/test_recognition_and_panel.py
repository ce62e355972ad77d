"""Provincial recognition (guideline §2.c) and the lifecycle panel of the consortium page."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from consortia.lifecycle.selectors import filter_provincially_recognised
from consortia.lifecycle.services import declare_completion, record_provincial_recognition, revoke_consortium
from consortia.models import Consortium, LifecycleDocument, ProvincialRecognition
from consortia.states import Status
from portal.models import Notification

from .factories import active_consortium, made, not_a_pdf, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def consortium(demo_users):
    return active_consortium(lead=demo_users["lead-a"], end_date=date(2027, 12, 31), start_date=date(2025, 1, 1))


def url(consortium):
    return reverse("lifecycle:record_recognition", args=[consortium.pk])


def form_data(**changes):
    data = {
        "recognised_on": "2026-03-15",
        "document_number": "苏科技〔2026〕18号",
        "note": "",
        "document": pdf_upload("省级认定通知.pdf"),
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


def recognise(consortium, city, on=date(2026, 3, 15)):
    return record_provincial_recognition(
        consortium_id=consortium.pk,
        actor=city,
        recognised_on=on,
        document=pdf_upload(),
        document_number="苏科技〔2026〕18号",
    )


def test_the_city_records_provincial_recognition_with_date_and_document(demo_users, consortium, login):
    client = login(demo_users["city"])
    assert "认定文件（PDF）" in client.get(url(consortium)).content.decode()

    response = client.post(url(consortium), form_data())

    assert response.status_code == 302
    recognition = ProvincialRecognition.objects.get(consortium=consortium)
    assert (recognition.recognised_on, recognition.document_number, recognition.recorded_by) == (
        date(2026, 3, 15),
        "苏科技〔2026〕18号",
        demo_users["city"],
    )
    assert [d.original_name for d in recognition.documents.all()] == ["省级认定通知.pdf"]
    assert Notification.objects.filter(recipient=demo_users["lead-a"], subject__contains="省级").exists()


def test_an_ended_consortium_can_be_recognised_but_not_a_revoked_one(demo_users, login):
    expired = active_consortium(lead=demo_users["lead-a"], end_date=date(2026, 1, 31), status=Status.EXPIRED)
    revoked = active_consortium(lead=demo_users["lead-a"], end_date=date(2027, 1, 31), status=Status.REVOKED)
    client = login(demo_users["city"])

    assert client.post(url(expired), form_data()).status_code == 302
    refused = client.post(url(revoked), form_data())

    assert "不能记录省级认定" in refused.content.decode()
    assert not ProvincialRecognition.objects.filter(consortium=revoked).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"recognised_on": ""}, "这个字段是必填项"),
        ({"document": None}, "这个字段是必填项"),
        ({"document": not_a_pdf}, "不是有效的 PDF"),
        ({"recognised_on": "2099-01-01"}, "认定日期不能晚于今天"),
        ({"recognised_on": "2024-12-31"}, "不能早于市级备案日期"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(demo_users, consortium, login, changes, message):
    response = login(demo_users["city"]).post(url(consortium), form_data(**made(changes)))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProvincialRecognition.objects.exists()
    assert not LifecycleDocument.objects.exists()


def test_recognition_is_recorded_once(demo_users, consortium, login):
    recognise(consortium, demo_users["city"])

    response = login(demo_users["city"]).post(url(consortium), form_data())

    assert "不能重复记录" in response.content.decode()
    assert ProvincialRecognition.objects.count() == 1


@pytest.mark.parametrize("username", ["lead-a", "jiangning", "admin"])
def test_other_roles_may_not_record_recognition(demo_users, consortium, login, username):
    client = login(demo_users[username])
    assert client.get(url(consortium)).status_code == 403
    assert client.post(url(consortium), form_data()).status_code == 403
    assert not ProvincialRecognition.objects.exists()


def test_consortia_can_be_filtered_by_provincial_recognition(demo_users, consortium):
    other = active_consortium(lead=demo_users["lead-b"], end_date=date(2027, 12, 31))
    recognise(consortium, demo_users["city"])
    every = Consortium.objects.all()

    assert list(filter_provincially_recognised(every, True)) == [consortium]
    assert list(filter_provincially_recognised(every, False)) == [other]
    assert set(filter_provincially_recognised(every, None)) == {consortium, other}


# --- The panel ---------------------------------------------------------------------------------------------------


def panel(consortium, user) -> str:
    return render_to_string(
        "consortia/lifecycle/_panel.html", {"consortium": Consortium.objects.get(pk=consortium.pk), "user": user}
    )


def test_the_panel_shows_the_recognition(demo_users, consortium):
    assert "尚未记录省级认定" in panel(consortium, demo_users["lead-a"])
    recognise(consortium, demo_users["city"])

    html = panel(consortium, demo_users["lead-a"])

    assert "已于 2026-03-15 获认定为省级创新联合体" in html and "苏科技〔2026〕18号" in html
    assert 'data-testid="record-recognition"' not in panel(consortium, demo_users["city"])


def test_the_panel_offers_each_role_its_own_actions(demo_users, consortium):
    lead, city, officer = demo_users["lead-a"], demo_users["city"], demo_users["jiangning"]

    assert 'data-testid="declare-completion"' in panel(consortium, lead)
    assert 'data-testid="revoke"' not in panel(consortium, lead)
    assert 'data-testid="revoke"' in panel(consortium, city)
    assert 'data-testid="record-recognition"' in panel(consortium, city)
    assert 'data-testid="declare-completion"' not in panel(consortium, city)
    for action in ("declare-completion", "revoke", "record-recognition", "decide-completion"):
        assert f'data-testid="{action}"' not in panel(consortium, officer)


def test_the_panel_shows_the_declaration_and_the_citys_button_to_decide(demo_users, consortium):
    declare_completion(
        consortium_id=consortium.pk, actor=demo_users["lead-a"], summary="任务全部完成。", attachments=[pdf_upload()]
    )

    lead_view = panel(consortium, demo_users["lead-a"])
    city_view = panel(consortium, demo_users["city"])

    assert "待市科技局确认" in lead_view and "任务全部完成。" in lead_view
    assert 'data-testid="declare-completion"' not in lead_view  # one declaration waits at a time
    assert 'data-testid="decide-completion"' in city_view


def test_the_panel_of_a_revoked_consortium_shows_the_revocation(demo_users, consortium):
    revoke_consortium(
        consortium_id=consortium.pk,
        actor=demo_users["city"],
        reason="伪造财务报表。",
        evidence=[pdf_upload("审计报告.pdf")],
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=365),
    )

    city_view = panel(consortium, demo_users["city"])
    lead_view = panel(consortium, demo_users["lead-a"])

    assert "伪造财务报表。" in city_view and "审计报告.pdf" in city_view
    assert "伪造财务报表。" in lead_view and "审计报告.pdf" not in lead_view
    assert 'data-testid="revoke"' not in city_view and 'data-testid="declare-completion"' not in lead_view


def test_city_queue_filters_by_provincial_recognition(demo_users, consortium, login):
    other = active_consortium(lead=demo_users["lead-b"], end_date=date(2028, 12, 31))
    recognise(consortium, demo_users["city"])
    client = login(demo_users["city"])
    queue = reverse("reviews:queue")
    names = lambda **params: {c.pk for c in client.get(queue, {"status": "", **params}).context["page"].object_list}  # noqa: E731
    assert names(provincially_recognised="true") == {consortium.pk}
    assert other.pk in names(provincially_recognised="false") and consortium.pk not in names(
        provincially_recognised="false"
    )


def test_consortium_page_shows_the_lifecycle_panel(demo_users, consortium, login):
    recognise(consortium, demo_users["city"])
    page = login(demo_users["lead-a"]).get(reverse("consortia:detail", args=[consortium.pk])).content.decode()
    assert 'data-testid="lifecycle-panel"' in page
    assert 'data-testid="provincial-recognition"' in page
