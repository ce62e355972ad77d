"""What the rules need besides the filing: thresholds, reference data, the dishonesty record, today's date.

Everything that comes from the database is read here, once, before the rules run; the rules themselves stay pure.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from .thresholds import Thresholds


@dataclass(frozen=True, slots=True, kw_only=True)
class DishonestyRecord:
    """An entry of the dishonesty record (失信信息记录, guideline §5.3) that is in force."""

    uscc: str
    name: str = ""
    reason: str = ""
    until: date | None = None  # None: no end date


class DishonestySource(Protocol):
    """Where INTEGRITY looks up active dishonesty records; the revocation feature provides the real one."""

    def active_records(self, usccs: Collection[str], *, on: date) -> Sequence[DishonestyRecord]:
        """Records in force on ``on`` for any of the (normalised) codes."""
        ...


class NoDishonestyRecords:
    """The source until dishonesty records are kept in the portal: nobody is on the record."""

    def active_records(self, usccs: Collection[str], *, on: date) -> Sequence[DishonestyRecord]:
        return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    thresholds: Thresholds
    active_field_codes: frozenset[str]
    platform_category_codes: frozenset[str]
    today: date
    # Reference codes → the names users know them by; only for messages, a code without a name is shown as is.
    field_names: Mapping[str, str] = field(default_factory=dict)
    platform_category_names: Mapping[str, str] = field(default_factory=dict)
    dishonesty: DishonestySource = field(default_factory=NoDishonestyRecords)
