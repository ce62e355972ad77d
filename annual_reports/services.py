"""What people do with annual reports (guideline §5.2): city staff open a year's campaign; the lead unit fills the
report in section by section and submits it. City staff accept or return a submitted report
through the one door (``workflow.REPORT``); district officers leave comments the city reads."""

from collections.abc import Callable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.services import StaleSection, section_version
from consortia.workflow.door import take_action
from portal.exceptions import DomainError
from portal.models import AuditEvent, User
from portal.services import record_audit

from .jobs import create_reports
from .models import AnnualReport, ReportCampaign, ReportComment, ReportSection, ReportSubmission
from .permissions import campaign_refusal, report_comment_refusal, report_edit_refusal
from .workflow import REPORT, REPORT_SNAPSHOT

FIRST_YEAR = 2000  # before the portal and the guideline; a typo's year, not a campaign's


def open_campaign(
    *, year: int, deadline: date | None = None, actor: User | None, today: date | None = None
) -> ReportCampaign:
    """Open the year's campaign — the period is the calendar year, the deadline by default its last day — and make
    the reports of every consortium that reports in it (``jobs.create_reports``). ``actor`` is a member of city staff,
    or None for the system (``manage.py open_report_campaign``): the campaign then has no ``opened_by`` and the audit
    event's username is "system"."""
    refusal = campaign_refusal(actor)
    if refusal:
        raise DomainError(refusal)
    today = today or timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise DomainError(
            _("报告年度须在 %(first)s 年至 %(last)s 年之间。") % {"first": FIRST_YEAR, "last": today.year}, field="year"
        )
    period_start, period_end = date(year, 1, 1), date(year, 12, 31)
    deadline = deadline or period_end
    if deadline < today:
        raise DomainError(_("提交截止日期不能早于今天。"), field="deadline")
    with transaction.atomic():
        try:
            with transaction.atomic():
                campaign = ReportCampaign.objects.create(
                    year=year, period_start=period_start, period_end=period_end, deadline=deadline, opened_by=actor
                )
        except IntegrityError:  # the unique year decides, also between two clicks at once
            raise DomainError(_("%(year)s 年度报告已经开启，不能重复开启。") % {"year": year}, field="year") from None
        created = create_reports(campaign=campaign)
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            username="" if actor else "system",
            obj=campaign,
            changes={"action": "open_campaign", "year": year, "deadline": deadline.isoformat(), "reports": created},
        )
    return campaign


def _locked_report(report_id: int, actor: User) -> AnnualReport:
    report = AnnualReport.objects.select_for_update().get(pk=report_id)
    refusal = report_edit_refusal(actor, report)
    if refusal:
        raise DomainError(refusal)
    return report


def save_report_section(
    *,
    report_id: int,
    actor: User,
    section: str,
    loaded_version: int,
    apply: Callable[[AnnualReport], None],
) -> AnnualReport:
    """Save one of the seven sections: ``apply`` writes its data (the report's fields, its rows). Refused, with
    nothing written, when the report is not the actor's to fill, not to fill or returned, or someone saved this
    section after the actor loaded it (``loaded_version``; ``consortia.services.StaleSection``, as for the filing)."""
    label = str(ReportSection(section).label)
    with transaction.atomic():
        report = _locked_report(report_id, actor)
        current = section_version(report, section)
        if current.number != loaded_version:
            raise StaleSection(
                section=section,
                saved_by=current.saved_by,
                saved_at=current.saved_at,
                version=current.number,
                label=label,
            )
        apply(report)
        version = current.number + 1
        report.section_versions[section] = {"version": version, "by": str(actor), "at": timezone.now().isoformat()}
        report.save()
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=report,
            changes={"action": "save_report_section", "section": section, "version": version},
        )
    return report


def submit_report(*, report_id: int, actor: User) -> ReportSubmission:
    """Submit the report through the one door, keeping an immutable snapshot of exactly what was submitted; city staff
    and the district are told. Refused, with nothing stored, while any of the seven contents lacks a required part
    (``workflow.take_report_snapshot``)."""
    return take_action(REPORT, pk=report_id, action="submit", actor=actor).results[REPORT_SNAPSHOT]


def accept_report(*, report_id: int, actor: User, reason: str = "", expected_status: str | None = None) -> AnnualReport:
    """City staff accept a submitted report; the lead unit is told, with the comment if there is one.
    ``expected_status``: the state the page showed, so that a second reviewer's click is refused, not repeated."""
    return take_action(
        REPORT, pk=report_id, action="accept", actor=actor, reason=reason, expected_status=expected_status
    ).subject


def return_report(*, report_id: int, actor: User, reason: str, expected_status: str | None = None) -> AnnualReport:
    """City staff return a submitted report for revision, saying why; the lead unit is told, and may revise and submit
    it again."""
    return take_action(
        REPORT, pk=report_id, action="return", actor=actor, reason=reason, expected_status=expected_status
    ).subject


def comment_on_report(*, report_id: int, actor: User, text: str) -> ReportComment:
    """A district officer of the report's jurisdiction, or city staff, leaves a remark for the city to read."""
    text = text.strip()
    if not text:
        raise DomainError(_("请填写意见。"), field="text")
    report = AnnualReport.objects.select_related("consortium__lead_organisation").get(pk=report_id)
    refusal = report_comment_refusal(actor, report)
    if refusal:
        raise DomainError(refusal)
    with transaction.atomic():
        comment = ReportComment.objects.create(report=report, author=actor, text=text)
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=report,
            changes={"action": "comment", "comment": comment.pk},
        )
    return comment
