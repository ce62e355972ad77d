"""The audit trail's retention (issue 14 item 5): the daily purge leaves every audit event younger than 180 days
(网络安全等级保护 2.0, six months), removes what is older in a fixed number of queries, audits itself, and refuses a
shorter retention and a date after today.

The boundary, as ``portal.jobs`` documents it: the run of day D removes what occurred before day D − 180 began
(Asia/Shanghai). An event of that day stays — at its first instant, and exactly 180 days old — until the next run."""

import os
import subprocess
import sys
from datetime import datetime, time, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import tasks
from portal.celery import app as celery_app
from portal.checks import audit_retention
from portal.jobs import PURGE_ACTION, purge_audit_events
from portal.models import AuditEvent
from portal.services import record_audit

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def event(when: datetime, label: str) -> AuditEvent:
    made = record_audit(event_type=AuditEvent.Type.RECORD_CHANGED, username="city", changes={"action": label})
    AuditEvent.objects.filter(pk=made.pk).update(occurred_at=when)
    return made


def start_of(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def remaining() -> set[str]:
    return set(AuditEvent.objects.exclude(changes__action=PURGE_ACTION).values_list("changes__action", flat=True))


def purge_events() -> list[dict]:
    """The purge's own events, in the order of the runs."""
    return list(
        AuditEvent.objects.filter(changes__action=PURGE_ACTION).order_by("pk").values_list("changes", flat=True)
    )


def test_the_purge_leaves_every_audit_event_younger_than_180_days():
    today = timezone.localdate()
    now = timezone.now()
    cutoff = start_of(today - timedelta(days=180))
    event(now - timedelta(days=179), "179 days old")
    event(now - timedelta(days=180) + timedelta(seconds=1), "a second short of 180 days")
    event(now - timedelta(days=180), "exactly 180 days old")
    event(cutoff, "the first instant of the day 180 days ago")
    event(cutoff - timedelta(microseconds=1), "the last instant of the day before")
    event(now - timedelta(days=400), "400 days old")

    out = StringIO()
    call_command("purge_audit_events", stdout=out)

    assert remaining() == {
        "179 days old",
        "a second short of 180 days",
        "exactly 180 days old",
        "the first instant of the day 180 days ago",
    }
    local_cutoff = timezone.localtime(cutoff)
    assert out.getvalue().strip() == (
        f"{today.isoformat()}：已删除 2 条审计日志（{local_cutoff:%Y-%m-%d %H:%M} 之前发生的）。"
    )
    # The purge audits itself: how many, up to when, under which retention.
    [audited] = AuditEvent.objects.filter(changes__action=PURGE_ACTION)
    assert (audited.username, audited.actor, audited.event_type) == ("system", None, AuditEvent.Type.RECORD_CHANGED)
    assert audited.changes == {
        "action": PURGE_ACTION,
        "date": today.isoformat(),
        "retention_days": 180,
        "cutoff": cutoff.isoformat(),
        "removed": 2,
    }


def test_a_second_run_removes_nothing_more():
    today = timezone.localdate()
    event(timezone.now() - timedelta(days=200), "old")
    event(timezone.now() - timedelta(days=10), "recent")
    assert purge_audit_events(today=today).removed == 1
    assert purge_audit_events(today=today).removed == 0
    assert remaining() == {"recent"}
    # Each run's own event is younger than any retention: the next run keeps it.
    assert [changes["removed"] for changes in purge_events()] == [1, 0]


@pytest.mark.parametrize("old", [3, 300])
def test_one_delete_whatever_the_number_removed(old):
    when = timezone.now() - timedelta(days=365)
    AuditEvent.objects.bulk_create(AuditEvent(event_type=AuditEvent.Type.LOGIN, username="x") for _ in range(old))
    AuditEvent.objects.update(occurred_at=when)
    with CaptureQueriesContext(connection) as queries:
        result = purge_audit_events(today=timezone.localdate())
    assert result.removed == old
    # One DELETE and the purge's own INSERT, in a savepoint (the test's transaction is around it); no row is read.
    assert [query["sql"].split()[0] for query in queries] == ["SAVEPOINT", "DELETE", "INSERT", "RELEASE"]
    assert AuditEvent.objects.filter(occurred_at=when).count() == 0


def test_a_date_in_the_past_is_the_today_of_the_run():
    """An earlier date moves the cutoff back with it: it removes less, never more."""
    today = timezone.localdate()
    on = today - timedelta(days=30)
    event(start_of(today - timedelta(days=200)), "200 days before today, 170 before the date")
    event(start_of(today - timedelta(days=211)), "211 days before today, 181 before the date")

    out = StringIO()
    call_command("purge_audit_events", "--date", on.isoformat(), stdout=out)

    assert remaining() == {"200 days before today, 170 before the date"}
    assert out.getvalue().startswith(f"{on.isoformat()}：已删除 1 条审计日志")
    assert purge_events()[0]["cutoff"] == start_of(on - timedelta(days=180)).isoformat()


def test_a_date_after_today_is_refused_and_removes_nothing():
    tomorrow = timezone.localdate() + timedelta(days=1)
    event(start_of(timezone.localdate() - timedelta(days=180)), "180 days before today, 181 before tomorrow")
    with pytest.raises(CommandError, match="晚于今天"):
        call_command("purge_audit_events", "--date", tomorrow.isoformat(), stdout=StringIO())
    assert remaining() == {"180 days before today, 181 before tomorrow"}
    assert purge_events() == []


def test_a_date_that_is_not_one_is_refused():
    with pytest.raises(CommandError, match="not a date as YYYY-MM-DD"):
        call_command("purge_audit_events", "--date", "2026-02-30", stdout=StringIO())


def test_a_longer_retention_keeps_more(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    event(timezone.now() - timedelta(days=300), "300 days old")
    event(timezone.now() - timedelta(days=400), "400 days old")
    assert purge_audit_events(today=timezone.localdate()).removed == 1
    assert remaining() == {"300 days old"}


# --- A retention under six months is refused ------------------------------------------------------------------------


@pytest.mark.parametrize("days", [179, 90, 0])
def test_a_retention_under_180_days_fails_the_system_check(settings, days):
    settings.AUDIT_RETENTION_DAYS = days
    [error] = audit_retention(None)
    assert error.id == "portal.E001"
    assert error.msg.startswith(f"AUDIT_RETENTION_DAYS is {days}: audit events must be kept at least 180 days")
    with pytest.raises(SystemCheckError, match=r"portal\.E001"):
        call_command("check")


@pytest.mark.parametrize("days", [180, 365])
def test_a_retention_of_180_days_or_more_passes(settings, days):
    settings.AUDIT_RETENTION_DAYS = days
    assert audit_retention(None) == []


def test_the_job_refuses_it_too_for_the_worker_runs_no_checks(settings):
    settings.AUDIT_RETENTION_DAYS = 90
    event(timezone.now() - timedelta(days=100), "100 days old")
    with pytest.raises(ImproperlyConfigured, match="at least 180 days"):
        purge_audit_events(today=timezone.localdate())
    assert remaining() == {"100 days old"}
    assert purge_events() == []


def manage_check(**environment) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_environment_sets_the_retention_and_a_short_one_stops_start_up():
    refused = manage_check(AUDIT_RETENTION_DAYS="90")
    assert refused.returncode != 0
    assert "portal.E001" in refused.stderr
    assert "AUDIT_RETENTION_DAYS is 90" in refused.stderr
    assert manage_check(AUDIT_RETENTION_DAYS="400").returncode == 0


def test_the_default_is_180_days():
    assert settings.AUDIT_RETENTION_DAYS == 180


# --- The Celery task and its schedule -------------------------------------------------------------------------------


def test_the_daily_task_runs_the_job():
    event(timezone.now() - timedelta(days=200), "old")
    event(timezone.now() - timedelta(days=10), "recent")
    assert tasks.purge_audit_events() == 1
    assert remaining() == {"recent"}
    on = timezone.localdate() - timedelta(days=5)
    assert tasks.purge_audit_events(on.isoformat()) == 0
    assert purge_events()[-1]["date"] == on.isoformat()


def test_beat_runs_it_daily_in_beijing_time():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-audit-events"]
    assert entry["task"] == "portal.tasks.purge_audit_events"
    assert entry["task"] in celery_app.tasks
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({2}, {30}, set(range(7)))
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
