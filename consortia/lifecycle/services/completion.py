"""Completion (DESIGN §3): the lead unit declares the research tasks finished, the city confirms (through the door's
``complete``) or declines with a reason."""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.bulk import as_text, text
from portal.exceptions import DomainError
from portal.models import AuditEvent, User
from portal.services import finish_work, notify, record_audit

from ... import recipients
from ...models import (
    CompletionDeclaration,
    Consortium,
    LifecycleDocument,
)
from ...permissions import completion_declaration_refusal
from ...states import Status
from ...storage import files_in_step
from ...workflow.door import perform_action
from ...workflow.steps import Action, step
from ...workflow.transitions import (
    COMPLETION_ANNOUNCED,
    COMPLETION_CONFIRMED,
)
from .attachments import check_pdfs, detail_link, require_city_staff, store

COMPLETE = "complete"
# The city's work on one declaration, the key of its 待办 notifications: done when the declaration is confirmed,
# declined or lapses (``finish_completion_work``).
COMPLETION_WORK = "completion:%(declaration)s"


def finish_completion_work(declarations: QuerySet) -> int:
    """Finish the city's work on every declaration of ``declarations``: one UPDATE, whatever their number. Call it
    before the declarations change state, while the queryset still names them."""
    keys = declarations.annotate(work_key=text(COMPLETION_WORK, declaration=as_text(F("pk")))).values("work_key")
    return finish_work(work_key=keys)


def declare_completion(
    *, consortium_id: int, actor: User, summary: str, attachments: Sequence
) -> CompletionDeclaration:
    """The lead unit declares the research tasks finished, with a summary and PDF attachments; the city is told."""
    summary = summary.strip()
    _refuse_declaration(actor, Consortium.objects.get(pk=consortium_id))
    if not summary:
        raise DomainError(_("请填写任务完成情况总结。"), field="summary")
    checked = check_pdfs(
        attachments,
        field="attachments",
        required_message=_("请上传任务完成材料（PDF），如任务完成情况报告、验收意见。"),
    )
    with files_in_step() as files, transaction.atomic():
        consortium = (
            Consortium.objects.select_for_update(of=("self",)).select_related("lead_organisation").get(pk=consortium_id)
        )
        _refuse_declaration(actor, consortium)
        declaration = CompletionDeclaration.objects.create(consortium=consortium, summary=summary, declared_by=actor)
        documents = store(
            checked,
            files=files,
            consortium=consortium,
            kind=LifecycleDocument.Kind.COMPLETION,
            actor=actor,
            declaration=declaration,
        )
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=consortium,
            changes={
                "action": "declare_completion",
                "declaration": declaration.pk,
                "attachments": [{"name": d.original_name, "sha256": d.sha256} for d in documents],
            },
        )
        notify(
            recipients=recipients.city_staff(),
            subject=_("任务完成申报待确认：%(name)s") % {"name": consortium.name},
            body=_("%(lead)s 申报“%(name)s”攻关任务已完成，请登录平台确认或说明不予确认的理由。")
            % {"lead": consortium.lead_organisation.name, "name": consortium.name},
            link=detail_link(consortium),
            work_key=COMPLETION_WORK % {"declaration": declaration.pk},
        )
    return declaration


def _refuse_declaration(actor: User, consortium: Consortium) -> None:
    pending = consortium.completion_declarations.filter(state=CompletionDeclaration.State.PENDING).exists()
    refusal = completion_declaration_refusal(actor, consortium, pending=pending)
    if refusal:
        raise DomainError(refusal)


def _locked_pending_declaration(declaration_id: int, consortium: Consortium) -> CompletionDeclaration:
    declaration = CompletionDeclaration.objects.select_for_update().get(pk=declaration_id, consortium=consortium)
    if not declaration.is_pending:
        raise DomainError(
            _("该任务完成申报已办理（%(state)s），请刷新页面查看。") % {"state": declaration.get_state_display()}
        )
    return declaration


def confirm_completion(*, consortium_id: int, declaration_id: int, actor: User, comment: str = "") -> Consortium:
    """The city confirms a pending declaration: the consortium becomes ``completed`` through the transition table."""
    return perform_action(
        consortium_id=consortium_id,
        action=COMPLETE,
        actor=actor,
        reason=comment,
        expected_status=Status.ACTIVE,
        declaration_id=declaration_id,
    ).consortium


@step(COMPLETION_CONFIRMED)
def mark_declaration_confirmed(action: Action) -> CompletionDeclaration:
    declaration = _locked_pending_declaration(action.input("declaration_id"), action.consortium)
    finish_completion_work(CompletionDeclaration.objects.filter(pk=declaration.pk))
    declaration.state = CompletionDeclaration.State.CONFIRMED
    declaration.decided_by = action.actor
    declaration.decided_at = timezone.now()
    declaration.decision_reason = action.reason
    declaration.save()
    return declaration


@step(COMPLETION_ANNOUNCED)
def announce_completion(action: Action) -> None:
    consortium = action.consortium
    notify(
        recipients=[*recipients.lead_unit_users(consortium), *recipients.district_officers(consortium)],
        subject=_("任务完成已确认：%(name)s") % {"name": consortium.name},
        body=_("市科技局已确认“%(name)s”攻关任务完成，备案状态变为“任务完成”。%(comment)s")
        % {"name": consortium.name, "comment": action.reason},
        link=detail_link(consortium),
    )


def decline_completion(*, consortium_id: int, declaration_id: int, actor: User, reason: str) -> CompletionDeclaration:
    """The city declines a pending declaration with a reason: the consortium stays active, the lead unit is told."""
    reason = reason.strip()
    require_city_staff(actor, _("只有市科技局可以办理任务完成申报。"))
    if not reason:
        raise DomainError(_("不予确认须填写理由。"), field="reason")
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium_id)
        declaration = _locked_pending_declaration(declaration_id, consortium)
        finish_completion_work(CompletionDeclaration.objects.filter(pk=declaration.pk))
        declaration.state = CompletionDeclaration.State.DECLINED
        declaration.decided_by = actor
        declaration.decided_at = timezone.now()
        declaration.decision_reason = reason
        declaration.save()
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=consortium,
            changes={"action": "decline_completion", "declaration": declaration.pk, "reason": reason},
        )
        notify(
            recipients=recipients.lead_unit_users(consortium),
            subject=_("任务完成申报未予确认：%(name)s") % {"name": consortium.name},
            body=_("市科技局未予确认“%(name)s”的任务完成申报，理由：%(reason)s。联合体继续处于建设期内。")
            % {"name": consortium.name, "reason": reason},
            link=detail_link(consortium),
        )
    return declaration
