"""The monitoring pages and the exports at DESIGN §10's scale (issue 14 item 6). Targets: every page at p50 and p95
within 3× a trivial page of the same user; the same number of queries for a list of 5 rows as for one of 200;
the export of 10,000 consortia to XLSX in under 10 s with peak memory under 300 MB.

On a database of its own (``pages.fresh_database``), builds the portfolio of ``monitoring.scale`` (10,000 consortia,
60,000 memberships, 30,000 annual reports, 200,000 workflow events) and times, with Django's test client logged in
and DEBUG off, in one interleaved run (``pages.time_pages``), for city staff (``city``) and the Jiangning officer
(``jiangning``): the dashboard, the portfolio list unfiltered, filtered (active in the main field), searched by a
name and by a USCC fragment, the review queue, a consortium page (the one with the longest history the officer
sees) and the page of the largest annual report campaign; and the trivial page: the inbox (GET /notifications/, 30
notifications on the same base template). Prints p50/p95, the ratios and the queries of one request, checks the
figures the dashboard and the lists show against a count in the database, and prints the plans of the SELECTs of a
page that misses its target (or of all with ``PORTFOLIO_EXPLAIN=1``).

The exports go through the worker's code path (``monitoring.jobs.run_export_job``: a list of 10,000 is above
``EXPORT_ASYNC_THRESHOLD``) in a new process each, so that its memory is the export's: seconds and the peak resident
memory of the process (``ru_maxrss``) in one run, the peak of Python's allocations (tracemalloc, which slows the
export down) in another; the file written is read back and its rows counted.

Run by ``python -m benchmarks portfolio``, or alone: ``python -m benchmarks.bench_portfolio``; either runs on
PostgreSQL when ``DATABASE_URL`` names a server (on throwaway databases, see ``benchmarks/__main__.py``).
"""

import csv
import dataclasses
import io
import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from django.db import connection
from django.test.utils import override_settings

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

# The models and the builder are imported in the functions: run alone, this module is imported before Django is set
# up, and the export's process imports it before its own set-up.

ROOT = Path(__file__).resolve().parent.parent
EXPORT_SECONDS, EXPORT_MB = 10.0, 300.0
EXPORTER = "admin"  # sees all 10,000 consortia (city staff never see a draft)
NAME_SEARCH = "紫峰半导体"  # part of lead and member names (monitoring.scale.WORDS, TRADES)
FEW, MANY = 5, 200  # the lists whose queries must be the same


def build():
    from monitoring.scale import build

    with override_settings(DEBUG=False, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return build()


def count_shown(pattern: str, html: str) -> int | None:
    found = re.search(pattern, html)
    return int(found.group(1).replace(",", "")) if found else None


LIST_COUNT = r'data-testid="result-count">共 ([\d,]+) '
DASHBOARD_TOTAL = r'data-testid="figure-total">([\d,]+)<'


def window_of(ends: list, size: int):
    """Dates (from, to) between which exactly ``size`` of the sorted ``ends`` lie, or None."""
    for first in range(len(ends) - size + 1):
        last = first + size - 1
        before = ends[first - 1] if first else None
        after = ends[last + 1] if last + 1 < len(ends) else None
        if before != ends[first] and after != ends[last]:
            return ends[first], ends[last]
    return None


def expiring_lists(user) -> dict[int, str]:
    """Two lists of the same filters (active, the period ending between two dates) of ``FEW`` rows and of ``MANY`` or
    more: their URLs by the rows the database counts."""
    from consortia.models import Consortium
    from consortia.states import Status

    ends = sorted(Consortium.objects.visible_to(user).filter(status=Status.ACTIVE).values_list("end_date", flat=True))
    lists = {}
    for size in (FEW, MANY):
        window = window_of(ends, size)
        if window:
            lists[size] = f"/portfolio/?status=active&period_from={window[0]}&expiring_before={window[1]}"
    return lists


def pages_of(built) -> tuple[list, dict]:
    """The pages to time, and what each should show (a count in the database) where the page says it."""
    from django.db.models import Count
    from django.http import QueryDict

    from annual_reports.models import ReportCampaign
    from consortia.models import Consortium, Membership
    from consortia.states import Status
    from monitoring.filters import PortfolioFilter
    from monitoring.scale import FIELD_WEIGHTS
    from monitoring.selectors import portfolio

    users = built.users
    city, jiangning = users["city"], users["jiangning"]
    clients = {"city": client_for(city), "district": client_for(jiangning)}
    main_field = max(FIELD_WEIGHTS, key=FIELD_WEIGHTS.get)
    filtered = f"/portfolio/?status=active&field={main_field}"
    member = Membership.objects.filter(consortium__lead_organisation__jurisdiction=jiangning.authority)
    code = member.select_related("organisation").order_by("pk").first().organisation.uscc[6:16]
    longest = (
        Consortium.objects.visible_to(jiangning)
        .filter(status=Status.ACTIVE)
        .annotate(history=Count("events"))
        .order_by("-history", "pk")
        .first()
    )
    campaign = ReportCampaign.objects.annotate(n=Count("reports")).order_by("-n", "-year").first()
    print(
        f"pages: the filtered list is {filtered}, the searches q={NAME_SEARCH} and q={code} (a member's USCC), the "
        f"consortium page /filings/{longest.pk}/ ({longest.history} workflow events), the campaign {campaign.year} "
        f"({campaign.n:,} reports)"
    )
    urls = {
        "inbox": "/notifications/",
        "dashboard": "/dashboard/",
        "portfolio": "/portfolio/",
        "portfolio, filtered": filtered,
        "portfolio, name search": f"/portfolio/?q={NAME_SEARCH}",
        "portfolio, USCC search": f"/portfolio/?q={code}",
        "queue": "/reviews/",
        "consortium page": f"/filings/{longest.pk}/",
        "campaign page": f"/annual-reports/campaigns/{campaign.pk}/",
    }
    pages, expected = [], {}
    for who, user in (("city", city), ("district", jiangning)):
        for name, url in urls.items():
            label = f"{who} {name}"
            pages.append((label, clients[who], url))
            if url.startswith("/portfolio/"):
                query = QueryDict(url.partition("?")[2])
                expected[label] = (LIST_COUNT, PortfolioFilter(query, queryset=portfolio(user), user=user).qs.count())
            elif name == "dashboard":
                expected[label] = (DASHBOARD_TOTAL, Consortium.objects.visible_to(user).count())
    return pages, expected


def inspect(label: str, client, url: str, expected) -> tuple[int, list, str]:
    """One request's queries, and whether the page shows what the database counts: (queries, their SQL, problem)."""
    response, queries = one_request(label, client, url)
    problem = ""
    if expected:
        pattern, count = expected
        shown = count_shown(pattern, response.content.decode())
        problem = "" if shown == count else f"shows {shown}, the database {count:,}"
        print(f"    shows {shown:,} — {'matches the database' if not problem else 'WRONG: ' + problem}")
    return len(queries), queries, problem


def same_queries(built) -> list[Figure]:
    """The list of ``FEW`` rows and the list of ``MANY`` or more (the page shows 50): the same number of queries."""
    figures = []
    for who in ("city", "jiangning"):
        user = built.users[who]
        client = client_for(user)
        lists = expiring_lists(user)
        if len(lists) < 2:
            print(f"  {who}: no two lists of {FEW} and {MANY} rows with the same filters")
            continue
        counts = {}
        for size, url in lists.items():
            get(client, url)  # a new session's first request also saves it: count a visit like every later one
            response, queries = one_request(f"{who}, {size} rows: {url}", client, url)
            counts[size] = len(queries)
            shown = count_shown(LIST_COUNT, response.content.decode())
            print(f"    shows {shown:,} rows")
        verdict = "ok" if counts[FEW] == counts[MANY] else "DIFFERENT"
        figures.append(
            Figure(
                "portfolio",
                f"{'city' if who == 'city' else 'district'} list, {FEW} rows vs {MANY}+",
                queries=f"{counts[FEW]} vs {counts[MANY]}",
                verdict=verdict,
            )
        )
    return figures


# --- Exports, each in a process of its own ---------------------------------------------------------------------------


def memory_mb(field: str) -> float:
    """A figure of /proc/self/status in MB: VmRSS (resident now) or VmHWM (its peak). Not ``ru_maxrss``: Linux keeps
    that across fork and exec, so a new process starts with the benchmark's own peak of several hundred MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def export_here(sheet: str, file_format: str, username: str, traced: bool) -> dict:
    """In the export's process: one export job for ``username``'s whole list, as the worker runs it."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from monitoring.jobs import run_export_job
    from monitoring.models import ExportJob
    from portal.models import User

    job = ExportJob.objects.create(
        requested_by=User.objects.get(username=username), filters="", sheet=sheet, format=file_format
    )
    before = memory_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from what is resident now
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with override_settings(DEBUG=False):
        done = run_export_job(job_id=job.pk)
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
    peak = memory_mb("VmHWM")
    return {
        "job": job.pk,
        "done": done is not None,
        "seconds": seconds,
        "rss_before": before,
        "rss_peak": peak,
        "traced_peak": traced_peak,
    }


def export_in_a_process(sheet: str, file_format: str, *, traced: bool = False) -> dict:
    process = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_portfolio", "export", sheet, file_format, EXPORTER]
        + (["--traced"] if traced else []),
        cwd=ROOT,
        env=os.environ.copy(),  # DATABASE_URL names this benchmark's database (``pages.fresh_database``)
        capture_output=True,
        text=True,
        timeout=600,
    )
    if process.returncode:
        raise RuntimeError(f"the export's process failed:\n{process.stderr[-3000:]}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def rows_in_file(job) -> int:
    """The data rows of the job's file, read back (the header row left out)."""
    from openpyxl import load_workbook

    with job.file.open("rb") as stream:
        if job.format == "csv":
            return sum(1 for _row in csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig"))) - 1
        workbook = load_workbook(stream, read_only=True)
        return sum(1 for _row in workbook.worksheets[0].iter_rows()) - 1


def exports() -> list[Figure]:
    from monitoring import exports as sheets
    from monitoring.models import ExportJob, Format, Sheet
    from monitoring.selectors import portfolio
    from portal.models import User

    exporter = User.objects.get(username=EXPORTER)
    figures = []
    for sheet, file_format in (
        (Sheet.CONSORTIA, Format.XLSX),
        (Sheet.CONSORTIA, Format.CSV),
        (Sheet.MEMBERS, Format.XLSX),
    ):
        expected = sheets.count_rows(sheet, portfolio(exporter))
        timed = export_in_a_process(sheet, file_format)
        traced = export_in_a_process(sheet, file_format, traced=True)
        job = ExportJob.objects.get(pk=timed["job"])
        rows = rows_in_file(job)
        problems = []
        if not timed["done"] or job.status != ExportJob.Status.DONE:
            problems.append(f"job {job.status}")
        if rows != expected or job.rows_done != expected:
            problems.append(f"{rows:,} rows in the file, {job.rows_done:,} counted, {expected:,} expected")
        if sheet == Sheet.CONSORTIA and timed["seconds"] > EXPORT_SECONDS:  # the target is the consortia's
            problems.append(f"over {EXPORT_SECONDS:.0f} s")
        if timed["rss_peak"] > EXPORT_MB:
            problems.append(f"over {EXPORT_MB:.0f} MB")
        growth = timed["rss_peak"] - timed["rss_before"]
        python = f"; Python's allocations {traced['traced_peak']:.0f} MB" if traced else ""
        slower = f" (tracemalloc's run: {traced['seconds']:.1f} s)" if traced else ""
        print(
            f"export {Sheet(sheet).label} {file_format}: {rows:,} rows in {timed['seconds']:.2f} s, the process's "
            f"peak {timed['rss_peak']:.0f} MB ({growth:+.0f} MB over its {timed['rss_before']:.0f} MB before the "
            f"export){python}{slower}, {job.file.size / 2**20:.1f} MB file — {'; '.join(problems) or 'ok'}"
        )
        figures.append(
            Figure(
                "portfolio",
                f"export {sheet} {file_format}, {rows:,} rows",
                seconds=timed["seconds"],
                peak_mb=timed["rss_peak"],
                verdict=f"{'; '.join(problems) or 'ok'} (+{growth:.0f} MB{python})",
            )
        )
    return figures


# --- The run ---------------------------------------------------------------------------------------------------------


def run() -> list[Figure]:
    built = build()
    counts = ", ".join(f"{count:,} {name}" for name, count in built.counts.items())
    print(f"built in {built.seconds:.1f} s on {connection.vendor}: {counts} ({built.stages} s)")
    pages, expected = pages_of(built)
    # As in production (DEBUG off): no query log, no template debug information.
    with override_settings(DEBUG=False):
        timings = time_pages(pages)
    report(timings)

    print("queries per request:")
    inspected = {label: inspect(label, client, url, expected.get(label)) for label, client, url in pages}
    figures = page_figures("portfolio", timings, {label: count for label, (count, _sql, _p) in inspected.items()})
    explain = os.environ.get("PORTFOLIO_EXPLAIN")
    for index, figure in enumerate(figures):
        _count, queries, problem = inspected[figure.measure]
        if problem:
            figures[index] = dataclasses.replace(figure, verdict=f"{figure.verdict}; WRONG: {problem}")
        missed = figure.ratio95 is not None and max(figure.ratio50, figure.ratio95) > TARGET_RATIO
        if missed or explain:
            print(f"plans of {figure.measure} ({figure.verdict}):")
            print_plans(queries)
    print(f"queries for {FEW} rows and for {MANY} or more:")
    figures += same_queries(built)
    figures += exports()
    return figures


def main() -> list[Figure]:
    with fresh_database("portfolio"):
        return run()


if __name__ == "__main__":
    if sys.argv[1:2] == ["export"]:
        sheet, file_format, username = sys.argv[2:5]
        print(json.dumps(export_here(sheet, file_format, username, traced="--traced" in sys.argv)))
        raise SystemExit(0)
    raise SystemExit(run_alone("portfolio"))
