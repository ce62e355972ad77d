"""The vocabulary of a rule: its severity, the outcome of its check, and the rule itself as data (``rules.RULES``)."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from django.utils.functional import Promise

from .context import Context
from .filing import Filing


class Severity(StrEnum):
    BLOCK = "block"  # stops submission
    JUSTIFY = "justify"  # "in principle" (原则上): passes with a written justification
    ADVISE = "advise"  # shown to the applicant and reviewers, never blocks


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    JUSTIFIED = "justified"


class Check(NamedTuple):
    """What a rule's check found. ``severity`` overrides the rule's for this filing (a lead of another kind must
    justify itself, where an enterprise lead that gives no figures is simply blocked). A named tuple because an
    evaluation makes a dozen of these and a frozen dataclass costs several times as much to build."""

    passed: bool
    message: str
    severity: Severity | None = None


def passed(message: str) -> Check:
    return Check(True, message)


def failed(message: str, *, severity: Severity | None = None) -> Check:
    return Check(False, message, severity)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    code: str
    clause: str  # the guideline's clause id, e.g. "§3.5"
    clause_label: str  # the Chinese label users see, e.g. "三（五）"
    severity: Severity
    title: Promise
    check: Callable[[Filing, Context], Check]
    # May the applicant justify a failure in writing? True for justify rules and for rules whose check can
    # return the justify severity.
    justifiable: bool = False
    thresholds: tuple[str, ...] = ()  # the Thresholds fields it reads
