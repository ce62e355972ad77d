"""A plain description of one filing: everything the eligibility rules read, and nothing from the ORM.

Two builders fill it: ``exchange.filing_from_document`` from a ``consortium-filing/1`` document, and (later) one from
the database, so the UI, the stored results and ``check_eligibility`` all evaluate the same kind of object. Every field
has a harmless default so that a draft with gaps can be described too; the rules say what is missing.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from django.utils.translation import gettext_lazy as _

# The vocabularies of the exchange format (DESIGN §9), with the words users see. Unit kinds are those of
# ``portal.models.Organisation.Kind``; they are repeated here so that this package imports without the app registry.
UNIT_KINDS = {
    "enterprise": _("企业"),
    "university": _("高校"),
    "institute": _("科研院所"),
    "platform": _("重大科技平台"),
    "other": _("其他"),
}
ACADEMIC_KINDS = frozenset({"university", "institute"})
TECHNOLOGY_KINDS = {  # guideline §2.b
    "choke-point": _("“卡脖子”技术"),
    "first-mover": _("具有先发优势的关键技术"),
    "frontier": _("引领未来发展的基础前沿技术"),
}
CHAIN_POSITIONS = {"upstream": _("上游"), "midstream": _("中游"), "downstream": _("下游"), "n/a": _("不适用")}
PLATFORM_LEVELS = {"national": _("国家级"), "provincial": _("省级")}


@dataclass(frozen=True, slots=True, kw_only=True)
class Platform:
    """A major S&T platform's standing (guideline §3.4.b): ``national``/``provincial`` and a platform-category code."""

    level: str = ""
    category: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LeadUnit:
    name: str
    uscc: str
    kind: str
    jurisdiction: str = ""
    head: str = ""
    # 万元, previous year; None when not given.
    revenue_prev_year: Decimal | None = None
    rd_expense_prev_year: Decimal | None = None
    platform: Platform | None = None
    # The lead unit registered itself as an organisation, which is its attestation.
    independent_legal_entity: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    name: str
    uscc: str
    kind: str
    chain_position: str = "n/a"
    independent_legal_entity: bool = False
    # Enterprises: R&D capability (§3.5.a). Universities and institutes: research team and lab conditions (§3.5.b).
    capability: str = ""
    # The unit's substantive work in the consortium.
    role: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Governance:
    council: bool = False
    council_chair_is_lead_head: bool = False
    chief_experts: tuple[str, ...] = ()
    advisory_committee: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ResearchTask:
    title: str
    kind: str = ""
    objectives: str = ""
    indicators: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Agreement:
    """The formation agreement (组建协议, §3.2): attached as a PDF, signed by all parties, on a date."""

    attached: bool = False
    signed_on: date | None = None
    all_parties_signed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Filing:
    name: str
    field: str
    lead: LeadUnit
    members: tuple[Member, ...] = ()
    technology_kinds: tuple[str, ...] = ()
    summary: str = ""
    period: Period = Period()
    governance: Governance = Governance()
    tasks: tuple[ResearchTask, ...] = ()
    agreement: Agreement = Agreement()
    # Rule code → the applicant's written justification for a condition the guideline sets "in principle".
    justifications: Mapping[str, str] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
