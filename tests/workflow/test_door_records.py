"""What the door writes and says for one action (consortia.workflow.door): the exact refusals, the history event and
the audit event, the action handed back to the caller, and the work a state queued, finished when the filing leaves
it."""

import dataclasses
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from consortia.models import Consortium, Submission, WorkflowEvent
from consortia.services import submit_filing
from consortia.states import Status
from consortia.workflow import steps
from consortia.workflow.door import perform_action, record_transitions, take_action
from consortia.workflow.machine import CONSORTIUM, queue_work_key
from consortia.workflow.transitions import SNAPSHOT, SUBMISSION_ANNOUNCED, SYSTEM, TRANSITIONS
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification
from tests.factories import complete_filing
from tests.lifecycle.factories import active_consortium

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(demo_users):
    return complete_filing(lead_user=demo_users["lead-a"])


@pytest.fixture
def submitted(draft, demo_users):
    submit_filing(consortium_id=draft.pk, actor=demo_users["lead-a"])
    return Consortium.objects.get(pk=draft.pk)


def state_changes(consortium):
    return AuditEvent.objects.filter(event_type=AuditEvent.Type.STATE_CHANGED, object_id=str(consortium.pk))


def refusal(**kwargs) -> DomainError:
    with pytest.raises(DomainError) as refused:
        perform_action(**kwargs)
    return refused.value


# --- Refusals: the exact words, and nothing written -------------------------------------------------------------


def test_a_user_who_may_not_see_the_filing_is_told_so_and_nothing_changes(draft, demo_users):
    error = refusal(consortium_id=draft.pk, action="withdraw", actor=demo_users["lead-b"])

    assert error.message == "您无权办理该备案。"
    assert Consortium.objects.get(pk=draft.pk).status == Status.DRAFT
    assert not WorkflowEvent.objects.exists() and not state_changes(draft).exists()


def test_an_action_from_a_state_without_it_names_the_state(draft, demo_users):
    error = refusal(consortium_id=draft.pk, action="approve", actor=demo_users["lead-a"])

    assert error.message == "备案当前处于“草稿”状态，不能执行该操作。"
    assert Consortium.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_role_the_table_does_not_name_is_told_which_action_it_may_not_take(submitted, demo_users):
    error = refusal(consortium_id=submitted.pk, action="recommend", actor=demo_users["city"], reason="理由")

    assert error.message == "您的角色不能对该备案执行“推荐至市科技局”。"
    assert Consortium.objects.get(pk=submitted.pk).status == Status.DISTRICT_REVIEW


def test_a_stale_expected_status_names_the_state_the_filing_is_in_now(submitted, demo_users):
    error = refusal(
        consortium_id=submitted.pk,
        action="recommend",
        actor=demo_users["jiangning"],
        expected_status=Status.CITY_REVIEW,
    )

    assert error.message == "该备案的状态已变为“区级初审中”，可能已有他人先行办理。请刷新页面后查看。"
    assert Consortium.objects.get(pk=submitted.pk).status == Status.DISTRICT_REVIEW
    assert WorkflowEvent.objects.filter(consortium=submitted).count() == 1  # the submission's only


def test_the_expected_status_when_it_still_holds_lets_the_action_through(submitted, demo_users):
    perform_action(
        consortium_id=submitted.pk,
        action="recommend",
        actor=demo_users["jiangning"],
        expected_status=Status.DISTRICT_REVIEW,
    )

    assert Consortium.objects.get(pk=submitted.pk).status == Status.CITY_REVIEW


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_action_that_needs_a_reason_is_refused_on_the_reason_field(submitted, demo_users, reason):
    error = refusal(consortium_id=submitted.pk, action="return", actor=demo_users["jiangning"], reason=reason)

    assert (error.message, error.field) == ("“退回修改”须填写理由。", "reason")
    assert Consortium.objects.get(pk=submitted.pk).status == Status.DISTRICT_REVIEW


def test_an_action_that_needs_no_reason_is_taken_without_one(draft, demo_users):
    perform_action(consortium_id=draft.pk, action="withdraw", actor=demo_users["lead-a"])

    assert Consortium.objects.get(pk=draft.pk).status == Status.WITHDRAWN


def test_an_action_whose_step_nobody_registers_is_refused_by_name(draft, demo_users, monkeypatch):
    monkeypatch.delitem(steps._STEPS, SUBMISSION_ANNOUNCED)

    with pytest.raises(ImproperlyConfigured) as refused:
        perform_action(consortium_id=draft.pk, action="submit", actor=demo_users["lead-a"])

    assert str(refused.value) == (
        "The action 'submit' cannot be taken without its steps ['submission_announced']: "
        "no installed app registers them."
    )
    assert Consortium.objects.get(pk=draft.pk).status == Status.DRAFT
    assert not Submission.objects.exists()


# --- What one action writes --------------------------------------------------------------------------------------


def test_the_history_and_the_audit_event_say_who_did_what_and_why(submitted, demo_users):
    officer = demo_users["jiangning"]

    perform_action(consortium_id=submitted.pk, action="return", actor=officer, reason="  请补充经费计划。  ")

    event = WorkflowEvent.objects.filter(consortium=submitted).last()
    assert (event.action, event.from_status, event.to_status, event.actor, event.role, event.comment) == (
        "return",
        Status.DISTRICT_REVIEW,
        Status.RETURNED,
        officer,
        "district_officer",
        "请补充经费计划。",
    )
    audit = state_changes(submitted).get(changes__action="return")
    assert (audit.actor, audit.username, audit.object_type, audit.object_id) == (
        officer,
        "jiangning",
        "consortia.consortium",
        str(submitted.pk),
    )
    assert audit.changes == {
        "action": "return",
        "from": "district_review",
        "to": "returned",
        "reason": "请补充经费计划。",
    }
    assert audit.occurred_at == event.occurred_at


def test_an_action_without_a_reason_records_an_empty_one(draft, demo_users):
    take_action(CONSORTIUM, pk=draft.pk, action="withdraw", actor=demo_users["lead-a"])

    event = WorkflowEvent.objects.get(consortium=draft)
    assert (event.action, event.comment, event.role) == ("withdraw", "", "lead_unit")
    assert state_changes(draft).get().changes == {
        "action": "withdraw",
        "from": "draft",
        "to": "withdrawn",
        "reason": "",
    }


def test_the_action_handed_back_carries_the_subject_actor_role_reason_inputs_and_results(draft, demo_users):
    lead = demo_users["lead-a"]

    action = perform_action(consortium_id=draft.pk, action="submit", actor=lead, reason=" 首次提交 ", note="备注")

    assert action.subject.pk == action.consortium.pk == draft.pk
    assert action.subject.status == Status.DISTRICT_REVIEW
    assert action.transition == TRANSITIONS[(Status.DRAFT, "submit")]
    assert (action.actor, action.role, action.reason) == (lead, "lead_unit", "首次提交")
    assert action.inputs == {"note": "备注"}
    assert (action.input("note"), action.input("missing"), action.input("missing", "默认")) == ("备注", None, "默认")
    assert action.results == {
        SNAPSHOT: Submission.objects.get(consortium=draft),
        SUBMISSION_ANNOUNCED: None,
    }


def test_a_system_action_has_no_actor_and_the_system_role(demo_users):
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=date(2026, 5, 31))

    action = perform_action(consortium_id=consortium.pk, action="expire", actor=None)

    assert (action.actor, action.role) == (None, SYSTEM)
    assert Consortium.objects.get(pk=consortium.pk).status == Status.EXPIRED
    event = WorkflowEvent.objects.get(consortium=consortium)
    assert (event.actor, event.role, event.comment) == (None, "system", "")
    audit = state_changes(consortium).get()
    assert (audit.actor, audit.username) == (None, "")


def test_leaving_a_state_finishes_the_work_it_queued_and_only_that(submitted, demo_users):
    queued = Notification.objects.get(recipient=demo_users["jiangning"])
    assert queued.work_key == queue_work_key(Status.DISTRICT_REVIEW, submitted.pk) == f"district_review:{submitted.pk}"
    assert queued.done_at is None
    elsewhere = active_consortium(lead=demo_users["lead-b"], end_date=date(2028, 12, 31))
    other_work = Notification.objects.create(
        recipient=demo_users["xuanwu"], subject="他人的待办", body="—", work_key=f"district_review:{elsewhere.pk}"
    )

    perform_action(consortium_id=submitted.pk, action="recommend", actor=demo_users["jiangning"])

    queued.refresh_from_db()
    other_work.refresh_from_db()
    assert queued.done_at is not None
    assert other_work.done_at is None
    # The city's new work on the filing waits.
    city_work = Notification.objects.get(recipient=demo_users["city"])
    assert (city_work.work_key, city_work.done_at) == (f"city_review:{submitted.pk}", None)


def test_record_transitions_writes_one_event_and_one_audit_per_row_and_counts_them(demo_users):
    lead = demo_users["lead-a"]
    first = active_consortium(lead=lead, end_date=date(2026, 5, 31))
    second = active_consortium(lead=lead, end_date=date(2026, 5, 31))
    untouched = active_consortium(lead=lead, end_date=date(2026, 5, 31))
    stamp = first.created_at
    transition = TRANSITIONS[(Status.ACTIVE, "expire")]

    written = record_transitions(
        machine=CONSORTIUM,
        rows=Consortium.objects.filter(pk__in=[first.pk, second.pk]),
        transition=transition,
        actor=demo_users["city"],
        role="city_staff",
        reason="批量",
        stamp=stamp,
    )

    assert written == 2
    events = WorkflowEvent.objects.order_by("consortium_id")
    assert [
        (e.consortium_id, e.action, e.from_status, e.to_status, e.role, e.comment, e.actor, e.occurred_at)
        for e in events
    ] == [
        (c.pk, "expire", "active", "expired", "city_staff", "批量", demo_users["city"], stamp) for c in (first, second)
    ]
    audits = AuditEvent.objects.filter(event_type=AuditEvent.Type.STATE_CHANGED).order_by("object_id")
    assert [(a.object_id, a.username, a.actor, a.occurred_at) for a in audits] == [
        (str(c.pk), "city", demo_users["city"], stamp) for c in sorted((first, second), key=lambda c: str(c.pk))
    ]
    assert not WorkflowEvent.objects.filter(consortium=untouched).exists()


def test_the_door_refuses_in_the_words_of_the_machine_it_is_given(draft, demo_users):
    """Another machine (the annual report's has its own) names its own refusals; the door does not fall back on the
    consortium's words."""
    machine = dataclasses.replace(
        CONSORTIUM,
        not_visible="看不到这一行。",
        moved="这一行已变为“%(status)s”。",
        wrong_state="这一行处于“%(status)s”，不能这样做。",
        wrong_role="您的角色不能“%(action)s”这一行。",
        work_key=None,
    )

    def refused(**kwargs):
        with pytest.raises(DomainError) as error:
            take_action(machine, pk=draft.pk, **kwargs)
        return error.value.message

    assert refused(action="withdraw", actor=demo_users["lead-b"]) == "看不到这一行。"
    assert refused(action="withdraw", actor=demo_users["lead-a"], expected_status=Status.RETURNED) == (
        "这一行已变为“草稿”。"
    )
    assert refused(action="approve", actor=demo_users["lead-a"]) == "这一行处于“草稿”，不能这样做。"
    Consortium.objects.filter(pk=draft.pk).update(submitted_at="2026-01-05T10:00:00+08:00")
    assert refused(action="withdraw", actor=demo_users["admin"]) == "您的角色不能“撤回”这一行。"

    take_action(machine, pk=draft.pk, action="withdraw", actor=demo_users["lead-a"])
    assert Consortium.objects.get(pk=draft.pk).status == Status.WITHDRAWN
