"""Plain filings and contexts for the rule tests: an eligible baseline that each test bends in one place."""

import dataclasses
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from consortia.eligibility import (
    Agreement,
    Context,
    Filing,
    Governance,
    LeadUnit,
    Member,
    Period,
    ResearchTask,
    Thresholds,
)
from portal.uscc import check_character

TODAY = date(2026, 11, 25)
# The rules in the order of DESIGN §4: the registry's order, and so the order of every evaluation's results.
RULE_ORDER = [
    "MEMBERS_MIN",
    "LEGAL_ENTITY",
    "ACADEMIC_MEMBER",
    "MEMBER_CAPABILITY",
    "AGREEMENT",
    "LEAD_QUALIFICATION",
    "FOCUS_FIELD",
    "RESEARCH_TASKS",
    "PERIOD",
    "PERIOD_START",
    "INTEGRITY",
    "GOVERNANCE",
]
FIELD_CODES = frozenset({"third-gen-semiconductors", "integrated-circuits", "robotics"})
PLATFORM_CATEGORIES = frozenset(
    {
        "laboratory",
        "technology-innovation-centre",
        "manufacturing-innovation-centre",
        "future-industry-innovation-centre",
    }
)


def uscc(number: int, category: str = "91") -> str:
    """A distinct code that passes the checksum."""
    first17 = f"{category}320115MA{number:07d}"
    return first17 + check_character(first17)


def lead(**changes) -> LeadUnit:
    values = {
        "name": "南京芯源半导体科技有限公司",
        "uscc": uscc(1),
        "kind": "enterprise",
        "jurisdiction": "320115",
        "head": "陈志远",
        "revenue_prev_year": Decimal("52000.5"),
        "rd_expense_prev_year": Decimal("3100"),
    }
    return LeadUnit(**(values | changes))


def member(number: int, **changes) -> Member:
    values = {
        "name": f"成员企业{number}有限公司",
        "uscc": uscc(100 + number),
        "kind": "enterprise",
        "chain_position": "upstream",
        "independent_legal_entity": True,
        "capability": "研发团队 80 人，建有省级工程技术研究中心。",
        "role": "负责外延设备国产化与产线验证。",
    }
    return Member(**(values | changes))


def university(**changes) -> Member:
    values = {
        "name": "江苏秦淮理工大学",
        "uscc": uscc(900, category="12"),
        "kind": "university",
        "chain_position": "n/a",
        "independent_legal_entity": True,
        "capability": "宽禁带半导体研究团队 46 人，洁净实验室 1200 平方米。",
        "role": "负责栅氧界面机理研究。",
    }
    return Member(**(values | changes))


def task(**changes) -> ResearchTask:
    values = {
        "title": "车规级碳化硅 MOSFET 栅氧可靠性提升",
        "kind": "choke-point",
        "objectives": "形成车规级 1200V 碳化硅 MOSFET 量产工艺。",
        "indicators": "阈值电压漂移不超过 0.2V。",
    }
    return ResearchTask(**(values | changes))


def filing(**changes) -> Filing:
    """An eligible filing: enterprise lead, a university and an enterprise member, one task, a three-year period."""
    values = {
        "name": "南京市车规级碳化硅功率器件创新联合体",
        "field": "third-gen-semiconductors",
        "lead": lead(),
        "members": (university(), member(1)),
        "technology_kinds": ("choke-point",),
        "period": Period(start=date(2027, 1, 1), end=date(2029, 12, 31)),
        "governance": Governance(
            council=True,
            council_chair_is_lead_head=True,
            chief_experts=("秦文博",),
            advisory_committee=("周立衡", "顾敏"),
        ),
        "tasks": (task(),),
        "agreement": Agreement(attached=True, signed_on=date(2026, 10, 28), all_parties_signed=True),
    }
    if "justifications" in changes:
        changes["justifications"] = MappingProxyType(dict(changes["justifications"]))
    return Filing(**(values | changes))


def context(**changes) -> Context:
    values = {
        "thresholds": Thresholds(),
        "active_field_codes": FIELD_CODES,
        "platform_category_codes": PLATFORM_CATEGORIES,
        "today": TODAY,
    }
    return Context(**(values | changes))


def thresholds(**changes) -> Thresholds:
    return dataclasses.replace(Thresholds(), **changes)
