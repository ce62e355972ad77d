"""Two lead units naming the same new member at the same moment, on PostgreSQL: one organisation, which both get."""

import threading
import time

import pytest
from django.db import connection, transaction

from consortia.services import find_or_create_member_organisation
from portal.models import Organisation
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def in_a_thread(target, outcome: dict) -> threading.Thread:
    def run():
        try:
            outcome["returned"] = target()
        except Exception as error:  # asserted on below
            outcome["raised"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_member_another_lead_unit_created_a_moment_ago_is_the_one_returned():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL: SQLite runs one writer at a time, so the two never overlap")
    uscc = make_uscc(777)
    inserted, commit = threading.Event(), threading.Event()

    def other_lead_unit():
        with transaction.atomic():
            created = Organisation.objects.create(uscc=uscc, name="另一家填写的名称", kind="enterprise")
            inserted.set()
            commit.wait(timeout=30)
        return created

    other, this = {}, {}
    other_thread = in_a_thread(other_lead_unit, other)
    assert inserted.wait(timeout=30)
    # This lookup finds nothing (the other row is not committed); its insert then waits on the unique index.
    this_thread = in_a_thread(
        lambda: find_or_create_member_organisation(uscc=uscc, name="这一家填写的名称", kind="institute"), this
    )
    deadline = time.monotonic() + 30
    while waiting_on_a_lock() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting_on_a_lock() == 1
    commit.set()
    other_thread.join(timeout=30)
    this_thread.join(timeout=30)

    assert "raised" not in other and "raised" not in this, (other, this)
    assert this["returned"].pk == other["returned"].pk
    assert list(Organisation.objects.filter(uscc=uscc).values_list("name", "kind", "registered")) == [
        ("另一家填写的名称", "enterprise", False)
    ]
