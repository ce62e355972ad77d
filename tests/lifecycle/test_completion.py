"""Completion (DESIGN §3): the lead unit declares the research tasks finished, the city confirms or declines."""

from datetime import date

import pytest
from django.urls import reverse

from consortia.lifecycle.services import declare_completion
from consortia.models import CompletionDeclaration, LifecycleDocument, WorkflowEvent
from consortia.states import Status
from portal.exceptions import DomainError
from portal.models import Notification

from .factories import active_consortium, made, not_a_pdf, pdf_upload

pytestmark = pytest.mark.django_db

END = date(2027, 12, 31)


@pytest.fixture
def consortium(demo_users):
    return active_consortium(lead=demo_users["lead-a"], end_date=END)


def declare_url(consortium):
    return reverse("lifecycle:declare_completion", args=[consortium.pk])


def decide_url(declaration):
    return reverse("lifecycle:decide_completion", args=[declaration.consortium_id, declaration.pk])


def declared(consortium, user) -> CompletionDeclaration:
    return declare_completion(
        consortium_id=consortium.pk, actor=user, summary="三项攻关任务全部完成。", attachments=[pdf_upload("报告.pdf")]
    )


# --- The lead unit declares -------------------------------------------------------------------------------------


def test_the_lead_unit_declares_with_a_summary_and_pdf_attachments(demo_users, consortium, login):
    client = login(demo_users["lead-a"])
    assert client.get(declare_url(consortium)).status_code == 200

    response = client.post(
        declare_url(consortium),
        {
            "summary": "三项攻关任务全部完成，指标均已达到。",
            "attachments": [pdf_upload("总结.pdf"), pdf_upload("验收.pdf")],
        },
    )

    assert response.status_code == 302 and response["Location"] == f"/filings/{consortium.pk}/"
    declaration = CompletionDeclaration.objects.get(consortium=consortium)
    assert declaration.state == CompletionDeclaration.State.PENDING
    assert declaration.declared_by == demo_users["lead-a"]
    assert sorted(d.original_name for d in declaration.attachments.all()) == ["总结.pdf", "验收.pdf"]
    assert all(d.kind == LifecycleDocument.Kind.COMPLETION and d.file.size > 0 for d in declaration.attachments.all())
    assert Notification.objects.filter(recipient=demo_users["city"], subject__contains=consortium.name).exists()
    consortium.refresh_from_db()
    assert consortium.status == Status.ACTIVE  # declaring is not completing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"summary": "", "attachments": []}, "这个字段是必填项"),
        ({"summary": "已完成。", "attachments": []}, "这个字段是必填项"),
        ({"summary": "已完成。", "attachments": [not_a_pdf]}, "不是有效的 PDF"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(demo_users, consortium, login, media, data, message):
    response = login(demo_users["lead-a"]).post(declare_url(consortium), made(data))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CompletionDeclaration.objects.exists()
    assert not LifecycleDocument.objects.exists()
    assert not Notification.objects.exists()
    assert not list(media.rglob("*.pdf"))


def test_a_second_declaration_while_one_waits_is_refused(demo_users, consortium, login):
    declared(consortium, demo_users["lead-a"])

    response = login(demo_users["lead-a"]).post(
        declare_url(consortium), {"summary": "再次申报。", "attachments": [pdf_upload()]}
    )

    assert "已有一份任务完成申报在等待市科技局确认" in response.content.decode()
    assert CompletionDeclaration.objects.count() == 1


def test_an_expired_consortium_cannot_declare(demo_users, login):
    expired = active_consortium(lead=demo_users["lead-a"], end_date=date(2026, 1, 31), status=Status.EXPIRED)

    response = login(demo_users["lead-a"]).post(
        declare_url(expired), {"summary": "完成。", "attachments": [pdf_upload()]}
    )

    assert "不能申报任务完成" in response.content.decode()
    assert not CompletionDeclaration.objects.exists()


@pytest.mark.parametrize("username", ["city", "jiangning", "admin"])
def test_other_roles_may_not_declare(demo_users, consortium, login, username):
    client = login(demo_users[username])
    assert client.get(declare_url(consortium)).status_code == 403
    assert client.post(declare_url(consortium), {"summary": "完成。", "attachments": [pdf_upload()]}).status_code == 403
    assert not CompletionDeclaration.objects.exists()


def test_another_organisations_consortium_is_not_found(demo_users, consortium, login):
    client = login(demo_users["lead-b"])
    assert client.get(declare_url(consortium)).status_code == 404
    assert client.post(declare_url(consortium), {"summary": "完成。", "attachments": [pdf_upload()]}).status_code == 404
    assert not CompletionDeclaration.objects.exists()


# --- The city confirms or declines ------------------------------------------------------------------------------


def test_the_city_confirms_and_the_consortium_is_completed(demo_users, consortium, login):
    declaration = declared(consortium, demo_users["lead-a"])
    client = login(demo_users["city"])
    assert client.get(reverse("lifecycle:pending_declarations")).content.decode().count(consortium.name) == 1
    assert client.get(decide_url(declaration)).status_code == 200

    response = client.post(decide_url(declaration), {"decision": "confirm", "confirm-comment": "同意。"})

    assert response.status_code == 302
    consortium.refresh_from_db()
    declaration.refresh_from_db()
    assert consortium.status == Status.COMPLETED
    assert (declaration.state, declaration.decided_by) == (CompletionDeclaration.State.CONFIRMED, demo_users["city"])
    event = WorkflowEvent.objects.get(consortium=consortium)
    assert (event.action, event.to_status, event.actor) == ("complete", Status.COMPLETED, demo_users["city"])
    assert Notification.objects.filter(recipient=demo_users["lead-a"], subject__contains="任务完成已确认").exists()
    assert "暂无待确认的任务完成申报" in client.get(reverse("lifecycle:pending_declarations")).content.decode()


def test_the_city_declines_with_a_reason_and_the_consortium_stays_active(demo_users, consortium, login):
    declaration = declared(consortium, demo_users["lead-a"])

    response = login(demo_users["city"]).post(
        decide_url(declaration), {"decision": "decline", "decline-reason": "第二项任务的考核指标尚未达到。"}
    )

    assert response.status_code == 302
    consortium.refresh_from_db()
    declaration.refresh_from_db()
    assert consortium.status == Status.ACTIVE
    assert declaration.state == CompletionDeclaration.State.DECLINED
    assert declaration.decision_reason == "第二项任务的考核指标尚未达到。"
    assert not WorkflowEvent.objects.exists()
    notice = Notification.objects.get(recipient=demo_users["lead-a"], subject__contains="未予确认")
    assert "第二项任务的考核指标尚未达到" in notice.body
    # Declined: the lead unit may declare again.
    declared(consortium, demo_users["lead-a"])


def test_declining_without_a_reason_changes_nothing(demo_users, consortium, login):
    declaration = declared(consortium, demo_users["lead-a"])

    response = login(demo_users["city"]).post(decide_url(declaration), {"decision": "decline", "decline-reason": " "})

    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.state == CompletionDeclaration.State.PENDING


def test_a_declaration_already_decided_is_not_decided_again(demo_users, consortium, login):
    declaration = declared(consortium, demo_users["lead-a"])
    client = login(demo_users["city"])
    client.post(decide_url(declaration), {"decision": "decline", "decline-reason": "材料不全。"})

    response = client.post(decide_url(declaration), {"decision": "confirm"})

    assert response.status_code == 200
    assert "已办理" in response.content.decode()
    consortium.refresh_from_db()
    assert consortium.status == Status.ACTIVE


@pytest.mark.parametrize("username", ["lead-a", "jiangning", "admin"])
def test_other_roles_may_not_decide(demo_users, consortium, login, username):
    declaration = declared(consortium, demo_users["lead-a"])
    client = login(demo_users[username])

    assert client.get(decide_url(declaration)).status_code == 403
    assert client.post(decide_url(declaration), {"decision": "confirm"}).status_code == 403
    assert client.get(reverse("lifecycle:pending_declarations")).status_code == 403
    consortium.refresh_from_db()
    assert consortium.status == Status.ACTIVE


def test_a_declaration_of_another_consortium_is_not_found(demo_users, consortium, login):
    declaration = declared(consortium, demo_users["lead-a"])
    other = active_consortium(lead=demo_users["lead-b"], end_date=END)

    url = reverse("lifecycle:decide_completion", args=[other.pk, declaration.pk])
    assert login(demo_users["city"]).post(url, {"decision": "confirm"}).status_code == 404
    declaration.refresh_from_db()
    assert declaration.is_pending


def test_attachments_are_served_only_to_those_who_see_the_consortium(demo_users, consortium, login):
    document = declared(consortium, demo_users["lead-a"]).attachments.get()
    url = reverse("lifecycle:document", args=[consortium.pk, document.pk])

    for username in ("lead-a", "jiangning", "city"):
        response = login(demo_users[username]).get(url)
        assert response.status_code == 200, username
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert login(demo_users["lead-b"]).get(url).status_code == 404
    assert login(demo_users["xuanwu"]).get(url).status_code == 404


def test_only_a_lead_unit_user_of_the_consortium_may_declare_through_the_service(demo_users, consortium):
    with pytest.raises(DomainError):
        declared(consortium, demo_users["lead-b"])
    with pytest.raises(DomainError):
        declared(consortium, demo_users["city"])
    assert not CompletionDeclaration.objects.exists()
