"""The officers' review queues at DESIGN §10's scale. Target: a queue page within 3× a trivial page of the same user.

On a database of its own (see ``pages.fresh_database``), builds a portfolio of 10,000 consortia led by 420 organisations
spread over the 14 authorities (300 in district review in Jiangning, 400 in city review, the rest active, expired,
draft...), 60,000 memberships, 200,000 workflow events and the submissions the queue counts (1 to 3 per submitted
consortium): bulk_create for the consortia and organisations, executemany or COPY for the big tables. Then times,
with Django's test client logged in and DEBUG off, in interleaved rounds so that drift hits every page alike:

- the district queue (``jiangning``, GET /reviews/: 300 filings in district review),
- the city queue (``city``, GET /reviews/: 400 in city review, and GET /reviews/?status=: all 10,000),
- the inbox (GET /notifications/, 20 notifications on the same base template) of each user, for comparison,

and prints p50/p95 in ms, this process's CPU time (steadier than wall-clock on a shared machine; it leaves out
PostgreSQL's own work), the ratio queue p50 / inbox p50, the SQL queries of one request of each page with the
slowest ones, and checks what the pages show (the row count and the status tabs) against the database.
``QUEUES_EXPLAIN=1`` also prints the plan of every SELECT of those requests.

Run by ``python -m benchmarks queues`` (SQLite), or alone: ``python -m benchmarks.bench_queues`` does the same, and with
``DATABASE_URL=postgres://...`` set it runs on PostgreSQL, on test_<name> (created and dropped by Django's test
machinery; the named database is never touched). The runner itself always uses SQLite, whatever DATABASE_URL says.
"""

import contextlib
import json
import os
import random
import re
import time
from collections import Counter
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from benchmarks.pages import client_for, fresh_database, one_request, print_plans, report, run_alone, time_pages
from consortia.states import FILED, Status
from portal.uscc import ALPHABET, check_character

# The models are imported in the functions: run alone, this module is imported before Django is set up.

CONSORTIA = 10_000
MEMBERSHIPS = 60_000  # 6 members a consortium besides the lead
EVENTS = 200_000
LEADS_PER_AUTHORITY = 30
MEMBER_ORGANISATIONS = 1_580
NOTIFICATIONS_PER_USER = 30
BATCH = 2_000
SEED = 2026

JIANGNING = "320115"
JIANGNING_DISTRICT_REVIEW = 300
# The rest of the portfolio; drafts take what is left. District review elsewhere never lands in Jiangning, so the
# district queue holds exactly JIANGNING_DISTRICT_REVIEW rows.
PLAN = {
    Status.DISTRICT_REVIEW: 300,
    Status.CITY_REVIEW: 400,
    Status.RETURNED: 250,
    Status.REJECTED: 350,
    Status.WITHDRAWN: 200,
    Status.ACTIVE: 3_000,
    Status.EXPIRED: 2_600,
    Status.COMPLETED: 700,
    Status.REVOKED: 50,
}
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
# Who takes each action (portal.models.Role values); "return" is the district's or the city's, by the source state.
ROLES = {
    "submit": "lead_unit",
    "withdraw": "lead_unit",
    "recommend": "district_officer",
    "approve": "city_staff",
    "reject": "city_staff",
    "complete": "city_staff",
    "revoke": "city_staff",
    "expire": "system",
}
REGIONS = {"JBXQ": "320111", "NJETDZ": "320113", "JNETDZ": "320115"}  # USCC region digits of the parks
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
CITIES = ["南京", "苏州", "无锡", "上海"]
SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司"]
SUMMARY = "围绕产业链关键核心技术，联合上下游企业、高校和科研院所开展协同攻关，形成自主可控的成套技术并实现产业化应用。"


# --- The portfolio ---------------------------------------------------------------------------------------------------


def uscc(number: int, category: str, region: str) -> str:
    """A valid, unique code: the 9-character organisation part spells ``number`` in the USCC alphabet after 'MB'."""
    digits = []
    for _ in range(7):
        number, remainder = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[remainder])
    first17 = category + region + "MB" + "".join(reversed(digits))
    return first17 + check_character(first17)


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


def insert(model, names: list[str], rows: list[tuple], batch: int = 10 * BATCH) -> None:
    """INSERT with executemany (SQLite) or COPY (PostgreSQL), for the big tables: bulk_create would spend most of the
    build making and preparing 280,000 model instances. ``rows`` hold database values (foreign keys as ids, dates
    through connection.ops, JSON as text)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: executemany would quote every value in Python, client-side
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for line in rows:
                    copy.write_row(line)
            return
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])


def as_json(value, encoder=None) -> str:
    """JSON as a JSONField stores it: Django's text on SQLite (with \\u escapes), the same jsonb value on PostgreSQL."""
    return json.dumps(value, cls=encoder, ensure_ascii=connection.vendor != "postgresql")


def field_of(model, name):
    return model._meta.get_field(name)


def make_organisations(rng: random.Random, authorities: list, now: datetime):
    from portal.models import Organisation

    leads, members = [], []
    number = 0
    for authority in authorities:
        region = REGIONS.get(authority.code, authority.code)
        for index in range(LEADS_PER_AUTHORITY):
            number += 1
            leads.append(
                Organisation(
                    name=f"南京{rng.choice(WORDS)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}（{authority.code}-{index}）",
                    uscc=uscc(number, "91", region),
                    kind=Organisation.Kind.ENTERPRISE if index % 10 else Organisation.Kind.PLATFORM,
                    jurisdiction=authority,
                    address=f"南京市{authority.name_zh}创新路 {index + 1} 号",
                    contact_name="王敏",
                    contact_phone="025-5200 0001",
                    contact_email=f"lead{number}@example.com",
                    created_at=now - timedelta(days=rng.randint(400, 3650)),
                )
            )
    for index in range(MEMBER_ORGANISATIONS):
        number += 1
        kind = rng.choices(
            [Organisation.Kind.ENTERPRISE, Organisation.Kind.UNIVERSITY, Organisation.Kind.INSTITUTE], [6, 2, 2]
        )[0]
        academic = kind != Organisation.Kind.ENTERPRISE
        inside = rng.random() < 0.6  # members may be outside Nanjing, without a jurisdiction
        authority = rng.choice(authorities) if inside else None
        name = (
            f"江苏{rng.choice(WORDS)}{'大学' if kind == Organisation.Kind.UNIVERSITY else '研究院'}（{index}）"
            if academic
            else f"{rng.choice(CITIES)}{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司（{index}）"
        )
        members.append(
            Organisation(
                name=name,
                uscc=uscc(
                    number,
                    "12" if academic else "91",
                    REGIONS.get(authority.code, authority.code) if authority else "320000",
                ),
                kind=kind,
                jurisdiction=authority,
                created_at=now - timedelta(days=rng.randint(400, 3650)),
            )
        )
    with stamps_as_given(field_of(Organisation, "created_at")):
        Organisation.objects.bulk_create(leads + members, batch_size=BATCH)
    return leads, members


def statuses(rng: random.Random) -> list[tuple[str, bool]]:
    """(status, in Jiangning?) for every consortium, shuffled."""
    plan = [(Status.DISTRICT_REVIEW, True)] * JIANGNING_DISTRICT_REVIEW
    plan += [(status, None) for status, count in PLAN.items() for _ in range(count)]
    plan += [(Status.DRAFT, None)] * (CONSORTIA - len(plan))
    rng.shuffle(plan)
    result = []
    for status, jiangning in plan:
        if jiangning is None:
            # A fifth of the city's portfolio is Jiangning's, but its district queue is the 300 above.
            jiangning = status != Status.DISTRICT_REVIEW and rng.random() < 0.2
        result.append((status, jiangning))
    return result


def dates_for(rng: random.Random, status: str, now: datetime) -> dict:
    """Dates consistent with the status: reviews are recent, expired filings began more than three years ago."""
    if status == Status.DRAFT:
        created = now - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1440))
        return {"created_at": created, "updated_at": created + timedelta(days=rng.randint(0, 30)), "submitted_at": None}
    if status in (Status.DISTRICT_REVIEW, Status.CITY_REVIEW, Status.RETURNED):
        submitted = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
    elif status in (Status.ACTIVE, Status.COMPLETED, Status.REVOKED):
        submitted = now - timedelta(days=rng.randint(60, 3 * 365), minutes=rng.randint(0, 1440))
    elif status == Status.EXPIRED:
        submitted = now - timedelta(days=rng.randint(3 * 365 + 60, 10 * 365), minutes=rng.randint(0, 1440))
    else:  # rejected, withdrawn
        submitted = now - timedelta(days=rng.randint(30, 10 * 365), minutes=rng.randint(0, 1440))
    created = submitted - timedelta(days=rng.randint(10, 90))
    values = {
        "created_at": created,
        "updated_at": submitted + timedelta(days=rng.randint(0, 40)),
        "submitted_at": submitted,
    }
    if status in FILED:
        filed = (submitted + timedelta(days=rng.randint(20, 50))).date()
        start = filed + timedelta(days=rng.randint(0, 30))
        if (start.month, start.day) == (2, 29):  # no 29 February three years on
            start += timedelta(days=1)
        values.update(filed_on=filed, start_date=start, end_date=start.replace(year=start.year + 3) - timedelta(days=1))
    return values


def submission_documents(rng: random.Random) -> list[tuple[dict, dict]]:
    """Realistic snapshots: filings from the eligibility benchmark with their stored evaluation records (only valid,
    eligible ones, as submit_filing refuses the others)."""
    from benchmarks.bench_eligibility import generate_document
    from consortia.eligibility import InvalidDocument, context_from_database, evaluate, read_filing
    from consortia.services import evaluation_record

    context = context_from_database()
    pool, number = [], 0
    while len(pool) < 100:
        number += 1
        document = generate_document(rng, number)
        try:
            evaluation = evaluate(read_filing(json.dumps(document, ensure_ascii=False)), context)
        except InvalidDocument:
            continue
        if evaluation.eligible:
            pool.append((document, evaluation_record(evaluation)))
    return pool


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


def build() -> dict:
    # No query log (DEBUG) while inserting 300,000 rows, and a cheap hasher for the demo accounts we force_login.
    with override_settings(DEBUG=False, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        with transaction.atomic():
            built = build_portfolio()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # What autovacuum does after bulk inserts: statistics, and the visibility map index-only scans need.
                cursor.execute("VACUUM ANALYZE")
            built["stages"].done("vacuum analyze")
    return built


def build_portfolio() -> dict:
    from consortia.models import ChainPosition, Consortium, Membership, Submission, TechnologyKind, WorkflowEvent
    from portal.demo import seed_demo
    from portal.models import Authority, IndustryField, Notification, Role, User

    stages = Stages()
    rng = random.Random(SEED)
    now = timezone.now()
    users = {user.username: user for user in seed_demo()}
    authorities = list(Authority.objects.order_by("code"))
    fields = list(IndustryField.objects.all())
    leads, members = make_organisations(rng, authorities, now)
    lead_users = User.objects.bulk_create(
        [
            User(
                username=f"lead-{organisation.uscc}",
                last_name=organisation.contact_name,
                role=Role.LEAD_UNIT,
                organisation=organisation,
                password=make_password(None),
            )
            for organisation in leads
        ],
        batch_size=BATCH,
    )
    stages.done("accounts and organisations")
    user_of = {user.organisation_id: user for user in lead_users}
    jiangning_leads = [o for o in leads if o.jurisdiction.code == JIANGNING]
    other_leads = [o for o in leads if o.jurisdiction.code != JIANGNING]

    consortia = []
    filing_numbers = Counter()
    for index, (status, in_jiangning) in enumerate(statuses(rng)):
        lead = rng.choice(jiangning_leads if in_jiangning else other_leads)
        values = dates_for(rng, status, now)
        if "filed_on" in values:
            year = values["filed_on"].year
            filing_numbers[year] += 1
            values["filing_number"] = f"宁创联备〔{year}〕{filing_numbers[year]:03d}号"
        start = (values["submitted_at"] or now).date() + timedelta(days=60)
        consortia.append(
            Consortium(
                name=f"南京市{rng.choice(TRADES)}创新联合体（第 {index + 1} 号）",
                field=rng.choice(fields),
                technology_kinds=rng.sample([kind.value for kind in TechnologyKind], rng.randint(1, 2)),
                summary=SUMMARY * 2,
                goals="三年内突破关键核心技术 3 项以上，形成标准 2 项，带动产业链新增产值 10 亿元。",
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
    with stamps_as_given(field_of(Consortium, "created_at"), field_of(Consortium, "updated_at")):
        Consortium.objects.bulk_create(consortia, batch_size=BATCH)
    stages.done("consortia")

    # Submissions: 1 to 3 per submitted consortium, the last one at its submitted_at. Through ``insert`` with the
    # JSON as the database stores it: bulk_create's client-side quoting of \u-escaped JSON on PostgreSQL took 35 s.
    ops = connection.ops
    pool = [(as_json(document), as_json(record, DjangoJSONEncoder)) for document, record in submission_documents(rng)]
    submissions, submits = [], {}
    for consortium in consortia:
        if consortium.submitted_at is None:
            continue
        count = rng.choices([1, 2, 3], [70, 25, 5])[0]
        submits[consortium.pk] = count
        details = as_json({"goals": consortium.goals, "funding": [], "documents": []})
        for number in range(1, count + 1):
            document, record = rng.choice(pool)
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

    # Memberships: 6 distinct member organisations a consortium.
    per = MEMBERSHIPS // CONSORTIA
    memberships = [
        (
            consortium.pk,
            organisation.pk,
            rng.choice(ChainPosition.values),
            True,
            "研发团队 120 人，建有省级工程技术研究中心，上一年研发投入 1,800 万元，拥有发明专利 46 项。",
            "负责关键装备和核心零部件的国产化研制、工艺验证和批量应用。",
            ops.adapt_datefield_value((consortium.submitted_at or consortium.created_at).date()),
        )
        for consortium in consortia
        for organisation in rng.sample(members, per)
    ]
    insert(
        Membership,
        ["consortium", "organisation", "chain_position", "independent_legal_entity", "capability", "role", "joined_on"],
        memberships,
    )
    stages.done("memberships")

    # Workflow events: each consortium's path (with its resubmissions), then more return/resubmit cycles on
    # submitted consortia up to DESIGN §10's 200,000 (the queue does not read events; the table's size is the point).
    jiangning_id = jiangning_leads[0].jurisdiction_id
    cycles = Counter({pk: count - 1 for pk, count in submits.items()})
    submitted = list(submits)
    base = sum(len(PATHS[c.status]) + 2 * cycles[c.pk] for c in consortia)
    for _ in range((EVENTS - base) // 2):
        cycles[rng.choice(submitted)] += 1
    paths = {}
    if (EVENTS - base) % 2:  # one returned filing was returned by the city rather than its district: one more event
        returned = next(c for c in consortia if c.status == Status.RETURNED)
        paths[returned.pk] = [*PATHS[Status.CITY_REVIEW], ("return", Status.CITY_REVIEW, Status.RETURNED)]
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
        moment = consortium.created_at
        span = max((consortium.updated_at - moment) / (len(steps) + 1), timedelta(minutes=1))
        district = users["jiangning" if consortium.lead_organisation.jurisdiction_id == jiangning_id else "xuanwu"]
        actors = {
            Role.LEAD_UNIT: consortium.created_by,
            Role.DISTRICT_OFFICER: district,
            Role.CITY_STAFF: users["city"],
        }
        for action, source, target in steps:
            moment += span
            role = ROLES.get(action, Role.DISTRICT_OFFICER if source == Status.DISTRICT_REVIEW else Role.CITY_STAFF)
            actor = actors.get(role)
            events.append(
                (
                    consortium.pk,
                    action,
                    str(source),
                    str(target),
                    actor.pk if actor else None,
                    str(role),
                    "请补充成员单位研发投入证明材料。" if action == "return" else "",
                    ops.adapt_datetimefield_value(moment),
                )
            )
    insert(
        WorkflowEvent,
        ["consortium", "action", "from_status", "to_status", "actor", "role", "comment", "occurred_at"],
        events,
    )
    stages.done("events")

    for username in ("jiangning", "city"):
        Notification.objects.bulk_create(
            Notification(
                recipient=users[username],
                subject=f"有新的备案申请待审核（{number}）",
                body="南京市第三代半导体器件创新联合体已提交备案申请，请及时办理。",
                link="/reviews/",
                read_at=now if number % 3 else None,
            )
            for number in range(NOTIFICATIONS_PER_USER)
        )
    stages.done("notifications")
    return {
        "stages": stages,
        "users": users,
        "organisations": len(leads) + len(members),
        "consortia": len(consortia),
        "submissions": len(submissions),
        "memberships": len(memberships),
        "events": len(events),
    }


# --- Timing ----------------------------------------------------------------------------------------------------------


def shown(html: str) -> tuple[int, dict[str, int]]:
    """The row count and the status tabs' counts a queue page shows."""
    total = int(re.search(r'data-testid="result-count">共 ([\d,]+) 项', html).group(1).replace(",", ""))
    tabs = dict(re.findall(r'href="\?status=(\w+)">[^<]*<span class="badge text-bg-light">(\d+)</span>', html))
    return total, {status: int(n) for status, n in tabs.items()}


def inspect(label: str, client: Client, url: str, expected_total: int, expected_tabs: dict[str, int]) -> int:
    response, queries = one_request(label, client, url)
    if expected_total is not None:
        total, tabs = shown(response.content.decode())
        verdict = "ok" if total == expected_total else f"WRONG, the database has {expected_total:,}"
        print(f"    shows 共 {total:,} 项 — {verdict}")
        if tabs != expected_tabs:
            wrong = {s: (tabs.get(s), expected_tabs.get(s)) for s in expected_tabs.keys() | tabs.keys()}
            wrong = {s: pair for s, pair in wrong.items() if pair[0] != pair[1]}
            print(f"    status tabs WRONG (shown, in the database): {wrong}")
        else:
            print("    status tabs match the database")
    if os.environ.get("QUEUES_EXPLAIN"):
        print_plans(queries)
    return len(queries)


def run() -> None:
    from consortia.models import Consortium

    started = time.perf_counter()
    built = build()
    seconds = time.perf_counter() - started
    print(
        f"built in {seconds:.1f} s on {connection.vendor}: {built['consortia']:,} consortia, "
        f"{built['organisations']:,} organisations, {built['memberships']:,} memberships, "
        f"{built['submissions']:,} submissions, {built['events']:,} workflow events ({built['stages']} s)"
    )
    users = built["users"]
    jiangning, city = client_for(users["jiangning"]), client_for(users["city"])
    pages = [
        ("district inbox", jiangning, "/notifications/"),
        ("district queue", jiangning, "/reviews/"),
        ("city inbox", city, "/notifications/"),
        ("city queue", city, "/reviews/"),
        ("city queue, all", city, "/reviews/?status="),
    ]
    # As in production (DEBUG off): no query log, no template debug information.
    with override_settings(DEBUG=False):
        timings = time_pages(pages)
    report(timings)

    visible_jiangning = Consortium.objects.filter(
        lead_organisation__jurisdiction__code=JIANGNING, submitted_at__isnull=False
    )
    jiangning_tabs = dict(Counter(visible_jiangning.values_list("status", flat=True)))
    city_tabs = dict(Counter(Consortium.objects.values_list("status", flat=True)))
    print("queries per request:")
    inspect("district inbox", jiangning, "/notifications/", None, None)
    inspect("district queue", jiangning, "/reviews/", jiangning_tabs[Status.DISTRICT_REVIEW], jiangning_tabs)
    inspect("city queue", city, "/reviews/", city_tabs[Status.CITY_REVIEW], city_tabs)
    inspect("city queue, all", city, "/reviews/?status=", CONSORTIA, city_tabs)


def main() -> None:
    with fresh_database("queues"):
        run()


if __name__ == "__main__":
    raise SystemExit(run_alone("queues", main))
