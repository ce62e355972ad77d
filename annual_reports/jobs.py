"""The annual reports' set-based jobs (guideline §5.2): make the year's reports, remind the lead units before the
deadline, flag what was not submitted by it.

Like the consortium's daily jobs (``consortia.lifecycle.jobs``) each works in a fixed number of statements whatever
the number of reports — ``INSERT … SELECT`` (``portal.bulk.insert_from_select``) and guarded ``UPDATE`` — and is
idempotent: unique constraints and dedup keys decide, so a re-run (or one after a crash half-way, everything being
in one transaction) creates and sends nothing twice.

Which consortia report: every one that was filed and running at some time in the period — approved (a filing
number), construction period overlapping the period, and now active, expired or completed. A revoked one (撤销备案,
guideline §5.3) is no longer a city-level consortium and reports nothing: it gets no report, and one revoked after
its report was made is neither reminded nor flagged; its report stays as it was.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Expression, F, JSONField, QuerySet, Value
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia import recipients
from consortia.models import Consortium, FundingLine, ResearchTask
from consortia.states import Status
from portal.bulk import as_text, insert_from_select, link, text
from portal.models import AuditEvent, Notification, Role, User
from portal.services import enqueue_delivery

from .models import (
    EDITABLE,
    NARRATIVES,
    RESULT_COUNTS,
    SPENT_FIELDS,
    AnnualReport,
    ReportCampaign,
    ReportFundingLine,
    ReportStatus,
    ReportTaskProgress,
)

REPORTING = frozenset({Status.ACTIVE, Status.EXPIRED, Status.COMPLETED})

# From a user to the reports of the consortia it is told about (``recipients`` goes from a user to the consortia).
LEAD_UNIT_REPORTS = f"{recipients.LEAD_UNIT_PATH}annual_reports__"
DISTRICT_REPORTS = f"{recipients.DISTRICT_PATH}annual_reports__"


@dataclass(frozen=True)
class JobResult:
    reports: int  # reports at a reminder threshold (reminders) or flagged overdue by this run (overdue)
    notifications: int  # notifications queued by this run


def reporting_consortia(campaign: ReportCampaign) -> QuerySet[Consortium]:
    return Consortium.objects.filter(
        filing_number__isnull=False,
        status__in=REPORTING,
        start_date__lte=campaign.period_end,
        end_date__gte=campaign.period_start,
    )


def create_reports(*, campaign: ReportCampaign) -> int:
    """A report for every consortium that reports in ``campaign`` and has none yet, its funding lines pre-filled
    from the filing's funding plan for the year, its lead unit's users told; a progress row for each research task of
    every report still being filled. A fixed number of statements, whatever the number of consortia; returns the
    number of reports created."""
    with transaction.atomic():
        stamp = timezone.now()
        created = insert_from_select(
            AnnualReport,
            {
                "campaign": Value(campaign.pk),
                "consortium": F("pk"),
                "status": Value(ReportStatus.TO_FILL),
                "section_versions": Value({}, output_field=JSONField()),
                "created_at": Value(stamp),
                "updated_at": Value(stamp),
                **{field: Value("") for field in NARRATIVES.values()},
            },
            reporting_consortia(campaign),
            ignore_conflicts=True,
        )
        if created:
            # The rows this insert made carry its timestamp: only they are pre-filled, so a line the lead unit removed
            # from its report is not put back by the next run.
            new = AnnualReport.objects.filter(campaign=campaign, created_at=stamp)
            _prefill_funding(new, year=campaign.year)
            _audit_created(new, year=campaign.year, stamp=stamp)
            _tell_lead_units(new, stamp=stamp)
        # Every task of a report still being filled, so one the filing gained during the year is reported on too.
        insert_from_select(
            ReportTaskProgress,
            {
                "report": F("consortium__annual_reports__pk"),
                "task": F("pk"),
                "status": Value(""),
                **{count: Value(0) for count in RESULT_COUNTS},
                "note": Value(""),
            },
            ResearchTask.objects.filter(
                consortium__annual_reports__campaign=campaign, consortium__annual_reports__status__in=EDITABLE
            ),
            ignore_conflicts=True,
        )
    return created


def _prefill_funding(reports: QuerySet[AnnualReport], *, year: int) -> None:
    plan = FundingLine.objects.filter(year=year, consortium__annual_reports__in=reports)
    zero = Value(0)
    insert_from_select(
        ReportFundingLine,
        {
            "report": F("consortium__annual_reports__pk"),
            "organisation": F("organisation"),
            "planned": F("self_raised") + F("government") + F("financial"),
            "received": zero,
            **{field: zero for field in SPENT_FIELDS.values()},
            "explanation": Value(""),
        },
        plan,
    )


def _audit_created(reports: QuerySet[AnnualReport], *, year: int, stamp) -> None:
    insert_from_select(
        AuditEvent,
        {
            "occurred_at": Value(stamp),
            "event_type": Value(AuditEvent.Type.RECORD_CHANGED),
            "username": Value("system"),
            "object_type": Value(AnnualReport._meta.label_lower),
            "object_id": as_text(F("pk")),
            "changes": Value({"action": "create_report", "year": year}, output_field=JSONField()),
        },
        reports,
    )


def _tell_lead_units(reports: QuerySet[AnnualReport], *, stamp) -> None:
    """The lead unit's users are told the report is theirs to fill, once each (``report-opened:{report}:{user}``)."""
    _queue_about_reports(
        _told(Role.LEAD_UNIT, LEAD_UNIT_REPORTS, reports),
        LEAD_UNIT_REPORTS,
        subject=_("请填报 %(year)s 年度报告：%(name)s"),
        body=_(
            "市科技局已开启 %(year)s 年度报告。请于 %(deadline)s 前登录平台，填写“%(name)s”本年度的七项内容并提交"
            "（指引五（二））。"
        ),
        dedup_key="report-opened:%(report)s:%(user)s",
        stamp=stamp,
    )
    _deliver_now(stamp=stamp, prefix="report-opened:")


def create_reports_for_open_campaigns(*, today: date) -> int:
    """The daily re-run: a consortium approved since the campaign opened gets its report while the deadline has not
    passed. Returns the number of reports created."""
    return sum(create_reports(campaign=campaign) for campaign in ReportCampaign.objects.filter(deadline__gte=today))


# --- Notifications about many reports at once ---------------------------------------------------------------------


def _told(role: str, path: str, reports: QuerySet[AnnualReport]) -> QuerySet[User]:
    """One row per report of ``reports`` and active user of ``role`` reaching it by ``path``."""
    return User.objects.filter(is_active=True, role=role, **{f"{path}in": reports})


def _insert_notifications(
    users: QuerySet[User], *, subject: Expression, body: Expression, dedup_key: Expression, stamp, link_to=None
) -> None:
    insert_from_select(
        Notification,
        {
            "recipient": F("pk"),
            "subject": Left(subject, Notification.SUBJECT_MAX_LENGTH),
            "body": body,
            "link": link_to if link_to is not None else Value(""),
            "dedup_key": dedup_key,
            "created_at": Value(stamp),
            "email_attempts": Value(0),
            "last_error": Value(""),
        },
        users,
        ignore_conflicts=True,
    )


def _queue_about_reports(
    users: QuerySet[User], path: str, *, subject: str, body: str, dedup_key: str, stamp, **values
) -> None:
    """A notification per row of ``users`` (from ``_told`` with ``path``) about its report. The templates' ``%(name)s``
    (the consortium), ``%(year)s``, ``%(deadline)s``, ``%(since)s`` (overdue since), ``%(report)s`` (the id) and
    ``%(user)s`` are filled per row, other placeholders from ``values``."""
    fields = {
        "name": F(f"{path}consortium__name"),
        "year": as_text(F(f"{path}campaign__year")),
        "deadline": as_text(F(f"{path}campaign__deadline")),
        "since": as_text(F(f"{path}overdue_since")),
        "report": as_text(F(f"{path}pk")),
        "user": as_text(F("pk")),
        **values,
    }
    _insert_notifications(
        users,
        subject=text(subject, **fields),
        body=text(body, **fields),
        dedup_key=text(dedup_key, **fields),
        stamp=stamp,
        link_to=link("annual_reports:report", F(f"{path}pk")),
    )


def _deliver_now(*, stamp, prefix: str) -> int:
    """E-mail, after commit, what this run queued (only its rows carry ``stamp``); returns how many."""
    queued = Notification.objects.filter(created_at=stamp, dedup_key__startswith=prefix).order_by()
    ids = list(queued.values_list("pk", flat=True))
    if ids:
        transaction.on_commit(lambda: enqueue_delivery(ids))
    return len(ids)


# --- Reminders and the overdue flag -------------------------------------------------------------------------------


def reminder_days() -> list[int]:
    days = sorted({int(d) for d in settings.REPORT_REMINDER_DAYS}, reverse=True)
    if any(d <= 0 for d in days):
        raise ImproperlyConfigured("REPORT_REMINDER_DAYS must be positive numbers of days.")
    return days


def _unsubmitted() -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(status__in=EDITABLE, consortium__status__in=REPORTING)


def send_report_reminders(*, today: date) -> JobResult:
    """Remind the lead unit's users that the report is due in exactly N days, for each N of
    ``settings.REPORT_REMINDER_DAYS`` (30, 7 and 1), while it is not submitted. Once per report, threshold and user
    (dedup key ``report-reminder:{report}:{days}:{user}``). A day the job did not run is not caught up on its own: run
    ``send_report_reminders --date`` for that day."""
    days = reminder_days()
    with transaction.atomic():
        stamp = timezone.now()
        reminded = _unsubmitted().filter(campaign__deadline__in=[today + timedelta(days=n) for n in days]).count()
        for n in days:
            due = _unsubmitted().filter(campaign__deadline=today + timedelta(days=n))
            _queue_about_reports(
                _told(Role.LEAD_UNIT, LEAD_UNIT_REPORTS, due),
                LEAD_UNIT_REPORTS,
                subject=_("年度报告提交截止还有 %(days)s 天：%(name)s"),
                body=_(
                    "“%(name)s”的 %(year)s 年度报告须于 %(deadline)s 前提交，还有 %(days)s 天。"
                    "请登录平台填写七项内容并提交（指引五（二））。"
                ),
                dedup_key="report-reminder:%(report)s:%(days)s:%(user)s",
                stamp=stamp,
                days=n,
            )
        sent = _deliver_now(stamp=stamp, prefix="report-reminder:")
    return JobResult(reports=reminded, notifications=sent)


def flag_overdue_reports(*, today: date) -> JobResult:
    """From the day after the deadline, a report not submitted (to fill or returned) is overdue since that day, and
    its lead unit and district are told once (``report-overdue:{report}:{user}``); city staff get one summary per
    campaign (``report-overdue-city:{campaign}:{user}``). The flag is the day after the deadline whichever day the
    job runs, so a missed day is caught up. Per campaign past its deadline with reports to flag (in practice one):
    one guarded UPDATE and three INSERT … SELECT, whatever the number of reports.

    A report the city returns after the deadline (not built yet) is flagged by the next run as well; the return may
    want its own deadline."""
    flagged = 0
    with transaction.atomic():
        stamp = timezone.now()
        unflagged = _unsubmitted().filter(overdue_since__isnull=True)
        for campaign in ReportCampaign.objects.filter(deadline__lt=today, reports__in=unflagged).distinct():
            since = campaign.deadline + timedelta(days=1)
            count = unflagged.filter(campaign=campaign).update(overdue_since=since, updated_at=stamp)
            flagged += count
            # The rows this UPDATE changed carry its timestamp, and stay locked until commit: the timestamp names them.
            just_flagged = AnnualReport.objects.filter(campaign=campaign, overdue_since=since, updated_at=stamp)
            for role, path in ((Role.LEAD_UNIT, LEAD_UNIT_REPORTS), (Role.DISTRICT_OFFICER, DISTRICT_REPORTS)):
                _queue_about_reports(
                    _told(role, path, just_flagged),
                    path,
                    subject=_("年度报告逾期未提交：%(name)s"),
                    body=_(
                        "“%(name)s”的 %(year)s 年度报告未在截止日期 %(deadline)s 前提交，自 %(since)s 起标记为逾期。"
                        "请牵头单位尽快填报并提交（指引五（二））。"
                    ),
                    dedup_key="report-overdue:%(report)s:%(user)s",
                    stamp=stamp,
                )
            _tell_city_staff(campaign=campaign, count=count, since=since, stamp=stamp)
        sent = _deliver_now(stamp=stamp, prefix="report-overdue")
    return JobResult(reports=flagged, notifications=sent)


def _tell_city_staff(*, campaign: ReportCampaign, count: int, since: date, stamp) -> None:
    """One summary per campaign and member of city staff, rather than one message per overdue report."""
    values = {"year": campaign.year, "count": count, "deadline": campaign.deadline, "since": since}
    _insert_notifications(
        recipients.city_staff(),
        subject=Value(_("%(year)s 年度报告：%(count)s 份逾期未提交") % values),
        body=Value(
            _(
                "截至 %(deadline)s，%(year)s 年度报告仍有 %(count)s 份未提交，已自 %(since)s 起标记为逾期；"
                "各牵头单位及其属地主管部门已收到通知。"
            )
            % values
        ),
        dedup_key=text("report-overdue-city:%(campaign)s:%(user)s", campaign=campaign.pk, user=as_text(F("pk"))),
        stamp=stamp,
    )
