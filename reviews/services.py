"""The district's and the city's decisions on a filing (DESIGN §3): the officer's opinion, the approval with its
filing number, construction period and notice, and who is told. Each is a step of the transition table that the door
in ``consortia.workflow`` runs; ``ReviewsConfig.ready`` registers them."""

from datetime import date

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia import recipients
from consortia.eligibility.periods import latest_end, period_fault
from consortia.models import Consortium, EligibilityThresholds, Section
from consortia.states import Status
from consortia.workflow.door import perform_action
from consortia.workflow.machine import queue_work_key
from consortia.workflow.steps import Action, step
from consortia.workflow.transitions import APPROVAL, DECISION_ANNOUNCED, REVIEW_OPINION
from portal.exceptions import DomainError
from portal.models import Role, User
from portal.services import notify

from .models import FilingNotice, ReviewOpinion
from .notice import NoticeData, notice_sha256, render_filing_notice
from .numbers import allocate_filing_number

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
    """Under the consortium's lock: filing number, dates, and the notice (generated once, kept with its hash)."""
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
    pdf = render_filing_notice(notice_data(consortium))
    notice = FilingNotice(consortium=consortium, sha256=notice_sha256(pdf), size=len(pdf))
    notice.file.save("notice.pdf", ContentFile(pdf), save=False)
    action.files.written(notice.file)
    notice.save()
    return notice


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
