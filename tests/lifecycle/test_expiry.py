"""The daily expiry job (guideline §1.c, §5.1: when the construction period is over, the filing ends on its own)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consortia.lifecycle.jobs import expire_due_consortia
from consortia.models import CompletionDeclaration, Consortium, WorkflowEvent
from consortia.states import Status
from consortia.workflow import transitions
from portal.models import AuditEvent, Notification

from .factories import active_consortium, lead_user

pytestmark = pytest.mark.django_db

END = date(2026, 5, 31)


def expire(on: str) -> str:
    out = StringIO()
    call_command("expire_consortia", "--date", on, stdout=out)
    return out.getvalue()


def counts():
    return (
        Consortium.objects.filter(status=Status.EXPIRED).count(),
        WorkflowEvent.objects.count(),
        AuditEvent.objects.filter(event_type=AuditEvent.Type.STATE_CHANGED).count(),
        Notification.objects.count(),
    )


def test_on_the_day_after_the_end_date_the_consortium_expires(demo_users):
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=END)

    output = expire("2026-06-01")

    consortium.refresh_from_db()
    assert consortium.status == Status.EXPIRED
    assert "1 个联合体建设期满" in output
    (event,) = WorkflowEvent.objects.filter(consortium=consortium)
    assert (event.action, event.from_status, event.to_status, event.role, event.actor) == (
        "expire",
        Status.ACTIVE,
        Status.EXPIRED,
        transitions.SYSTEM,
        None,
    )
    assert "2026-05-31" in event.comment
    (audit,) = AuditEvent.objects.filter(object_type="consortia.consortium", object_id=str(consortium.pk))
    assert audit.event_type == AuditEvent.Type.STATE_CHANGED
    assert audit.changes == {"action": "expire", "from": "active", "to": "expired", "reason": ""}


def test_the_lead_unit_and_its_district_are_notified_and_nobody_else(demo_users):
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=END)
    colleague = lead_user(demo_users["lead-a"].organisation)

    expire("2026-06-01")

    notifications = Notification.objects.filter(dedup_key__startswith="consortium-expired:")
    assert sorted(n.recipient.username for n in notifications) == sorted(["lead-a", colleague.username, "jiangning"])
    notification = notifications.get(recipient=demo_users["lead-a"])
    assert consortium.name in notification.subject
    assert "2026-05-31" in notification.body and consortium.filing_number in notification.body
    assert notification.link == f"/filings/{consortium.pk}/"
    assert notification.dedup_key == f"consortium-expired:{consortium.pk}:{demo_users['lead-a'].pk}"


def test_on_its_last_day_it_does_not_expire(demo_users):
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=END)

    output = expire("2026-05-31")

    consortium.refresh_from_db()
    assert consortium.status == Status.ACTIVE
    assert counts() == (0, 0, 0, 0)
    assert "0 个联合体" in output


def test_a_second_run_changes_and_sends_nothing(demo_users):
    active_consortium(lead=demo_users["lead-a"], end_date=END)
    active_consortium(lead=demo_users["lead-b"], end_date=date(2026, 4, 30))
    expire("2026-06-01")
    after_first = counts()
    assert after_first == (2, 2, 2, 4)

    output = expire("2026-06-01")
    expire("2026-06-02")

    assert counts() == after_first
    assert "0 个联合体" in output


def test_only_active_consortia_whose_period_ended_are_touched(demo_users):
    lead = demo_users["lead-a"]
    running = active_consortium(lead=lead, end_date=date(2026, 6, 1))
    completed = active_consortium(lead=lead, end_date=END, status=Status.COMPLETED)
    revoked = active_consortium(lead=lead, end_date=END, status=Status.REVOKED)

    expire("2026-06-01")

    assert Consortium.objects.get(pk=running.pk).status == Status.ACTIVE
    assert Consortium.objects.get(pk=completed.pk).status == Status.COMPLETED
    assert Consortium.objects.get(pk=revoked.pk).status == Status.REVOKED
    assert counts() == (0, 0, 0, 0)


def test_the_target_state_comes_from_the_transition_table(demo_users, monkeypatch):
    """The job applies the table's row for (active, expire): change the row and the job follows it."""
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=END)
    row = transitions.TRANSITIONS[(Status.ACTIVE, "expire")]
    monkeypatch.setitem(
        transitions.TRANSITIONS,
        (Status.ACTIVE, "expire"),
        transitions.Transition(row.source, row.action, Status.COMPLETED, row.roles, row.label),
    )

    expire_due_consortia(today=date(2026, 6, 1))

    consortium.refresh_from_db()
    assert consortium.status == Status.COMPLETED
    assert WorkflowEvent.objects.get(consortium=consortium).to_status == Status.COMPLETED


def test_a_table_without_a_system_expiry_stops_the_job(demo_users, monkeypatch):
    active_consortium(lead=demo_users["lead-a"], end_date=END)
    monkeypatch.delitem(transitions.TRANSITIONS, (Status.ACTIVE, "expire"))

    with pytest.raises(Exception, match="expire"):
        expire_due_consortia(today=date(2026, 6, 1))
    assert Consortium.objects.filter(status=Status.ACTIVE).count() == 1


def test_a_declaration_still_waiting_for_the_city_lapses(demo_users):
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=END)
    declaration = CompletionDeclaration.objects.create(
        consortium=consortium, summary="任务已完成。", declared_by=demo_users["lead-a"]
    )

    expire_due_consortia(today=date(2026, 6, 1))

    declaration.refresh_from_db()
    assert declaration.state == CompletionDeclaration.State.LAPSED


def test_e_mails_are_queued_only_after_commit(demo_users, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr("consortia.lifecycle.jobs.enqueue_delivery", queued.extend)
    active_consortium(lead=demo_users["lead-a"], end_date=END)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        expire_due_consortia(today=date(2026, 6, 1))
    assert queued == []

    for callback in callbacks:
        callback()
    assert sorted(queued) == sorted(Notification.objects.values_list("pk", flat=True))


def test_a_failure_half_way_leaves_nothing_half_done(demo_users, monkeypatch):
    """Everything is one transaction: when the notifications fail, the state change and the events roll back, and
    the next run does the whole job."""
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=END)

    def crash(**kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr("consortia.lifecycle.jobs._queue_notifications", crash)
    with pytest.raises(RuntimeError):
        expire_due_consortia(today=date(2026, 6, 1))
    consortium.refresh_from_db()
    assert consortium.status == Status.ACTIVE
    assert counts() == (0, 0, 0, 0)

    monkeypatch.undo()
    assert expire_due_consortia(today=date(2026, 6, 1)).consortia == 1
    assert counts() == (1, 1, 1, 2)


def _queries_to_expire(*, lead, due: int, end: date, today: date) -> int:
    for _ in range(due):
        active_consortium(lead=lead, end_date=end)
    with CaptureQueriesContext(connection) as queries:
        result = expire_due_consortia(today=today)
    assert result.consortia == due
    return len(queries)


def test_the_number_of_queries_does_not_depend_on_how_many_are_due(demo_users):
    lead = demo_users["lead-a"]
    for _ in range(5):  # not due: must not count either
        active_consortium(lead=lead, end_date=date(2027, 1, 1))

    for_three = _queries_to_expire(lead=lead, due=3, end=date(2026, 5, 31), today=date(2026, 6, 1))
    for_thirty = _queries_to_expire(lead=lead, due=30, end=date(2026, 6, 30), today=date(2026, 7, 1))

    assert for_three == for_thirty
    assert Notification.objects.count() == (3 + 30) * 2
    assert WorkflowEvent.objects.count() == AuditEvent.objects.filter(event_type="state_changed").count() == 33
