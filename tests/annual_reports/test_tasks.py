"""The annual reports' jobs as Celery runs them: the beat schedule in Asia/Shanghai time and thin tasks."""

from datetime import date, timedelta

import pytest
from django.conf import settings

from annual_reports import tasks
from annual_reports.models import AnnualReport
from portal.celery import app
from portal.models import Notification

from . import factories


def notifications():
    """What was sent besides the notice that the report is open (``test_campaign``'s subject)."""
    return Notification.objects.exclude(dedup_key__startswith="report-opened:")


NAMES = {
    "flag-overdue-reports": ("annual_reports.tasks.flag_overdue_reports", 0, 45),
    "create-annual-reports": ("annual_reports.tasks.create_reports", 1, 0),
    "send-report-reminders": ("annual_reports.tasks.send_report_reminders", 8, 15),
}


def test_the_beat_schedule_runs_the_jobs_daily():
    for entry, (task, hour, minute) in NAMES.items():
        scheduled = settings.CELERY_BEAT_SCHEDULE[entry]
        assert scheduled["task"] == task
        assert (scheduled["schedule"].hour, scheduled["schedule"].minute) == ({hour}, {minute})
        assert task in app.tasks
    assert settings.REPORT_REMINDER_DAYS == [30, 7, 1]
    assert app.conf.timezone == "Asia/Shanghai"


@pytest.mark.django_db
def test_the_tasks_act_on_the_given_day(demo_users):
    campaign = factories.campaign(deadline=date(2026, 12, 31))
    consortium = factories.consortium(lead=demo_users["lead-a"])

    assert tasks.create_reports.apply(args=["2027-01-01"]).get() == 0  # the deadline has passed
    assert tasks.create_reports.apply(args=["2026-12-01"]).get() == 1
    report = AnnualReport.objects.get(campaign=campaign, consortium=consortium)
    assert tasks.send_report_reminders.apply(args=[(campaign.deadline - timedelta(days=7)).isoformat()]).get() == 1
    assert tasks.flag_overdue_reports.apply(args=["2026-12-31"]).get() == 0
    assert tasks.flag_overdue_reports.apply(args=["2027-01-01"]).get() == 1
    report.refresh_from_db()
    assert report.overdue_since == date(2027, 1, 1)
    assert notifications().filter(dedup_key__startswith="report-").count() == 4
