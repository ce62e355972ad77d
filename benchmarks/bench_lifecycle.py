"""The daily expiry job over 10,000 active consortia of which 2,000 are due (DESIGN §10), and the reminder job.

Run by ``python -m benchmarks lifecycle`` (after django.setup(), on a throwaway database). Prints the time and the
number of queries of each run, and shows that the number of queries does not depend on how many consortia are due:
the job works in set-based statements (UPDATE … WHERE status = 'active', INSERT … SELECT), never one per consortium.
"""

import time
from datetime import date, timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.pages import Figure
from consortia.lifecycle.jobs import expire_due_consortia, send_expiry_reminders
from consortia.models import Consortium
from consortia.states import Status
from portal.models import Authority, Notification, Organisation, Role, User
from portal.uscc import check_character

ACTIVE = 10_000
DUE = 2_000
DUE_LATER = 200
REMINDED = 2_000
LEAD_UNITS = 500
TODAY = date(2027, 6, 1)


def _uscc(number: int) -> str:
    base = f"91320100BM{number:07d}"
    return base + check_character(base)


def populate() -> None:
    """Lead units spread over the districts, one user each, an officer per district, and the consortia: 2,000 that
    ended yesterday, 200 that end in nine days, 2,000 that end in 90 days and the rest later."""
    authorities = list(Authority.objects.all())
    Organisation.objects.bulk_create(
        Organisation(
            uscc=_uscc(n), name=f"基准测试企业{n}", kind="enterprise", jurisdiction=authorities[n % len(authorities)]
        )
        for n in range(LEAD_UNITS)
    )
    organisations = list(Organisation.objects.filter(name__startswith="基准测试企业").order_by("pk"))
    User.objects.bulk_create(
        [
            User(
                username=f"bench-lead-{o.pk}", password="!", role=Role.LEAD_UNIT, organisation=o, email="l@example.com"
            )
            for o in organisations
        ]
        + [
            User(username=f"bench-officer-{a.code}", password="!", role=Role.DISTRICT_OFFICER, authority=a)
            for a in authorities
        ]
    )
    creator = User.objects.filter(role=Role.LEAD_UNIT).first()
    ends = (
        [TODAY - timedelta(days=1)] * DUE
        + [TODAY + timedelta(days=9)] * DUE_LATER
        + [TODAY + timedelta(days=90)] * REMINDED
        + [TODAY + timedelta(days=400 + n % 300) for n in range(ACTIVE - DUE - DUE_LATER - REMINDED)]
    )
    Consortium.objects.bulk_create(
        (
            Consortium(
                name=f"南京市基准测试创新联合体{n}",
                lead_organisation=organisations[n % LEAD_UNITS],
                created_by=creator,
                status=Status.ACTIVE,
                start_date=end - timedelta(days=3 * 365),
                end_date=end,
                filed_on=end - timedelta(days=3 * 365),
                filing_number=f"宁创联备〔BENCH〕{n:05d}号",
                submitted_at=timezone.now(),
            )
            for n, end in enumerate(ends)
        ),
        batch_size=500,
    )


def run(label: str, job, **kwargs) -> tuple[int, float]:
    """The job in its own transaction; the e-mails it queues go to the broker after commit, timed apart. Returns
    its queries and its seconds in the database."""
    # An earlier benchmark may have filled the connection's query log to its cap, which makes counting by difference
    # report nothing: start from an empty log.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        with transaction.atomic():
            result = job(**kwargs)
            finished = time.perf_counter()
        queued = time.perf_counter()
    active = Consortium.objects.filter(status=Status.ACTIVE).count()
    print(
        f"{label}: {result.consortia:>5} consortia, {result.notifications:>5} notifications, "
        f"{len(queries):>2} queries, {finished - started:.3f} s in the database "
        f"(+ {queued - finished:.3f} s commit and handing the e-mails to the broker); {active} still active"
    )
    return len(queries), finished - started


def main() -> list:
    started = time.perf_counter()
    populate()
    print(
        f"lifecycle: {Consortium.objects.filter(status=Status.ACTIVE).count()} active consortia, "
        f"{User.objects.count()} users, set up in {time.perf_counter() - started:.1f} s"
    )
    many, expiry_seconds = run(f"expire, {DUE} due     ", expire_due_consortia, today=TODAY)
    again, _seconds = run("expire, same day again", expire_due_consortia, today=TODAY)
    few, _seconds = run(f"expire, {DUE_LATER} due      ", expire_due_consortia, today=TODAY + timedelta(days=10))
    reminders, reminder_seconds = run(f"remind, {REMINDED} at 90 days", send_expiry_reminders, today=TODAY)
    reminders_again, _seconds = run("remind, same day again", send_expiry_reminders, today=TODAY)
    verdict = "the same" if many == few else "DIFFERENT"
    print(
        f"lifecycle: expiry queries with {DUE} due: {many}, with {DUE_LATER} due: {few} — {verdict}; "
        f"a re-run: {again} (nothing due); reminders: {reminders}, re-run {reminders_again}; "
        f"{Notification.objects.count()} notifications in all"
    )
    return [
        Figure(
            "lifecycle",
            f"expiry job, {DUE:,} due of {ACTIVE:,}",
            queries=many,
            seconds=expiry_seconds,
            verdict=f"queries at {DUE_LATER} due: {verdict}",
        ),
        Figure("lifecycle", f"expiry reminders, {REMINDED:,} at 90 days", queries=reminders, seconds=reminder_seconds),
    ]


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    main()
