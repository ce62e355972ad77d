"""What the benchmarks that time pages share (``bench_queues``, ``bench_annual_reports``): a logged-in test client,
interleaved timing rounds with p50/p95 against the inbox of the same user, the queries of one request with their
plans, a database of the benchmark's own, and running a benchmark module alone (on PostgreSQL with DATABASE_URL).

Nothing here imports a model: run alone, a benchmark module is imported before Django is set up.
"""

import contextlib
import os
import statistics
import time
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


def report(timings: dict[str, tuple[list[float], list[float]]]) -> None:
    """p50/p95 of each page; a page whose label has no "inbox" is compared with the "district inbox" when its label
    begins with "district", with the "city inbox" otherwise."""
    wall = {label: statistics.median(values[0]) for label, values in timings.items()}
    cpu = {label: statistics.median(values[1]) for label, values in timings.items()}
    print(f"{RUNS} timed requests a page after {WARMUPS} warm-ups, interleaved (CPU: this process, not the database):")
    for label, (values, _cpu) in timings.items():
        p95 = percentile(values, 0.95)
        line = f"  {label:16} p50 {wall[label]:7.1f} ms  p95 {p95:7.1f} ms  CPU p50 {cpu[label]:6.1f} ms"
        if "inbox" not in label:
            inbox = "district inbox" if label.startswith("district") else "city inbox"
            ratio = wall[label] / wall[inbox]
            verdict = "ok" if ratio <= TARGET_RATIO else f"ABOVE the {TARGET_RATIO:.0f}× target"
            line += f"  = {ratio:.1f}× the inbox (CPU {cpu[label] / cpu[inbox]:.1f}×) — {verdict}"
        print(line)


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
        yield
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)
        settings_dict["TEST"] = test_settings


def run_alone(name: str, main) -> int:
    """``python -m benchmarks.bench_<name>``: the runner (throwaway SQLite), or ``main`` on PostgreSQL when
    DATABASE_URL names a server (``main`` works in ``fresh_database``: the database DATABASE_URL names is never
    touched)."""
    import sys
    import tempfile

    url = os.environ.get("DATABASE_URL", "")
    if not url or url.startswith("sqlite"):
        from benchmarks.__main__ import main as runner

        return runner([name])
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
        os.environ["VAR_DIR"] = folder  # the Celery broker folders the settings create
        import django

        django.setup()
        print(f"--- bench_{name}")
        main()  # on test_<name>: the database DATABASE_URL names is never touched
    sys.stdout.flush()
    return 0
