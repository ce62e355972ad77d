"""Opening a year's annual reports over 1,000 and over 10,000 consortia, the daily re-run, the reminders and the
overdue flags (guideline §5.2).

Run by ``python -m benchmarks annual_reports`` (after django.setup(), on a throwaway database). Prints the time and
the number of queries of each run at both sizes: the jobs work in set-based statements (INSERT … SELECT, a guarded
UPDATE), so the number of queries is the same for ten times as many reports.
"""

import time
from datetime import date

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annual_reports.jobs import create_reports, flag_overdue_reports, send_report_reminders
from annual_reports.models import AnnualReport, ReportCampaign, ReportFundingLine, ReportTaskProgress
from annual_reports.services import open_campaign
from consortia.models import Consortium, FundingLine, ResearchTask, TechnologyKind
from consortia.states import Status
from portal.models import Authority, Notification, Organisation, Role, User
from portal.uscc import check_character

SMALL, LARGE = 1_000, 10_000
LEAD_UNITS = 500
TASKS = 2  # research tasks per consortium, each a progress row in every report


def _uscc(number: int) -> str:
    base = f"91320100BR{number:07d}"
    return base + check_character(base)


def lead_units() -> list[Organisation]:
    """Lead units spread over the districts, one user each, an officer per district and one member of city staff."""
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


def add_consortia(organisations: list[Organisation], *, first: int, count: int, start: date, years: range) -> None:
    """``count`` active consortia from ``start`` to the end of 2028, with their research tasks and a funding line of
    the lead unit for each of ``years``."""
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


def run(label: str, job, **kwargs) -> int:
    """The job in its own transaction; prints what it returned (a count or a ``JobResult``), its queries, its time in
    the database and, apart, the commit with handing the e-mails to the broker."""
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
    return len(queries)


def analyze() -> None:
    # Statistics as a running database has them (autovacuum): a planner that believes the new tables empty chooses
    # nested loops over 10,000 rows, which no production run would.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _open(*, year: int) -> int:
    campaign = open_campaign(year=year, actor=None, today=date(year, 6, 1))
    return campaign.reports.count()


def main() -> None:
    started = time.perf_counter()
    organisations = lead_units()
    add_consortia(organisations, first=0, count=SMALL, start=date(2026, 1, 1), years=range(2026, 2028))
    analyze()
    print(f"annual_reports: {SMALL} consortia set up in {time.perf_counter() - started:.1f} s")
    open_small = run(f"open 2026 over {SMALL:>6} consortia (reports)", _open, year=2026)

    started = time.perf_counter()
    add_consortia(organisations, first=SMALL, count=LARGE - SMALL, start=date(2027, 1, 1), years=range(2027, 2028))
    analyze()
    print(f"annual_reports: {LARGE - SMALL} more consortia set up in {time.perf_counter() - started:.1f} s")
    open_large = run(f"open 2027 over {LARGE:>6} consortia (reports)", _open, year=2027)
    rerun = run(
        "daily re-run of 2027, nothing new       ", create_reports, campaign=ReportCampaign.objects.get(year=2027)
    )
    analyze()

    remind_small = run(f"remind 30 days before, {SMALL:>6} reports  ", send_report_reminders, today=date(2026, 12, 1))
    remind_large = run(f"remind 30 days before, {LARGE:>6} reports  ", send_report_reminders, today=date(2027, 12, 1))
    remind_again = run("remind, same day again                  ", send_report_reminders, today=date(2027, 12, 1))
    overdue_small = run(f"flag overdue, {SMALL:>6} reports           ", flag_overdue_reports, today=date(2027, 1, 1))
    overdue_large = run(f"flag overdue, {LARGE:>6} reports           ", flag_overdue_reports, today=date(2028, 1, 1))

    def verdict(small: int, large: int) -> str:
        return f"{small} vs {large} ({'the same' if small == large else 'DIFFERENT'})"

    print(
        f"annual_reports: queries at {SMALL} vs {LARGE} — open {verdict(open_small, open_large)}, "
        f"reminders {verdict(remind_small, remind_large)}, overdue {verdict(overdue_small, overdue_large)}; "
        f"re-run {rerun}, reminders re-run {remind_again}; {AnnualReport.objects.count()} reports, "
        f"{ReportFundingLine.objects.count()} funding lines, {ReportTaskProgress.objects.count()} task rows, "
        f"{Notification.objects.filter(dedup_key__startswith='report-').count()} notifications"
    )
