"""The transition table is the only way a consortium changes state (DESIGN §3)."""

from datetime import date

import pytest

from consortia.models import CompletionDeclaration, Consortium, Submission, WorkflowEvent
from consortia.states import Status
from consortia.workflow.door import perform_action
from consortia.workflow.transitions import SYSTEM, TRANSITIONS, action_label, actions_from
from portal.exceptions import DomainError
from portal.models import AuditEvent, Role
from tests.factories import complete_filing, pdf_upload

pytestmark = pytest.mark.django_db

ACTIONS = sorted({action for _, action in TRANSITIONS})
ACTORS = ["lead-a", "jiangning", "city", "admin", SYSTEM]


@pytest.fixture
def consortium(demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    filing = complete_filing(lead_user=demo_users["lead-a"])
    # Officers see only what was submitted, and decide on a submission: give it one, so that neither is what refuses.
    Submission.objects.create(
        consortium=filing, number=1, submitted_by=demo_users["lead-a"], document={}, eligibility={}
    )
    Consortium.objects.filter(pk=filing.pk).update(submitted_at="2026-01-05T10:00:00+08:00")
    return filing


def inputs_for(action, consortium, demo_users) -> dict:
    """What each action's steps need from the caller (the table's ``steps``)."""
    if action == "revoke":
        return {"evidence": [pdf_upload("证据.pdf")], "valid_from": date(2026, 6, 1), "valid_until": None}
    if action == "complete":
        declaration = CompletionDeclaration.objects.create(
            consortium=consortium, summary="任务均已完成。", declared_by=demo_users["lead-a"]
        )
        return {"declaration_id": declaration.pk}
    return {}


def actor_for(name, demo_users):
    return None if name == SYSTEM else demo_users[name]


def role_of(name, demo_users):
    return SYSTEM if name == SYSTEM else demo_users[name].role


@pytest.mark.parametrize("status", Status.values)
def test_every_transition_not_in_the_table_is_refused_for_every_role(consortium, demo_users, status):
    Consortium.objects.filter(pk=consortium.pk).update(status=status)
    for action in ACTIONS:
        for name in ACTORS:
            transition = TRANSITIONS.get((status, action))
            if transition is not None and role_of(name, demo_users) in transition.roles:
                continue
            with pytest.raises(DomainError):
                perform_action(
                    consortium_id=consortium.pk, action=action, actor=actor_for(name, demo_users), reason="理由"
                )
            assert Consortium.objects.get(pk=consortium.pk).status == status
    assert not WorkflowEvent.objects.exists()
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.STATE_CHANGED).exists()


@pytest.mark.parametrize("key", sorted(TRANSITIONS), ids=lambda key: f"{key[0]}-{key[1]}")
def test_every_allowed_transition_writes_exactly_one_event(consortium, demo_users, key):
    source, action = key
    transition = TRANSITIONS[key]
    Consortium.objects.filter(pk=consortium.pk).update(status=source)
    name = next(name for name in ACTORS if role_of(name, demo_users) in transition.roles)
    perform_action(
        consortium_id=consortium.pk,
        action=action,
        actor=actor_for(name, demo_users),
        reason="理由",
        **inputs_for(action, consortium, demo_users),
    )
    assert Consortium.objects.get(pk=consortium.pk).status == transition.target
    event = WorkflowEvent.objects.get()
    assert (event.from_status, event.to_status, event.action) == (source, transition.target, action)
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.STATE_CHANGED).count() == 1


def test_reason_is_required_where_the_table_says(consortium, demo_users):
    Consortium.objects.filter(pk=consortium.pk).update(status=Status.CITY_REVIEW)
    with pytest.raises(DomainError, match="须填写理由"):
        perform_action(consortium_id=consortium.pk, action="reject", actor=demo_users["city"], reason="  ")
    assert Consortium.objects.get(pk=consortium.pk).status == Status.CITY_REVIEW


def test_lead_user_of_another_organisation_cannot_act(consortium, demo_users):
    with pytest.raises(DomainError):
        perform_action(consortium_id=consortium.pk, action="withdraw", actor=demo_users["lead-b"])
    assert Consortium.objects.get(pk=consortium.pk).status == Status.DRAFT


@pytest.mark.parametrize(
    ("action", "words"),
    [
        ("submit", "提交备案"),
        ("recommend", "推荐至市科技局"),
        ("return", "退回修改"),
        ("approve", "准予备案"),
        ("survey", "survey"),
    ],
)
def test_an_action_is_named_in_the_words_of_its_transitions_or_by_itself_if_none_has_it(action, words):
    assert action_label(action) == words


@pytest.mark.parametrize(
    ("source", "role", "actions"),
    [
        (Status.DRAFT, Role.LEAD_UNIT, ["submit", "withdraw"]),
        (Status.DISTRICT_REVIEW, Role.DISTRICT_OFFICER, ["recommend", "return", "not_recommend"]),
        (Status.CITY_REVIEW, Role.CITY_STAFF, ["approve", "return", "reject"]),
        (Status.CITY_REVIEW, Role.LEAD_UNIT, []),
        (Status.ACTIVE, Role.CITY_STAFF, ["complete", "revoke"]),
        (Status.ACTIVE, SYSTEM, ["expire"]),
    ],
)
def test_the_buttons_offered_are_the_actions_of_the_state_and_the_role_in_table_order(source, role, actions):
    assert [transition.action for transition in actions_from(source, role)] == actions
