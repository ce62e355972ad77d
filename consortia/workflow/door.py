"""The one door through which a consortium changes state (DESIGN §3, STYLE "One transition table, one door").

Views, services, the admin and commands call ``perform_action``; the daily expiry job applies a transition to a whole
set of consortia with ``record_transitions``, which the door also uses for its one row, so the history reads the same
whoever acted.
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

from ..models import Consortium, WorkflowEvent
from ..permissions import acting_role, action_refusal
from ..storage import files_in_step
from . import steps
from .steps import Action
from .transitions import Transition, find_transition


def perform_action(
    *,
    consortium_id: int,
    action: str,
    actor: User | None,
    reason: str = "",
    expected_status: str | None = None,
    **inputs,
) -> Action:
    """Perform ``action`` on a consortium: look it up in the table, lock the row, check the state (and, when the
    caller saw the consortium in ``expected_status``, that nobody acted in between), run the action's steps, change
    the state, write the workflow and audit events, and run its announcements, all in one transaction.

    ``inputs`` are what the action's steps read (the officer's remarks, the evidence of a revocation…); a step may
    refuse with DomainError, and then nothing is changed and no file it stored is kept. Returns the action with the
    steps' results (the submission, the revocation…)."""
    reason = reason.strip()
    role = acting_role(actor)
    with files_in_step() as files, transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium_id)
        if actor is not None and not Consortium.objects.visible_to(actor).filter(pk=consortium_id).exists():
            raise DomainError(_("您无权办理该备案。"))
        if expected_status is not None and consortium.status != expected_status:
            raise DomainError(
                _("该备案的状态已变为“%(status)s”，可能已有他人先行办理。请刷新页面后查看。")
                % {"status": consortium.get_status_display()}
            )
        refusal = action_refusal(actor, consortium, action)
        if refusal:
            raise DomainError(refusal)
        transition = find_transition(source=consortium.status, action=action)
        if transition.needs_reason and not reason:
            raise DomainError(_("“%(action)s”须填写理由。") % {"action": transition.label}, field="reason")
        missing = steps.unregistered(transition)
        if missing:
            raise ImproperlyConfigured(
                f"The action {action!r} cannot be taken without its steps {missing}: no installed app registers them."
            )
        taken = Action(
            consortium=consortium,
            transition=transition,
            actor=actor,
            role=role,
            reason=reason,
            inputs=inputs,
            files=files,
        )
        steps.run(transition.steps, taken)
        consortium.status = transition.target
        consortium.save()
        # Leaving a state is the end of the work it queued (a filing to pre-screen, to review), however it left.
        finish_work(work_key=queue_work_key(transition.source, consortium.pk))
        record_transitions(
            consortia=Consortium.objects.filter(pk=consortium.pk),
            transition=transition,
            actor=actor,
            role=role,
            reason=reason,
            stamp=timezone.now(),
        )
        steps.run(transition.announcements, taken)
    return taken


def queue_work_key(status: str, consortium_id: int) -> str:
    """The work a consortium waiting in ``status`` asks for: the key of the notifications that announce it."""
    return f"{status}:{consortium_id}"


def record_transitions(
    *,
    consortia: QuerySet,
    transition: Transition,
    actor: User | None,
    role: str,
    reason: str,
    stamp: datetime,
    comment: Expression | None = None,
) -> int:
    """The workflow event and the audit event of ``transition`` for every consortium in ``consortia`` (already moved
    to the target state): two statements, whether for one consortium or ten thousand. ``comment`` is the event's
    text when it differs per row (an expression over the consortium); otherwise the reason."""
    event = {
        "consortium": F("pk"),
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
        "object_type": Value(Consortium._meta.label_lower),
        "object_id": as_text(F("pk")),
        "changes": Value(
            {"action": transition.action, "from": transition.source, "to": transition.target, "reason": reason},
            output_field=JSONField(),
        ),
    }
    if actor is not None:
        event["actor"] = Value(actor.pk)
        audit["actor"] = Value(actor.pk)
    written = insert_from_select(WorkflowEvent, event, consortia)
    insert_from_select(AuditEvent, audit, consortia)
    return written
