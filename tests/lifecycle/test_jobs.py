"""The daily jobs as Celery runs them: the beat schedule in Asia/Shanghai time, thin tasks, and a real worker."""

import time
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import OperationalError, transaction
from django.utils import timezone

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
def test_the_tasks_act_on_the_given_day_or_today(demo_users):
    today = timezone.localdate()
    given = today + timedelta(days=50)  # reminders on it are for periods ending on days 80 and 140 from today
    lead = demo_users["lead-a"]
    due_by_the_given_day = active_consortium(lead=lead, end_date=given - timedelta(days=1))
    ends_on_the_given_day = active_consortium(lead=lead, end_date=given)
    ended_yesterday = active_consortium(lead=lead, end_date=today - timedelta(days=1))
    ends_today = active_consortium(lead=lead, end_date=today)
    reminded_for_the_given_day = active_consortium(lead=lead, end_date=given + timedelta(days=30))
    reminded_for_today = active_consortium(lead=lead, end_date=today + timedelta(days=90))

    def active():
        return set(Consortium.objects.filter(status=Status.ACTIVE).values_list("pk", flat=True))

    def expired_by_the_job():
        return set(WorkflowEvent.objects.filter(action="expire", role="system").values_list("consortium", flat=True))

    reminders = Notification.objects.filter(dedup_key__startswith="expiry-reminder:")

    def reminded():
        keys = reminders.values_list("dedup_key", flat=True)
        return {tuple(int(part) for part in key.split(":")[1:3]) for key in keys}  # (consortium, days)

    everyone = active()

    # No day given: today. Only the period that ended yesterday is over; the one ending today is not yet.
    assert tasks.expire_consortia.apply().get() == 1
    assert everyone - active() == expired_by_the_job() == {ended_yesterday.pk}
    queued = tasks.send_expiry_reminders.apply().get()  # the number of notifications queued
    assert reminded() == {(reminded_for_today.pk, 90)}
    assert queued == reminders.count() > 0  # the lead unit's users and the district's officers

    # A day given (as the beat or an operator passes it, ISO): that day, not today.
    assert tasks.expire_consortia.apply(args=[given.isoformat()]).get() == 2
    assert everyone - active() == expired_by_the_job() == {ended_yesterday.pk, ends_today.pk, due_by_the_given_day.pk}
    assert ends_on_the_given_day.pk in active()
    assert Consortium.objects.get(pk=due_by_the_given_day.pk).status == Status.EXPIRED
    already = reminders.count()
    queued = tasks.send_expiry_reminders.run(given.isoformat())
    assert reminded() == {(reminded_for_today.pk, 90), (reminded_for_the_given_day.pk, 30)}
    assert queued == reminders.count() - already > 0


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
