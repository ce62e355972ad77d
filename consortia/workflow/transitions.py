"""The one transition table of the consortium's life (DESIGN §3). Every door — services, views, admin, jobs,
commands — asks this table whether an action is allowed; nothing else knows the state machine.

Each transition names the steps it cannot be taken without. ``steps`` run under the consortium's lock before the state
changes and may refuse (a snapshot on submit; the filing number, construction period and notice on approve; the
dishonesty records on revoke); ``announcements`` run after it, in the same transaction, and queue notifications. The
apps that own each step register it (``@steps.step``); the door refuses an action whose steps are not all there.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.models import Role

from ..states import Status

SYSTEM = "system"  # the daily jobs act as this role
# Histories that began outside the table: a consortium filed on paper enters the portal filed (reviews.imports).
IMPORTED = "import"
RECORDED_ACTIONS = {IMPORTED: _("导入纸质备案")}

# Steps, by the work they do. Registered by consortia (filing, lifecycle) and reviews (opinions, approval).
SNAPSHOT = "snapshot"  # completeness, eligibility and the immutable submission
REVIEW_OPINION = "review_opinion"  # the officer's structured opinion on the submission
APPROVAL = "approval"  # filing number, construction period, filing notice
COMPLETION_CONFIRMED = "completion_confirmed"  # the pending completion declaration is confirmed
REVOCATION_RECORDS = "revocation_records"  # the revocation, its evidence and the dishonesty records
# Announcements: who is told.
SUBMISSION_ANNOUNCED = "submission_announced"
DECISION_ANNOUNCED = "decision_announced"
COMPLETION_ANNOUNCED = "completion_announced"
REVOCATION_ANNOUNCED = "revocation_announced"


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset
    label: str
    needs_reason: bool = False
    steps: tuple[str, ...] = ()
    announcements: tuple[str, ...] = ()


def _t(source, action, target, roles, label, *, needs_reason=False, steps=(), announcements=()):
    return Transition(source, action, target, frozenset(roles), label, needs_reason, steps, announcements)


_SUBMIT = {"steps": (SNAPSHOT,), "announcements": (SUBMISSION_ANNOUNCED,)}
_DECIDE = {"steps": (REVIEW_OPINION,), "announcements": (DECISION_ANNOUNCED,)}
_DECIDE_WITH_REASON = {**_DECIDE, "needs_reason": True}

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.source, t.action): t
    for t in [
        _t(Status.DRAFT, "submit", Status.DISTRICT_REVIEW, {Role.LEAD_UNIT}, _("提交备案"), **_SUBMIT),
        _t(Status.RETURNED, "submit", Status.DISTRICT_REVIEW, {Role.LEAD_UNIT}, _("重新提交"), **_SUBMIT),
        _t(Status.DRAFT, "withdraw", Status.WITHDRAWN, {Role.LEAD_UNIT}, _("撤回")),
        _t(Status.RETURNED, "withdraw", Status.WITHDRAWN, {Role.LEAD_UNIT}, _("撤回")),
        _t(
            Status.DISTRICT_REVIEW,
            "recommend",
            Status.CITY_REVIEW,
            {Role.DISTRICT_OFFICER},
            _("推荐至市科技局"),
            **_DECIDE,
        ),
        _t(
            Status.DISTRICT_REVIEW,
            "return",
            Status.RETURNED,
            {Role.DISTRICT_OFFICER},
            _("退回修改"),
            **_DECIDE_WITH_REASON,
        ),
        _t(
            Status.DISTRICT_REVIEW,
            "not_recommend",
            Status.REJECTED,
            {Role.DISTRICT_OFFICER},
            _("不予推荐"),
            **_DECIDE_WITH_REASON,
        ),
        _t(
            Status.CITY_REVIEW,
            "approve",
            Status.ACTIVE,
            {Role.CITY_STAFF},
            _("准予备案"),
            steps=(REVIEW_OPINION, APPROVAL),
            announcements=(DECISION_ANNOUNCED,),
        ),
        _t(Status.CITY_REVIEW, "return", Status.RETURNED, {Role.CITY_STAFF}, _("退回修改"), **_DECIDE_WITH_REASON),
        _t(Status.CITY_REVIEW, "reject", Status.REJECTED, {Role.CITY_STAFF}, _("不予备案"), **_DECIDE_WITH_REASON),
        # Expiry is applied to the whole set at once by the daily job (lifecycle.jobs), never one by one.
        _t(Status.ACTIVE, "expire", Status.EXPIRED, {SYSTEM}, _("建设期满")),
        _t(
            Status.ACTIVE,
            "complete",
            Status.COMPLETED,
            {Role.CITY_STAFF},
            _("确认任务完成"),
            steps=(COMPLETION_CONFIRMED,),
            announcements=(COMPLETION_ANNOUNCED,),
        ),
        _t(
            Status.ACTIVE,
            "revoke",
            Status.REVOKED,
            {Role.CITY_STAFF},
            _("撤销备案"),
            needs_reason=True,
            steps=(REVOCATION_RECORDS,),
            announcements=(REVOCATION_ANNOUNCED,),
        ),
    ]
}


def find_transition(*, source: str, action: str) -> Transition | None:
    return TRANSITIONS.get((source, action))


def actions_from(source: str, role: str) -> list[Transition]:
    """The actions a role may take on a consortium in ``source``, in table order (for buttons)."""
    return [t for t in TRANSITIONS.values() if t.source == source and role in t.roles]


def action_label(action: str) -> str:
    """The words for an action wherever it is allowed from (a return reads 退回修改 from either review stage)."""
    return next((t.label for t in TRANSITIONS.values() if t.action == action), action)
