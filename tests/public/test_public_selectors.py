"""The public list's query and its entries called directly (issue 16, item 5): with nothing asked it is every consortium
on file by filing number (not by when it was created); a blank filing number is not on file; an entry holds the six
facts exactly, and a consortium without an industry field or a construction period has empty ones."""

from datetime import date

import pytest

from consortia.models import Consortium
from consortia.states import Status
from public.selectors import PublicEntry, public_consortia, public_entries, public_entry, public_statuses
from tests.lifecycle.factories import active_consortium, lead_user, organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(reference_data):
    return lead_user(organisation(name="公开名单测试有限公司"))


def filed(lead, number: str, status=Status.ACTIVE, **fields) -> Consortium:
    consortium = active_consortium(lead=lead, end_date=date(2028, 6, 30), status=status)
    Consortium.objects.filter(pk=consortium.pk).update(filing_number=number, **fields)
    consortium.refresh_from_db()
    return consortium


def test_with_nothing_asked_the_list_is_every_consortium_on_file_by_filing_number(lead, settings):
    settings.PUBLIC_LIST_SHOWS_REVOKED = False
    # Created in another order than their numbers.
    third = filed(lead, "宁创联备〔2026〕003号", Status.EXPIRED)
    first = filed(lead, "宁创联备〔2026〕001号")
    second = filed(lead, "宁创联备〔2026〕002号", Status.COMPLETED)
    filed(lead, "宁创联备〔2026〕004号", Status.REVOKED)
    filed(lead, "宁创联备〔2026〕005号", Status.CITY_REVIEW)
    assert list(public_consortia()) == [first, second, third]
    assert public_statuses() == [Status.ACTIVE, Status.COMPLETED, Status.EXPIRED]


def test_a_blank_filing_number_is_not_on_file(lead):
    numbered = filed(lead, "宁创联备〔2026〕001号")
    filed(lead, "")
    Consortium.objects.filter(pk=filed(lead, "宁创联备〔2026〕009号").pk).update(filing_number=None)
    assert list(public_consortia()) == [numbered]


def test_an_entry_holds_the_six_public_facts_exactly(lead):
    consortium = filed(lead, "宁创联备〔2026〕001号", start_date=date(2025, 7, 1), end_date=date(2028, 6, 30))
    Consortium.objects.filter(pk=consortium.pk).update(field=None)
    (entry,) = public_entries(public_consortia())
    assert entry == PublicEntry(
        filing_number="宁创联备〔2026〕001号",
        name=consortium.name,
        lead_unit="公开名单测试有限公司",
        field="",
        start_date=date(2025, 7, 1),
        end_date=date(2028, 6, 30),
        status_label="已备案（建设期内）",
    )
    assert entry.construction_period == "2025-07-01 至 2028-06-30"
    assert public_entry(Consortium.objects.get(pk=consortium.pk)) == entry


def test_an_entry_without_a_whole_period_shows_no_period(lead):
    consortium = filed(lead, "宁创联备〔2026〕001号", status=Status.EXPIRED)
    Consortium.objects.filter(pk=consortium.pk).update(start_date=None)
    (entry,) = public_entries(public_consortia())
    assert (entry.start_date, entry.construction_period, entry.status_label) == (None, "", "建设期满")
