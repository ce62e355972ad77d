"""Evaluate a filing against the registry: one code path for the UI, stored results and ``check_eligibility``."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.utils.functional import Promise

from .context import Context
from .filing import Filing
from .i18n import gettext as _
from .i18n import translating
from .outcomes import Outcome, Rule, Severity
from .priority import PriorityIndicators, priority_indicators
from .rules import RULES
from .thresholds import Thresholds


class RuleResult(NamedTuple):
    """One rule's outcome for one filing. A named tuple, as ``Check``: it is built a dozen times per evaluation."""

    rule: Rule
    severity: Severity  # the rule's, or what its check said for this filing
    outcome: Outcome
    message: str
    justification: str = ""  # the text that made a failed condition ``justified``

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def clause(self) -> str:
        return self.rule.clause

    @property
    def clause_label(self) -> str:
        return self.rule.clause_label

    @property
    def title(self) -> Promise:
        return self.rule.title

    @property
    def blocks(self) -> bool:
        return self.outcome == Outcome.FAIL and self.severity != Severity.ADVISE

    def as_dict(self) -> dict:
        """The result as DESIGN §9 prints it; users are shown the Chinese clause label."""
        return {
            "code": self.rule.code,
            "clause": self.rule.clause_label,
            "severity": str(self.severity),
            "outcome": str(self.outcome),
            "message": self.message,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluation:
    eligible: bool
    results: tuple[RuleResult, ...]
    priority: PriorityIndicators
    # The values the rules read, so that a stored result can say what it was measured against.
    thresholds: Thresholds
    evaluated_on: date

    def as_dict(self) -> dict:
        """The output of ``check_eligibility --json`` (DESIGN §9), results in registry order."""
        return {
            "eligible": self.eligible,
            "results": [result.as_dict() for result in self.results],
            "priority": self.priority.as_dict(),
        }


def justification_length(text: str | None) -> int:
    """Characters that carry meaning: whitespace does not count towards the minimum."""
    return len("".join((text or "").split()))


def apply_rule(rule: Rule, filing: Filing, context: Context) -> RuleResult:
    check = rule.check(filing, context)
    severity = check.severity or rule.severity
    message = check.message
    justification = ""
    if check.passed:
        outcome = Outcome.PASS
    elif severity == Severity.JUSTIFY:
        text = (filing.justifications.get(rule.code) or "").strip()
        length = justification_length(text)
        required = context.thresholds.justification_min_length
        if length >= required:
            outcome, justification = Outcome.JUSTIFIED, text
            message = message + _("已提交书面说明（%(length)d 字）。") % {"length": length}
        else:
            outcome = Outcome.FAIL
            if length:
                message = message + _("书面说明仅 %(length)d 字，至少需要 %(required)d 字。") % {
                    "length": length,
                    "required": required,
                }
            else:
                message = message + _("确有理由的，请提交书面说明（至少 %(required)d 字）。") % {"required": required}
    else:
        outcome = Outcome.FAIL
    return RuleResult(rule, severity, outcome, message, justification)


def evaluate(filing: Filing, context: Context, *, rules: Sequence[Rule] = RULES) -> Evaluation:
    with translating():
        results = tuple(apply_rule(rule, filing, context) for rule in rules)
    return Evaluation(
        eligible=not any(result.blocks for result in results),
        results=results,
        priority=priority_indicators(filing.lead, context.thresholds),
        thresholds=context.thresholds,
        evaluated_on=context.today,
    )
