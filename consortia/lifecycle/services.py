"""What people do at the end of a consortium's life (DESIGN §3; guideline §2.c, §5.3): the lead unit declares the
research tasks finished and the city confirms or declines; the city revokes a consortium for serious fraud, which puts
the units on the dishonesty record, and may end a record early; the city records provincial recognition.

Changes of state go through the transition table's one door, ``consortia.workflow.door.perform_action``, which runs
the completion and revocation steps registered here. The daily jobs (expiry and its reminders) are in ``jobs``.
"""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.models import AuditEvent, User
from portal.services import notify, record_audit

from .. import recipients
from ..documents import check_pdf, stored_files_removed_on_failure
from ..models import (
    CompletionDeclaration,
    Consortium,
    DishonestyRecord,
    LifecycleDocument,
    ProvincialRecognition,
    Revocation,
)
from ..permissions import completion_declaration_refusal, end_record_refusal, recognition_refusal
from ..states import Status
from ..workflow.door import perform_action
from ..workflow.steps import Action, step
from ..workflow.transitions import (
    COMPLETION_ANNOUNCED,
    COMPLETION_CONFIRMED,
    REVOCATION_ANNOUNCED,
    REVOCATION_RECORDS,
)

COMPLETE = "complete"
REVOKE = "revoke"
MAX_ATTACHMENTS = 10


def _detail_link(consortium: Consortium) -> str:
    return reverse("consortia:detail", args=[consortium.pk])


# --- Documents -------------------------------------------------------------------------------------------------------


def _check_pdfs(files: Sequence, *, field: str, required_message: str) -> list:
    """Every file a PDF within the limits, before anything is written; the message names the file at fault."""
    files = [f for f in files if f]
    if not files:
        raise DomainError(required_message, field=field)
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError(_("一次最多上传 %(max)d 个文件。") % {"max": MAX_ATTACHMENTS}, field=field)
    checked = []
    for uploaded in files:
        try:
            checked.append((uploaded, check_pdf(uploaded)))
        except DomainError as error:
            raise DomainError(
                _("“%(name)s”：%(problem)s") % {"name": uploaded.name, "problem": error.message}, field=field
            ) from None
    return checked


def _store(checked, *, stored: list, consortium: Consortium, kind: str, actor: User, **owner) -> list:
    documents = []
    for uploaded, facts in checked:
        document = LifecycleDocument(
            consortium=consortium,
            kind=kind,
            original_name=uploaded.name[:255],
            size=facts.size,
            sha256=facts.sha256,
            uploaded_by=actor,
            **owner,
        )
        document.file.save("upload.pdf", uploaded, save=False)
        stored.append(document.file)
        document.save()
        documents.append(document)
    return documents


def _require_city_staff(actor: User, message: str) -> None:
    if not actor.is_city_staff:
        raise DomainError(message)


# --- Completion (DESIGN §3: the lead unit declares, the city confirms) -------------------------------------------


def declare_completion(
    *, consortium_id: int, actor: User, summary: str, attachments: Sequence
) -> CompletionDeclaration:
    """The lead unit declares the research tasks finished, with a summary and PDF attachments; the city is told."""
    summary = summary.strip()
    _refuse_declaration(actor, Consortium.objects.get(pk=consortium_id))
    if not summary:
        raise DomainError(_("请填写任务完成情况总结。"), field="summary")
    checked = _check_pdfs(
        attachments,
        field="attachments",
        required_message=_("请上传任务完成材料（PDF），如任务完成情况报告、验收意见。"),
    )
    with stored_files_removed_on_failure() as stored, transaction.atomic():
        consortium = (
            Consortium.objects.select_for_update(of=("self",)).select_related("lead_organisation").get(pk=consortium_id)
        )
        _refuse_declaration(actor, consortium)
        declaration = CompletionDeclaration.objects.create(consortium=consortium, summary=summary, declared_by=actor)
        documents = _store(
            checked,
            stored=stored,
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
            link=_detail_link(consortium),
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
        link=_detail_link(consortium),
    )


def decline_completion(*, consortium_id: int, declaration_id: int, actor: User, reason: str) -> CompletionDeclaration:
    """The city declines a pending declaration with a reason: the consortium stays active, the lead unit is told."""
    reason = reason.strip()
    _require_city_staff(actor, _("只有市科技局可以办理任务完成申报。"))
    if not reason:
        raise DomainError(_("不予确认须填写理由。"), field="reason")
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium_id)
        declaration = _locked_pending_declaration(declaration_id, consortium)
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
            link=_detail_link(consortium),
        )
    return declaration


# --- Revocation and the dishonesty record (guideline §5.3) -------------------------------------------------------


def revoke_consortium(
    *,
    consortium_id: int,
    actor: User,
    reason: str,
    evidence: Sequence,
    member_organisation_ids: Sequence[int] = (),
    valid_from: date,
    valid_until: date | None,
) -> Revocation:
    """Revoke an active consortium for serious fraud (取消资格) and put the lead unit, and the members named, on the
    dishonesty record from ``valid_from`` to ``valid_until`` (None: long-term). Irreversible."""
    return perform_action(
        consortium_id=consortium_id,
        action=REVOKE,
        actor=actor,
        reason=reason,
        expected_status=Status.ACTIVE,
        evidence=evidence,
        member_organisation_ids=member_organisation_ids,
        valid_from=valid_from,
        valid_until=valid_until,
    ).results[REVOCATION_RECORDS]


@step(REVOCATION_RECORDS)
def record_revocation(action: Action) -> Revocation:
    """The step of every revocation: the evidence (PDFs), the revocation and a dishonesty record for the lead unit and
    each member named; a pending completion declaration lapses."""
    consortium, actor = action.consortium, action.actor
    valid_from, valid_until = action.input("valid_from"), action.input("valid_until")
    if valid_from is None:
        raise DomainError(_("请填写失信记录的有效期起始日期。"), field="valid_from")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(_("失信记录的有效期截止日期不能早于起始日期。"), field="valid_until")
    checked = _check_pdfs(action.input("evidence", ()), field="evidence", required_message=_("请上传证据材料（PDF）。"))
    wanted = set(action.input("member_organisation_ids", ())) - {consortium.lead_organisation_id}
    members = set(consortium.memberships.filter(organisation_id__in=wanted).values_list("organisation_id", flat=True))
    if wanted - members:
        raise DomainError(_("所选单位不是该联合体的参与单位，请刷新页面后重新选择。"), field="members")
    revocation = Revocation.objects.create(consortium=consortium, reason=action.reason, revoked_by=actor)
    _store(
        checked,
        stored=action.stored_files,
        consortium=consortium,
        kind=LifecycleDocument.Kind.REVOCATION_EVIDENCE,
        actor=actor,
        revocation=revocation,
    )
    record_reason = _("因严重弄虚作假，“%(name)s”（备案编号 %(number)s）被撤销备案：%(reason)s") % {
        "name": consortium.name,
        "number": consortium.filing_number or "—",
        "reason": action.reason,
    }
    DishonestyRecord.objects.bulk_create(
        DishonestyRecord(
            organisation_id=organisation_id,
            revocation=revocation,
            reason=record_reason,
            valid_from=valid_from,
            valid_until=valid_until,
            recorded_by=actor,
        )
        for organisation_id in [consortium.lead_organisation_id, *sorted(members)]
    )
    consortium.completion_declarations.filter(state=CompletionDeclaration.State.PENDING).update(
        state=CompletionDeclaration.State.LAPSED, decided_by=actor, decided_at=timezone.now()
    )
    return revocation


@step(REVOCATION_ANNOUNCED)
def announce_revocation(action: Action) -> None:
    consortium = action.consortium
    notify(
        recipients=[*recipients.lead_unit_users(consortium), *recipients.district_officers(consortium)],
        subject=_("创新联合体备案已撤销：%(name)s") % {"name": consortium.name},
        body=_(
            "市科技局依《南京市级创新联合体备案建设工作指引》五（三）撤销了“%(name)s”的备案，"
            "并将相关单位列入失信信息记录。理由：%(reason)s"
        )
        % {"name": consortium.name, "reason": action.reason},
        link=_detail_link(consortium),
    )


def end_dishonesty_record(*, record_id: int, actor: User, reason: str, today: date | None = None) -> DishonestyRecord:
    """End a record before its term, from ``today``: the reason, the actor and the date are kept."""
    reason = reason.strip()
    today = today or timezone.localdate()
    _require_city_staff(actor, _("只有市科技局可以提前终止失信信息记录。"))
    if not reason:
        raise DomainError(_("提前终止须填写理由。"), field="reason")
    with transaction.atomic():
        record = DishonestyRecord.objects.select_for_update().select_related("organisation").get(pk=record_id)
        refusal = end_record_refusal(record, today=today)
        if refusal:
            raise DomainError(refusal)
        record.ended_on = today
        record.end_reason = reason
        record.ended_by = actor
        record.ended_at = timezone.now()
        record.save()
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=record,
            changes={
                "action": "end_dishonesty_record",
                "organisation": record.organisation.uscc,
                "ended_on": today.isoformat(),
                "reason": reason,
            },
        )
    return record


# --- Provincial recognition (guideline §2.c) --------------------------------------------------------------------------


def _refuse_recognition(actor: User, consortium: Consortium) -> None:
    recognised = ProvincialRecognition.objects.filter(consortium=consortium).exists()
    refusal = recognition_refusal(actor, consortium, recognised=recognised)
    if refusal:
        raise DomainError(refusal)


def record_provincial_recognition(
    *,
    consortium_id: int,
    actor: User,
    recognised_on: date,
    document,
    document_number: str = "",
    note: str = "",
    today: date | None = None,
) -> ProvincialRecognition:
    """Record that the consortium was recognised as a provincial consortium (省级创新联合体), with the date and the
    recognition document."""
    today = today or timezone.localdate()
    _refuse_recognition(actor, Consortium.objects.get(pk=consortium_id))
    if recognised_on > today:
        raise DomainError(_("认定日期不能晚于今天。"), field="recognised_on")
    checked = _check_pdfs([document], field="document", required_message=_("请上传省级认定文件（PDF）。"))
    with stored_files_removed_on_failure() as stored, transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium_id)
        _refuse_recognition(actor, consortium)
        if consortium.filed_on and recognised_on < consortium.filed_on:
            raise DomainError(
                _("认定日期不能早于市级备案日期（%(date)s）。") % {"date": consortium.filed_on.isoformat()},
                field="recognised_on",
            )
        recognition = ProvincialRecognition.objects.create(
            consortium=consortium,
            recognised_on=recognised_on,
            document_number=document_number.strip(),
            note=note.strip(),
            recorded_by=actor,
        )
        _store(
            checked,
            stored=stored,
            consortium=consortium,
            kind=LifecycleDocument.Kind.RECOGNITION,
            actor=actor,
            recognition=recognition,
        )
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=consortium,
            changes={
                "action": "record_provincial_recognition",
                "recognised_on": recognised_on.isoformat(),
                "document_number": recognition.document_number,
            },
        )
        notify(
            recipients=recipients.lead_unit_users(consortium),
            subject=_("已记录省级创新联合体认定：%(name)s") % {"name": consortium.name},
            body=_("市科技局已记录“%(name)s”于 %(date)s 获认定为省级创新联合体。")
            % {"name": consortium.name, "date": recognised_on.isoformat()},
            link=_detail_link(consortium),
        )
    return recognition
