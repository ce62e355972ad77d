"""The steps an action cannot be taken without, by name (the table in ``transitions`` names them per transition).

The app that owns a step's work registers it when Django starts (``AppConfig.ready``): consortia the snapshot, the
completion and revocation records and their announcements; reviews the opinion, the approval and the decisions'
announcements. So the door in consortia runs reviews' approval without importing reviews.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..storage import StoredFiles
from .transitions import Transition


@dataclass
class Action:
    """One action under way through the door: what its steps read, and what they leave for the caller."""

    subject: Any  # the row changing state (a Consortium, an AnnualReport…), locked
    transition: Transition
    actor: Any  # the acting User, or None for the daily jobs
    role: str
    reason: str
    inputs: dict[str, Any]
    files: StoredFiles  # what a step writes to or deletes from storage, in step with the transaction
    results: dict[str, Any] = field(default_factory=dict)

    @property
    def consortium(self) -> Any:
        """The consortium's own steps name what they act on."""
        return self.subject

    def input(self, name: str, default: Any = None) -> Any:
        return self.inputs.get(name, default)


Step = Callable[[Action], Any]
_STEPS: dict[str, Step] = {}


def step(name: str) -> Callable[[Step], Step]:
    """Register the decorated function as the step ``name``; its return value is kept in ``Action.results[name]``."""

    def register(function: Step) -> Step:
        existing = _STEPS.get(name)
        if existing is not None and existing is not function:
            raise ImproperlyConfigured(f"Two functions register the workflow step {name!r}.")
        _STEPS[name] = function
        return function

    return register


def unregistered(transition: Transition) -> list[str]:
    return [name for name in (*transition.steps, *transition.announcements) if name not in _STEPS]


def run(names: tuple[str, ...], action: Action) -> None:
    for name in names:
        action.results[name] = _STEPS[name](action)
