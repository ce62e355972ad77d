"""Filing numbers (备案编号, DESIGN §3): ``宁创联备〔2026〕007号`` by default, sequential per year, never repeated.

The counter row of the year is locked and incremented inside the caller's transaction — the approval's own — so two
approvals at the same moment queue on the lock and get consecutive numbers, and an approval that rolls back gives its
number back: the numbers of a year have no gaps.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .models import FilingNumberCounter


def allocate_filing_number(*, year: int) -> str:
    """Take the next filing number of ``year``. Call it inside the transaction that records the approval."""
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the lock would be released at once and a failed approval would leave a gap.
        raise transaction.TransactionManagementError("allocate_filing_number() must run inside transaction.atomic().")

    counter = locked_counter(year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return format_filing_number(year=year, number=counter.last_number)


def locked_counter(year: int) -> FilingNumberCounter:
    """The year's counter, locked until the caller's transaction ends (an approval, an import of a paper filing)."""
    # The first of a year creates the row. INSERT … ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite) lets two
    # transactions race for it safely: the second waits for the first and then inserts nothing, where a plain
    # get_or_create would fail with an IntegrityError and abort the caller's transaction on PostgreSQL.
    FilingNumberCounter.objects.bulk_create([FilingNumberCounter(year=year, last_number=0)], ignore_conflicts=True)
    return FilingNumberCounter.objects.select_for_update().get(year=year)


def format_filing_number(*, year: int, number: int) -> str:
    pattern = settings.FILING_NUMBER_PATTERN
    try:
        return pattern.format(year=year, number=number)
    except (KeyError, IndexError, ValueError) as error:
        raise ImproperlyConfigured(
            f"FILING_NUMBER_PATTERN {pattern!r} cannot be filled in: use only {{year}} and {{number}}, "
            f"e.g. '宁创联备〔{{year}}〕{{number:03d}}号' ({error})."
        ) from error
