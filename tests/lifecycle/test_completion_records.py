"""Completion through the services, read back whole (consortia.lifecycle.services.completion and attachments): the
exact refusals and the fields they name, the declaration, its attachments and audit event, who is told in which
words, and the city's work on the declaration finished however it is decided."""

from datetime import date

import pytest

from consortia.lifecycle.services import MAX_ATTACHMENTS, confirm_completion, declare_completion, decline_completion
from consortia.models import CompletionDeclaration, Consortium, LifecycleDocument, WorkflowEvent
from consortia.states import Status
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification

from .factories import active_consortium, not_a_pdf, pdf_upload

pytestmark = pytest.mark.django_db

NOT_A_PDF = "该文件不是有效的 PDF 文件（按文件内容检查，而非扩展名）。请上传由原件扫描或导出的 PDF。"


@pytest.fixture
def consortium(demo_users):
    return active_consortium(lead=demo_users["lead-a"], end_date=date(2027, 12, 31))


def declare(consortium, actor, *, summary="三项攻关任务全部完成。", attachments=None):
    return declare_completion(
        consortium_id=consortium.pk,
        actor=actor,
        summary=summary,
        attachments=[pdf_upload("报告.pdf")] if attachments is None else attachments,
    )


def refused(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value


def told():
    """(recipient, subject, body, link, work_key) of every notification, sorted."""
    notifications = Notification.objects.select_related("recipient")
    return sorted((n.recipient.username, n.subject, n.body, n.link, n.work_key) for n in notifications)


def audits(obj_type="consortia.consortium"):
    return list(
        AuditEvent.objects.filter(event_type=AuditEvent.Type.RECORD_CHANGED, object_type=obj_type).values_list(
            "actor__username", "object_id", "changes"
        )
    )


# --- Declaring ---------------------------------------------------------------------------------------------------


def test_a_declaration_keeps_the_summary_the_attachments_an_audit_event_and_asks_the_city(demo_users, consortium):
    lead = demo_users["lead-a"]

    declaration = declare(
        consortium,
        lead,
        summary="  三项攻关任务全部完成。 ",
        attachments=[pdf_upload("总结.pdf"), None, pdf_upload("验收.pdf")],
    )

    declaration.refresh_from_db()
    assert (declaration.summary, declaration.state, declaration.declared_by) == (
        "三项攻关任务全部完成。",
        CompletionDeclaration.State.PENDING,
        lead,
    )
    documents = list(declaration.attachments.order_by("pk"))
    assert [(d.original_name, d.kind, d.uploaded_by, d.consortium_id) for d in documents] == [
        ("总结.pdf", LifecycleDocument.Kind.COMPLETION, lead, consortium.pk),
        ("验收.pdf", LifecycleDocument.Kind.COMPLETION, lead, consortium.pk),
    ]
    assert audits() == [
        (
            "lead-a",
            str(consortium.pk),
            {
                "action": "declare_completion",
                "declaration": declaration.pk,
                "attachments": [{"name": d.original_name, "sha256": d.sha256} for d in documents],
            },
        )
    ]
    assert told() == [
        (
            "city",
            f"任务完成申报待确认：{consortium.name}",
            f"{consortium.lead_organisation.name} 申报“{consortium.name}”攻关任务已完成，"
            "请登录平台确认或说明不予确认的理由。",
            f"/filings/{consortium.pk}/",
            f"completion:{declaration.pk}",
        )
    ]
    assert Consortium.objects.get(pk=consortium.pk).status == Status.ACTIVE


@pytest.mark.parametrize(
    ("summary", "attachments", "message", "field"),
    [
        ("  ", [pdf_upload], "请填写任务完成情况总结。", "summary"),
        ("完成。", [], "请上传任务完成材料（PDF），如任务完成情况报告、验收意见。", "attachments"),
        (
            "完成。",
            [lambda: None, lambda: None],
            "请上传任务完成材料（PDF），如任务完成情况报告、验收意见。",
            "attachments",
        ),
        ("完成。", [pdf_upload] * (MAX_ATTACHMENTS + 1), "一次最多上传 10 个文件。", "attachments"),
        ("完成。", [pdf_upload, lambda: not_a_pdf("说明.pdf")], f"“说明.pdf”：{NOT_A_PDF}", "attachments"),
    ],
    ids=["no-summary", "no-attachment", "empty-attachments", "too-many", "not-a-pdf"],
)
def test_a_declaration_with_bad_input_is_refused_on_its_field(
    demo_users, consortium, summary, attachments, message, field
):
    error = refused(declare, consortium, demo_users["lead-a"], summary=summary, attachments=[a() for a in attachments])

    assert (error.message, error.field) == (message, field)
    assert not CompletionDeclaration.objects.exists()
    assert not LifecycleDocument.objects.exists()
    assert not Notification.objects.exists()


def test_ten_attachments_are_allowed(demo_users, consortium):
    declaration = declare(consortium, demo_users["lead-a"], attachments=[pdf_upload(f"{n}.pdf") for n in range(10)])
    assert declaration.attachments.count() == MAX_ATTACHMENTS == 10


def test_who_may_not_declare_and_when_is_said_exactly(demo_users, consortium):
    assert refused(declare, consortium, demo_users["lead-b"]).message == "只有该联合体牵头单位的用户可以申报任务完成。"
    expired = active_consortium(lead=demo_users["lead-a"], end_date=date(2026, 1, 31), status=Status.EXPIRED)
    assert refused(declare, expired, demo_users["lead-a"]).message == "备案处于“建设期满”状态，不能申报任务完成。"
    declare(consortium, demo_users["lead-a"])
    assert refused(declare, consortium, demo_users["lead-a"]).message == (
        "已有一份任务完成申报在等待市科技局确认，请勿重复申报。"
    )
    assert CompletionDeclaration.objects.count() == 1


def test_the_refusal_comes_before_any_check_of_the_input(demo_users, consortium):
    error = refused(declare, consortium, demo_users["lead-b"], summary="", attachments=[])
    assert error.message == "只有该联合体牵头单位的用户可以申报任务完成。"


# --- Confirming --------------------------------------------------------------------------------------------------


def test_confirming_completes_the_consortium_records_the_decision_and_tells_the_lead_unit_and_district(
    demo_users, consortium
):
    declaration = declare(consortium, demo_users["lead-a"])
    Notification.objects.all().delete()
    city_work = Notification.objects.create(
        recipient=demo_users["city"], subject="待办", body="—", work_key=f"completion:{declaration.pk}"
    )

    result = confirm_completion(
        consortium_id=consortium.pk, declaration_id=declaration.pk, actor=demo_users["city"], comment=" 同意。 "
    )

    assert result.pk == consortium.pk and result.status == Status.COMPLETED
    declaration.refresh_from_db()
    assert (declaration.state, declaration.decided_by, declaration.decision_reason) == (
        CompletionDeclaration.State.CONFIRMED,
        demo_users["city"],
        "同意。",
    )
    event = WorkflowEvent.objects.get(consortium=consortium)
    assert (event.action, event.comment) == ("complete", "同意。")
    assert declaration.decided_at is not None and declaration.decided_at >= declaration.declared_at
    city_work.refresh_from_db()
    assert city_work.done_at is not None
    subject = f"任务完成已确认：{consortium.name}"
    body = f"市科技局已确认“{consortium.name}”攻关任务完成，备案状态变为“任务完成”。同意。"
    link = f"/filings/{consortium.pk}/"
    assert told() == [
        ("city", "待办", "—", "", f"completion:{declaration.pk}"),
        ("jiangning", subject, body, link, None),
        ("lead-a", subject, body, link, None),
    ]


def test_confirming_without_a_comment_ends_the_message_at_the_new_state(demo_users, consortium):
    declaration = declare(consortium, demo_users["lead-a"])

    confirm_completion(consortium_id=consortium.pk, declaration_id=declaration.pk, actor=demo_users["city"])

    body = Notification.objects.get(recipient=demo_users["lead-a"]).body
    assert body == f"市科技局已确认“{consortium.name}”攻关任务完成，备案状态变为“任务完成”。"
    declaration.refresh_from_db()
    assert declaration.decision_reason == ""


def test_a_declaration_decided_already_cannot_be_confirmed(demo_users, consortium):
    declaration = declare(consortium, demo_users["lead-a"])
    decline_completion(
        consortium_id=consortium.pk, declaration_id=declaration.pk, actor=demo_users["city"], reason="材料不全。"
    )

    error = refused(
        confirm_completion, consortium_id=consortium.pk, declaration_id=declaration.pk, actor=demo_users["city"]
    )

    assert error.message == "该任务完成申报已办理（未予确认），请刷新页面查看。"
    assert Consortium.objects.get(pk=consortium.pk).status == Status.ACTIVE


def test_a_consortium_that_moved_on_cannot_be_completed(demo_users, consortium):
    declaration = declare(consortium, demo_users["lead-a"])
    Consortium.objects.filter(pk=consortium.pk).update(status=Status.EXPIRED)

    error = refused(
        confirm_completion, consortium_id=consortium.pk, declaration_id=declaration.pk, actor=demo_users["city"]
    )

    assert error.message == "该备案的状态已变为“建设期满”，可能已有他人先行办理。请刷新页面后查看。"


def test_a_declaration_of_another_consortium_is_not_found(demo_users, consortium):
    other = active_consortium(lead=demo_users["lead-b"], end_date=date(2027, 12, 31))
    declaration = declare(other, demo_users["lead-b"])

    with pytest.raises(CompletionDeclaration.DoesNotExist):
        confirm_completion(consortium_id=consortium.pk, declaration_id=declaration.pk, actor=demo_users["city"])
    with pytest.raises(CompletionDeclaration.DoesNotExist):
        decline_completion(
            consortium_id=consortium.pk, declaration_id=declaration.pk, actor=demo_users["city"], reason="无。"
        )
    declaration.refresh_from_db()
    assert declaration.is_pending


# --- Declining ---------------------------------------------------------------------------------------------------


def test_declining_keeps_the_reason_audits_it_tells_the_lead_unit_and_finishes_the_citys_work(demo_users, consortium):
    declaration = declare(consortium, demo_users["lead-a"])
    AuditEvent.objects.all().delete()

    result = decline_completion(
        consortium_id=consortium.pk, declaration_id=declaration.pk, actor=demo_users["city"], reason=" 指标未达到 "
    )

    assert result.pk == declaration.pk
    declaration.refresh_from_db()
    assert (declaration.state, declaration.decided_by, declaration.decision_reason) == (
        CompletionDeclaration.State.DECLINED,
        demo_users["city"],
        "指标未达到",
    )
    assert declaration.decided_at is not None
    assert Consortium.objects.get(pk=consortium.pk).status == Status.ACTIVE
    assert audits() == [
        (
            "city",
            str(consortium.pk),
            {"action": "decline_completion", "declaration": declaration.pk, "reason": "指标未达到"},
        )
    ]
    city_work = Notification.objects.get(recipient=demo_users["city"])
    assert city_work.done_at is not None
    lead_told = Notification.objects.get(recipient=demo_users["lead-a"])
    assert (lead_told.subject, lead_told.body, lead_told.link) == (
        f"任务完成申报未予确认：{consortium.name}",
        f"市科技局未予确认“{consortium.name}”的任务完成申报，理由：指标未达到。联合体继续处于建设期内。",
        f"/filings/{consortium.pk}/",
    )
    assert not Notification.objects.filter(recipient=demo_users["jiangning"]).exists()


@pytest.mark.parametrize(
    ("username", "reason", "message", "field"),
    [
        ("lead-a", "理由", "只有市科技局可以办理任务完成申报。", None),
        ("jiangning", "理由", "只有市科技局可以办理任务完成申报。", None),
        ("city", "  ", "不予确认须填写理由。", "reason"),
    ],
)
def test_declining_is_refused_to_others_and_without_a_reason(demo_users, consortium, username, reason, message, field):
    declaration = declare(consortium, demo_users["lead-a"])

    error = refused(
        decline_completion,
        consortium_id=consortium.pk,
        declaration_id=declaration.pk,
        actor=demo_users[username],
        reason=reason,
    )

    assert (error.message, error.field) == (message, field)
    declaration.refresh_from_db()
    assert declaration.is_pending and declaration.decided_by is None


def test_a_declaration_confirmed_already_cannot_be_declined(demo_users, consortium):
    declaration = declare(consortium, demo_users["lead-a"])
    confirm_completion(consortium_id=consortium.pk, declaration_id=declaration.pk, actor=demo_users["city"])

    error = refused(
        decline_completion,
        consortium_id=consortium.pk,
        declaration_id=declaration.pk,
        actor=demo_users["city"],
        reason="迟到的理由。",
    )

    assert error.message == "该任务完成申报已办理（已确认完成），请刷新页面查看。"
    declaration.refresh_from_db()
    assert declaration.decision_reason == ""


def test_a_second_declaration_after_a_declined_one_is_the_one_confirmed(demo_users, consortium):
    """A consortium may hold several declarations, one pending: the city's decision is on the one it names."""
    first = declare(consortium, demo_users["lead-a"])
    decline_completion(
        consortium_id=consortium.pk, declaration_id=first.pk, actor=demo_users["city"], reason="缺验收。"
    )
    second = declare(consortium, demo_users["lead-a"], summary="补充验收材料后再次申报。")

    confirm_completion(consortium_id=consortium.pk, declaration_id=second.pk, actor=demo_users["city"])
    states = dict(CompletionDeclaration.objects.filter(consortium=consortium).values_list("pk", "state"))
    assert states == {first.pk: CompletionDeclaration.State.DECLINED, second.pk: CompletionDeclaration.State.CONFIRMED}
    assert Consortium.objects.get(pk=consortium.pk).status == Status.COMPLETED
