"""The one door through which a consortium, or anything else with a machine, changes state (DESIGN §3, STYLE "One
transition table, one door").

Views, services, the admin and commands call ``perform_action`` for a consortium; an app above consortia calls
``take_action`` with its own ``Machine`` (the annual report's), so both go through the same engine. The daily expiry
job applies a transition to a whole set of consortia with ``record_transitions``, which the engine also uses for its
one row, so the history reads the same whoever acted.
"""

from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Expression, F, QuerySet, Value
from django.db.models.fields.json import JSONField
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.bulk import as_text, insert_from_select
from portal.exceptions import DomainError
from portal.models import AuditEvent, User
from portal.services import finish_work

from ..permissions import acting_role, action_refusal
from ..storage import files_in_step
from . import steps
from .machine import CONSORTIUM, Machine
from .steps import Action
from .transitions import Transition


def perform_action(
    *,
    consortium_id: int,
    action: str,
    actor: User | None,
    reason: str = "",
    expected_status: str | None = None,
    **inputs,
) -> Action:
    """Perform ``action`` on a consortium (``take_action`` with the consortium's machine)."""
    return take_action(
        CONSORTIUM,
        pk=consortium_id,
        action=action,
        actor=actor,
        reason=reason,
        expected_status=expected_status,
        **inputs,
    )


def take_action(
    machine: Machine,
    *,
    pk: int,
    action: str,
    actor: User | None,
    reason: str = "",
    expected_status: str | None = None,
    **inputs,
) -> Action:
    """Perform ``action`` on the machine's row ``pk``: look it up in the table, lock the row, check the state (and,
    when the caller saw the row in ``expected_status``, that nobody acted in between), run the action's steps, change
    the state, write the history and audit events, and run its announcements, all in one transaction.

    ``inputs`` are what the action's steps read (the officer's remarks, the evidence of a revocation…); a step may
    refuse with DomainError, and then nothing is changed and no file it stored is kept. Returns the action with the
    steps' results (the submission, the revocation…)."""
    reason = reason.strip()
    role = acting_role(actor)
    rows = machine.model.objects
    with files_in_step() as files, transaction.atomic():
        subject = rows.select_for_update().get(pk=pk)
        if actor is not None and not rows.visible_to(actor).filter(pk=pk).exists():
            raise DomainError(str(machine.not_visible))
        if expected_status is not None and subject.status != expected_status:
            raise DomainError(machine.moved % {"status": subject.get_status_display()})
        refusal = action_refusal(actor, subject, action, machine=machine)
        if refusal:
            raise DomainError(refusal)
        transition = machine.find(source=subject.status, action=action)
        if transition.needs_reason and not reason:
            raise DomainError(_("“%(action)s”须填写理由。") % {"action": transition.label}, field="reason")
        missing = steps.unregistered(transition)
        if missing:
            raise ImproperlyConfigured(
                f"The action {action!r} cannot be taken without its steps {missing}: no installed app registers them."
            )
        taken = Action(
            subject=subject,
            transition=transition,
            actor=actor,
            role=role,
            reason=reason,
            inputs=inputs,
            files=files,
        )
        steps.run(transition.steps, taken)
        subject.status = transition.target
        subject.save()
        if machine.work_key is not None:
            # Leaving a state is the end of the work it queued (a filing to pre-screen, to review), however it left.
            finish_work(work_key=machine.work_key(transition.source, subject.pk))
        record_transitions(
            machine=machine,
            rows=machine.model.objects.filter(pk=subject.pk),
            transition=transition,
            actor=actor,
            role=role,
            reason=reason,
            stamp=timezone.now(),
        )
        steps.run(transition.announcements, taken)
    return taken


def record_transitions(
    *,
    machine: Machine,
    rows: QuerySet,
    transition: Transition,
    actor: User | None,
    role: str,
    reason: str,
    stamp: datetime,
    comment: Expression | None = None,
) -> int:
    """The history event (in ``machine.event_model``) and the audit event of ``transition`` for every row in ``rows``
    (already moved to the target state): two statements, whether for one row or ten thousand. ``comment`` is the
    event's text when it differs per row (an expression over the row); otherwise the reason."""
    event = {
        machine.event_key: F("pk"),
        "action": Value(transition.action),
        "from_status": Value(transition.source),
        "to_status": Value(transition.target),
        "role": Value(role),
        "comment": comment if comment is not None else Value(reason),
        "occurred_at": Value(stamp),
    }
    audit = {
        "occurred_at": Value(stamp),
        "event_type": Value(AuditEvent.Type.STATE_CHANGED),
        "username": Value(actor.get_username()[:150] if actor is not None else ""),
        "object_type": Value(machine.object_type),
        "object_id": as_text(F("pk")),
        "changes": Value(
            {"action": transition.action, "from": transition.source, "to": transition.target, "reason": reason},
            output_field=JSONField(),
        ),
    }
    if actor is not None:
        event["actor"] = Value(actor.pk)
        audit["actor"] = Value(actor.pk)
    written = insert_from_select(machine.event_model, event, rows)
    insert_from_select(AuditEvent, audit, rows)
    return written
