"""The one transition table of the consortium's life (DESIGN §3). Every door — services, views, admin, jobs,
commands — asks this table whether an action is allowed; nothing else knows the state machine."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from consortia.states import Status
from portal.models import Role

SYSTEM = "system"  # the daily jobs act as this role


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset
    label: str
    needs_reason: bool = False


def _t(source, action, target, roles, label, needs_reason=False):
    return Transition(source, action, target, frozenset(roles), label, needs_reason)


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.source, t.action): t
    for t in [
        _t(Status.DRAFT, "submit", Status.DISTRICT_REVIEW, {Role.LEAD_UNIT}, _("提交备案")),
        _t(Status.RETURNED, "submit", Status.DISTRICT_REVIEW, {Role.LEAD_UNIT}, _("重新提交")),
        _t(Status.DRAFT, "withdraw", Status.WITHDRAWN, {Role.LEAD_UNIT}, _("撤回")),
        _t(Status.RETURNED, "withdraw", Status.WITHDRAWN, {Role.LEAD_UNIT}, _("撤回")),
        _t(Status.DISTRICT_REVIEW, "recommend", Status.CITY_REVIEW, {Role.DISTRICT_OFFICER}, _("推荐至市科技局")),
        _t(Status.DISTRICT_REVIEW, "return", Status.RETURNED, {Role.DISTRICT_OFFICER}, _("退回修改"), True),
        _t(Status.DISTRICT_REVIEW, "not_recommend", Status.REJECTED, {Role.DISTRICT_OFFICER}, _("不予推荐"), True),
        _t(Status.CITY_REVIEW, "approve", Status.ACTIVE, {Role.CITY_STAFF}, _("准予备案")),
        _t(Status.CITY_REVIEW, "return", Status.RETURNED, {Role.CITY_STAFF}, _("退回修改"), True),
        _t(Status.CITY_REVIEW, "reject", Status.REJECTED, {Role.CITY_STAFF}, _("不予备案"), True),
        _t(Status.ACTIVE, "expire", Status.EXPIRED, {SYSTEM}, _("建设期满")),
        _t(Status.ACTIVE, "complete", Status.COMPLETED, {Role.CITY_STAFF}, _("确认任务完成")),
        _t(Status.ACTIVE, "revoke", Status.REVOKED, {Role.CITY_STAFF}, _("撤销备案"), True),
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
