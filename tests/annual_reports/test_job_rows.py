"""The rows the annual reports' set-based jobs write, read back whole: the report and its progress rows, the audit
event, each notification exactly as its recipient reads it, and the e-mails queued after commit for that run's
notifications only. Who is told is the active users of the right role; what a re-run or a later run adds is only its
own."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from annual_reports.jobs import JobResult, create_reports, flag_overdue_reports, reminder_days, send_report_reminders
from annual_reports.models import NARRATIVES, RESULT_COUNTS, AnnualReport, ReportStatus
from consortia.models import ResearchTask, TechnologyKind
from portal.models import AuditEvent, Notification, Role, User
from tests.lifecycle.factories import lead_user

from . import factories
from .factories import YEAR

pytestmark = pytest.mark.django_db

DEADLINE = date(YEAR, 12, 31)
NOTIFICATION_FIELDS = (
    "recipient__username",
    "subject",
    "body",
    "link",
    "dedup_key",
    "work_key",
    "email_attempts",
    "last_error",
    "read_at",
    "delivered_at",
)


@pytest.fixture
def queued(monkeypatch):
    """The notification ids handed to the e-mail delivery, in the order handed over."""
    ids = []
    monkeypatch.setattr("annual_reports.jobs.enqueue_delivery", ids.extend)
    return ids


def read(notifications) -> list[dict]:
    return list(notifications.order_by("recipient__username", "pk").values(*NOTIFICATION_FIELDS))


def notice(user, *, subject, body, link, dedup_key) -> dict:
    """A notification as a job writes it: unread, not yet e-mailed, asking for no work."""
    return {
        "recipient__username": user.username,
        "subject": subject,
        "body": body,
        "link": link,
        "dedup_key": dedup_key,
        "work_key": None,
        "email_attempts": 0,
        "last_error": "",
        "read_at": None,
        "delivered_at": None,
    }


def not_to_be_told(lead):
    """Two users of lead's unit who are told nothing: one deactivated, one who is not a lead-unit user."""
    gone = lead_user(lead.organisation, username="gone")
    gone.is_active = False
    gone.save()
    User.objects.create_user(username="unit-admin", password="x", role=Role.ADMIN, organisation=lead.organisation)


def link_of(report) -> str:
    return f"/annual-reports/reports/{report.pk}/"


# --- Making the year's reports --------------------------------------------------------------------------------------


def test_a_new_report_is_empty_audited_by_the_system_and_its_lead_unit_told_once_after_commit(
    demo_users, queued, django_capture_on_commit_callbacks
):
    lead = demo_users["lead-a"]
    consortium = factories.consortium(lead=lead, tasks=2)
    unfiled = factories.consortium(lead=lead)  # running by its status, but never given a filing number
    unfiled.filing_number = None
    unfiled.save()
    not_to_be_told(lead)
    campaign = factories.campaign()

    with django_capture_on_commit_callbacks(execute=True):
        assert create_reports(campaign=campaign) == 1

    report = AnnualReport.objects.get(campaign=campaign)
    assert report.consortium == consortium
    assert {name: getattr(report, name) for name in NARRATIVES.values()} == dict.fromkeys(NARRATIVES.values(), "")
    assert (report.status, report.section_versions, report.submitted_at) == (ReportStatus.TO_FILL, {}, None)
    assert report.created_at == report.updated_at
    assert list(report.task_progress.values("task__title", "status", *RESULT_COUNTS, "note")) == [
        {"task__title": title, "status": "", **dict.fromkeys(RESULT_COUNTS, 0), "note": ""}
        for title in ("攻关任务1", "攻关任务2")
    ]
    assert list(
        AuditEvent.objects.values(
            "occurred_at", "event_type", "actor", "username", "object_type", "object_id", "changes"
        )
    ) == [
        {
            "occurred_at": report.created_at,
            "event_type": AuditEvent.Type.RECORD_CHANGED,
            "actor": None,
            "username": "system",
            "object_type": "annual_reports.annualreport",
            "object_id": str(report.pk),
            "changes": {"action": "create_report", "year": YEAR},
        }
    ]
    told = Notification.objects.all()
    assert read(told) == [
        notice(
            lead,
            subject=f"请填报 {YEAR} 年度报告：{consortium.name}",
            body=(
                f"市科技局已开启 {YEAR} 年度报告。请于 {DEADLINE} 前登录平台，"
                f"填写“{consortium.name}”本年度的七项内容并提交（指引五（二））。"
            ),
            link=link_of(report),
            dedup_key=f"report-opened:{report.pk}:{lead.pk}",
        )
    ]
    assert told.get().created_at == report.created_at
    assert queued == [told.get().pk]


def test_a_later_run_prefills_audits_and_announces_only_the_reports_it_makes(
    demo_users, queued, django_capture_on_commit_callbacks
):
    """The lead unit removed its pre-filled line: a run that makes another consortium's report leaves the first report
    as it is and e-mails only the new notice."""
    lead_a, lead_b = demo_users["lead-a"], demo_users["lead-b"]
    first = factories.consortium(lead=lead_a)
    factories.plan(first, lead_a.organisation, YEAR, "100")
    campaign = factories.campaign()
    create_reports(campaign=campaign)
    first_report = AnnualReport.objects.get(consortium=first)
    first_report.funding_lines.all().delete()
    later = factories.consortium(lead=lead_b, start=date(YEAR, 11, 20))
    factories.plan(later, lead_b.organisation, YEAR, "40")

    with django_capture_on_commit_callbacks(execute=True):
        assert create_reports(campaign=campaign) == 1

    later_report = AnnualReport.objects.get(consortium=later)
    assert not first_report.funding_lines.exists()
    assert [str(line.planned) for line in later_report.funding_lines.all()] == ["40.00"]
    audited = AuditEvent.objects.filter(object_type="annual_reports.annualreport")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted([str(first_report.pk), str(later_report.pk)])
    assert queued == [Notification.objects.get(recipient=lead_b).pk]


def test_a_task_added_later_is_reported_on_in_this_campaigns_report_only(demo_users):
    """Last year's report, still to fill, is last year's: a task the filing gained since is not added to it."""
    consortium = factories.consortium(lead=demo_users["lead-a"], start=date(YEAR - 1, 1, 1), tasks=1)
    last_year = factories.campaign(year=YEAR - 1)
    create_reports(campaign=last_year)
    ResearchTask.objects.create(consortium=consortium, title="新增任务", kind=TechnologyKind.FRONTIER, objectives="x")

    create_reports(campaign=factories.campaign())

    titles = {
        year: sorted(AnnualReport.objects.get(campaign__year=year).task_progress.values_list("task__title", flat=True))
        for year in (YEAR - 1, YEAR)
    }
    assert titles == {YEAR - 1: ["攻关任务1"], YEAR: ["攻关任务1", "新增任务"]}


# --- Reminders ------------------------------------------------------------------------------------------------------


def test_reminder_days_are_whole_positive_numbers_largest_first(settings):
    settings.REPORT_REMINDER_DAYS = ["7", 1, 30, 7]
    assert reminder_days() == [30, 7, 1]

    for wrong in ([0], [7, -1]):
        settings.REPORT_REMINDER_DAYS = wrong
        with pytest.raises(ImproperlyConfigured) as refused:
            reminder_days()
        assert str(refused.value) == "REPORT_REMINDER_DAYS must be positive numbers of days."


def test_a_reminder_reads_exactly_and_each_run_e_mails_only_its_own(
    report, demo_users, queued, django_capture_on_commit_callbacks
):
    lead = demo_users["lead-a"]
    not_to_be_told(lead)
    name = report.consortium.name

    with django_capture_on_commit_callbacks(execute=True):
        assert send_report_reminders(today=DEADLINE - timedelta(days=30)) == JobResult(reports=1, notifications=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_report_reminders(today=DEADLINE - timedelta(days=7)) == JobResult(reports=1, notifications=1)

    reminders = Notification.objects.filter(dedup_key__startswith="report-reminder:")
    assert read(reminders) == [
        notice(
            lead,
            subject=f"年度报告提交截止还有 {days} 天：{name}",
            body=(
                f"“{name}”的 {YEAR} 年度报告须于 {DEADLINE} 前提交，还有 {days} 天。"
                "请登录平台填写七项内容并提交（指引五（二））。"
            ),
            link=link_of(report),
            dedup_key=f"report-reminder:{report.pk}:{days}:{lead.pk}",
        )
        for days in (30, 7)
    ]
    assert queued == list(reminders.order_by("pk").values_list("pk", flat=True))


# --- The overdue flag -----------------------------------------------------------------------------------------------


def overdue_body(name: str, *, year: int = YEAR) -> str:
    return (
        f"“{name}”的 {year} 年度报告未在截止日期 {date(year, 12, 31)} 前提交，自 {date(year + 1, 1, 1)} 起标记为逾期。"
        "请牵头单位尽快填报并提交（指引五（二））。"
    )


def city_body(*, year: int, count: int) -> str:
    return (
        f"截至 {date(year, 12, 31)}，{year} 年度报告仍有 {count} 份未提交，已自 {date(year + 1, 1, 1)} 起标记为逾期；"
        "各牵头单位及其属地主管部门已收到通知。"
    )


def test_the_overdue_notices_read_exactly_and_are_e_mailed_after_commit(
    report, demo_users, queued, django_capture_on_commit_callbacks
):
    lead, district, city = demo_users["lead-a"], demo_users["jiangning"], demo_users["city"]
    not_to_be_told(lead)
    name = report.consortium.name

    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_reports(today=DEADLINE + timedelta(days=1)) == JobResult(reports=1, notifications=3)

    report.refresh_from_db()
    assert report.overdue_since == date(YEAR + 1, 1, 1)
    told = Notification.objects.filter(dedup_key__startswith="report-overdue")
    overdue = {"subject": f"年度报告逾期未提交：{name}", "body": overdue_body(name), "link": link_of(report)}
    assert read(told) == [
        notice(
            city,
            subject=f"{YEAR} 年度报告：1 份逾期未提交",
            body=city_body(year=YEAR, count=1),
            link="",
            dedup_key=f"report-overdue-city:{report.campaign_id}:{city.pk}",
        ),
        notice(district, **overdue, dedup_key=f"report-overdue:{report.pk}:{district.pk}"),
        notice(lead, **overdue, dedup_key=f"report-overdue:{report.pk}:{lead.pk}"),
    ]
    assert sorted(queued) == sorted(told.values_list("pk", flat=True))


def test_the_reports_of_two_campaigns_past_their_deadlines_are_flagged_in_one_run(demo_users):
    lead = demo_users["lead-a"]
    factories.consortium(lead=lead, start=date(YEAR - 1, 1, 1))
    for year in (YEAR - 1, YEAR):
        create_reports(campaign=factories.campaign(year=year))

    assert flag_overdue_reports(today=DEADLINE + timedelta(days=1)) == JobResult(reports=2, notifications=6)

    summaries = Notification.objects.filter(recipient=demo_users["city"]).order_by("subject")
    assert list(summaries.values_list("subject", "body")) == [
        (f"{year} 年度报告：1 份逾期未提交", city_body(year=year, count=1)) for year in (YEAR - 1, YEAR)
    ]
    assert sorted(AnnualReport.objects.values_list("overdue_since", flat=True)) == [
        date(YEAR, 1, 1),
        date(YEAR + 1, 1, 1),
    ]


def test_a_campaign_whose_reports_were_all_submitted_tells_nobody(report):
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)

    assert flag_overdue_reports(today=DEADLINE + timedelta(days=1)) == JobResult(reports=0, notifications=0)

    assert not Notification.objects.filter(dedup_key__startswith="report-overdue").exists()


def test_a_report_flagged_by_an_earlier_run_is_not_announced_again(report, demo_users):
    """A later run flags the reports it flags: a colleague who joined lead-a's unit since the first run is not told of
    lead-a's report, which was flagged before."""
    flag_overdue_reports(today=DEADLINE + timedelta(days=1))
    lead_user(demo_users["lead-a"].organisation, username="colleague")
    later = factories.consortium(lead=demo_users["lead-b"])
    create_reports(campaign=report.campaign)

    result = flag_overdue_reports(today=DEADLINE + timedelta(days=2))

    assert result == JobResult(reports=1, notifications=2)
    later_report = later.annual_reports.get()
    assert set(
        Notification.objects.filter(dedup_key__startswith="report-overdue:").values_list("dedup_key", flat=True)
    ) == {
        f"report-overdue:{report.pk}:{demo_users['lead-a'].pk}",
        f"report-overdue:{report.pk}:{demo_users['jiangning'].pk}",
        f"report-overdue:{later_report.pk}:{demo_users['lead-b'].pk}",
        f"report-overdue:{later_report.pk}:{demo_users['xuanwu'].pk}",
    }
    assert later_report.overdue_since == date(YEAR + 1, 1, 1)
