"""On PostgreSQL the portfolio search can be answered from the indexes of migration 0002 (trigrams on upper-cased
names, the unique index for a whole USCC), not only by reading every organisation.

What the planner chooses depends on the table's size and statistics (measured on 10,000 consortia, 40,000
organisations and 60,000 memberships: the organisation subqueries read these indexes); what can break in the code is
that the SQL the search writes no longer matches an index — Django's ``icontains`` is ``UPPER(col::text) LIKE
UPPER(…)``, and the indexes are on that expression. So the plans are read with sequential scans priced out: an index
that matches shows in the plan, one that does not leaves the scan there."""

import pytest
from django.db import connection, transaction
from django.http import QueryDict

from monitoring.filters import PortfolioFilter
from monitoring.selectors import portfolio
from tests.lifecycle import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes exist on PostgreSQL only"),
]


def plan(user, text: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return PortfolioFilter(QueryDict(f"q={text}"), queryset=portfolio(user), user=user).qs.explain()


@pytest.fixture
def member():
    return factories.organisation(name="南京碳化硅衬底材料研究院")


def test_a_name_search_can_read_the_trigram_indexes(demo_users, member):
    found = plan(demo_users["city"], "碳化硅衬底")
    assert "monitoring_org_name_trgm" in found
    assert "monitoring_consortium_name_trgm" in found and "monitoring_filing_number_trgm" in found
    assert "Seq Scan on portal_organisation" not in found


def test_a_part_of_a_uscc_can_read_its_trigram_index(demo_users, member):
    assert "monitoring_org_uscc_trgm" in plan(demo_users["city"], member.uscc[2:12])


def test_a_whole_uscc_is_looked_up_in_its_unique_index(demo_users, member):
    found = plan(demo_users["city"], member.uscc)
    assert f"Index Cond: ((uscc)::text = '{member.uscc}'::text)" in found
    assert "monitoring_org_uscc_trgm" not in found and "Seq Scan on portal_organisation" not in found
