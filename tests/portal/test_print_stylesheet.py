"""The print stylesheet (issue 12 item 7): every page links it for print only, and it hides what is no use on paper —
the navigation, the sidebar, buttons and forms. How a page looks printed is checked in Chromium in
tests/e2e/test_printing.py."""

import pytest
import tinycss2
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.factories import submitted_filing

pytestmark = pytest.mark.django_db

HIDDEN_WHEN_PRINTED = {"header", "nav", ".navbar", "aside", "form", "button", ".btn"}


def hidden_selectors(css: str) -> set[str]:
    """The selectors of the rules that set ``display: none !important``."""
    found = set()
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        declarations = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
        if any(
            d.type == "declaration"
            and d.lower_name == "display"
            and tinycss2.serialize(d.value).strip() == "none"
            and d.important
            for d in declarations
        ):
            found |= {selector.strip() for selector in tinycss2.serialize(rule.prelude).split(",")}
    return found


def test_the_print_stylesheet_hides_navigation_sidebar_buttons_and_forms():
    path = finders.find("css/print.css")
    assert path, "static/css/print.css is missing"
    with open(path, encoding="utf-8") as css:
        assert hidden_selectors(css.read()) >= HIDDEN_WHEN_PRINTED


def test_hidden_selectors_reads_only_display_none_important():
    css = "nav, .btn { display: none !important; } aside { display: none; } form { color: red !important; }"
    assert hidden_selectors(css) == {"nav", ".btn"}


@pytest.mark.parametrize("username", ["lead-a", "jiangning"])
def test_filing_and_review_pages_link_it_for_print_only(demo_users, settings, tmp_path, username):
    settings.MEDIA_ROOT = tmp_path
    consortium = submitted_filing(lead_user=demo_users["lead-a"])
    client = Client()
    client.force_login(demo_users[username])
    pages = [reverse("consortia:detail", args=[consortium.pk])]
    if username == "jiangning":
        pages.append(reverse("reviews:review", args=[consortium.pk]))
    for url in pages:
        html = client.get(url).content.decode()
        assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html, url
        # After the portal's own stylesheet, so that its rules win when printing.
        assert html.index("css/portal.css") < html.index("css/print.css")
