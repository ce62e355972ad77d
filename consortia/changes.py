"""Changes of an active consortium (guideline §5.3), recorded by its lead unit with the signed supplementary agreement
(补充协议): a member joins or leaves, or the strategic plan, the organisational structure or the operating mechanism
is adjusted. The lead unit never changes (§5.3.a): there is no such change, and an attempt is refused citing 五（三）.

Each change is one transaction: the consortium row locked, ``permissions.change_refusal``, the change's own checks,
the agreement checked and stored (its file removed again if anything refuses), the record, an audit event, and a
notification to the district officers of the lead unit's jurisdiction, who follow their consortia through the year.
City staff read the history on the consortium page and in the annual report (§5.3.b), so each change is not also
mailed to them."""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.models import AuditEvent, User
from portal.services import notify, record_audit
from portal.uscc import normalise_uscc

from . import recipients
from .eligibility import Filing, LeadUnit, Member, context_from_database, evaluate
from .eligibility.rules import RULES_BY_CODE
from .lifecycle.services.attachments import check_pdfs
from .models import ChainPosition, ChangeDocument, ChangeRecord, Consortium, Membership
from .permissions import change_refusal
from .services import add_member, find_or_create_member_organisation
from .storage import files_in_step

Kind = ChangeRecord.Kind
ADJUSTMENTS = (Kind.STRATEGIC_PLAN, Kind.ORGANISATION, Kind.MECHANISM)
# The conditions of the filing that are about one unit (docs/eligibility.md): a joining member meets them as every
# member did at filing, with the rules' own messages.
JOINING_RULES = tuple(RULES_BY_CODE[code] for code in ("LEGAL_ENTITY", "MEMBER_CAPABILITY", "INTEGRITY"))


def lead_unit_fixed() -> str:
    return _("牵头单位不得变更（指引五（三））。")


def record_member_joined(
    *,
    consortium_id: int,
    actor: User,
    uscc: str,
    name: str,
    kind: str,
    capability: str,
    role: str,
    independent_legal_entity: bool,
    effective_on: date,
    explanation: str,
    agreement,
    chain_position: str = ChainPosition.NOT_APPLICABLE,
) -> ChangeRecord:
    """A unit joins from ``effective_on``: a new membership, if the unit meets the filing's conditions on a unit
    (valid USCC, attested an independent legal entity, its capability stated, no dishonesty record in force today),
    is not a current member already and is not the lead unit."""
    member = Member(
        name=name.strip(),
        uscc=normalise_uscc(uscc),
        kind=kind,
        chain_position=chain_position,
        independent_legal_entity=independent_legal_entity,
        capability=capability.strip(),
        role=role.strip(),
    )

    def join(consortium: Consortium) -> tuple[Membership, list[str]]:
        if member.uscc == consortium.lead_organisation.uscc:
            raise DomainError(lead_unit_fixed(), field="uscc")
        faults = _joining_faults(consortium, member)
        if faults:
            raise DomainError("".join(faults))
        organisation = find_or_create_member_organisation(uscc=member.uscc, name=member.name, kind=member.kind)
        details = {
            "chain_position": member.chain_position,
            "independent_legal_entity": member.independent_legal_entity,
            "capability": member.capability,
            "role": member.role,
            "joined_on": effective_on,
        }
        return add_member(consortium=consortium, organisation=organisation, details=details), []

    return _record(
        consortium_id=consortium_id,
        actor=actor,
        kind=Kind.MEMBER_JOINED,
        effective_on=effective_on,
        explanation=explanation,
        agreement=agreement,
        change=join,
    )


def _joining_faults(consortium: Consortium, member: Member) -> list[str]:
    """What the joining rules find, on the consortium's lead and the joining unit: the lead passes as it did at
    filing (should it be on the dishonesty record now, INTEGRITY says so and nobody joins)."""
    lead = consortium.lead_organisation
    filing = Filing(
        name=consortium.name, field="", lead=LeadUnit(name=lead.name, uscc=lead.uscc, kind=lead.kind), members=(member,)
    )
    evaluation = evaluate(filing, context_from_database(), rules=JOINING_RULES)
    return [result.message for result in evaluation.results if result.blocks]


def record_member_left(
    *, consortium_id: int, actor: User, membership_id: int, effective_on: date, explanation: str, agreement
) -> ChangeRecord:
    """A current member leaves on ``effective_on``: its membership keeps its row and gets ``left_on`` (history).

    A member still named as responsible for a research task may leave: the tasks of a filed consortium cannot be
    edited, so refusing would keep it in for good; the supplementary agreement settles its tasks and the record
    names them (``open_tasks``) for the district and the annual report."""

    def leave(consortium: Consortium) -> tuple[Membership, list[str]]:
        membership = (
            consortium.memberships.filter(pk=membership_id, left_on__isnull=True).select_related("organisation").first()
        )
        if membership is None:
            raise DomainError(_("该参与单位已不在本联合体中，可能已记录退出。请刷新页面。"), field="membership")
        if membership.organisation_id == consortium.lead_organisation_id:
            raise DomainError(lead_unit_fixed(), field="membership")
        if membership.joined_on and effective_on < membership.joined_on:
            raise DomainError(
                _("退出日期不能早于该单位的加入日期（%(date)s）。") % {"date": membership.joined_on.isoformat()},
                field="effective_on",
            )
        open_tasks = list(
            consortium.tasks.filter(responsible_units=membership.organisation_id)
            .order_by("pk")
            .values_list("title", flat=True)
        )
        membership.left_on = effective_on
        membership.save(update_fields=["left_on"])
        return membership, open_tasks

    return _record(
        consortium_id=consortium_id,
        actor=actor,
        kind=Kind.MEMBER_LEFT,
        effective_on=effective_on,
        explanation=explanation,
        agreement=agreement,
        change=leave,
    )


def record_change(
    *, consortium_id: int, actor: User, kind: str, effective_on: date, explanation: str, agreement
) -> ChangeRecord:
    """The strategic plan, the organisational structure or the operating mechanism was adjusted."""
    if kind in ChangeRecord.MEMBER_KINDS:
        raise DomainError(_("参与单位的加入和退出，请分别通过“新增参与单位”和“参与单位退出”记录。"), field="kind")
    if kind not in ADJUSTMENTS:
        # The one thing the guideline forbids changing is the lead unit; say so, and what may be changed.
        raise DomainError(
            lead_unit_fixed()
            + _("可记录的变更为：%(kinds)s。") % {"kinds": "、".join(str(label) for label in Kind.labels)},
            field="kind",
        )
    return _record(
        consortium_id=consortium_id,
        actor=actor,
        kind=kind,
        effective_on=effective_on,
        explanation=explanation,
        agreement=agreement,
        change=lambda consortium: (None, []),
    )


def _record(
    *,
    consortium_id: int,
    actor: User,
    kind: str,
    effective_on: date,
    explanation: str,
    agreement,
    change: Callable[[Consortium], tuple[Membership | None, list[str]]],
) -> ChangeRecord:
    """One change: ``change`` makes it on the locked consortium and returns the membership it concerns and the
    tasks to name; then the date, the explanation and the agreement are checked and the record is kept."""
    explanation = explanation.strip()
    with files_in_step() as files, transaction.atomic():
        consortium = (
            Consortium.objects.select_for_update(of=("self",)).select_related("lead_organisation").get(pk=consortium_id)
        )
        refusal = change_refusal(actor, consortium)
        if refusal:
            raise DomainError(refusal)
        membership, open_tasks = change(consortium)
        _check_effective_date(consortium, effective_on)
        if not explanation:
            raise DomainError(_("请填写变更说明：变更的内容和理由，将在年度报告中予以说明。"), field="explanation")
        [(uploaded, checked)] = check_pdfs(
            [agreement],
            field="agreement",
            required_message=_("请上传各方签署的补充协议（PDF）：变更须签署补充协议（指引五（三））。"),
        )
        document = ChangeDocument.store(uploaded, checked, files=files, uploaded_by=actor, consortium=consortium)
        record = ChangeRecord.objects.create(
            consortium=consortium,
            kind=kind,
            effective_on=effective_on,
            explanation=explanation,
            membership=membership,
            open_tasks=open_tasks,
            agreement=document,
            recorded_by=actor,
        )
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=consortium,
            changes={
                "action": "record_change",
                "change": record.pk,
                "kind": kind,
                "effective_on": effective_on.isoformat(),
                "organisation": membership.organisation.uscc if membership else None,
                "agreement": {"name": document.original_name, "sha256": document.sha256},
            },
        )
        _announce(consortium, record)
    return record


def _check_effective_date(consortium: Consortium, effective_on: date) -> None:
    if effective_on > timezone.localdate():
        raise DomainError(_("生效日期不能晚于今天：请在变更生效后再记录。"), field="effective_on")
    if consortium.filed_on and effective_on < consortium.filed_on:
        raise DomainError(
            _("生效日期不能早于备案日期（%(date)s）。") % {"date": consortium.filed_on.isoformat()},
            field="effective_on",
        )


def _announce(consortium: Consortium, record: ChangeRecord) -> None:
    kind = what = record.get_kind_display()
    if record.membership:
        what = _("%(kind)s“%(unit)s”") % {"kind": kind, "unit": record.membership.organisation.name}
    body = _("%(lead)s 记录了“%(name)s”的变更：%(what)s，自 %(date)s 起生效，附补充协议。变更说明：%(explanation)s") % {
        "lead": consortium.lead_organisation.name,
        "name": consortium.name,
        "what": what,
        "date": record.effective_on.isoformat(),
        "explanation": record.explanation,
    }
    if record.open_tasks:
        body += _("退出单位仍是攻关任务“%(tasks)s”的承担单位，任务安排见补充协议。") % {
            "tasks": "”“".join(record.open_tasks)
        }
    notify(
        recipients=recipients.district_officers(consortium),
        subject=_("创新联合体变更：%(name)s（%(kind)s）") % {"name": consortium.name, "kind": kind},
        body=body,
        link=reverse("consortia:detail", args=[consortium.pk]),
    )
