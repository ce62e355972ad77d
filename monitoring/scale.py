"""A portfolio at DESIGN §10's scale — 10,000 consortia, 60,000 memberships, 30,000 annual reports and 200,000
workflow events — for ``manage.py seed_scale`` and the benchmarks (``benchmarks/bench_queues.py``,
``benchmarks/bench_portfolio.py``). ``Volume.of(n)`` scales every count with the number of consortia.

Seeded-random, and realistic where the pages look: more consortia in the big districts and the main industry fields
(every authority and every field has some), a decade of filings (so most of those filed more than three years ago
have expired), members drawn from a common pool with a university or institute in nearly every consortium, each
submission's document describing its own consortium with its eligibility as evaluated on the day it was sent, the
workflow history of each status, an annual report for every year of a filed consortium's construction period (accepted
in the old campaigns, a spread of statuses and the overdue in the recent ones), a few hundred provincial recognitions,
the revocations with their dishonesty records, and records of some members.

Built in one transaction with bulk inserts: ``bulk_create`` for the few thousand rows with defaults to fill, COPY
(PostgreSQL) or executemany (SQLite) for the big tables, then the statistics a running database would have.
"""

import contextlib
import dataclasses
import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.contrib.auth.hashers import make_password
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from annual_reports.models import NARRATIVES, AnnualReport, ReportCampaign, ReportStatus
from consortia.eligibility import NoDishonestyRecords, context_from_database, evaluate, filing_from_document
from consortia.models import (
    ChainPosition,
    Consortium,
    DishonestyRecord,
    Membership,
    ProvincialRecognition,
    Revocation,
    Submission,
    TechnologyKind,
    WorkflowEvent,
)
from consortia.services import evaluation_record
from consortia.states import FILED, Status
from consortia.workflow.transitions import SYSTEM
from portal.demo import seed_demo
from portal.models import Authority, IndustryField, Notification, Organisation, PlatformCategory, Role, User
from portal.uscc import ALPHABET, check_character

CONSORTIA = 10_000
SEED = 2026
BATCH = 2_000
JIANGNING = "320115"  # the district whose officer (``jiangning``) the benchmarks time

# Where filings come from: weights by authority code (the big districts and the new area lead) and by industry field
# (the city's main fields). A code missing here (new reference data) weighs 1.
AUTHORITY_WEIGHTS = {
    "320115": 18,  # 江宁区
    "JBXQ": 12,
    "320102": 9,
    "320114": 9,
    "320106": 8,
    "320113": 8,
    "JNETDZ": 8,
    "NJETDZ": 6,
    "320105": 6,
    "320104": 5,
    "320111": 4,
    "320116": 3,
    "320117": 2,
    "320118": 2,
}
FIELD_WEIGHTS = {
    "ai-software": 10,
    "electronic-information": 9,
    "biomedicine": 9,
    "integrated-circuits": 8,
    "smart-grid": 8,
    "intelligent-manufacturing": 8,
    "next-gen-ict": 6,
    "new-materials": 6,
    "connected-nev": 5,
    "automotive": 4,
    "robotics": 4,
    "third-gen-semiconductors": 4,
    "low-altitude-aerospace": 3,
    "general-ai": 3,
    "future-networks": 3,
    "petrochemicals": 2,
    "cell-gene": 2,
    "virtual-reality": 2,
    "energy-storage-hydrogen": 2,
    "steel": 1,
    "synthetic-biology": 1,
}
# Consortia by status at 10,000, drafts taking what is left. A decade of filings with three-year periods: most of
# those filed have expired, which is what gives three annual reports a consortium. District review elsewhere never
# lands in Jiangning, whose district queue is ``jiangning_district_review``.
PLAN = {
    Status.DISTRICT_REVIEW: 100,
    Status.CITY_REVIEW: 400,
    Status.RETURNED: 80,
    Status.REJECTED: 40,
    Status.WITHDRAWN: 20,
    Status.ACTIVE: 2_250,
    Status.EXPIRED: 6_200,
    Status.COMPLETED: 550,
    Status.REVOKED: 50,
}
JIANGNING_DISTRICT_REVIEW = 300
# The path of transitions that brought a consortium to its status (return/resubmit cycles are added on top).
PATHS = {
    Status.DRAFT: [],
    Status.DISTRICT_REVIEW: [("submit", Status.DRAFT, Status.DISTRICT_REVIEW)],
    Status.CITY_REVIEW: [
        ("submit", Status.DRAFT, Status.DISTRICT_REVIEW),
        ("recommend", Status.DISTRICT_REVIEW, Status.CITY_REVIEW),
    ],
    Status.RETURNED: [
        ("submit", Status.DRAFT, Status.DISTRICT_REVIEW),
        ("return", Status.DISTRICT_REVIEW, Status.RETURNED),
    ],
    Status.REJECTED: [
        ("submit", Status.DRAFT, Status.DISTRICT_REVIEW),
        ("recommend", Status.DISTRICT_REVIEW, Status.CITY_REVIEW),
        ("reject", Status.CITY_REVIEW, Status.REJECTED),
    ],
    Status.WITHDRAWN: [
        ("submit", Status.DRAFT, Status.DISTRICT_REVIEW),
        ("return", Status.DISTRICT_REVIEW, Status.RETURNED),
        ("withdraw", Status.RETURNED, Status.WITHDRAWN),
    ],
}
APPROVED = [
    ("submit", Status.DRAFT, Status.DISTRICT_REVIEW),
    ("recommend", Status.DISTRICT_REVIEW, Status.CITY_REVIEW),
    ("approve", Status.CITY_REVIEW, Status.ACTIVE),
]
PATHS[Status.ACTIVE] = APPROVED
PATHS[Status.EXPIRED] = [*APPROVED, ("expire", Status.ACTIVE, Status.EXPIRED)]
PATHS[Status.COMPLETED] = [*APPROVED, ("complete", Status.ACTIVE, Status.COMPLETED)]
PATHS[Status.REVOKED] = [*APPROVED, ("revoke", Status.ACTIVE, Status.REVOKED)]
# Who takes each action; "return" is the district's or the city's, by the source state.
ROLES = {
    "submit": Role.LEAD_UNIT,
    "withdraw": Role.LEAD_UNIT,
    "recommend": Role.DISTRICT_OFFICER,
    "approve": Role.CITY_STAFF,
    "reject": Role.CITY_STAFF,
    "complete": Role.CITY_STAFF,
    "revoke": Role.CITY_STAFF,
    "expire": SYSTEM,
}
# Members per consortium (besides the lead) and how often each count occurs; the total is then made exact.
MEMBER_COUNTS = {3: 5, 4: 12, 5: 20, 6: 24, 7: 17, 8: 11, 9: 7, 10: 4}
# A campaign's reports by status, by the campaign's age in years (0: this year's, its deadline to come; 1: last
# year's; older), with the share of those handed in that came after the deadline (they keep the overdue flag).
REPORT_SPREAD = {
    0: ({ReportStatus.TO_FILL: 60, ReportStatus.SUBMITTED: 28, ReportStatus.ACCEPTED: 8, ReportStatus.RETURNED: 4}, 0),
    1: (
        {ReportStatus.TO_FILL: 10, ReportStatus.SUBMITTED: 8, ReportStatus.ACCEPTED: 78, ReportStatus.RETURNED: 4},
        0.15,
    ),
    2: ({ReportStatus.TO_FILL: 3, ReportStatus.SUBMITTED: 2, ReportStatus.ACCEPTED: 94, ReportStatus.RETURNED: 1}, 0.1),
}
CAMPAIGN_OPENS = (6, 1)  # a year's campaign opens on 1 June; its deadline is the year's last day (open_campaign's)

REGIONS = {"JBXQ": "320111", "NJETDZ": "320113", "JNETDZ": "320115"}  # USCC region digits of the parks
CITY_REGIONS = {"南京": "320100", "苏州": "320500", "无锡": "320200", "上海": "310000"}  # members outside Nanjing
WORDS = [
    "芯源",
    "长江",
    "紫峰",
    "秦淮",
    "麒麟",
    "江北",
    "栖霞",
    "鼓楼",
    "浦江",
    "钟山",
    "玄武",
    "燕子矶",
    "雨花",
    "仙林",
]
TRADES = ["半导体科技", "电子装备", "新材料", "智能装备", "生物医药", "电力自动化", "精密机械", "封测材料", "软件信息"]
SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司"]
HEADS = ["陈志远", "王敏", "李强", "张晓东", "刘洋", "周立衡", "吴海峰", "孙丽"]
SUMMARY = "围绕产业链关键核心技术，联合上下游企业、高校和科研院所开展协同攻关，形成自主可控的成套技术并实现产业化应用。"
GOALS = "三年内突破关键核心技术 3 项以上，形成标准 2 项，带动产业链新增产值 10 亿元。"
CAPABILITY = {
    "enterprise": "研发团队 {n} 人，建有省级工程技术研究中心，上一年研发投入 {m} 万元，拥有发明专利 {p} 项。",
    "academic": "研究团队 {n} 人，其中教授和研究员 {p} 人；拥有 {m} 平方米实验室和中试平台。",
}
ROLE_TEXT = {
    "enterprise": "负责关键装备和核心零部件的国产化研制、工艺验证和批量应用。",
    "academic": "负责机理研究、关键结构设计和可靠性评价。",
}


@dataclass(frozen=True)
class Volume:
    """How much to build: DESIGN §10's figures at 10,000 consortia, each count in proportion for fewer."""

    consortia: int
    memberships: int
    reports: int
    events: int
    lead_organisations: int
    member_organisations: int
    recognitions: int
    member_records: int  # dishonesty records of members, besides those of the revocations
    jiangning_district_review: int
    plan: dict
    notifications: int = 30  # the inbox of ``jiangning`` and ``city``, the benchmarks' trivial page

    @classmethod
    def of(cls, consortia: int = CONSORTIA) -> "Volume":
        share = consortia / CONSORTIA

        def scaled(count: int, least: int = 0) -> int:
            return max(least, round(count * share))

        return cls(
            consortia=consortia,
            memberships=6 * consortia,
            reports=3 * consortia,
            events=20 * consortia,
            lead_organisations=scaled(1_400, least=len(AUTHORITY_WEIGHTS)),
            member_organisations=scaled(3_600, least=4 * max(MEMBER_COUNTS)),
            recognitions=scaled(300),
            member_records=scaled(40, least=1),
            jiangning_district_review=scaled(JIANGNING_DISTRICT_REVIEW),
            plan={status: scaled(count) for status, count in PLAN.items()},
        )


@dataclass
class Built:
    """What ``build`` made: counts by table, its users by username and the seconds of each stage."""

    counts: dict[str, int]
    users: dict[str, User]
    stages: "Stages"
    seconds: float = 0.0


class Stages:
    """How long each part of the build took."""

    def __init__(self):
        self.seconds = {}
        self.last = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self.last
        self.last = now

    def __str__(self):
        return ", ".join(f"{name} {seconds:.1f}" for name, seconds in self.seconds.items())


# --- Writing ---------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def stamps_as_given(*fields):
    """Let bulk_create keep the dates we set on auto_now(_add) fields (history spread over ten years)."""
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field, *_ in saved:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def field_of(model, name: str):
    return model._meta.get_field(name)


def insert(model, names: list[str], rows: list[tuple], batch: int = 10 * BATCH) -> None:
    """INSERT with executemany (SQLite) or COPY (PostgreSQL), for the big tables: bulk_create would spend most of the
    build making and preparing hundreds of thousands of model instances. ``rows`` hold database values (foreign
    keys as ids, dates through ``connection.ops``, JSON as text from ``as_json``)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field_of(model, name).column) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # executemany would quote every value in Python, client-side
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])


def as_json(value, encoder=None) -> str:
    """JSON as a JSONField stores it: Django's text on SQLite (with \\u escapes), the same jsonb value on PostgreSQL."""
    return json.dumps(value, cls=encoder, ensure_ascii=connection.vendor != "postgresql")


def settle() -> None:
    """What autovacuum does after bulk inserts: statistics for the planner and, on PostgreSQL, the visibility map
    that index-only scans need. VACUUM runs outside a transaction only; inside one (a test), ANALYZE alone."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


# --- Who and where ---------------------------------------------------------------------------------------------------


def uscc(number: int, category: str, region: str) -> str:
    """A valid, unique code: the 9-character organisation part spells ``number`` in the USCC alphabet after 'MB'."""
    digits = []
    for _ in range(7):
        number, remainder = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[remainder])
    first17 = category + region + "MB" + "".join(reversed(digits))
    return first17 + check_character(first17)


def weighted(rng: random.Random, items: list, weights: dict, count: int) -> list:
    """``count`` draws of ``items`` by ``weights`` (by code; a code without a weight weighs 1)."""
    return rng.choices(items, [weights.get(item.code, 1) for item in items], k=count)


def cover(rng: random.Random, drawn: list, items: list, movable) -> None:
    """Give every item of ``items`` at least one place in ``drawn``, taken from the most drawn item at a place
    ``movable(index, item)`` allows: small districts and fields are rare, never absent."""
    tally = Counter(drawn)
    for item in items:
        if tally[item]:
            continue
        for most, _count in tally.most_common():
            places = [i for i, other in enumerate(drawn) if other == most and movable(i, item)]
            if tally[most] > 1 and places:
                place = rng.choice(places)
                drawn[place] = item
                tally[most] -= 1
                tally[item] += 1
                break


def make_organisations(rng: random.Random, volume: Volume, authorities: list, *, first: int, now: datetime):
    """The lead units, in each authority in proportion to its weight, and the pool of members (enterprises,
    universities and institutes, six in ten in Nanjing). Returns (leads by authority id, members)."""
    leads = []
    number = first
    for authority in authorities:
        region = REGIONS.get(authority.code, authority.code)
        share = AUTHORITY_WEIGHTS.get(authority.code, 1) / sum(AUTHORITY_WEIGHTS.get(a.code, 1) for a in authorities)
        for index in range(max(1, round(volume.lead_organisations * share))):
            number += 1
            leads.append(
                Organisation(
                    name=f"南京{rng.choice(WORDS)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}（{authority.code}-{number}）",
                    uscc=uscc(number, "91", region),
                    kind=Organisation.Kind.ENTERPRISE if index % 10 else Organisation.Kind.PLATFORM,
                    jurisdiction=authority,
                    address=f"南京市{authority.name_zh}创新路 {index + 1} 号",
                    contact_name=rng.choice(HEADS),
                    contact_phone="025-5200 0001",
                    contact_email=f"lead{number}@example.com",
                    registered=True,
                    created_at=now - timedelta(days=rng.randint(400, 3650)),
                )
            )
    members = []
    for _ in range(volume.member_organisations):
        number += 1
        kind = rng.choices(
            [Organisation.Kind.ENTERPRISE, Organisation.Kind.UNIVERSITY, Organisation.Kind.INSTITUTE], [6, 2, 2]
        )[0]
        academic = kind != Organisation.Kind.ENTERPRISE
        city = "南京" if rng.random() < 0.6 else rng.choice(["苏州", "无锡", "上海"])
        authority = rng.choice(authorities) if city == "南京" else None
        region = REGIONS.get(authority.code, authority.code) if authority else CITY_REGIONS[city]
        name = (
            f"江苏{rng.choice(WORDS)}{'大学' if kind == Organisation.Kind.UNIVERSITY else '研究院'}（{number}）"
            if academic
            else f"{city}{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司（{number}）"
        )
        members.append(
            Organisation(
                name=name,
                uscc=uscc(number, "12" if academic else "91", region),
                kind=kind,
                jurisdiction=authority,
                created_at=now - timedelta(days=rng.randint(400, 3650)),
            )
        )
    with stamps_as_given(field_of(Organisation, "created_at")):
        Organisation.objects.bulk_create(leads + members, batch_size=BATCH)
    by_authority = defaultdict(list)
    for lead in leads:
        by_authority[lead.jurisdiction_id].append(lead)
    return by_authority, members


def officers(authorities: list) -> dict[int, User]:
    """A district officer for each authority: the demo ones, and an account without a password for the others (the
    workflow history names who recommended each filing)."""
    found = {}
    for user in User.objects.filter(role=Role.DISTRICT_OFFICER, is_active=True).order_by("pk"):
        found.setdefault(user.authority_id, user)
    missing = [
        User(
            username=f"scale-officer-{authority.code}",
            last_name=f"{authority.name_zh}科技局",
            role=Role.DISTRICT_OFFICER,
            authority=authority,
            password=make_password(None),
        )
        for authority in authorities
        if authority.pk not in found
    ]
    for user in User.objects.bulk_create(missing):
        found[user.authority_id] = user
    return found


# --- The consortia ---------------------------------------------------------------------------------------------------


def statuses(rng: random.Random, volume: Volume) -> list[tuple[str, bool]]:
    """(status, in Jiangning's district queue?) for every consortium, shuffled."""
    plan = [(Status.DISTRICT_REVIEW, True)] * volume.jiangning_district_review
    plan += [(status, False) for status, count in volume.plan.items() for _ in range(count)]
    plan += [(Status.DRAFT, False)] * (volume.consortia - len(plan))
    rng.shuffle(plan)
    return plan


def days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high), minutes=rng.randint(0, 1439))


def local(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, clock(hour), tzinfo=timezone.get_default_timezone())


def dates_for(rng: random.Random, status: str, now: datetime) -> dict:
    """Dates consistent with the status: reviews are recent, an active filing ends after today and an expired one
    before, a completion or revocation comes during the period. ``updated_at`` is the last change of status."""
    if status == Status.DRAFT:
        created = now - days(rng, 1, 400)
        return {"created_at": created, "updated_at": min(now, created + days(rng, 0, 30)), "submitted_at": None}
    if status in (Status.DISTRICT_REVIEW, Status.CITY_REVIEW, Status.RETURNED):
        submitted = now - days(rng, 0, 60)
    elif status == Status.ACTIVE:
        submitted = now - days(rng, 60, 1_080)
    elif status == Status.COMPLETED:
        submitted = now - days(rng, 500, 1_080)
    elif status == Status.REVOKED:
        submitted = now - days(rng, 150, 1_080)
    elif status == Status.EXPIRED:
        submitted = now - days(rng, 1_190, 3_650)
    else:  # rejected, withdrawn
        submitted = now - days(rng, 30, 3_650)
    values = {"created_at": submitted - days(rng, 10, 90), "submitted_at": submitted}
    if status not in FILED:
        decided = {Status.CITY_REVIEW: days(rng, 1, 10), Status.RETURNED: days(rng, 1, 20)}.get(status)
        decided = decided or (days(rng, 20, 50) if status in (Status.REJECTED, Status.WITHDRAWN) else timedelta())
        return {**values, "updated_at": min(now, submitted + decided)}
    filed = (submitted + days(rng, 20, 50)).date()
    start = filed + timedelta(days=rng.randint(0, 30))
    if (start.month, start.day) == (2, 29):  # no 29 February three years on
        start += timedelta(days=1)
    end = start.replace(year=start.year + 3) - timedelta(days=1)
    left = {
        Status.ACTIVE: local(filed),
        Status.EXPIRED: local(end + timedelta(days=1), hour=0),  # the expiry job's night
        Status.COMPLETED: local(filed) + (now - local(filed) - timedelta(days=1)) * rng.uniform(0.5, 1),
        Status.REVOKED: local(filed) + (now - local(filed) - timedelta(days=1)) * rng.uniform(0.2, 1),
    }[status]
    return {**values, "filed_on": filed, "start_date": start, "end_date": end, "updated_at": left}


def first_of_year(consortium: Consortium) -> None:
    """Move an expired consortium's period to begin on the next 1 January (as many do): three calendar years,
    three annual reports instead of four. How the number of reports is made exact."""
    start = date(consortium.start_date.year + 1, 1, 1)
    consortium.start_date, consortium.end_date = start, date(start.year + 2, 12, 31)
    consortium.updated_at = local(consortium.end_date + timedelta(days=1), hour=0)


def filing_numbers() -> Counter:
    """The last number of each year already given, so that added consortia continue each year's sequence."""
    last = Counter()
    for number in Consortium.objects.exclude(filing_number=None).values_list("filing_number", flat=True):
        found = re.search(r"〔(\d{4})〕(\d+)号", number)
        if found:
            year, sequence = int(found.group(1)), int(found.group(2))
            last[year] = max(last[year], sequence)
    return last


# --- Submissions -----------------------------------------------------------------------------------------------------


def member_entries(rng: random.Random, counts: dict[int, int], members: list, academic: list) -> dict[int, list]:
    """Each consortium's members (index: the organisations), a university or institute first in nearly every one."""
    chosen = {}
    for index, count in counts.items():
        picked = [rng.choice(academic)] if rng.random() < 0.97 else []
        while len(picked) < count:
            candidate = rng.choice(members)
            if candidate not in picked:
                picked.append(candidate)
        chosen[index] = picked
    return chosen


def exact_counts(rng: random.Random, consortia: int, total: int) -> list[int]:
    """Members per consortium drawn from ``MEMBER_COUNTS``, then nudged one at a time until they add up to ``total``."""
    sizes, weights = list(MEMBER_COUNTS), list(MEMBER_COUNTS.values())
    counts = rng.choices(sizes, weights, k=consortia)
    low, high = min(sizes), max(sizes)
    difference = total - sum(counts)
    while difference:
        index = rng.randrange(consortia)
        if difference > 0 and counts[index] < high:
            counts[index] += 1
            difference -= 1
        elif difference < 0 and counts[index] > low:
            counts[index] -= 1
            difference += 1
    return counts


def member_kind(organisation: Organisation) -> str:
    return "enterprise" if organisation.kind == Organisation.Kind.ENTERPRISE else "academic"


def member_texts(rng: random.Random, organisation: Organisation) -> tuple[str, str, str]:
    """(chain position, capability, role) of a member."""
    kind = member_kind(organisation)
    capability = CAPABILITY[kind].format(n=rng.randint(20, 300), m=rng.randint(300, 5000), p=rng.randint(5, 200))
    position = rng.choice([ChainPosition.UPSTREAM, ChainPosition.MIDSTREAM, ChainPosition.DOWNSTREAM])
    return (position if kind == "enterprise" else ChainPosition.NOT_APPLICABLE), capability, ROLE_TEXT[kind]


def filing_document(consortium: Consortium, lead: Organisation, memberships: list[tuple], platform: str) -> dict:
    """The exchange document (``consortium-filing/1``) of what the consortium submitted: its own name, field, lead
    and members."""
    members = [
        {
            "name": organisation.name,
            "uscc": organisation.uscc,
            "kind": organisation.kind,
            "chain_position": position,
            "independent_legal_entity": True,
            "capability": capability,
            "role": role,
        }
        for organisation, position, capability, role in memberships
    ]
    academic = any(organisation.kind != Organisation.Kind.ENTERPRISE for organisation, *_ in memberships)
    return {
        "format": "consortium-filing/1",
        "name": consortium.name,
        "field": consortium.field.code,
        "technology_kinds": consortium.technology_kinds,
        "summary": consortium.summary,
        "period": {"start": consortium.planned_start.isoformat(), "end": consortium.planned_end.isoformat()},
        "lead": {
            "name": lead.name,
            "uscc": lead.uscc,
            "kind": lead.kind,
            "jurisdiction": lead.jurisdiction.code,
            "head": lead.contact_name,
            "revenue_prev_year": 52000.5,
            "rd_expense_prev_year": 3100,
            "platform": {"level": "provincial", "category": platform}
            if lead.kind == Organisation.Kind.PLATFORM
            else None,
        },
        "members": members,
        "governance": {
            "council": True,
            "council_chair_is_lead_head": True,
            "chief_experts": ["秦文博（江苏秦淮理工大学教授）"],
            "advisory_committee": ["周立衡（中国科学院院士）", "顾敏（研究员）", "沈浩然（正高级工程师）"],
        },
        "tasks": [
            {
                "title": f"关键核心技术攻关任务 {number}",
                "kind": kind,
                "objectives": "突破制约产业发展的关键工艺瓶颈，形成自主可控的成套技术并在成员企业产线完成批量验证。",
                "indicators": "关键性能指标达到国际同类产品水平；申请发明专利 10 项。",
            }
            for number, kind in enumerate(consortium.technology_kinds, start=1)
        ],
        "agreement": {
            "attached": True,
            "signed_on": consortium.agreement_signed_on.isoformat(),
            "all_parties_signed": True,
        },
        "justifications": {}
        if academic
        else {"ACADEMIC_MEMBER": "成员企业均建有省级研发机构，研发能力足以承担攻关任务，暂无高校和科研院所参与。"},
    }


# --- Annual reports --------------------------------------------------------------------------------------------------


def campaign_years(today: date) -> list[int]:
    """The years whose campaign is open by ``today``: the portal's decade and more, up to this year's from 1 June."""
    last = today.year if (today.month, today.day) >= CAMPAIGN_OPENS else today.year - 1
    return list(range(last - 11, last + 1))


def reporting_years(consortium: Consortium, years: set[int]) -> list[int]:
    """The years of the consortium's construction period up to when it left it (expired, completed, revoked; today
    for an active one), with a campaign: what ``annual_reports.jobs.create_reports`` gives a report for."""
    if consortium.filed_on is None:
        return []
    last = consortium.end_date if consortium.status != Status.ACTIVE else timezone.localdate()
    if consortium.status in (Status.COMPLETED, Status.REVOKED):
        last = timezone.localtime(consortium.updated_at).date()
    return [year for year in range(consortium.start_date.year, last.year + 1) if year in years]


def trim_reports(consortia: list[Consortium], target: int, years: set[int], rng: random.Random) -> None:
    """Start as many expired periods on 1 January as there are reports beyond ``target`` (each one report fewer)."""
    excess = sum(len(reporting_years(c, years)) for c in consortia) - target
    movable = [
        c
        for c in consortia
        if c.status == Status.EXPIRED
        and (c.start_date.month, c.start_date.day) != (1, 1)
        and date(c.start_date.year + 3, 12, 31) < timezone.localdate()
        and c.start_date.year in years
    ]
    for consortium in rng.sample(movable, min(max(excess, 0), len(movable))):
        first_of_year(consortium)


def report_rows(rng: random.Random, consortia: list[Consortium], campaigns: dict[int, ReportCampaign]) -> list[tuple]:
    """A report for every year each filed consortium reports in, by the campaign's age: mostly accepted in the old
    ones, to fill in this year's; those not handed in by a passed deadline flagged overdue from the day after."""
    ops, today = connection.ops, timezone.localdate()
    rows = []
    for consortium in consortia:
        for year in reporting_years(consortium, set(campaigns)):
            campaign = campaigns[year]
            shares, late_share = REPORT_SPREAD[min(today.year - year, 2)]
            status = rng.choices(list(shares), list(shares.values()))[0]
            passed = campaign.deadline < today
            opened = max(campaign.opened_at, local(consortium.filed_on))
            sent = status != ReportStatus.TO_FILL
            late = passed and sent and rng.random() < late_share
            overdue = passed and (not sent or status == ReportStatus.RETURNED or late)
            if sent:
                window = (min(timezone.now(), local(campaign.deadline, 17)) - opened).total_seconds()
                submitted = opened + timedelta(seconds=rng.uniform(0.3, 1) * max(window, 60))
                if late:
                    submitted = local(campaign.deadline + timedelta(days=rng.randint(1, 60)))
            narrative = (
                "本年度联合体按计划推进各项攻关任务，理事会召开会议 4 次，成员单位协同开展中试验证。" if sent else ""
            )
            rows.append(
                (
                    campaign.pk,
                    consortium.pk,
                    str(status),
                    ops.adapt_datefield_value(campaign.deadline + timedelta(days=1)) if overdue else None,
                    "{}",
                    ops.adapt_datetimefield_value(opened),
                    ops.adapt_datetimefield_value(submitted if sent else opened),
                    ops.adapt_datetimefield_value(submitted) if sent else None,
                    narrative,
                    *[""] * (len(NARRATIVES) - 1),
                )
            )
    return rows


# --- The build -------------------------------------------------------------------------------------------------------


def build(volume: Volume | None = None, *, seed: int = SEED) -> Built:
    """Build ``volume`` (DESIGN §10's by default) into the database, beside whatever is there, in one transaction;
    then the statistics. Needs the reference data (``load_reference_data``); makes the demo accounts
    (``portal.demo.seed_demo``) that the benchmarks log in as."""
    started = time.perf_counter()
    with transaction.atomic():
        built = _build(volume or Volume.of(), random.Random(seed))
    settle()
    built.stages.done("statistics")
    built.seconds = time.perf_counter() - started
    return built


def _build(volume: Volume, rng: random.Random) -> Built:
    stages = Stages()
    now = timezone.now()
    users = {user.username: user for user in seed_demo()}
    city = users["city"]
    authorities = list(Authority.objects.filter(is_active=True).order_by("code"))
    fields = list(IndustryField.objects.filter(is_active=True))
    platforms = list(PlatformCategory.objects.filter(is_active=True).values_list("code", flat=True))
    jiangning = next(a for a in authorities if a.code == JIANGNING)
    leads, members = make_organisations(rng, volume, authorities, first=Organisation.objects.count(), now=now)
    academic = [o for o in members if o.kind != Organisation.Kind.ENTERPRISE]
    all_leads = [lead for group in leads.values() for lead in group]
    lead_users = User.objects.bulk_create(
        [
            User(
                username=f"lead-{organisation.uscc}",
                last_name=organisation.contact_name,
                role=Role.LEAD_UNIT,
                organisation=organisation,
                password=make_password(None),
            )
            for organisation in all_leads
        ],
        batch_size=BATCH,
    )
    user_of = {user.organisation_id: user for user in lead_users}
    officer_of = officers(authorities)
    stages.done("accounts and organisations")

    plan = statuses(rng, volume)
    # Jiangning's district queue is exactly its planned share: other filings in district review are elsewhere.
    others = [a for a in authorities if a != jiangning]
    where = weighted(rng, authorities, AUTHORITY_WEIGHTS, len(plan))
    for index, (status, queued) in enumerate(plan):
        if queued:
            where[index] = jiangning
        elif status == Status.DISTRICT_REVIEW and where[index] == jiangning:
            where[index] = rng.choice(others)
    cover(
        rng,
        where,
        authorities,
        lambda i, authority: not plan[i][1] and (authority != jiangning or plan[i][0] != Status.DISTRICT_REVIEW),
    )
    in_field = weighted(rng, fields, FIELD_WEIGHTS, len(plan))
    cover(rng, in_field, fields, lambda i, field: True)
    numbers = filing_numbers()
    first = Consortium.objects.count()
    consortia = []
    for index, (status, _queued) in enumerate(plan):
        lead = rng.choice(leads[where[index].pk])
        values = dates_for(rng, status, now)
        start = (values["submitted_at"] or now).date() + timedelta(days=60)
        field = in_field[index]
        consortia.append(
            Consortium(
                name=f"南京市{rng.choice(WORDS)}{field.name_zh}创新联合体（第 {first + index + 1} 号）",
                field=field,
                technology_kinds=sorted(rng.sample([kind.value for kind in TechnologyKind], rng.randint(1, 2))),
                summary=SUMMARY * 2,
                goals=GOALS,
                planned_start=start,
                planned_end=date(start.year + 3, 1, 1) - timedelta(days=1),
                status=status,
                lead_organisation=lead,
                created_by=user_of[lead.pk],
                section_versions={section: rng.randint(1, 6) for section in ("basic", "lead", "members", "tasks")},
                agreement_signed_on=start - timedelta(days=90),
                agreement_all_parties_signed=status != Status.DRAFT,
                **values,
            )
        )
    years = campaign_years(timezone.localdate())
    trim_reports(consortia, volume.reports, set(years), rng)
    for consortium in sorted((c for c in consortia if c.filed_on), key=lambda c: (c.filed_on, c.created_at)):
        year = consortium.filed_on.year
        numbers[year] += 1
        consortium.filing_number = f"宁创联备〔{year}〕{numbers[year]:03d}号"
    with stamps_as_given(field_of(Consortium, "created_at"), field_of(Consortium, "updated_at")):
        Consortium.objects.bulk_create(consortia, batch_size=BATCH)
    stages.done("consortia")

    ops = connection.ops
    counts = exact_counts(rng, len(consortia), volume.memberships)
    chosen = member_entries(rng, dict(enumerate(counts)), members, academic)
    memberships, entries = [], {}
    for index, consortium in enumerate(consortia):
        joined = (consortium.submitted_at or consortium.created_at).date()
        entries[consortium.pk] = []
        for organisation in chosen[index]:
            position, capability, role = member_texts(rng, organisation)
            entries[consortium.pk].append((organisation, position, capability, role))
            # A few members of filed consortia have left since (a recorded change); their row stays, as history.
            left_on = None
            if consortium.filed_on and rng.random() < 0.03:
                left_on = consortium.filed_on + (timezone.localdate() - consortium.filed_on) * rng.uniform(0.2, 0.9)
            memberships.append(
                (
                    consortium.pk,
                    organisation.pk,
                    position,
                    True,
                    capability,
                    role,
                    ops.adapt_datefield_value(joined),
                    ops.adapt_datefield_value(left_on),
                )
            )
    insert(
        Membership,
        [
            "consortium",
            "organisation",
            "chain_position",
            "independent_legal_entity",
            "capability",
            "role",
            "joined_on",
            "left_on",
        ],
        memberships,
    )
    stages.done("memberships")

    # Submissions: 1 to 3 per submitted consortium, the last one at its submitted_at, each the consortium's own
    # document with its evaluation on the day (dishonesty records come later, from revocations).
    context = context_from_database(dishonesty=NoDishonestyRecords())
    submissions, submits = [], {}
    for consortium in consortia:
        if consortium.submitted_at is None:
            continue
        count = rng.choices([1, 2, 3], [70, 25, 5])[0]
        submits[consortium.pk] = count
        lead = consortium.lead_organisation
        document = filing_document(consortium, lead, entries[consortium.pk], rng.choice(platforms))
        sent_on = timezone.localtime(consortium.submitted_at).date()
        evaluation = evaluate(filing_from_document(document), dataclasses.replace(context, today=sent_on))
        document, record = as_json(document), as_json(evaluation_record(evaluation), DjangoJSONEncoder)
        details = as_json({"goals": consortium.goals, "funding": [], "documents": []})
        for number in range(1, count + 1):
            submitted_at = consortium.submitted_at - timedelta(days=21 * (count - number))
            submissions.append(
                (
                    consortium.pk,
                    number,
                    ops.adapt_datetimefield_value(submitted_at),
                    consortium.created_by_id,
                    document,
                    details,
                    record,
                )
            )
    insert(
        Submission,
        ["consortium", "number", "submitted_at", "submitted_by", "document", "details", "eligibility"],
        submissions,
        batch=500,
    )
    stages.done("submissions")

    events = workflow_events(rng, consortia, submits, volume.events, officer_of=officer_of, city=city)
    insert(
        WorkflowEvent,
        ["consortium", "action", "from_status", "to_status", "actor", "role", "comment", "occurred_at"],
        events,
    )
    stages.done("events")

    campaigns = open_campaigns(sorted({year for c in consortia for year in reporting_years(c, set(years))}), city)
    reports = report_rows(rng, consortia, campaigns)
    insert(
        AnnualReport,
        [
            "campaign",
            "consortium",
            "status",
            "overdue_since",
            "section_versions",
            "created_at",
            "updated_at",
            "submitted_at",
            *NARRATIVES.values(),
        ],
        reports,
    )
    stages.done("annual reports")

    recognitions = recognise(rng, consortia, volume.recognitions, city)
    revocations, records = revoke(rng, consortia, members, volume.member_records, city)
    for username in ("jiangning", "city"):
        Notification.objects.bulk_create(
            Notification(
                recipient=users[username],
                subject=f"有新的备案申请待审核（{number}）",
                body="南京市第三代半导体器件创新联合体已提交备案申请，请及时办理。",
                link="/reviews/",
                read_at=now if number % 3 else None,
            )
            for number in range(volume.notifications)
        )
    stages.done("recognitions, revocations, notifications")
    return Built(
        counts={
            "organisations": len(all_leads) + len(members),
            "consortia": len(consortia),
            "memberships": len(memberships),
            "submissions": len(submissions),
            "workflow events": len(events),
            "campaigns": len({row[0] for row in reports}),
            "annual reports": len(reports),
            "provincial recognitions": recognitions,
            "revocations": revocations,
            "dishonesty records": records,
        },
        users=users,
        stages=stages,
    )


def workflow_events(
    rng: random.Random, consortia: list, submits: dict, target: int, *, officer_of: dict, city: User
) -> list[tuple]:
    """Each consortium's path with a return and resubmission for each earlier submission, then more such cycles on
    submitted consortia up to ``target`` (DESIGN §10's 200,000; the pages read a consortium's history, the table's
    size is the point). Steps before the approval come between creation and filing, the end of a filed period at
    its date, a decision at the last change."""
    ops = connection.ops
    cycles = Counter({pk: count - 1 for pk, count in submits.items()})
    submitted = list(submits)
    base = sum(len(PATHS[c.status]) + 2 * cycles[c.pk] for c in consortia)
    for _ in range(max(0, target - base) // 2):
        cycles[rng.choice(submitted)] += 1
    paths = {}
    returned = [c for c in consortia if c.status == Status.RETURNED]
    if target > base and (target - base) % 2 and returned:  # one returned by the city rather than its district
        paths[returned[0].pk] = [*PATHS[Status.CITY_REVIEW], ("return", Status.CITY_REVIEW, Status.RETURNED)]
    events = []
    for consortium in consortia:
        path = paths.get(consortium.pk, PATHS[consortium.status])
        if not path:
            continue
        steps = [path[0]]
        for _ in range(cycles[consortium.pk]):
            steps += [
                ("return", Status.DISTRICT_REVIEW, Status.RETURNED),
                ("submit", Status.RETURNED, Status.DISTRICT_REVIEW),
            ]
        steps += path[1:]
        after = steps[-1:] if consortium.status in FILED and consortium.status != Status.ACTIVE else []
        before = steps[: len(steps) - len(after)]
        until = local(consortium.filed_on) if consortium.filed_on else consortium.updated_at
        span = max((until - consortium.created_at) / len(before), timedelta(minutes=1))
        moments = [consortium.created_at + span * (n + 1) for n in range(len(before))]
        moments += [consortium.updated_at] * len(after)
        actors = {
            Role.LEAD_UNIT: consortium.created_by,
            Role.DISTRICT_OFFICER: officer_of[consortium.lead_organisation.jurisdiction_id],
            Role.CITY_STAFF: city,
        }
        for (action, source, target_status), moment in zip(steps, moments, strict=True):
            role = ROLES.get(action, Role.DISTRICT_OFFICER if source == Status.DISTRICT_REVIEW else Role.CITY_STAFF)
            actor = actors.get(role)
            events.append(
                (
                    consortium.pk,
                    action,
                    str(source),
                    str(target_status),
                    actor.pk if actor else None,
                    str(role),
                    "请补充成员单位研发投入证明材料。" if action == "return" else "",
                    ops.adapt_datetimefield_value(moment),
                )
            )
    return events


def open_campaigns(years: list[int], city: User) -> dict[int, ReportCampaign]:
    """The campaign of each year, opened on 1 June with the year's last day as deadline (those already there kept)."""
    existing = {campaign.year: campaign for campaign in ReportCampaign.objects.filter(year__in=years)}
    new = [
        ReportCampaign(
            year=year,
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            deadline=date(year, 12, 31),
            opened_by=city,
            opened_at=local(date(year, *CAMPAIGN_OPENS), hour=9),
        )
        for year in years
        if year not in existing
    ]
    with stamps_as_given(field_of(ReportCampaign, "opened_at")):
        ReportCampaign.objects.bulk_create(new)
    return {**existing, **{campaign.year: campaign for campaign in new}}


def recognise(rng: random.Random, consortia: list, count: int, city: User) -> int:
    """Provincial recognitions of consortia filed more than a year ago, six months to two years after filing."""
    today = timezone.localdate()
    candidates = [
        c
        for c in consortia
        if c.status in (Status.ACTIVE, Status.EXPIRED, Status.COMPLETED) and c.filed_on < today - timedelta(days=365)
    ]
    recognitions = []
    for consortium in rng.sample(candidates, min(count, len(candidates))):
        recognised = min(today - timedelta(days=1), consortium.filed_on + timedelta(days=rng.randint(180, 720)))
        recognitions.append(
            ProvincialRecognition(
                consortium=consortium,
                recognised_on=recognised,
                document_number=f"苏科技〔{recognised.year}〕{rng.randint(1, 300)}号",
                recorded_by=city,
                recorded_at=local(recognised, hour=15),
            )
        )
    with stamps_as_given(field_of(ProvincialRecognition, "recorded_at")):
        ProvincialRecognition.objects.bulk_create(recognitions, batch_size=BATCH)
    return len(recognitions)


def three_years_on(day: date) -> date:
    """The last day of three years from ``day`` (29 February's anniversary in a common year being 1 March)."""
    try:
        return day.replace(year=day.year + 3) - timedelta(days=1)
    except ValueError:
        return date(day.year + 3, 2, 28)


def revoke(rng: random.Random, consortia: list, members: list, count: int, city: User) -> tuple[int, int]:
    """The revocation of each revoked consortium with a dishonesty record of its lead unit (three years, or without
    end), and ``count`` records of members: some in force, some past their end, some ended early with a reason."""
    today = timezone.localdate()
    revoked = [c for c in consortia if c.status == Status.REVOKED]
    revocations = [
        Revocation(consortium=c, reason="经核查存在虚报材料行为，撤销备案。", revoked_by=city, revoked_at=c.updated_at)
        for c in revoked
    ]
    with stamps_as_given(field_of(Revocation, "revoked_at")):
        Revocation.objects.bulk_create(revocations, batch_size=BATCH)
    records = []
    for revocation in revocations:
        start = timezone.localtime(revocation.revoked_at).date()
        records.append(
            DishonestyRecord(
                organisation_id=revocation.consortium.lead_organisation_id,
                revocation=revocation,
                reason=revocation.reason,
                valid_from=start,
                valid_until=None if rng.random() < 0.2 else three_years_on(start),
                recorded_by=city,
                recorded_at=revocation.revoked_at,
            )
        )
    for organisation in rng.sample(members, min(count, len(members))):
        start = today - timedelta(days=rng.randint(30, 6 * 365))
        record = DishonestyRecord(
            organisation=organisation,
            reason="承担财政科技项目存在严重失信行为。",
            valid_from=start,
            valid_until=start + timedelta(days=rng.choice([365, 2 * 365, 3 * 365])) if rng.random() < 0.8 else None,
            recorded_by=city,
            recorded_at=local(start),
        )
        if rng.random() < 0.15 and start < today - timedelta(days=60):
            record.ended_on = start + timedelta(days=rng.randint(30, (today - start).days - 1))
            record.end_reason = "已完成信用修复，提前终止。"
            record.ended_by, record.ended_at = city, local(record.ended_on)
        records.append(record)
    with stamps_as_given(field_of(DishonestyRecord, "recorded_at")):
        DishonestyRecord.objects.bulk_create(records, batch_size=BATCH)
    return len(revocations), len(records)
