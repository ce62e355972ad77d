"""The footer of every page shows the portal's version, the one pyproject.toml declares (and CHANGELOG.md heads)."""

import re
import tomllib
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from portal import context_processors

ROOT = Path(__file__).resolve().parent.parent.parent
DECLARED = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
FOOTER_VERSION = re.compile(r'<span data-testid="portal-version">版本 ([^<]+)</span>')


@pytest.fixture
def uncached_version():
    context_processors.portal_version.cache_clear()
    yield
    context_processors.portal_version.cache_clear()


def test_the_login_page_footer_shows_the_declared_version(db):
    page = Client().get(reverse("login")).content.decode()
    assert FOOTER_VERSION.findall(page) == [DECLARED]


def test_a_signed_in_page_shows_it_too(demo_users):
    client = Client()
    client.force_login(demo_users["city"])
    page = client.get("/").content.decode()
    assert FOOTER_VERSION.findall(page) == [DECLARED]


def test_a_checkout_never_installed_reads_pyproject(uncached_version, monkeypatch):
    monkeypatch.setattr(context_processors, "DISTRIBUTION", "consortium-portal-not-installed")
    assert context_processors.portal_version() == DECLARED


def test_the_changelog_heads_with_the_declared_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[([^\]]+)\]", changelog, re.MULTILINE)
    assert next(name for name in releases if name != "Unreleased") == DECLARED
