"""The daily jobs as Celery runs them: the beat schedule in Asia/Shanghai time, thin tasks, and a real worker."""

import time
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import OperationalError, transaction

from consortia import tasks
from consortia.models import Consortium, WorkflowEvent
from consortia.states import Status
from portal.celery import app
from portal.models import Notification
from portal.services import notify

from .factories import active_consortium


def test_the_beat_schedule_runs_the_jobs_daily_in_shanghai_time():
    schedule = settings.CELERY_BEAT_SCHEDULE
    expiry, reminders = schedule["expire-consortia"], schedule["send-expiry-reminders"]

    assert expiry["task"] == "consortia.tasks.expire_consortia"
    assert (expiry["schedule"].hour, expiry["schedule"].minute) == ({0}, {30})
    assert reminders["task"] == "consortia.tasks.send_expiry_reminders"
    assert (reminders["schedule"].hour, reminders["schedule"].minute) == ({8}, {0})
    assert "retry-undelivered-notifications" in schedule
    assert app.conf.timezone == settings.CELERY_TIMEZONE == "Asia/Shanghai"
    assert settings.EXPIRY_REMINDER_DAYS == [90, 30]
    assert {"consortia.tasks.expire_consortia", "consortia.tasks.send_expiry_reminders"} <= set(app.tasks.keys())


@pytest.mark.django_db
def test_the_tasks_act_on_the_given_day_or_today(demo_users, monkeypatch):
    seen = []
    monkeypatch.setattr(
        "consortia.lifecycle.jobs.expire_due_consortia",
        lambda *, today: seen.append(today) or type("R", (), {"consortia": 0})(),
    )
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: date(2026, 6, 1))

    tasks.expire_consortia("2026-05-01")
    tasks.expire_consortia()

    assert seen == [date(2026, 5, 1), date(2026, 6, 1)]


# --- On a real worker (filesystem broker on SQLite runs, Redis with REDIS_URL) ----------------------------------


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:  # the test database on SQLite is shared in memory: locked while the worker writes
            pass
        time.sleep(0.1)
    return False


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_expiry_and_reminder_tasks(demo_users, celery_worker):
    end = date(2026, 5, 31)
    due = active_consortium(lead=demo_users["lead-a"], end_date=end)
    reminded = active_consortium(lead=demo_users["lead-b"], end_date=end + timedelta(days=91))

    tasks.expire_consortia.delay("2026-06-01")
    tasks.send_expiry_reminders.delay("2026-06-01")

    assert wait_for(lambda: Consortium.objects.filter(pk=due.pk, status=Status.EXPIRED).exists())
    assert WorkflowEvent.objects.filter(consortium=due, action="expire", role="system").count() == 1
    reminders = Notification.objects.filter(dedup_key__startswith=f"expiry-reminder:{reminded.pk}:90:")
    assert wait_for(lambda: reminders.count() == 2)  # lead-b and the Xuanwu officer
    # The notifications the jobs queued are e-mailed by the same worker, once each.
    assert wait_for(lambda: not Notification.objects.filter(delivered_at__isnull=True).exists())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["lead-a@example.com", "jiangning@example.com", "lead-b@example.com", "xuanwu@example.com"]
    )
    assert Consortium.objects.get(pk=reminded.pk).status == Status.ACTIVE

    # Again, as a retried task would: nothing changes, nothing is sent twice. The worker takes tasks in order, so
    # once a notification queued after the re-runs is delivered, the re-runs are done.
    tasks.expire_consortia.delay("2026-06-01")
    tasks.send_expiry_reminders.delay("2026-06-01")
    with transaction.atomic():
        (sentinel,) = notify(recipients=[demo_users["city"]], subject="顺序标记", body="—")
    assert wait_for(lambda: Notification.objects.filter(pk=sentinel.pk, delivered_at__isnull=False).exists())
    assert Notification.objects.exclude(pk=sentinel.pk).count() == 4
    assert WorkflowEvent.objects.count() == 1
    assert len(mail.outbox) == 5
    assert app.conf.broker_url.startswith("redis://" if settings.REDIS_URL else "filesystem://")
