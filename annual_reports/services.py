"""What people do with annual reports (guideline §5.2): city staff open a year's campaign; the lead unit fills the
report in section by section and submits it. The city's acceptance or return is not built yet: ``submitted`` is where
a report rests for now."""

from collections.abc import Callable
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia import recipients
from consortia.services import StaleSection, section_version
from portal.exceptions import DomainError
from portal.models import AuditEvent, User
from portal.services import notify, record_audit

from .jobs import create_reports
from .models import AnnualReport, ReportCampaign, ReportSection, ReportStatus, ReportSubmission
from .permissions import campaign_refusal, report_edit_refusal
from .selectors import report_checklist
from .snapshots import report_content

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
    """Submit the report, keeping an immutable snapshot of exactly what was submitted; city staff and the district
    are told. Refused, with nothing stored, while any of the seven contents lacks a required part."""
    with transaction.atomic():
        report = _locked_report(report_id, actor)
        incomplete = [status for status in report_checklist(report) if not status.complete]
        if incomplete:
            raise DomainError(
                _("以下部分尚未填写完整，不能提交：%(sections)s。")
                % {"sections": "；".join(f"{status.label}（{'、'.join(status.missing)}）" for status in incomplete)}
            )
        submission = ReportSubmission.objects.create(
            report=report,
            number=report.submissions.count() + 1,
            submitted_by=actor,
            content=report_content(report),
        )
        previous = report.status
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = submission.submitted_at
        report.save()
        record_audit(
            event_type=AuditEvent.Type.STATE_CHANGED,
            actor=actor,
            obj=report,
            changes={"action": "submit", "from": previous, "to": report.status, "number": submission.number},
        )
        consortium = report.consortium
        notify(
            recipients=[*recipients.district_officers(consortium), *recipients.city_staff()],
            subject=_("年度报告已提交：%(name)s") % {"name": consortium.name},
            body=_("%(lead)s 提交了“%(name)s”的 %(year)s 年度报告（第 %(number)d 次提交），请登录平台查阅。")
            % {
                "lead": consortium.lead_organisation.name,
                "name": consortium.name,
                "year": report.campaign.year,
                "number": submission.number,
            },
            link=reverse("consortia:detail", args=[consortium.pk]),
        )
    return submission
