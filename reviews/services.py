"""The district's and the city's decisions on a filing (DESIGN §3): the officer's opinion, the approval with its
filing number, construction period and notice, and who is told. Each is a step of the transition table that the door
in ``consortia.workflow`` runs; ``ReviewsConfig.ready`` registers them."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia import recipients
from consortia.eligibility.periods import latest_end, period_fault
from consortia.models import Consortium, EligibilityThresholds, Section
from consortia.permissions import acting_role
from consortia.states import Status
from consortia.storage import files_in_step
from consortia.workflow.door import perform_action
from consortia.workflow.machine import queue_work_key
from consortia.workflow.steps import Action, step
from consortia.workflow.transitions import APPROVAL, DECISION_ANNOUNCED, REVIEW_OPINION
from portal.exceptions import DomainError
from portal.models import AuditEvent, Role, User
from portal.services import notify, record_audit

from .models import FilingNotice, ReviewOpinion, SupersededNotice, new_verification_code
from .notice import NoticeData, notice_sha256, render_filing_notice
from .numbers import allocate_filing_number
from .verification import verification_url

# --- Decisions of the district and the city -----------------------------------------------------------------------

DISTRICT_DECISIONS = ("recommend", "return", "not_recommend")
CITY_DECISIONS = ("approve", "return", "reject")


def construction_period(
    *,
    planned_start: date,
    planned_end: date,
    approved_on: date,
    years: int,
    start: date | None = None,
    end: date | None = None,
) -> tuple[date, date]:
    """The construction period an approval on ``approved_on`` sets (DESIGN §3); ``start`` and ``end`` are what city
    staff chose, if anything. Start by default: the planned start, or the approval date when that is later. End by
    default: the planned end, capped at the last day of ``years`` from the start; if that is not after the start
    (approval came after the planned end), the full period from the start. A chosen start may not come before the
    approval date: a filing is not back-dated. Any period must meet the PERIOD rule; DomainError names the field."""
    start = start or max(planned_start, approved_on)
    if start < approved_on:
        raise DomainError(
            _("建设期开始日期 %(start)s 早于批准日期 %(approved)s：建设期最早自批准之日起计算。")
            % {"start": start.isoformat(), "approved": approved_on.isoformat()},
            field="start_date",
        )
    if end is None:
        latest = latest_end(start, years)
        end = min(planned_end, latest)
        end = end if end > start else latest
    fault = period_fault(start, end, years=years)
    if fault:
        raise DomainError(fault, field="end_date")
    return start, end


def review_filing(
    *,
    consortium_id: int,
    actor: User,
    decision: str,
    comment: str = "",
    section_comments: dict | None = None,
    expected_status: str,
    start_date: date | None = None,
    end_date: date | None = None,
) -> Consortium:
    """Record an officer's decision on the latest submission, with their opinion, through the transition table.
    Approval issues the filing number, sets the construction period (``start_date`` and ``end_date`` if city staff
    chose them, see ``construction_period``) and generates the filing notice."""
    return perform_action(
        consortium_id=consortium_id,
        action=decision,
        actor=actor,
        reason=comment,
        expected_status=expected_status,
        section_comments=section_comments or {},
        start_date=start_date,
        end_date=end_date,
    ).consortium


def _section_remarks(action: Action) -> dict[str, str]:
    return {code: text.strip() for code, text in action.input("section_comments", {}).items() if text and text.strip()}


@step(REVIEW_OPINION)
def record_opinion(action: Action) -> ReviewOpinion:
    consortium = action.consortium
    submission = consortium.submissions.order_by("-number").first()
    if submission is None:
        raise DomainError(_("该备案尚无提交记录，不能作出审核决定。"))
    return ReviewOpinion.objects.create(
        consortium=consortium,
        submission=submission,
        reviewer=action.actor,
        role=action.role,
        decision=action.transition.action,
        comment=action.reason,
        section_comments=_section_remarks(action),
    )


@step(APPROVAL)
def approve(action: Action) -> FilingNotice:
    """Under the consortium's lock: filing number, dates, and the notice (version 1, kept with its hash and the
    verification code printed on it)."""
    consortium = action.consortium
    today = timezone.localdate()
    years = EligibilityThresholds.load().period_max_years
    consortium.start_date, consortium.end_date = construction_period(
        planned_start=consortium.planned_start,
        planned_end=consortium.planned_end,
        approved_on=today,
        years=years,
        start=action.input("start_date"),
        end=action.input("end_date"),
    )
    consortium.filed_on = today
    consortium.filing_number = allocate_filing_number(year=today.year)
    code = new_verification_code()
    pdf = render_filing_notice(notice_data(consortium, verification_code=code))
    notice = FilingNotice(consortium=consortium, sha256=notice_sha256(pdf), size=len(pdf), verification_code=code)
    notice.file.save("notice.pdf", ContentFile(pdf), save=False)
    action.files.written(notice.file)
    notice.save()
    return notice


def notice_data(consortium: Consortium, *, verification_code: str | None = None) -> NoticeData:
    """The facts the notice prints; its code is ``verification_code``, or the one of the notice in force (none for a
    notice issued before codes were printed), so that a re-render gives the bytes issued."""
    if verification_code is None:
        notice = FilingNotice.objects.filter(consortium=consortium, code_printed=True).first()
        verification_code = notice.verification_code if notice else ""
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
        verification_code=verification_code,
        verification_url=verification_url(verification_code) if verification_code else "",
    )


def reissue_refusal(actor: User, consortium: Consortium) -> str | None:
    """Why ``actor`` may not reissue the consortium's notice now, or None: city staff only, a notice on file, and not
    for a revoked filing."""
    if acting_role(actor) != Role.CITY_STAFF:
        return _("只有市科技局可以重新出具备案通知书。")
    if not FilingNotice.objects.filter(consortium=consortium).exists():
        return _("该联合体没有平台出具的备案通知书。")
    if consortium.status == Status.REVOKED:
        return _("已撤销备案的联合体不再出具备案通知书。")
    return None


def reissue_notice(*, consortium_id: int, actor: User, reason: str) -> FilingNotice:
    """Issue a new version of the consortium's notice from its facts now (a corrected name, say), with a new code and
    hash; the version it replaces is kept as a ``SupersededNotice`` whose verification page names the new code."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("请填写重新出具的原因。"), field="reason")
    with files_in_step() as files, transaction.atomic():
        consortium = (
            Consortium.objects.select_for_update(of=("self",))
            .select_related("lead_organisation", "field")
            .get(pk=consortium_id)
        )
        refusal = reissue_refusal(actor, consortium)
        if refusal:
            raise DomainError(refusal)
        notice = FilingNotice.objects.select_for_update().get(consortium=consortium)
        code = new_verification_code()
        SupersededNotice.objects.create(
            consortium=consortium,
            version=notice.version,
            file=notice.file.name,
            sha256=notice.sha256,
            size=notice.size,
            issued_at=notice.issued_at,
            verification_code=notice.verification_code,
            reason=notice.reason,
            code_printed=notice.code_printed,
            superseded_by_code=code,
        )
        pdf = render_filing_notice(notice_data(consortium, verification_code=code))
        notice.file.save("notice.pdf", ContentFile(pdf), save=False)
        files.written(notice.file)
        notice.sha256, notice.size, notice.verification_code = notice_sha256(pdf), len(pdf), code
        notice.version, notice.reason, notice.code_printed = notice.version + 1, reason, True
        notice.issued_at = timezone.now()
        notice.save()
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=consortium,
            changes={"action": "reissue_notice", "version": notice.version, "reason": reason},
        )
        notify(
            recipients=recipients.lead_unit_users(consortium),
            subject=_("备案通知书已重新出具：%(name)s") % {"name": consortium.name},
            body=_("市科技局重新出具了“%(name)s”的备案通知书（第 %(version)d 版），原版本已被替代。原因：%(reason)s")
            % {"name": consortium.name, "version": notice.version, "reason": reason},
            link=reverse("consortia:detail", args=[consortium.pk]),
        )
    return notice


@step(DECISION_ANNOUNCED)
def announce_decision(action: Action) -> None:
    """The lead unit hears every decision; city staff a recommendation; the district the city's decision."""
    consortium, transition, actor = action.consortium, action.transition, action.actor
    remarks = [f"{Section(code).label}：{text}" for code, text in _section_remarks(action).items()]
    comment = "\n".join([action.reason, *remarks]).strip()
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
    notify(
        recipients=recipients.lead_unit_users(consortium),
        subject=_("备案审核结果：%(decision)s — %(name)s") % facts,
        body=body,
        link=link,
    )
    if transition.target == Status.CITY_REVIEW:
        notify(
            recipients=recipients.city_staff(),
            subject=_("区级推荐的备案申请待审核：%(name)s") % facts,
            body=_("%(authority)s 推荐了“%(name)s”的备案申请，请登录平台审核。") % facts,
            link=reverse("reviews:review", args=[consortium.pk]),
            work_key=queue_work_key(transition.target, consortium.pk),
        )
    elif action.role == Role.CITY_STAFF:
        notify(
            recipients=recipients.district_officers(consortium),
            subject=_("市科技局审核结果：%(decision)s — %(name)s") % facts,
            body=body,
            link=link,
        )


def _authority_name(actor: User) -> str:
    if actor.role == Role.DISTRICT_OFFICER and actor.authority_id:
        return actor.authority.authority_zh
    return _("南京市科学技术局")
