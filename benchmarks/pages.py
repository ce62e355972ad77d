"""What the benchmarks share (``bench_queues``, ``bench_annual_reports``, ``bench_portfolio``…): a logged-in test
client, interleaved timing rounds with p50/p95 against the inbox of the same user, the lines of the final table
(``Figure``, ``page_figures``, ``table``), the queries of one request with their plans, a database of the
benchmark's own, and running a benchmark module alone (on PostgreSQL with DATABASE_URL).

Nothing here imports a model: run alone, a benchmark module is imported before Django is set up.
"""

import contextlib
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

WARMUPS = 5
RUNS = 50
TARGET_RATIO = 3.0  # a page within 3× a trivial page (the inbox) of the same user


# --- Timing ----------------------------------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client(HTTP_HOST="localhost")  # ALLOWED_HOSTS, without setup_test_environment()'s instrumentation
    client.force_login(user)
    return client


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url}: {response.status_code}")
    return response


def time_pages(pages: list[tuple[str, Client, str]]) -> dict[str, tuple[list[float], list[float]]]:
    """Wall-clock and this thread's CPU time (ms) of each page, in rounds that take every page in turn."""
    for _ in range(WARMUPS):
        for _label, client, url in pages:
            get(client, url)
    timings = {label: ([], []) for label, _, _ in pages}
    for _ in range(RUNS):
        for label, client, url in pages:
            wall, cpu = time.perf_counter(), time.thread_time()
            get(client, url)
            timings[label][1].append((time.thread_time() - cpu) * 1000)
            timings[label][0].append((time.perf_counter() - wall) * 1000)
        reset_queries()
    return timings


def trivial_page(label: str) -> str | None:
    """The page a page is compared with: none for an inbox (the trivial page itself), else the "district inbox" when
    its label begins with "district", the "city inbox" otherwise."""
    if "inbox" in label:
        return None
    return "district inbox" if label.startswith("district") else "city inbox"


def report(timings: dict[str, tuple[list[float], list[float]]]) -> None:
    """p50/p95 of each page, against its ``trivial_page``."""
    wall = {label: statistics.median(values[0]) for label, values in timings.items()}
    cpu = {label: statistics.median(values[1]) for label, values in timings.items()}
    print(f"{RUNS} timed requests a page after {WARMUPS} warm-ups, interleaved (CPU: this process, not the database):")
    for label, (values, _cpu) in timings.items():
        p95 = percentile(values, 0.95)
        line = f"  {label:16} p50 {wall[label]:7.1f} ms  p95 {p95:7.1f} ms  CPU p50 {cpu[label]:6.1f} ms"
        inbox = trivial_page(label)
        if inbox:
            ratio = wall[label] / wall[inbox]
            verdict = "ok" if ratio <= TARGET_RATIO else f"ABOVE the {TARGET_RATIO:.0f}× target"
            line += f"  = {ratio:.1f}× the inbox (CPU {cpu[label] / cpu[inbox]:.1f}×) — {verdict}"
        print(line)


# --- The final table ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One line of the table ``make bench`` ends with: a page (p50, p95 and both as a ratio to the trivial page of
    the same user, queries per request), a job or an export (seconds, queries, peak memory), or a rate."""

    benchmark: str
    measure: str
    p50: float | None = None  # ms
    p95: float | None = None  # ms
    ratio50: float | None = None  # p50 / the trivial page's p50
    ratio95: float | None = None  # p95 / the trivial page's p95
    queries: int | str | None = None
    seconds: float | None = None
    peak_mb: float | None = None
    per_second: float | None = None
    verdict: str = ""


def page_verdict(ratio50: float, ratio95: float) -> str:
    slow = [name for name, ratio in (("p50", ratio50), ("p95", ratio95)) if ratio > TARGET_RATIO]
    return f"{'/'.join(slow)} ABOVE {TARGET_RATIO:.0f}×" if slow else "ok"


def page_figures(benchmark: str, timings: dict, queries: dict[str, int | str]) -> list[Figure]:
    """The table's lines of the pages ``time_pages`` timed, each against its ``trivial_page`` (the inboxes too, as
    the unit of the others); ``queries``: per label, the queries of one request."""
    p50 = {label: statistics.median(wall) for label, (wall, _cpu) in timings.items()}
    p95 = {label: percentile(wall, 0.95) for label, (wall, _cpu) in timings.items()}
    figures = []
    for label in timings:
        inbox = trivial_page(label)
        ratios = {}
        if inbox:
            ratios = {"ratio50": p50[label] / p50[inbox], "ratio95": p95[label] / p95[inbox]}
        figures.append(
            Figure(
                benchmark,
                label,
                p50=p50[label],
                p95=p95[label],
                queries=queries.get(label),
                verdict=page_verdict(**ratios) if ratios else "(trivial page)",
                **ratios,
            )
        )
    return figures


# The table's columns: heading, width (text left-aligned, figures right-aligned), format of a value.
COLUMNS = [
    ("benchmark", 15, "{}"),
    ("measure", 36, "{}"),
    ("p50 ms", 8, "{:.1f}"),
    ("p95 ms", 8, "{:.1f}"),
    ("×p50", 5, "{:.1f}"),
    ("×p95", 5, "{:.1f}"),
    ("queries", 8, "{}"),
    ("seconds", 8, "{:.2f}"),
    ("peak MB", 8, "{:.0f}"),
    ("per s", 8, "{:,.0f}"),
    ("verdict", 0, "{}"),
]
TEXT_COLUMNS = 2  # benchmark and measure


def table(figures: list[Figure]) -> str:
    """The figures as a text table, empty cells where a line has no such figure. A page's ratios are to the trivial
    page (the inbox) of the same user timed in the same interleaved run."""

    def line(cells: list[str]) -> str:
        aligned = [
            text.ljust(width) if index < TEXT_COLUMNS else text.rjust(width)
            for index, (text, (_heading, width, _form)) in enumerate(zip(cells, COLUMNS, strict=True))
        ]
        return "  ".join(aligned).rstrip()

    heading = line([name for name, _width, _form in COLUMNS])
    lines = [heading, "-" * len(heading)]
    for f in figures:
        values = [f.benchmark, f.measure, f.p50, f.p95, f.ratio50, f.ratio95, f.queries]
        values += [f.seconds, f.peak_mb, f.per_second, f.verdict]
        lines.append(
            line(
                [
                    "" if value is None else form.format(value)
                    for value, (_heading, _width, form) in zip(values, COLUMNS, strict=True)
                ]
            )
        )
    return "\n".join(lines)


# --- Queries ---------------------------------------------------------------------------------------------------------


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(f"      {row[0]}" for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(f"      {row[-1]}" for row in cursor.fetchall())


def one_request(label: str, client: Client, url: str):
    """Prints the number of SQL queries of one request of the page, their time and the slowest ones; returns the
    response and the queries (Django's ``captured_queries``)."""
    with CaptureQueriesContext(connection) as captured:
        response = get(client, url)
    queries = captured.captured_queries
    total_ms = sum(float(q["time"]) for q in queries) * 1000
    print(f"  {label}: {len(queries)} queries, {total_ms:.1f} ms in SQL (one request); slowest:")
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)
    for query in slowest[:3]:
        print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
    return response, queries


def print_plans(queries: list[dict]) -> None:
    # SELECTs only: EXPLAIN ANALYZE would run the session UPDATE again, and COMMIT has no plan.
    for query in [q for q in queries if q["sql"].startswith("SELECT")]:
        print(f"    plan of ({float(query['time']) * 1000:.1f} ms) {query['sql'][:100]}")
        print(explain(query["sql"]))


# --- A database of its own, and running alone ------------------------------------------------------------------------


def database_url() -> str:
    """DATABASE_URL for the database the connection uses now, for a subprocess to work on it too."""
    from urllib.parse import quote

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, password, host = quote(settings["USER"] or ""), quote(settings["PASSWORD"] or ""), settings["HOST"] or ""
    if host.startswith("/"):  # a Unix socket's folder
        return f"postgres:///{quote(settings['NAME'])}?host={host}&user={user}&password={password}"
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    return f"postgres://{credentials}{host or 'localhost'}:{settings['PORT'] or 5432}/{quote(settings['NAME'])}"


@contextlib.contextmanager
def database_in_environment():
    """DATABASE_URL names the database in use (a throwaway one) for the subprocesses started meanwhile."""
    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = database_url()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("DATABASE_URL")
        else:
            os.environ["DATABASE_URL"] = saved


@contextlib.contextmanager
def fresh_database(name: str):
    """A database of the benchmark ``name``'s own, created by Django's test machinery beside the configured one (a
    file bench_<name>.sqlite3 next to the runner's SQLite database, or test_<name of the configured database> on
    PostgreSQL), migrated, loaded with the reference data, and dropped afterwards: what the other benchmarks leave in
    the runner's database (bench_lifecycle's 10,000 active consortia) would blur the scale, and what this one builds
    must not stay for them."""
    from django.core.management import call_command

    settings_dict = connection.settings_dict
    configured, test_settings = settings_dict["NAME"], dict(settings_dict["TEST"])
    if connection.vendor == "sqlite":  # a file, not Django's default in-memory test database
        settings_dict["TEST"]["NAME"] = str(Path(configured).with_name(f"bench_{name}.sqlite3"))
    started = time.perf_counter()
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"database {database} of its own, ready in {time.perf_counter() - started:.1f} s")
        with database_in_environment():
            yield
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)
        settings_dict["TEST"] = test_settings


def run_alone(name: str) -> int:
    """``python -m benchmarks.bench_<name>``: the runner with that benchmark alone (on PostgreSQL when DATABASE_URL
    names a server: the database it names is never touched)."""
    from benchmarks.__main__ import main as runner

    return runner([name])
