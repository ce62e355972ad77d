"""The one door through which a consortium changes state (DESIGN §3, STYLE "One transition table, one door")."""

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from consortia.models import Consortium, WorkflowEvent
from portal.exceptions import DomainError
from portal.models import AuditEvent, Role, User
from portal.services import record_audit

from .transitions import SYSTEM, Transition, find_transition


def acting_role(actor: User | None) -> str:
    if actor is None:
        return SYSTEM
    if actor.is_superuser and actor.role == Role.ADMIN:
        return Role.ADMIN
    return actor.role


def perform_action(
    *,
    consortium_id: int,
    action: str,
    actor: User | None,
    reason: str = "",
    expected_status: str | None = None,
    before: Callable[[Consortium, Transition], None] | None = None,
    after: Callable[[Consortium, Transition], None] | None = None,
) -> Consortium:
    """Perform ``action`` on a consortium: look it up in the table, lock the row, check the state (and, when the
    caller saw the consortium in ``expected_status``, that nobody acted in between), change it, and write the
    workflow and audit events, all in one transaction.

    ``before`` runs under the lock, after the checks, for the action's own work (a snapshot, a filing number); it may
    raise DomainError to refuse, and then nothing is changed. ``after`` runs in the same transaction once the state
    has changed, to queue notifications in the outbox (they are e-mailed only after commit).
    """
    reason = reason.strip()
    role = acting_role(actor)
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium_id)
        if actor is not None and not Consortium.objects.visible_to(actor).filter(pk=consortium_id).exists():
            raise DomainError(_("您无权办理该备案。"))
        if expected_status is not None and consortium.status != expected_status:
            raise DomainError(
                _("该备案的状态已变为“%(status)s”，可能已有他人先行办理。请刷新页面后查看。")
                % {"status": consortium.get_status_display()}
            )
        transition = find_transition(source=consortium.status, action=action)
        if transition is None:
            raise DomainError(
                _("备案当前处于“%(status)s”状态，不能执行该操作。") % {"status": consortium.get_status_display()}
            )
        if role not in transition.roles:
            raise DomainError(_("您的角色不能对该备案执行“%(action)s”。") % {"action": transition.label})
        if transition.needs_reason and not reason:
            raise DomainError(_("“%(action)s”须填写理由。") % {"action": transition.label}, field="reason")
        if before is not None:
            before(consortium, transition)
        from_status = consortium.status
        consortium.status = transition.target
        consortium.save()
        WorkflowEvent.objects.create(
            consortium=consortium,
            action=action,
            from_status=from_status,
            to_status=transition.target,
            actor=actor,
            role=role,
            comment=reason,
        )
        record_audit(
            event_type=AuditEvent.Type.STATE_CHANGED,
            actor=actor,
            obj=consortium,
            changes={"action": action, "from": from_status, "to": transition.target, "reason": reason},
        )
        if after is not None:
            after(consortium, transition)
    return consortium
