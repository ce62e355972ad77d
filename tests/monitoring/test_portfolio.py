"""The portfolio list (issue 14 item 2): each filter narrows the list to exactly the consortia it names, the search
reaches members' USCCs, each reader sees their own scope, the order is whitelisted and stable, the page keeps its
filters, and its number of queries does not grow with the rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consortia.models import Consortium, Membership
from consortia.states import Status
from monitoring.views import portfolio as portfolio_view
from portal.models import IndustryField
from tests.lifecycle import factories

pytestmark = pytest.mark.django_db

URL = reverse("monitoring:portfolio")


def listed(client, params=None) -> list[str]:
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return [row.name for row in response.context["page"].object_list]


# Each filter alone, as the dashboard's charts link to the list: the names it must leave, exactly.
FILTERS = [
    ({"status": "active"}, ["silicon", "equipment"]),
    ({"status": ["active", "expired"]}, ["silicon", "equipment", "medicine"]),
    ({"status": "city_review"}, ["materials"]),
    ({"authority": "320115"}, ["silicon", "medicine"]),
    ({"authority": "320102"}, ["equipment", "materials"]),
    ({"field": "third-gen-semiconductors"}, ["silicon", "materials"]),
    ({"field": "biomedicine"}, ["medicine"]),
    ({"technology_kind": "frontier"}, ["equipment", "medicine", "materials"]),
    ({"technology_kind": "first-mover"}, ["medicine"]),
    ({"lead_kind": "university"}, ["medicine"]),
    ({"lead_kind": "enterprise"}, ["silicon", "equipment", "materials"]),
    # Periods: silicon 2025–2027, equipment 2024-01 – 2026-06, medicine 2021–2023; materials has none yet.
    ({"period_from": "2024-06-01", "period_to": "2024-12-31"}, ["equipment"]),
    ({"period_from": "2026-07-01"}, ["silicon"]),
    ({"period_to": "2023-12-31"}, ["medicine"]),
    ({"period_from": "2023-12-31", "period_to": "2024-01-01"}, ["equipment", "medicine"]),  # a day of each overlaps
    # Active only: medicine's period ended earlier, but it has expired already.
    ({"expiring_before": "2026-06-30"}, ["equipment"]),
    ({"expiring_before": "2026-06-29"}, []),
    ({"expiring_before": "2027-12-31"}, ["silicon", "equipment"]),
    ({"recognised": "true"}, ["silicon"]),
    ({"recognised": "false"}, ["equipment", "medicine", "materials"]),
    # A current member's record in force (equipment), the lead unit's (medicine); not a former member's, nor a
    # record ended early (silicon).
    ({"dishonest": "true"}, ["equipment", "medicine"]),
    ({"dishonest": "false"}, ["silicon", "materials"]),
    ({"status": "active", "authority": "320115", "recognised": "true"}, ["silicon"]),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS)
def test_each_filter_narrows_to_exactly_its_consortia(portfolio, demo_users, login, params, expected):
    names = set(listed(login(demo_users["city"]), params))
    assert names == {getattr(portfolio, key).name for key in expected}


SEARCHES = [
    ("碳化硅功率", ["silicon"]),  # the consortium's name
    ("智能装备创新", ["equipment"]),  # in the consortium's name only (its lead unit is 示范智能装备股份)
    ("示范智能装备股份", ["equipment", "materials"]),  # lead-b's name: both its consortia
    ("示范医科大学", ["medicine"]),  # a university leading
    ("生物样本技术", ["medicine"]),  # a member's name
    ("碳化硅研究院", ["silicon"]),  # a member of silicon
    ("已退出的失信", ["silicon"]),  # a former member still names the consortium it was in
    ("〔2025〕", ["silicon"]),  # the filing number
]


@pytest.mark.parametrize(("text", "expected"), SEARCHES)
def test_the_search_finds_names_filing_numbers_leads_and_members(portfolio, demo_users, login, text, expected):
    names = set(listed(login(demo_users["city"]), {"q": text}))
    assert names == {getattr(portfolio, key).name for key in expected}


def test_the_search_by_a_members_uscc_finds_its_consortium(portfolio, demo_users, login):
    client = login(demo_users["city"])
    uscc = portfolio.searched_member_uscc
    assert listed(client, {"q": uscc}) == [portfolio.medicine.name]
    # As people type it: lower case, in groups, or only a part of it.
    typed = " ".join([uscc[:6].lower(), uscc[6:12], uscc[12:]])
    assert listed(client, {"q": typed}) == [portfolio.medicine.name]
    assert listed(client, {"q": uscc[4:]}) == [portfolio.medicine.name]
    lead_uscc = demo_users["lead-b"].organisation.uscc
    assert set(listed(client, {"q": lead_uscc})) == portfolio.names(portfolio.equipment, portfolio.materials)


def test_each_reader_sees_their_own_scope(portfolio, demo_users, login):
    everyone = portfolio.names(portfolio.silicon, portfolio.equipment, portfolio.medicine, portfolio.materials)
    assert set(listed(login(demo_users["city"]))) == everyone  # every submitted filing, never a draft
    assert set(listed(login(demo_users["admin"]))) == everyone | {portfolio.draft.name}
    assert set(listed(login(demo_users["jiangning"]))) == portfolio.names(portfolio.silicon, portfolio.medicine)
    assert set(listed(login(demo_users["xuanwu"]))) == portfolio.names(portfolio.equipment, portfolio.materials)


def test_a_district_officer_has_no_authority_filter_and_cannot_widen_the_list(portfolio, demo_users, login):
    client = login(demo_users["jiangning"])
    response = client.get(URL, {"authority": "320102"})
    assert "authority" not in response.context["filter"].form.fields
    assert 'name="authority"' not in response.content.decode()
    assert {row.name for row in response.context["page"].object_list} == portfolio.names(
        portfolio.silicon, portfolio.medicine
    )
    assert "authority" in login(demo_users["city"]).get(URL).context["filter"].form.fields


def test_lead_units_are_refused_and_keep_their_own_list(portfolio, demo_users, login):
    client = login(demo_users["lead-a"])
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"export": "csv"}).status_code == 403
    response = client.get(reverse("consortia:list"))
    assert response.status_code == 200
    assert {row.name for row in response.context["page"].object_list} == portfolio.names(
        portfolio.silicon, portfolio.draft
    )


@pytest.mark.parametrize("username", ["jiangning", "city", "admin"])
def test_reviewers_list_of_all_filings_is_the_portfolio(demo_users, login, username):
    client = login(demo_users[username])
    response = client.get(reverse("consortia:list"))
    assert response.status_code == 302 and response.url == URL
    home = client.get(reverse("home")).content.decode()
    assert f'href="{URL}" data-testid="nav-portfolio"' in home
    assert f'href="{reverse("consortia:list")}"' not in home


def test_a_row_shows_the_columns_of_the_list(portfolio, demo_users, login):
    response = login(demo_users["city"]).get(URL, {"q": "碳化硅功率"})
    (row,) = response.context["page"].object_list
    assert (row.filing_number, row.name, row.field) == (
        portfolio.silicon.filing_number,
        portfolio.silicon.name,
        "第三代半导体",
    )
    assert row.technology_kinds == ["“卡脖子”技术"]
    assert (row.lead_name, row.authority) == ("南京示范半导体科技有限公司", "江宁区")
    # One current member: the other left.
    assert row.members == Membership.objects.filter(consortium=portfolio.silicon, left_on__isnull=True).count() == 1
    assert (row.start_date, row.end_date, row.recognised_on) == (date(2025, 1, 1), date(2027, 12, 31), date(2026, 3, 1))
    assert row.status_label == "已备案（建设期内）"
    page = response.content.decode()
    assert f'href="{reverse("consortia:detail", args=[portfolio.silicon.pk])}"' in page
    assert "2025-01-01 至 2027-12-31" in page and 'data-testid="recognised">2026-03-01<' in page


def test_a_filing_being_revised_is_listed_as_it_was_submitted(demo_users, login):
    """The reviewers read the latest submission, never the lead unit's unsent edits (``filing_as_seen``)."""
    from tests.factories import organisation, submitted_filing

    returned = submitted_filing(lead_user=demo_users["lead-a"], name="提交时的名称", seed=7300)
    Consortium.objects.filter(pk=returned.pk).update(status=Status.RETURNED, name="未提交的新名称", technology_kinds=[])
    Membership.objects.create(consortium=returned, organisation=organisation(7310, name="未提交的新成员"))

    (row,) = login(demo_users["city"]).get(URL).context["page"].object_list
    assert row.name == "提交时的名称"
    assert row.technology_kinds == ["“卡脖子”技术", "引领未来发展的基础前沿技术"]
    assert row.members == 2  # as submitted; the live filing has three


def by_pk(*consortia) -> list:
    return sorted(consortia, key=lambda consortium: consortium.pk)


# Periods: medicine 2021–2023, equipment 2024–2026, silicon 2025–2027; materials (in review) has none.
ORDERINGS = {
    "name": lambda p: sorted([p.silicon, p.equipment, p.medicine, p.materials], key=lambda c: c.name),
    "-end_date": lambda p: [p.silicon, p.equipment, p.medicine, p.materials],  # no period last, either direction
    "end_date": lambda p: [p.medicine, p.equipment, p.silicon, p.materials],
    "start_date": lambda p: [p.medicine, p.equipment, p.silicon, p.materials],
    "-filing_number": lambda p: [
        *sorted([p.silicon, p.equipment, p.medicine], key=lambda c: c.filing_number, reverse=True),
        p.materials,
    ],
    # In the order of a life (in review, active, expired), not of the codes; a tie by id whichever the direction.
    "status": lambda p: [p.materials, *by_pk(p.silicon, p.equipment), p.medicine],
    "-status": lambda p: [p.medicine, *by_pk(p.silicon, p.equipment), p.materials],
}


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_the_list_sorts_by_the_whitelisted_columns(portfolio, demo_users, login, ordering):
    expected = [consortium.name for consortium in ORDERINGS[ordering](portfolio)]
    assert listed(login(demo_users["city"]), {"ordering": ordering}) == expected


def test_the_default_order_is_by_filing_number_with_unfiled_last(portfolio, demo_users, login):
    filed = sorted([portfolio.silicon, portfolio.equipment, portfolio.medicine], key=lambda c: c.filing_number)
    assert listed(login(demo_users["city"])) == [c.name for c in filed] + [portfolio.materials.name]


def test_an_unknown_filter_value_or_ordering_is_refused_with_a_message(portfolio, demo_users, login):
    client = login(demo_users["city"])
    everyone = set(listed(client))
    for params in ({"ordering": "created_by"}, {"status": "bogus"}, {"period_from": "2026-13-01"}, {"field": "x"}):
        response = client.get(URL, params)
        assert response.status_code == 200
        form = response.context["filter"].form
        assert set(form.errors) == set(params), params
        assert "invalid-feedback" in response.content.decode()
        assert {row.name for row in response.context["page"].object_list} == everyone  # the bad value is ignored


def test_an_empty_list_says_so_and_offers_to_clear_the_filters(portfolio, demo_users, login):
    response = login(demo_users["city"]).get(URL, {"q": "不存在的联合体"})
    page = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert 'data-testid="empty"' in page and "没有符合条件的联合体。" in page and 'data-testid="portfolio"' not in page


def test_the_count_and_the_pages_keep_the_filters(demo_users, login):
    lead = demo_users["lead-a"]
    for number in range(55):
        factories.active_consortium(lead=lead, end_date=date(2028, 1, 1) + timedelta(days=number))
    factories.active_consortium(lead=lead, end_date=date(2029, 1, 1), status=Status.EXPIRED)
    client = login(demo_users["city"])
    first = client.get(URL, {"status": "active", "ordering": "-end_date"})
    assert first.context["page"].paginator.count == 55
    assert len(first.context["page"].object_list) == 25
    assert 'data-testid="result-count">共 55 个联合体<' in first.content.decode()
    assert 'href="?status=active&amp;ordering=-end_date&amp;page=2"' in first.content.decode()
    second, third = (client.get(URL, {"status": "active", "ordering": "-end_date", "page": n}) for n in (2, 3))
    rows = [*(page.context["page"].object_list for page in (first, second, third))]
    rows = [row for page in rows for row in page]
    assert len(rows) == 55 and len({row.pk for row in rows}) == 55
    assert [row.end_date for row in rows] == sorted((row.end_date for row in rows), reverse=True)
    # The sort links keep the filters and go back to the first page.
    assert 'href="?status=active&amp;ordering=end_date"' in second.content.decode()


def _page_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


def test_the_number_of_queries_does_not_grow_with_the_rows(demo_users, login, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(portfolio_view, "PAGE_SIZE", 500)  # every row on the one page
    lead, client = demo_users["lead-a"], login(demo_users["city"])

    def add(count):
        for _number in range(count):
            built = factories.active_consortium(
                lead=lead, end_date=date(2028, 1, 1), members=[factories.organisation(), factories.organisation()]
            )
            # Each row prints its industry field and its kinds, read with the row.
            Consortium.objects.filter(pk=built.pk).update(
                technology_kinds=["frontier"], field=IndustryField.objects.first()
            )

    add(5)
    client.get(URL)  # what the first request of a session reads once (its user, the site's caches)
    queries, rows = _page_queries(client, {"q": "南京市测试", "status": "active"})
    assert rows == 5
    add(195)
    with django_assert_num_queries(queries):
        response = client.get(URL, {"q": "南京市测试", "status": "active"})
    assert len(response.context["page"].object_list) == 200
