"""Eligibility of a filing under the guideline's conditions (DESIGN §4).

Build a ``Filing`` (from an exchange-format document with ``read_filing``, later from the database), build a
``Context`` (``context_from_database``), and ``evaluate`` the one against the other. The rules are in ``rules.RULES``.
"""

from .context import Context, DishonestyRecord, DishonestySource, NoDishonestyRecords
from .database import DatabaseDishonestySource, context_from_database
from .engine import Evaluation, RuleResult, evaluate
from .exchange import InvalidDocument, Problem, filing_from_document, parse_document, read_filing, validate_document
from .filing import Agreement, Filing, Governance, LeadUnit, Member, Period, Platform, ResearchTask
from .outcomes import Outcome, Rule, Severity
from .priority import PriorityIndicators, priority_indicators
from .rules import RULES
from .thresholds import Thresholds

__all__ = [
    "RULES",
    "Agreement",
    "Context",
    "DatabaseDishonestySource",
    "DishonestyRecord",
    "DishonestySource",
    "Evaluation",
    "Filing",
    "Governance",
    "InvalidDocument",
    "LeadUnit",
    "Member",
    "NoDishonestyRecords",
    "Outcome",
    "Period",
    "Platform",
    "PriorityIndicators",
    "Problem",
    "ResearchTask",
    "Rule",
    "RuleResult",
    "Severity",
    "Thresholds",
    "context_from_database",
    "evaluate",
    "filing_from_document",
    "parse_document",
    "priority_indicators",
    "read_filing",
    "validate_document",
]
