"""A column header of the queue sorts by that column: it replaces the sort, keeps the filters, starts at page one."""

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consortia.models import Consortium
from consortia.states import Status

pytestmark = pytest.mark.django_db


class SortLinks(HTMLParser):
    """The links of the table's header row, by their text."""

    def __init__(self):
        super().__init__()
        self.in_header = False
        self.href = None
        self.links = {}

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self.in_header = True
        elif tag == "a" and self.in_header:
            self.href = dict(attrs)["href"]

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_header = False
        elif tag == "a":
            self.href = None

    def handle_data(self, data):
        if self.href and data.strip():
            self.links[data.strip()] = self.href


def sort_links(response) -> dict[str, str]:
    parser = SortLinks()
    parser.feed(response.content.decode())
    return parser.links


@pytest.fixture
def city_client(demo_users):
    lead = demo_users["lead-a"]
    now = timezone.now()
    Consortium.objects.bulk_create(
        Consortium(
            name=f"联合体{i:03d}",
            lead_organisation=lead.organisation,
            created_by=lead,
            status=Status.CITY_REVIEW,
            submitted_at=now - timedelta(days=i),
        )
        for i in range(30)  # two pages of 25
    )
    client = Client()
    client.force_login(demo_users["city"])
    return client


def test_clicking_two_sort_headers_sorts_by_the_second_only(city_client):
    url = reverse("reviews:queue")
    first = city_client.get(url, {"q": "联合体", "page": "2"})
    assert first.context["page"].number == 2
    by_name = sort_links(first)["联合体名称"]
    second = city_client.get(url + by_name)
    by_lead = sort_links(second)["牵头单位"]

    query = parse_qs(urlsplit(by_lead).query)
    assert query == {"q": ["联合体"], "o": ["lead"]}  # one sort, the filter kept, no page
    assert by_lead.count("o=") == 1
    assert parse_qs(urlsplit(sort_links(city_client.get(url + by_lead))["最近提交"]).query)["o"] == ["-submitted_at"]


def test_a_sort_header_shows_the_first_page_sorted_by_its_column(city_client):
    url = reverse("reviews:queue")
    by_name = sort_links(city_client.get(url, {"page": "2", "o": "submitted_at"}))["联合体名称"]
    response = city_client.get(url + by_name)
    assert response.context["page"].number == 1
    assert [c.name for c in response.context["page"].object_list][:3] == ["联合体000", "联合体001", "联合体002"]
