"""What the one engine (``door.take_action``) needs to know about a thing with a state: its model, its transition
table, where its history goes and how it names itself when it refuses. The consortium's machine is ``CONSORTIUM``;
an app above consortia describes its own (the annual report's is ``annual_reports.workflow.REPORT``), so both change
state through the same lock, checks, steps, events and announcements."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from ..models import Consortium, WorkflowEvent
from .transitions import TRANSITIONS, Transition


@dataclass(frozen=True)
class Machine:
    # ``model.objects.visible_to(user)`` decides who may act on a row at all; ``model`` has a ``status`` with choices.
    model: type[Model]
    transitions: dict[tuple[str, str], Transition]
    event_model: type[Model]  # the append-only history: action, from/to status, actor, role, comment, occurred_at
    event_key: str  # the event model's foreign key to ``model``
    # The refusals, each with ``%(status)s`` (the row's state) or ``%(action)s`` (the transition's label).
    not_visible: str
    moved: str
    wrong_state: str
    wrong_role: str
    # The work a row waiting in a state asks for (the key of the notifications announcing it), finished when it leaves.
    work_key: Callable[[str, int], str] | None = None

    @property
    def object_type(self) -> str:
        """The audit events' ``object_type``."""
        return self.model._meta.label_lower

    def find(self, *, source: str, action: str) -> Transition | None:
        return self.transitions.get((source, action))


def queue_work_key(status: str, consortium_id: int) -> str:
    """The work a consortium waiting in ``status`` asks for: the key of the notifications that announce it."""
    return f"{status}:{consortium_id}"


CONSORTIUM = Machine(
    model=Consortium,
    transitions=TRANSITIONS,
    event_model=WorkflowEvent,
    event_key="consortium",
    not_visible=_("您无权办理该备案。"),
    moved=_("该备案的状态已变为“%(status)s”，可能已有他人先行办理。请刷新页面后查看。"),
    wrong_state=_("备案当前处于“%(status)s”状态，不能执行该操作。"),
    wrong_role=_("您的角色不能对该备案执行“%(action)s”。"),
    work_key=queue_work_key,
)
