"""Annual reports (guideline §5.2, issue 13) at 1,000 and at 10,000 consortia: the jobs, then the campaign page.

On a database of its own (``pages.fresh_database``), builds 1,000 active consortia with their lead units (500,
spread over the 14 authorities), an officer per authority and one member of city staff (``report-city``), opens the
2026 campaign over them (1,000 reports), adds 9,000 consortia and opens 2027 (10,000 reports).

The jobs: opening a year's reports, the daily re-run, the reminders and the overdue flags, at both sizes. Prints the
time and the number of queries of each run: the jobs work in set-based statements (INSERT … SELECT, a guarded UPDATE),
so the number of queries is the same for ten times as many reports.

The campaign page (GET /annual-reports/campaigns/<pk>/: progress by status and by authority, then the filtered list,
25 a page), acceptance item "the campaign page at 10,000 reports within 3× the inbox". After one bulk UPDATE gives the
reports a spread of statuses (to fill, submitted, accepted, returned; a part overdue), times with Django's test client
logged in and DEBUG off, in interleaved rounds (``pages.time_pages``):

- city staff on the 2027 campaign (10,000 reports) and on the 2026 one (1,000),
- the Jiangning officer on the 2027 campaign (its own district's reports only),
- the inbox (GET /notifications/, ``INBOX`` notifications or more) of each of them, for comparison,

and prints p50/p95 in ms, the ratio page p50 / inbox p50 against the 3× target, the SQL queries of one request of
each page with the slowest ones (the same number at 1,000 and at 10,000 reports: no query per report), and checks
the figures the page shows (overall, by authority, the list's count) against a direct count in the database. The
plans of the page's SELECTs are printed when it misses the target or its queries grow with the reports, or always
with ``REPORTS_EXPLAIN=1``.

Run by ``python -m benchmarks annual_reports`` (SQLite), or alone: ``python -m benchmarks.bench_annual_reports``
does the same, and with ``DATABASE_URL=postgres://...`` set it runs on PostgreSQL, on test_<name> (created and
dropped by Django's test machinery; the named database is never touched).
"""

import os
import re
import statistics
import time
from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Case, Value, When
from django.db.models.functions import Mod
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from benchmarks.pages import (
    TARGET_RATIO,
    Figure,
    client_for,
    fresh_database,
    get,
    one_request,
    page_figures,
    print_plans,
    report,
    run_alone,
    time_pages,
)
from consortia.states import Status
from portal.uscc import check_character

# The models are imported in the functions: run alone, this module is imported before Django is set up.

SMALL, LARGE = 1_000, 10_000
LEAD_UNITS = 500
TASKS = 2  # research tasks per consortium, each a progress row in every report
JIANGNING = "320115"  # the district officer timed on the campaign page
# The page the campaign page is compared with: the inbox with more than a page (20) of notifications, as in
# bench_queues. The officer has one per overdue report of its district; city staff only the jobs' two summaries.
INBOX = 30
# The campaign page's reports after the deadline, by report id modulo the length: status and overdue. 40 % submitted
# (a quarter of them late: the flag stays after a late submission), 20 % accepted, 10 % returned, 30 % still to fill
# (all overdue, the deadline having passed).
SPREAD = [
    *[("submitted", False)] * 6,
    *[("submitted", True)] * 2,
    *[("accepted", False)] * 3,
    ("accepted", True),
    ("returned", False),
    ("returned", True),
    *[("to_fill", True)] * 6,
]


def _uscc(number: int) -> str:
    base = f"91320100BR{number:07d}"
    return base + check_character(base)


def lead_units() -> list:
    """Lead units spread over the districts, one user each, an officer per district and one member of city staff."""
    from portal.models import Authority, Organisation, Role, User

    authorities = list(Authority.objects.all())
    Organisation.objects.bulk_create(
        Organisation(
            uscc=_uscc(n), name=f"年报基准企业{n}", kind="enterprise", jurisdiction=authorities[n % len(authorities)]
        )
        for n in range(LEAD_UNITS)
    )
    organisations = list(Organisation.objects.filter(name__startswith="年报基准企业").order_by("pk"))
    User.objects.bulk_create(
        [User(username=f"report-lead-{o.pk}", password="!", role=Role.LEAD_UNIT, organisation=o) for o in organisations]
        + [
            User(username=f"report-officer-{a.code}", password="!", role=Role.DISTRICT_OFFICER, authority=a)
            for a in authorities
        ]
        + [User(username="report-city", password="!", role=Role.CITY_STAFF)]
    )
    return organisations


def add_consortia(organisations: list, *, first: int, count: int, start: date, years: range) -> None:
    """``count`` active consortia from ``start`` to the end of 2028, with their research tasks and a funding line of
    the lead unit for each of ``years``."""
    from consortia.models import Consortium, FundingLine, ResearchTask, TechnologyKind
    from portal.models import Role, User

    creator = User.objects.filter(role=Role.LEAD_UNIT).first()
    Consortium.objects.bulk_create(
        (
            Consortium(
                name=f"南京市年报基准创新联合体{n}",
                lead_organisation=organisations[n % LEAD_UNITS],
                created_by=creator,
                status=Status.ACTIVE,
                start_date=start,
                end_date=date(2028, 12, 31),
                filed_on=start,
                filing_number=f"宁创联备〔REPORT〕{n:05d}号",
                submitted_at=timezone.now(),
            )
            for n in range(first, first + count)
        ),
        batch_size=500,
    )
    added = list(Consortium.objects.filter(name__startswith="南京市年报基准").order_by("pk")[first:])
    ResearchTask.objects.bulk_create(
        (
            ResearchTask(consortium=c, title=f"攻关任务{t}", kind=TechnologyKind.CHOKE_POINT, objectives="关键技术")
            for c in added
            for t in range(TASKS)
        ),
        batch_size=1000,
    )
    FundingLine.objects.bulk_create(
        (
            FundingLine(consortium=c, organisation_id=c.lead_organisation_id, year=y, self_raised=100)
            for c in added
            for y in years
        ),
        batch_size=1000,
    )


def run(label: str, job, **kwargs) -> tuple[int, float]:
    """The job in its own transaction; prints what it returned (a count or a ``JobResult``), its queries, its time in
    the database and, apart, the commit with handing the e-mails to the broker. Returns the queries and the seconds
    in the database."""
    connection.queries_log.clear()  # an earlier benchmark may have filled the log to its cap
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        with transaction.atomic():
            result = job(**kwargs)
            finished = time.perf_counter()
        committed = time.perf_counter()
    print(
        f"{label}: {len(queries):>2} queries, {finished - started:6.3f} s in the database "
        f"(+ {committed - finished:.3f} s commit and broker) — {result}"
    )
    return len(queries), finished - started


def analyze() -> None:
    # Statistics as a running database has them (autovacuum): a planner that believes the new tables empty chooses
    # nested loops over 10,000 rows, which no production run would.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _open(*, year: int) -> int:
    from annual_reports.services import open_campaign

    campaign = open_campaign(year=year, actor=None, today=date(year, 6, 1))
    return campaign.reports.count()


def same(small: int, large: int) -> str:
    return f"{small} vs {large} ({'the same' if small == large else 'DIFFERENT'})"


def jobs() -> list[Figure]:
    from annual_reports.jobs import create_reports, flag_overdue_reports, send_report_reminders
    from annual_reports.models import AnnualReport, ReportCampaign, ReportFundingLine, ReportTaskProgress
    from portal.models import Notification

    started = time.perf_counter()
    organisations = lead_units()
    add_consortia(organisations, first=0, count=SMALL, start=date(2026, 1, 1), years=range(2026, 2028))
    analyze()
    print(f"annual_reports: {SMALL} consortia set up in {time.perf_counter() - started:.1f} s")
    open_small, _seconds = run(f"open 2026 over {SMALL:>6} consortia (reports)", _open, year=2026)

    started = time.perf_counter()
    add_consortia(organisations, first=SMALL, count=LARGE - SMALL, start=date(2027, 1, 1), years=range(2027, 2028))
    analyze()
    print(f"annual_reports: {LARGE - SMALL} more consortia set up in {time.perf_counter() - started:.1f} s")
    open_large, open_seconds = run(f"open 2027 over {LARGE:>6} consortia (reports)", _open, year=2027)
    rerun, _seconds = run(
        "daily re-run of 2027, nothing new       ", create_reports, campaign=ReportCampaign.objects.get(year=2027)
    )
    analyze()

    remind_small, _seconds = run(
        f"remind 30 days before, {SMALL:>6} reports  ", send_report_reminders, today=date(2026, 12, 1)
    )
    remind_large, remind_seconds = run(
        f"remind 30 days before, {LARGE:>6} reports  ", send_report_reminders, today=date(2027, 12, 1)
    )
    remind_again, _seconds = run(
        "remind, same day again                  ", send_report_reminders, today=date(2027, 12, 1)
    )
    overdue_small, _seconds = run(
        f"flag overdue, {SMALL:>6} reports           ", flag_overdue_reports, today=date(2027, 1, 1)
    )
    overdue_large, overdue_seconds = run(
        f"flag overdue, {LARGE:>6} reports           ", flag_overdue_reports, today=date(2028, 1, 1)
    )

    print(
        f"annual_reports: queries at {SMALL} vs {LARGE} — open {same(open_small, open_large)}, "
        f"reminders {same(remind_small, remind_large)}, overdue {same(overdue_small, overdue_large)}; "
        f"re-run {rerun}, reminders re-run {remind_again}; {AnnualReport.objects.count()} reports, "
        f"{ReportFundingLine.objects.count()} funding lines, {ReportTaskProgress.objects.count()} task rows, "
        f"{Notification.objects.filter(dedup_key__startswith='report-').count()} notifications"
    )

    def verdict(small: int, large: int) -> str:
        return f"queries at {SMALL:,}: {'the same' if small == large else 'DIFFERENT'}"

    return [
        Figure(
            "annual_reports",
            f"open a campaign, {LARGE:,} reports",
            queries=open_large,
            seconds=open_seconds,
            verdict=verdict(open_small, open_large),
        ),
        Figure(
            "annual_reports",
            f"report reminders, {LARGE:,} reports",
            queries=remind_large,
            seconds=remind_seconds,
            verdict=verdict(remind_small, remind_large),
        ),
        Figure(
            "annual_reports",
            f"flag overdue, {LARGE:,} reports",
            queries=overdue_large,
            seconds=overdue_seconds,
            verdict=verdict(overdue_small, overdue_large),
        ),
    ]


# --- The campaign page -----------------------------------------------------------------------------------------------


def spread_statuses() -> dict[int, Counter]:
    """One bulk UPDATE a campaign gives its reports the ``SPREAD`` of statuses, the overdue flag (from the day after
    the deadline) and, for those sent, a submission time; returns each year's count by status and of the overdue."""
    from django.db.models.lookups import In

    from annual_reports.models import AnnualReport, ReportCampaign

    bucket = Mod("pk", len(SPREAD))
    buckets = defaultdict(list)  # status: the values of ``bucket`` that get it
    for n, (status, _overdue) in enumerate(SPREAD):
        buckets[status].append(n)
    sent = [n for n, (status, _overdue) in enumerate(SPREAD) if status != "to_fill"]
    late = [n for n, (_status, overdue) in enumerate(SPREAD) if overdue]
    stamp = timezone.now()
    spread = {}
    with transaction.atomic():
        for campaign in ReportCampaign.objects.all():
            AnnualReport.objects.filter(campaign=campaign).update(
                status=Case(*(When(In(bucket, ns), then=Value(status)) for status, ns in buckets.items())),
                overdue_since=Case(When(In(bucket, late), then=Value(campaign.deadline + timedelta(days=1)))),
                submitted_at=Case(When(In(bucket, sent), then=Value(stamp))),
                updated_at=Value(stamp),
            )
            spread[campaign.year] = Counter(campaign.reports.values_list("status", flat=True))
            spread[campaign.year]["overdue"] = campaign.reports.filter(overdue_since__isnull=False).count()
    settle()
    return spread


def settle() -> None:
    # What autovacuum does after a bulk UPDATE: statistics and, on PostgreSQL, the visibility map that index-only
    # scans need (VACUUM runs outside a transaction; we are in autocommit here).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def counted(reports) -> tuple[list[int], dict[str, list[int]]]:
    """What the page should show of ``reports``, counted here row by row rather than by the page's aggregate: the
    count in each of the page's columns, the overdue and the total, overall and by the authority's code."""
    from annual_reports.views.campaigns import COLUMNS

    keys = [*COLUMNS, "overdue", "total"]
    overall, by_code = Counter(), {}
    rows = reports.values_list("consortium__lead_organisation__jurisdiction__code", "status", "overdue_since")
    for code, status, overdue_since in rows.iterator():
        for counts in (overall, by_code.setdefault(code or "none", Counter())):
            counts.update({status: 1, "overdue": overdue_since is not None, "total": 1})
    return [overall[k] for k in keys], {code: [counts[k] for k in keys] for code, counts in by_code.items()}


def shown(html: str) -> tuple[int, list[int], dict[str, list[int]]]:
    """The list's row count and the progress figures a campaign page shows, overall and by authority's code."""

    def figures(cells: str) -> list[int]:
        return [int(n.replace(",", "")) for n in re.findall(r'<td class="text-end">([\d,]+)</td>', cells)]

    total = int(re.search(r'data-testid="result-count">共 ([\d,]+) ', html).group(1).replace(",", ""))
    overall = re.search(r'data-testid="progress">.*?<tbody><tr>(.*?)</tr>', html, re.S).group(1)
    rows = re.findall(r'<tr data-testid="authority-([\w-]+)"><td>.*?</td>(.*?)</tr>', html, re.S)
    return total, figures(overall), {code: figures(cells) for code, cells in rows}


def inspect(label: str, client, url: str, expected: tuple[list[int], dict[str, list[int]]]) -> list[dict]:
    """The queries of one request of a campaign page, and its figures against ``counted``; returns the queries."""
    connection.queries_log.clear()  # the log may be at its cap after the jobs, and would then capture nothing
    # The progress is cached once counted (``selectors.campaign_progress``): count a visit like every later one.
    get(client, url)
    response, queries = one_request(label, client, url)
    total, overall, by_authority = shown(response.content.decode())
    expected_overall, expected_by_authority = expected
    wrong = []
    if total != expected_overall[-1]:
        wrong.append(f"共 {total:,} 项 listed, the database has {expected_overall[-1]:,}")
    if overall != expected_overall:
        wrong.append(f"overall {overall}, the database {expected_overall}")
    if by_authority != expected_by_authority:
        pairs = {c: (by_authority.get(c), expected_by_authority.get(c)) for c in by_authority | expected_by_authority}
        differing = {code: pair for code, pair in pairs.items() if pair[0] != pair[1]}
        wrong.append(f"by authority (shown, the database) {differing}")
    if wrong:
        print(f"    figures WRONG: {'; '.join(wrong)}")
    else:
        print(
            f"    shows 共 {total:,} 项, overall {overall} (to fill, submitted, accepted, returned, overdue, total) "
            f"and {len(by_authority)} authorities — match the database"
        )
    return queries


def fill_inbox(user) -> int:
    """Tops ``user``'s notifications up to ``INBOX``, two in three read; returns how many it has."""
    from portal.models import Notification

    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            subject=f"有新的备案申请待审核（{number}）",
            body="南京市第三代半导体器件创新联合体已提交备案申请，请及时办理。",
            link="/reviews/",
            read_at=now if number % 3 else None,
        )
        for number in range(INBOX - Notification.objects.filter(recipient=user).count())
    )
    return Notification.objects.filter(recipient=user).count()


def campaign_pages(spread: dict[int, Counter]) -> list[Figure]:
    from annual_reports.models import AnnualReport, ReportCampaign
    from portal.models import User

    small, large = ReportCampaign.objects.get(year=2026), ReportCampaign.objects.get(year=2027)
    city = User.objects.get(username="report-city")
    officer = User.objects.select_related("authority").get(username=f"report-officer-{JIANGNING}")
    notifications = {user.username: fill_inbox(user) for user in (city, officer)}
    city_client, officer_client = client_for(city), client_for(officer)
    inbox = reverse("inbox")
    page_of = {year: reverse("annual_reports:campaign", args=[c.pk]) for year, c in ((2026, small), (2027, large))}
    own = AnnualReport.objects.filter(campaign=large, consortium__lead_organisation__jurisdiction=officer.authority)
    print(
        f"campaign pages on {connection.vendor}: {page_of[2027]} (2027, {LARGE:,} reports: "
        f"{dict(sorted(spread[2027].items()))}) and {page_of[2026]} (2026, {SMALL:,}) for city staff, "
        f"2027 for the {officer.authority.name_zh} officer ({own.count():,} reports of its own); inboxes of "
        f"{notifications[city.username]:,} and {notifications[officer.username]:,} notifications"
    )
    city_large, city_small, district = f"city, {LARGE:,}", f"city, {SMALL:,}", f"district, {own.count():,}"
    pages = [
        ("city inbox", city_client, inbox),
        (city_large, city_client, page_of[2027]),
        (city_small, city_client, page_of[2026]),
        ("district inbox", officer_client, inbox),
        (district, officer_client, page_of[2027]),
    ]
    # As in production (DEBUG off): no query log, no template debug information.
    with override_settings(DEBUG=False):
        timings = time_pages(pages)
    report(timings)

    print("queries per request:")
    city_inbox = len(one_request("city inbox", city_client, inbox)[1])
    queries_large = inspect(city_large, city_client, page_of[2027], counted(large.reports.all()))
    queries_small = inspect(city_small, city_client, page_of[2026], counted(small.reports.all()))
    district_inbox = len(one_request("district inbox", officer_client, inbox)[1])
    district_large = inspect(district, officer_client, page_of[2027], counted(own))
    own_small = small.reports.filter(consortium__lead_organisation__jurisdiction=officer.authority)
    district_small = inspect(f"district, {own_small.count():,}", officer_client, page_of[2026], counted(own_small))

    p50 = {label: statistics.median(wall) for label, (wall, _cpu) in timings.items()}
    ratios = {"city staff": p50[city_large] / p50["city inbox"], "the officer": p50[district] / p50["district inbox"]}
    slow = max(ratios.values()) > TARGET_RATIO
    growing = len(queries_large) != len(queries_small) or len(district_large) != len(district_small)
    print(
        f"annual_reports: campaign page at {LARGE:,} reports "
        f"{', '.join(f'{ratio:.1f}× the inbox for {who}' for who, ratio in ratios.items())} "
        f"(target {TARGET_RATIO:.0f}×) — {f'ABOVE the {TARGET_RATIO:.0f}× target' if slow else 'ok'}; "
        f"queries at {SMALL:,} vs {LARGE:,} reports: city {same(len(queries_small), len(queries_large))}, "
        f"district {same(len(district_small), len(district_large))} (inboxes {city_inbox} and {district_inbox})"
    )
    if slow or growing or os.environ.get("REPORTS_EXPLAIN"):
        print(f"plans of the city's campaign page at {LARGE:,} reports:")
        print_plans(queries_large)
    queries = {
        "city inbox": city_inbox,
        city_large: f"{len(queries_large)} ({len(queries_small)})",
        city_small: len(queries_small),
        "district inbox": district_inbox,
        district: f"{len(district_large)} ({len(district_small)})",
    }
    return page_figures("annual_reports", timings, queries)


def main() -> list[Figure]:
    with fresh_database("annual_reports"):
        return jobs() + campaign_pages(spread_statuses())


if __name__ == "__main__":
    raise SystemExit(run_alone("annual_reports"))
