import threading
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from reviews.models import FilingNumberCounter
from reviews.numbers import allocate_filing_number


@pytest.mark.django_db
def test_numbers_are_sequential_within_a_year_and_restart_at_one_in_the_next():
    assert [allocate_filing_number(year=2026) for _ in range(3)] == [
        "宁创联备〔2026〕001号",
        "宁创联备〔2026〕002号",
        "宁创联备〔2026〕003号",
    ]
    assert allocate_filing_number(year=2027) == "宁创联备〔2027〕001号"
    assert allocate_filing_number(year=2026) == "宁创联备〔2026〕004号"
    assert dict(FilingNumberCounter.objects.values_list("year", "last_number")) == {2026: 4, 2027: 1}


@pytest.mark.django_db
def test_the_seventh_number_has_three_digits():
    FilingNumberCounter.objects.create(year=2026, last_number=6)
    assert allocate_filing_number(year=2026) == "宁创联备〔2026〕007号"


@pytest.mark.django_db
def test_number_pattern_comes_from_the_setting(settings):
    settings.FILING_NUMBER_PATTERN = "NJ-CX-{year}-{number:04d}"
    assert allocate_filing_number(year=2026) == "NJ-CX-2026-0001"


@pytest.mark.django_db
def test_a_pattern_with_an_unknown_placeholder_is_a_configuration_error(settings):
    settings.FILING_NUMBER_PATTERN = "宁创联备〔{year}〕{serial}号"
    with pytest.raises(ImproperlyConfigured, match="FILING_NUMBER_PATTERN"):
        allocate_filing_number(year=2026)


@pytest.mark.django_db
def test_a_rolled_back_approval_gives_its_number_back():
    assert allocate_filing_number(year=2026) == "宁创联备〔2026〕001号"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert allocate_filing_number(year=2026) == "宁创联备〔2026〕002号"
        raise RuntimeError("the approval failed after the number was taken")
    assert allocate_filing_number(year=2026) == "宁创联备〔2026〕002号"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_first_number_of_a_year_leaves_no_row_and_no_gap():
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_filing_number(year=2026)
        raise RuntimeError("the approval failed")
    assert not FilingNumberCounter.objects.exists()
    with transaction.atomic():
        assert allocate_filing_number(year=2026) == "宁创联备〔2026〕001号"


@pytest.mark.django_db(transaction=True)
def test_allocating_outside_a_transaction_is_refused():
    with pytest.raises(transaction.TransactionManagementError, match=r"transaction\.atomic"):
        allocate_filing_number(year=2026)
    assert not FilingNumberCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approvals_get_twenty_distinct_gap_free_numbers():
    if connection.vendor != "postgresql":
        pytest.skip(f"concurrent row locks need PostgreSQL; this run uses {connection.vendor}")

    threads_count = 20
    barrier = threading.Barrier(threads_count)
    numbers, errors = [], []
    lock = threading.Lock()

    def approve():
        try:
            connection.ensure_connection()  # connect before the barrier, so that the allocations really overlap
            barrier.wait(timeout=30)
            with transaction.atomic():
                number = allocate_filing_number(year=2026)
                time.sleep(0.01)  # the rest of the approval: the lock is held a moment, as in real life
            with lock:
                numbers.append(number)
        except Exception as error:  # reported by the main thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(numbers) == [f"宁创联备〔2026〕{n:03d}号" for n in range(1, threads_count + 1)]
    assert FilingNumberCounter.objects.get(year=2026).last_number == threads_count
