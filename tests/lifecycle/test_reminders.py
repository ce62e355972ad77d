"""Reminders 90 and 30 days before the end of the construction period (DESIGN §6), each sent once."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consortia.lifecycle.jobs import send_expiry_reminders
from consortia.states import Status
from portal.models import Notification

from .factories import active_consortium

pytestmark = pytest.mark.django_db

END = date(2026, 12, 31)


def remind(on: date) -> str:
    out = StringIO()
    call_command("send_expiry_reminders", "--date", on.isoformat(), stdout=out)
    return out.getvalue()


def reminders_of(user):
    return Notification.objects.filter(recipient=user, dedup_key__startswith="expiry-reminder:")


def test_ninety_and_thirty_days_before_the_end_one_reminder_each(demo_users):
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=END)

    output = remind(END - timedelta(days=90))
    (first,) = reminders_of(demo_users["lead-a"])
    assert "90 天" in first.subject and consortium.name in first.subject
    assert "2026-12-31" in first.body and "还有 90 天" in first.body
    assert first.dedup_key == f"expiry-reminder:{consortium.pk}:90:{demo_users['lead-a'].pk}"
    assert "新发送提醒 2 条" in output  # the lead unit's user and the district officer

    remind(END - timedelta(days=30))
    thirty = reminders_of(demo_users["lead-a"]).exclude(pk=first.pk)
    assert [n.dedup_key for n in thirty] == [f"expiry-reminder:{consortium.pk}:30:{demo_users['lead-a'].pk}"]
    assert "还有 30 天" in thirty.get().body
    # The district is reminded too, once per threshold.
    assert reminders_of(demo_users["jiangning"]).count() == 2
    assert Notification.objects.count() == 4


def test_no_reminder_on_other_days(demo_users):
    active_consortium(lead=demo_users["lead-a"], end_date=END)

    for days in (120, 91, 89, 60, 31, 29, 1, 0, -1):
        remind(END - timedelta(days=days))

    assert Notification.objects.count() == 0


def test_a_re_run_sends_nothing_more(demo_users):
    active_consortium(lead=demo_users["lead-a"], end_date=END)
    day = END - timedelta(days=90)
    remind(day)
    sent = set(Notification.objects.values_list("pk", flat=True))

    output = remind(day)
    remind(day)

    assert set(Notification.objects.values_list("pk", flat=True)) == sent
    assert "新发送提醒 0 条" in output


def test_consortia_that_are_no_longer_active_are_not_reminded(demo_users):
    active_consortium(lead=demo_users["lead-a"], end_date=END, status=Status.COMPLETED)
    active_consortium(lead=demo_users["lead-a"], end_date=END, status=Status.REVOKED)

    remind(END - timedelta(days=90))

    assert Notification.objects.count() == 0


def test_the_thresholds_are_a_setting(demo_users, settings):
    settings.EXPIRY_REMINDER_DAYS = [60]
    active_consortium(lead=demo_users["lead-a"], end_date=END)

    remind(END - timedelta(days=90))
    assert Notification.objects.count() == 0
    remind(END - timedelta(days=60))
    assert reminders_of(demo_users["lead-a"]).get().dedup_key.endswith(f":60:{demo_users['lead-a'].pk}")


def test_only_the_consortia_due_on_the_day_are_reminded(demo_users):
    due = active_consortium(lead=demo_users["lead-a"], end_date=END)
    active_consortium(lead=demo_users["lead-b"], end_date=END + timedelta(days=1))

    result = send_expiry_reminders(today=END - timedelta(days=30))

    assert result.consortia == 1
    assert {n.link for n in Notification.objects.all()} == {f"/filings/{due.pk}/"}


def test_the_number_of_queries_does_not_depend_on_how_many_are_due(demo_users):
    def queries_for(count: int, end: date) -> int:
        for _ in range(count):
            active_consortium(lead=demo_users["lead-b"], end_date=end)
        with CaptureQueriesContext(connection) as queries:
            result = send_expiry_reminders(today=end - timedelta(days=90))
        assert result.notifications == count * 2
        return len(queries)

    assert queries_for(3, date(2027, 3, 31)) == queries_for(30, date(2027, 6, 30))
