"""Approvals at the same moment on PostgreSQL: distinct, gap-free filing numbers; one filing approved once."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from consortia.models import Consortium
from consortia.states import Status
from portal.exceptions import DomainError
from reviews.services import review_filing
from tests.factories import complete_filing

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent approvals need PostgreSQL's row locks (SQLite runs one writer at a time)")


def in_city_review(demo_users, count):
    ids = []
    for i in range(count):
        filing = complete_filing(lead_user=demo_users["lead-a"], name=f"并发联合体{i:02d}", seed=7000 + 10 * i)
        Consortium.objects.filter(pk=filing.pk).update(status=Status.CITY_REVIEW, submitted_at=timezone.now())
        ids.append(filing.pk)
    return ids


def run_together(targets):
    barrier = threading.Barrier(len(targets))
    outcomes = [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait()
            outcomes[index] = target()
        except Exception as error:  # collected and asserted on below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def approve(consortium_id, actor):
    return lambda: review_filing(
        consortium_id=consortium_id, actor=actor, decision="approve", expected_status=Status.CITY_REVIEW
    )


def make_submission(ids, demo_users):
    from consortia.models import Submission

    for pk in ids:
        Submission.objects.create(
            consortium_id=pk, number=1, submitted_by=demo_users["lead-a"], document={}, eligibility={}
        )


def test_twenty_parallel_approvals_get_distinct_gap_free_numbers(demo_users, needs_postgresql, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ids = in_city_review(demo_users, 20)
    make_submission(ids, demo_users)
    outcomes = run_together([approve(pk, demo_users["city"]) for pk in ids])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    year = timezone.localdate().year
    numbers = sorted(Consortium.objects.filter(pk__in=ids).values_list("filing_number", flat=True))
    assert numbers == [f"宁创联备〔{year}〕{n:03d}号" for n in range(1, 21)]


def test_one_filing_approved_twice_at_once_is_approved_once(demo_users, needs_postgresql, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (pk,) = in_city_review(demo_users, 1)
    make_submission([pk], demo_users)
    outcomes = run_together([approve(pk, demo_users["city"]), approve(pk, demo_users["city"])])
    approved = [o for o in outcomes if isinstance(o, Consortium)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(approved) == 1 and len(refused) == 1, outcomes
    assert "可能已有他人先行办理" in refused[0].message
    assert Consortium.objects.get(pk=pk).filing_number.endswith("001号")
