"""Revocation for serious fraud and the dishonesty record (guideline §5.3): the door's ``revoke`` with its records,
and a record ended early with a kept reason."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.models import AuditEvent, User
from portal.services import notify, record_audit

from ... import recipients
from ...models import (
    CompletionDeclaration,
    DishonestyRecord,
    LifecycleDocument,
    Revocation,
)
from ...permissions import end_record_refusal
from ...states import Status
from ...workflow.door import perform_action
from ...workflow.steps import Action, step
from ...workflow.transitions import (
    REVOCATION_ANNOUNCED,
    REVOCATION_RECORDS,
)
from .attachments import check_pdfs, detail_link, store
from .completion import finish_completion_work

REVOKE = "revoke"


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
    checked = check_pdfs(action.input("evidence", ()), field="evidence", required_message=_("请上传证据材料（PDF）。"))
    wanted = set(action.input("member_organisation_ids", ())) - {consortium.lead_organisation_id}
    members = set(consortium.memberships.filter(organisation_id__in=wanted).values_list("organisation_id", flat=True))
    if wanted - members:
        raise DomainError(_("所选单位不是该联合体的参与单位，请刷新页面后重新选择。"), field="members")
    revocation = Revocation.objects.create(consortium=consortium, reason=action.reason, revoked_by=actor)
    store(
        checked,
        files=action.files,
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
    pending = consortium.completion_declarations.filter(state=CompletionDeclaration.State.PENDING)
    finish_completion_work(pending)
    pending.update(state=CompletionDeclaration.State.LAPSED, decided_by=actor, decided_at=timezone.now())
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
        link=detail_link(consortium),
    )


def end_dishonesty_record(*, record_id: int, actor: User, reason: str, today: date | None = None) -> DishonestyRecord:
    """End a record before its term, from ``today``: the reason, the actor and the date are kept."""
    reason = reason.strip()
    today = today or timezone.localdate()
    with transaction.atomic():
        record = DishonestyRecord.objects.select_for_update().select_related("organisation").get(pk=record_id)
        refusal = end_record_refusal(actor, record, today=today)
        if refusal:
            raise DomainError(refusal)
        if not reason:
            raise DomainError(_("提前终止须填写理由。"), field="reason")
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
