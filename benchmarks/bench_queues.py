"""The officers' review queues at DESIGN §10's scale. Target: a queue page within 3× a trivial page of the same user.

On a database of its own (see ``pages.fresh_database``), builds the portfolio of ``monitoring.scale`` (10,000
consortia led by 1,400 organisations over the 14 authorities — 300 in district review in Jiangning, 400 in city review,
most of the others filed — 60,000 memberships, 200,000 workflow events, 30,000 annual reports and the submissions the
queue counts, 1 to 3 per submitted consortium). Then times, with Django's test client logged in and DEBUG off, in
interleaved rounds so that drift hits every page alike:

- the district queue (``jiangning``, GET /reviews/: 300 filings in district review),
- the city queue (``city``, GET /reviews/: 400 in city review, and GET /reviews/?status=: every submitted filing),
- the inbox (GET /notifications/, 30 notifications on the same base template) of each user, for comparison,

and prints p50/p95 in ms, this process's CPU time (steadier than wall-clock on a shared machine; it leaves out
PostgreSQL's own work), the ratio queue p50 / inbox p50, the SQL queries of one request of each page with the
slowest ones, and checks what the pages show (the row count and the status tabs) against the database.
``QUEUES_EXPLAIN=1`` also prints the plan of every SELECT of those requests.

Run by ``python -m benchmarks queues``, or alone: ``python -m benchmarks.bench_queues`` does the same; either runs on
PostgreSQL when ``DATABASE_URL`` names a server (on throwaway databases, see ``benchmarks/__main__.py``).
"""

import dataclasses
import os
import re
from collections import Counter

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from benchmarks.pages import (
    client_for,
    fresh_database,
    one_request,
    page_figures,
    print_plans,
    report,
    run_alone,
    time_pages,
)
from consortia.states import Status

# The models and the builder (``monitoring.scale``) are imported in the functions: run alone, this module is imported
# before Django is set up.


def build():
    """DESIGN §10's portfolio (``monitoring.scale.build``) without a query log (DEBUG) while inserting 300,000 rows,
    and with a cheap hasher for the demo accounts we force_login."""
    from monitoring.scale import build

    with override_settings(DEBUG=False, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return build()


# --- Timing ----------------------------------------------------------------------------------------------------------


def shown(html: str) -> tuple[int, dict[str, int]]:
    """The row count and the status tabs' counts a queue page shows."""
    total = int(re.search(r'data-testid="result-count">共 ([\d,]+) ', html).group(1).replace(",", ""))
    tabs = dict(re.findall(r'href="\?status=(\w+)">[^<]*<span class="badge text-bg-light">(\d+)</span>', html))
    return total, {status: int(n) for status, n in tabs.items()}


def inspect(label: str, client: Client, url: str, expected_total: int, expected_tabs: dict[str, int]) -> tuple:
    """The queries of one request, and what the page shows against the database: (queries, whether it matches)."""
    response, queries = one_request(label, client, url)
    matches = True
    if expected_total is not None:
        total, tabs = shown(response.content.decode())
        verdict = "ok" if total == expected_total else f"WRONG, the database has {expected_total:,}"
        print(f"    shows 共 {total:,} 项 — {verdict}")
        matches = total == expected_total and tabs == expected_tabs
        if tabs != expected_tabs:
            wrong = {s: (tabs.get(s), expected_tabs.get(s)) for s in expected_tabs.keys() | tabs.keys()}
            wrong = {s: pair for s, pair in wrong.items() if pair[0] != pair[1]}
            print(f"    status tabs WRONG (shown, in the database): {wrong}")
        else:
            print("    status tabs match the database")
    if os.environ.get("QUEUES_EXPLAIN"):
        print_plans(queries)
    return len(queries), matches


def run() -> list:
    from consortia.models import Consortium
    from monitoring.scale import JIANGNING

    built = build()
    counts = ", ".join(f"{count:,} {name}" for name, count in built.counts.items())
    print(f"built in {built.seconds:.1f} s on {connection.vendor}: {counts} ({built.stages} s)")
    users = built.users
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

    # What each sees: submitted filings (of its own district for the officer), never a draft.
    submitted = Consortium.objects.filter(submitted_at__isnull=False)
    jiangning_tabs = dict(
        Counter(submitted.filter(lead_organisation__jurisdiction__code=JIANGNING).values_list("status", flat=True))
    )
    city_tabs = dict(Counter(submitted.values_list("status", flat=True)))
    print("queries per request:")
    inspected = {
        "district inbox": inspect("district inbox", jiangning, "/notifications/", None, None),
        "district queue": inspect(
            "district queue", jiangning, "/reviews/", jiangning_tabs[Status.DISTRICT_REVIEW], jiangning_tabs
        ),
        "city inbox": inspect("city inbox", city, "/notifications/", None, None),
        "city queue": inspect("city queue", city, "/reviews/", city_tabs[Status.CITY_REVIEW], city_tabs),
        "city queue, all": inspect("city queue, all", city, "/reviews/?status=", submitted.count(), city_tabs),
    }
    figures = page_figures("queues", timings, {label: count for label, (count, _matches) in inspected.items()})
    return [
        figure if inspected[figure.measure][1] else dataclasses.replace(figure, verdict=f"{figure.verdict}; WRONG")
        for figure in figures
    ]


def main() -> list:
    with fresh_database("queues"):
        return run()


if __name__ == "__main__":
    raise SystemExit(run_alone("queues"))
