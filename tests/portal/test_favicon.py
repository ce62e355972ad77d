"""The favicon: linked from every page and answered at /favicon.ico, which browsers ask for whatever a page links.
Served over a live server, whose static handler stands in for whitenoise in production."""

import re
from urllib.request import urlopen

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

ICON_LINK = re.compile(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">')


def fetch(live_server, path):
    with urlopen(live_server.url + path, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_every_page_links_an_icon_that_is_served_as_an_image(live_server):
    status, _, page = fetch(live_server, reverse("login"))
    (icon,) = ICON_LINK.findall(page.decode())

    status, content_type, body = fetch(live_server, icon)

    assert status == 200
    assert content_type.startswith("image/svg+xml")
    assert body.lstrip().startswith(b"<svg")


def test_favicon_ico_leads_to_the_same_icon(client, live_server):
    response = client.get("/favicon.ico")
    assert response.status_code == 302

    status, content_type, body = fetch(live_server, "/favicon.ico")  # urlopen follows the redirect

    assert status == 200
    assert content_type.startswith("image/")
    assert body == fetch(live_server, response["Location"])[2]
