"""What lead units do to their filings: create, edit section by section, upload documents, submit, withdraw."""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.models import AuditEvent, Organisation, Role, User
from portal.services import notify, record_audit
from portal.uscc import normalise_uscc

from . import recipients
from .documents import check_pdf
from .eligibility import validate_document
from .models import Consortium, Document, Governance, LeadUnit, Membership, Section, Submission
from .permissions import draft_deletion_refusal, edit_refusal
from .selectors import section_checklist
from .snapshots import evaluate_filing, filing_details, filing_document, load_filing
from .storage import files_in_step
from .workflow.door import perform_action
from .workflow.machine import queue_work_key
from .workflow.steps import Action, step
from .workflow.transitions import SNAPSHOT, SUBMISSION_ANNOUNCED

JUSTIFICATIONS = "justifications"  # versioned like a section: edited on the eligibility page


class StaleSection(DomainError):
    """Someone else saved the section after this user loaded it; nothing was saved."""

    def __init__(self, *, section: str, saved_by: str, saved_at: datetime | None, version: int, label: str = ""):
        # ``label``: the section's name where it is not one of the filing's (an annual report's sections).
        when = timezone.localtime(saved_at).strftime("%Y-%m-%d %H:%M") if saved_at else ""
        super().__init__(
            _(
                "保存未成功：在您打开本页之后，%(who)s 于 %(when)s 保存了“%(section)s”。"
                "为避免覆盖他人的修改，您的内容未保存。请核对下方对方保存的内容，确认后再次保存。"
            )
            % {"who": saved_by, "when": when, "section": label or section_label(section)}
        )
        self.section = section
        self.version = version


def section_label(section: str) -> str:
    return str(Section(section).label) if section in Section.values else _("说明理由")


@dataclass(frozen=True)
class SectionVersion:
    number: int
    saved_by: str
    saved_at: datetime | None


def section_version(consortium: Consortium, section: str) -> SectionVersion:
    entry = consortium.section_versions.get(section) or {}
    return SectionVersion(
        number=int(entry.get("version", 0)),
        saved_by=entry.get("by", ""),
        saved_at=parse_datetime(entry["at"]) if entry.get("at") else None,
    )


@transaction.atomic
def create_filing(*, actor: User, name: str) -> Consortium:
    """A new draft led by the actor's organisation."""
    if actor.role != Role.LEAD_UNIT or actor.organisation_id is None:
        raise DomainError(_("只有牵头单位用户可以创建备案。"))
    name = name.strip()
    if not name:
        raise DomainError(_("请填写联合体名称。"), field="name")
    consortium = Consortium.objects.create(name=name, lead_organisation=actor.organisation, created_by=actor)
    LeadUnit.objects.create(consortium=consortium)
    Governance.objects.create(consortium=consortium)
    record_audit(event_type=AuditEvent.Type.RECORD_CHANGED, actor=actor, obj=consortium, changes={"action": "create"})
    return consortium


def save_section(
    *,
    consortium_id: int,
    actor: User,
    section: str,
    loaded_version: int,
    apply: Callable[[Consortium], None],
) -> Consortium:
    """Save one section of a draft: ``apply`` writes the section's data. Refused, with nothing written, when the
    filing is not the actor's to edit, not editable in its state, or someone saved this section after the actor
    loaded it (``loaded_version``)."""
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium_id)
        refusal = edit_refusal(actor, consortium)
        if refusal:
            raise DomainError(refusal)
        current = section_version(consortium, section)
        if current.number != loaded_version:
            raise StaleSection(
                section=section, saved_by=current.saved_by, saved_at=current.saved_at, version=current.number
            )
        apply(consortium)
        consortium.section_versions[section] = {
            "version": current.number + 1,
            "by": str(actor),
            "at": timezone.now().isoformat(),
        }
        consortium.save()
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=consortium,
            changes={"action": "save_section", "section": section, "version": current.number + 1},
        )
    return consortium


def find_or_create_member_organisation(*, uscc: str, name: str, kind: str) -> Organisation:
    """The organisation with this USCC, or a new one (members need not have registered in the portal).

    A new one is unregistered: what the lead unit typed stands until someone of that organisation registers its
    USCC and takes it over (``portal.services.register_lead_unit``), so typing a USCC first locks nobody out."""
    uscc = normalise_uscc(uscc)
    organisation = Organisation.objects.filter(uscc=uscc).first()
    if organisation is not None:
        return organisation
    try:
        with transaction.atomic():
            return Organisation.objects.create(uscc=uscc, name=name.strip(), kind=kind, registered=False)
    except IntegrityError:  # created by someone else a moment ago
        return Organisation.objects.get(uscc=uscc)


def add_member(*, consortium: Consortium, organisation: Organisation, details: dict) -> Membership:
    """Called inside ``save_section(section=MEMBERS)``."""
    if organisation.pk == consortium.lead_organisation_id:
        raise DomainError(_("该单位是本联合体的牵头单位，不能同时作为参与单位。"), field="uscc")
    if consortium.memberships.filter(organisation=organisation, left_on__isnull=True).exists():
        raise DomainError(
            _("统一社会信用代码 %(uscc)s（%(name)s）已是本联合体的参与单位，不能重复添加。")
            % {"uscc": organisation.uscc, "name": organisation.name},
            field="uscc",
        )
    return Membership.objects.create(consortium=consortium, organisation=organisation, **details)


def remove_member(*, consortium: Consortium, membership_id: int) -> None:
    """Called inside ``save_section(section=MEMBERS)``. A member named as responsible for a task stays until the
    task no longer names it; a draft's member is deleted, a filed consortium's member leaves (history)."""
    current = consortium.memberships.filter(left_on__isnull=True).select_related("organisation")
    membership = current.filter(pk=membership_id).first()
    if membership is None:  # removed a moment ago (the view 404s on one removed before), or another's member
        raise DomainError(_("该参与单位已不在本联合体中，可能已被移除。请刷新页面。"))
    tasks = list(consortium.tasks.filter(responsible_units=membership.organisation).values_list("title", flat=True))
    if tasks:
        raise DomainError(
            _("“%(name)s”仍是攻关任务“%(tasks)s”的承担单位，请先在攻关任务中调整承担单位，再移除该参与单位。")
            % {"name": membership.organisation.name, "tasks": "”“".join(tasks)}
        )
    consortium.funding_lines.filter(organisation=membership.organisation).delete()
    if consortium.submitted_at is None:
        membership.delete()
    else:
        membership.left_on = timezone.localdate()
        membership.save(update_fields=["left_on"])


def _change_documents(*, consortium_id: int, actor: User, loaded_version: int, change) -> None:
    """Save the documents section with ``change(consortium, files)``, its files in step with the save."""
    with files_in_step() as files:
        save_section(
            consortium_id=consortium_id,
            actor=actor,
            section=Section.DOCUMENTS,
            loaded_version=loaded_version,
            apply=lambda consortium: change(consortium, files),
        )


def upload_document(*, consortium_id: int, actor: User, kind: str, uploaded_file, loaded_version: int) -> Document:
    """A PDF for the documents section, checked by its content and stored privately; a new file is always a new
    document (a submitted one is never replaced). The file is removed again if the save does not go through."""
    checked = check_pdf(uploaded_file)
    stored = []

    def store(consortium: Consortium, files) -> None:
        stored.append(
            Document.store(uploaded_file, checked, files=files, uploaded_by=actor, consortium=consortium, kind=kind)
        )

    _change_documents(consortium_id=consortium_id, actor=actor, loaded_version=loaded_version, change=store)
    return stored[0]


def delete_document(*, consortium_id: int, actor: User, document_id: int, loaded_version: int) -> None:
    """Delete a document that no submission recorded; its file leaves storage once the deletion has committed. A
    submitted document is evidence of what was filed (§5.3) and stays: a correction is uploaded as a new file."""

    def delete(consortium: Consortium, files) -> None:
        document = consortium.documents.filter(pk=document_id).first()
        if document is None:
            raise DomainError(_("该材料已不存在，可能已被删除。请刷新页面。"))
        submission = document.submissions.order_by("number").first()
        if submission is not None:
            raise DomainError(
                _("“%(name)s”已随第 %(number)d 次提交存档，不能删除或替换。如需更正，请上传新的文件。")
                % {"name": document.original_name, "number": submission.number}
            )
        files.delete_after_commit(document.file)
        document.delete()

    _change_documents(consortium_id=consortium_id, actor=actor, loaded_version=loaded_version, change=delete)


def evaluation_record(evaluation) -> dict:
    """An evaluation as stored with a submission: DESIGN §9's output plus what reviewers need to read it."""
    record = evaluation.as_dict()
    for stored, result in zip(record["results"], evaluation.results, strict=True):
        stored.update(title=result.title, justification=result.justification)
    record["thresholds"] = dataclasses.asdict(evaluation.thresholds)
    record["evaluated_on"] = evaluation.evaluated_on.isoformat()
    return record


def submit_filing(*, consortium_id: int, actor: User) -> Submission:
    """Submit (or resubmit after a return) to district pre-screening, keeping an immutable snapshot of exactly what
    was submitted and its eligibility results. Refused while a section is incomplete or a condition fails."""
    return perform_action(consortium_id=consortium_id, action="submit", actor=actor).results[SNAPSHOT]


@step(SNAPSHOT)
def take_snapshot(action: Action) -> Submission:
    """The step of every submit: complete sections, every condition met, and the snapshot kept."""
    consortium = action.consortium
    filing = load_filing(consortium.pk)
    incomplete = [status for status in section_checklist(filing) if not status.complete]
    if incomplete:
        raise DomainError(
            _("以下部分尚未填写完整，不能提交：%(sections)s。")
            % {"sections": "；".join(f"{status.label}（{'、'.join(status.missing)}）" for status in incomplete)}
        )
    evaluation = evaluate_filing(filing)
    if not evaluation.eligible:
        failing = [result for result in evaluation.results if result.blocks]
        raise DomainError(
            _("以下条件尚未满足，不能提交：%(rules)s。请在“条件核验”页面查看原因。")
            % {"rules": "；".join(f"{r.title}（{r.clause_label}）" for r in failing)}
        )
    document = filing_document(filing)
    problems = validate_document(document)
    if problems:  # the checklist should have caught these; never store a snapshot that is not a valid document
        raise DomainError(_("备案内容不完整：%(problems)s") % {"problems": "；".join(map(str, problems))})
    submission = Submission.objects.create(
        consortium=consortium,
        number=consortium.submissions.count() + 1,
        submitted_by=action.actor,
        document=document,
        details=filing_details(filing),
        eligibility=evaluation_record(evaluation),
    )
    # The documents as submitted, for reviewers and any later dispute; each stays as it was (delete_document).
    submission.documents.set(consortium.documents.all())
    consortium.submitted_at = submission.submitted_at
    return submission


@step(SUBMISSION_ANNOUNCED)
def announce_submission(action: Action) -> None:
    consortium, submission = action.consortium, action.results[SNAPSHOT]
    notify(
        recipients=recipients.district_officers(consortium),
        subject=_("新的创新联合体备案申请待初审：%(name)s") % {"name": consortium.name},
        body=_("%(lead)s 提交了“%(name)s”的备案申请（第 %(number)d 次提交），请登录平台进行初审。")
        % {"lead": consortium.lead_organisation.name, "name": consortium.name, "number": submission.number},
        link=reverse("consortia:detail", args=[consortium.pk]),
        work_key=queue_work_key(action.transition.target, consortium.pk),
    )


def withdraw_filing(*, consortium_id: int, actor: User) -> Consortium:
    return perform_action(consortium_id=consortium_id, action="withdraw", actor=actor).consortium


def delete_draft(*, consortium_id: int, actor: User) -> None:
    """Delete a draft that was never submitted, with its sections, members, tasks, funding lines and documents; the
    documents' files leave storage once the deletion has committed. The organisations typed in as members stay:
    other filings may name them, and whoever registers their USCC takes them over. Only the audit event remains."""
    with files_in_step() as files, transaction.atomic():
        consortium = Consortium.objects.select_for_update().filter(pk=consortium_id).first()
        if consortium is None:  # deleted by a colleague a moment ago
            raise DomainError(_("该备案草稿已不存在，可能已被删除。"))
        refusal = draft_deletion_refusal(actor, consortium)
        if refusal:
            raise DomainError(refusal)
        for document in consortium.documents.all():
            files.delete_after_commit(document.file)
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=consortium,
            changes={"action": "delete", "name": consortium.name},
        )
        consortium.delete()
