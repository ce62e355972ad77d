"""An account made with ``manage.py createsuperuser`` is a portal administrator and every page it is offered opens."""

from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.models import Role, User
from tests.factories import submitted_filing

pytestmark = pytest.mark.django_db

USERNAME = "root"
PASSWORD = "Xuanwu-Lake-2026"


@pytest.fixture
def superuser(monkeypatch, reference_data):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", USERNAME)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    call_command("createsuperuser", interactive=False, verbosity=0)
    return User.objects.get(username=USERNAME)


@pytest.fixture
def admin_client(client, superuser):
    response = client.post(reverse("login"), {"username": USERNAME, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def filing(demo_users, settings, tmp_path):
    """Something in the queue and the lists, so that the pages render rows and not only their empty state."""
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return submitted_filing(lead_user=demo_users["lead-a"])


class NavLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "nav":
            self.depth += 1
        href = dict(attrs).get("href")
        if self.depth and tag == "a" and href and href != "#":
            self.hrefs.append(href)

    def handle_endtag(self, tag):
        if tag == "nav":
            self.depth -= 1


def nav_links(html: str) -> list[str]:
    parser = NavLinks()
    parser.feed(html)
    return parser.hrefs


def test_createsuperuser_makes_a_portal_administrator(superuser):
    superuser.refresh_from_db()
    assert superuser.role == Role.ADMIN
    assert superuser.is_superuser and superuser.is_staff
    assert superuser.email == "root@example.com"
    assert superuser.organisation is None


def test_a_role_given_to_create_superuser_is_kept(reference_data):
    user = User.objects.create_superuser("city-root", "city-root@example.com", PASSWORD, role=Role.CITY_STAFF)
    user.refresh_from_db()
    assert user.role == Role.CITY_STAFF


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("reviews:queue"),
        reverse("monitoring:portfolio"),
        reverse("lifecycle:dishonesty_list"),
        reverse("lifecycle:dishonesty_export"),
        "/admin/",
    ],
)
def test_the_administrators_pages_open(admin_client, filing, url):
    assert admin_client.get(url).status_code == 200


def test_the_queue_lists_the_filing_for_the_administrator(admin_client, filing):
    response = admin_client.get(reverse("reviews:queue"), {"status": ""})
    assert filing.name in response.content.decode()


def test_every_link_of_the_administrators_navigation_opens(admin_client, filing):
    links = nav_links(admin_client.get(reverse("home")).content.decode())
    expected = {reverse("reviews:queue"), reverse("monitoring:portfolio"), reverse("lifecycle:dishonesty_list")}
    assert expected <= set(links)
    assert reverse("admin:index") in links
    assert reverse("organisation") not in links
    for href in links:
        assert admin_client.get(href).status_code == 200, href


def test_the_administrator_does_not_act_for_city_staff(admin_client, filing):
    assert admin_client.get(reverse("lifecycle:pending_declarations")).status_code == 403
    assert admin_client.get(reverse("lifecycle:revoke", args=[filing.pk])).status_code == 403


def test_the_organisation_page_refuses_an_administrator_with_a_page_not_an_error(admin_client):
    response = admin_client.get(reverse("organisation"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_a_superuser_left_as_a_lead_unit_without_an_organisation_is_told_why(client, reference_data):
    user = User.objects.create_superuser("legacy", "legacy@example.com", PASSWORD, role=Role.LEAD_UNIT)
    client.force_login(user)
    response = client.get(reverse("organisation"), follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "您的账户未关联任何单位" in response.content.decode()
