"""The one pagination (templates/_pagination.html): its links change only the page of the current query string, so
a second page keeps the list's filters and sort, and following a link shows the rows of that page."""

import html
import re

import pytest
from django.urls import reverse

from portal.models import IndustryField, Notification
from tests.reviews.test_queues import make_filings

pytestmark = pytest.mark.django_db

PAGE_LINK = re.compile(r'<a class="page-link" href="([^"]*)">([^<]*)</a>')


def page_links(response) -> dict[str, str]:
    """{link text: href} of the pagination's links (上一页, 下一页), the hrefs unescaped."""
    assert response.status_code == 200
    return {text: html.unescape(href) for href, text in PAGE_LINK.findall(response.content.decode())}


def test_the_inbox_pages_through_the_notifications(client, demo_users):
    user = demo_users["city"]
    Notification.objects.bulk_create(
        Notification(recipient=user, subject=f"分页测试通知{n:02d}", body="内容") for n in range(25)
    )
    client.force_login(user)
    inbox = reverse("inbox")

    first = client.get(inbox)
    assert "第 1 / 2 页" in first.content.decode()
    assert page_links(first) == {"下一页": "?page=2"}

    second = client.get(inbox + page_links(first)["下一页"])
    page = second.content.decode()
    assert "第 2 / 2 页" in page
    assert page_links(second) == {"上一页": "?page=1"}
    # Newest first: the second page holds the five made first.
    assert sorted(re.findall(r"分页测试通知\d\d", page)) == [f"分页测试通知{n:02d}" for n in range(5)]


def test_the_review_queue_keeps_its_filter_and_sort_on_the_second_page(client, demo_users):
    lead = demo_users["lead-a"].organisation
    make_filings(30, lead=lead, status="city_review", name="生物医药", field="biomedicine")
    make_filings(10, lead=lead, status="city_review", name="集成电路")
    biomedicine = IndustryField.objects.get(code="biomedicine")
    client.force_login(demo_users["city"])
    queue = reverse("reviews:queue")

    first = client.get(queue, {"field": biomedicine.pk, "o": "name"})
    assert "第 1 / 2 页" in first.content.decode()
    next_link = page_links(first)["下一页"]
    assert next_link == f"?field={biomedicine.pk}&o=name&page=2"

    second = client.get(queue + next_link)
    page = second.content.decode()
    assert "第 2 / 2 页" in page
    # The rows of the filtered list sorted by name, 26th to 30th, and none of the other field.
    assert re.findall(r"(?:生物医药|集成电路)\d{3}", page) == [f"生物医药{n:03d}" for n in range(25, 30)]
    assert page_links(second) == {"上一页": f"?field={biomedicine.pk}&o=name&page=1"}
