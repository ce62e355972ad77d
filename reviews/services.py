"""The one door through which a consortium changes state (DESIGN §3, STYLE "One transition table, one door")."""

from collections.abc import Callable
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.eligibility.periods import latest_end
from consortia.models import Consortium, EligibilityThresholds, Section, WorkflowEvent
from consortia.states import Status
from portal.exceptions import DomainError
from portal.models import AuditEvent, Role, User
from portal.services import notify, record_audit

from .models import FilingNotice, ReviewOpinion
from .notice import NoticeData, notice_sha256, render_filing_notice
from .numbers import allocate_filing_number
from .transitions import SYSTEM, Transition, find_transition


def acting_role(actor: User | None) -> str:
    if actor is None:
        return SYSTEM
    if actor.is_superuser and actor.role == Role.ADMIN:
        return Role.ADMIN
    return actor.role


def perform_action(
    *,
    consortium_id: int,
    action: str,
    actor: User | None,
    reason: str = "",
    expected_status: str | None = None,
    before: Callable[[Consortium, Transition], None] | None = None,
    after: Callable[[Consortium, Transition], None] | None = None,
) -> Consortium:
    """Perform ``action`` on a consortium: look it up in the table, lock the row, check the state (and, when the
    caller saw the consortium in ``expected_status``, that nobody acted in between), change it, and write the
    workflow and audit events, all in one transaction.

    ``before`` runs under the lock, after the checks, for the action's own work (a snapshot, a filing number); it may
    raise DomainError to refuse, and then nothing is changed. ``after`` runs in the same transaction once the state
    has changed, to queue notifications in the outbox (they are e-mailed only after commit).
    """
    reason = reason.strip()
    role = acting_role(actor)
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium_id)
        if actor is not None and not Consortium.objects.visible_to(actor).filter(pk=consortium_id).exists():
            raise DomainError(_("您无权办理该备案。"))
        if expected_status is not None and consortium.status != expected_status:
            raise DomainError(
                _("该备案的状态已变为“%(status)s”，可能已有他人先行办理。请刷新页面后查看。")
                % {"status": consortium.get_status_display()}
            )
        transition = find_transition(source=consortium.status, action=action)
        if transition is None:
            raise DomainError(
                _("备案当前处于“%(status)s”状态，不能执行该操作。") % {"status": consortium.get_status_display()}
            )
        if role not in transition.roles:
            raise DomainError(_("您的角色不能对该备案执行“%(action)s”。") % {"action": transition.label})
        if transition.needs_reason and not reason:
            raise DomainError(_("“%(action)s”须填写理由。") % {"action": transition.label}, field="reason")
        if before is not None:
            before(consortium, transition)
        from_status = consortium.status
        consortium.status = transition.target
        consortium.save()
        WorkflowEvent.objects.create(
            consortium=consortium,
            action=action,
            from_status=from_status,
            to_status=transition.target,
            actor=actor,
            role=role,
            comment=reason,
        )
        record_audit(
            event_type=AuditEvent.Type.STATE_CHANGED,
            actor=actor,
            obj=consortium,
            changes={"action": action, "from": from_status, "to": transition.target, "reason": reason},
        )
        if after is not None:
            after(consortium, transition)
    return consortium


# --- Decisions of the district and the city -----------------------------------------------------------------------

DISTRICT_DECISIONS = ("recommend", "return", "not_recommend")
CITY_DECISIONS = ("approve", "return", "reject")


def construction_period(*, planned_start: date, planned_end: date, approved_on: date, years: int) -> tuple[date, date]:
    """Start: the planned start, or the approval date when that is later. End: the planned end, capped at the last day
    of ``years`` from the start (DESIGN §3); if approval came after the planned end, the full period from the start."""
    start = max(planned_start, approved_on)
    latest = latest_end(start, years)
    end = min(planned_end, latest)
    return start, end if end > start else latest


def review_filing(
    *,
    consortium_id: int,
    actor: User,
    decision: str,
    comment: str = "",
    section_comments: dict | None = None,
    expected_status: str,
) -> Consortium:
    """Record an officer's decision on the latest submission, with their opinion, through the transition table.
    Approval issues the filing number, sets the construction period and generates the filing notice."""

    def record_opinion(consortium: Consortium, transition) -> None:
        ReviewOpinion.objects.create(
            consortium=consortium,
            submission=consortium.submissions.order_by("-number").first(),
            reviewer=actor,
            role=acting_role(actor),
            decision=decision,
            comment=comment.strip(),
            section_comments={k: v.strip() for k, v in (section_comments or {}).items() if v and v.strip()},
        )
        if decision == "approve":
            approve(consortium)

    def tell_people(consortium: Consortium, transition) -> None:
        remarks = [
            f"{Section(code).label}：{text.strip()}" for code, text in (section_comments or {}).items() if text.strip()
        ]
        notify_decision(
            consortium=consortium, transition=transition, actor=actor, comment="\n".join([comment.strip(), *remarks])
        )

    return perform_action(
        consortium_id=consortium_id,
        action=decision,
        actor=actor,
        reason=comment,
        expected_status=expected_status,
        before=record_opinion,
        after=tell_people,
    )


def approve(consortium: Consortium) -> None:
    """Under the consortium's lock: filing number, dates, and the notice (generated once, kept with its hash)."""
    today = timezone.localdate()
    years = EligibilityThresholds.load().period_max_years
    consortium.start_date, consortium.end_date = construction_period(
        planned_start=consortium.planned_start, planned_end=consortium.planned_end, approved_on=today, years=years
    )
    consortium.filed_on = today
    consortium.filing_number = allocate_filing_number(year=today.year)
    pdf = render_filing_notice(notice_data(consortium))
    notice = FilingNotice(consortium=consortium, sha256=notice_sha256(pdf), size=len(pdf))
    notice.file.save("notice.pdf", ContentFile(pdf), save=False)
    notice.save()


def notice_data(consortium: Consortium) -> NoticeData:
    members = consortium.memberships.filter(left_on__isnull=True).select_related("organisation").order_by("id")
    return NoticeData(
        filing_number=consortium.filing_number,
        consortium_name=consortium.name,
        lead_unit_name=consortium.lead_organisation.name,
        member_names=[m.organisation.name for m in members],
        industry_field_name=consortium.field.name_zh if consortium.field else "",
        start_date=consortium.start_date,
        end_date=consortium.end_date,
        filed_on=consortium.filed_on,
    )


def notify_decision(*, consortium: Consortium, transition, actor: User, comment: str) -> None:
    lead_users = User.objects.filter(
        organisation_id=consortium.lead_organisation_id, role=Role.LEAD_UNIT, is_active=True
    )
    link = reverse("consortia:detail", args=[consortium.pk])
    facts = {"name": consortium.name, "decision": transition.label, "authority": _authority_name(actor)}
    body = _("%(authority)s 对“%(name)s”的备案申请作出决定：%(decision)s。") % facts
    if transition.action == "approve":
        body += _("备案编号：%(number)s，建设期 %(start)s 至 %(end)s。可在平台下载备案通知书。") % {
            "number": consortium.filing_number,
            "start": consortium.start_date.isoformat(),
            "end": consortium.end_date.isoformat(),
        }
    if comment:
        body += "\n" + _("意见或理由：%(comment)s") % {"comment": comment}
    notify(recipients=lead_users, subject=_("备案审核结果：%(decision)s — %(name)s") % facts, body=body, link=link)
    if transition.target == Status.CITY_REVIEW:
        city_staff = User.objects.filter(role=Role.CITY_STAFF, is_active=True)
        notify(
            recipients=city_staff,
            subject=_("区级推荐的备案申请待审核：%(name)s") % facts,
            body=_("%(authority)s 推荐了“%(name)s”的备案申请，请登录平台审核。") % facts,
            link=reverse("reviews:review", args=[consortium.pk]),
        )
    elif acting_role(actor) == Role.CITY_STAFF and consortium.lead_organisation.jurisdiction_id:
        officers = User.objects.filter(
            role=Role.DISTRICT_OFFICER, authority_id=consortium.lead_organisation.jurisdiction_id, is_active=True
        )
        notify(
            recipients=officers, subject=_("市科技局审核结果：%(decision)s — %(name)s") % facts, body=body, link=link
        )


def _authority_name(actor: User) -> str:
    if actor.role == Role.DISTRICT_OFFICER and actor.authority_id:
        return actor.authority.authority_zh
    return _("南京市科学技术局")
