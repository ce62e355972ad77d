"""The user guides (docs/guide/) in the portal's help (issue 15, item 6): every guide renders at /help/<slug>/ for
anybody, its screenshots are the browser tests' own and are served as static files, and every page's top bar links to
the help."""

import re
from pathlib import Path

import markdown
import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from portal.views.help import GUIDE_DIR, GUIDES, PortalLinksExtension
from tests.guide_shots import GUIDE_SHOTS, SHOTS

ROOT = Path(__file__).resolve().parents[2]
IMAGE = re.compile(r"!\[[^\]\n]*\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)\)")
ROLES = ["admin", "city", "jiangning", "xuanwu", "lead-a", "lead-b"]


def guide_text(slug: str) -> str:
    return (GUIDE_DIR / f"{slug}.md").read_text(encoding="utf-8")


def title_of(slug: str) -> str:
    return guide_text(slug).partition("\n")[0].removeprefix("# ")


def test_the_guides_are_the_files_of_docs_guide():
    assert GUIDE_DIR == ROOT / "docs" / "guide"
    assert {path.stem for path in GUIDE_DIR.glob("*.md")} - {"README"} == set(GUIDES)
    assert set(GUIDE_SHOTS) == set(GUIDES)


@pytest.mark.parametrize("slug", list(GUIDES))
def test_every_image_of_a_guide_is_one_of_its_screenshots_and_exists(slug):
    images = IMAGE.findall(guide_text(slug))
    assert images, f"{slug}.md shows no screenshot"
    names = [image.removeprefix("images/").removesuffix(".png") for image in images]
    assert all(image.startswith("images/") and image.endswith(".png") for image in images)
    # Only the screenshots the browser test takes for this guide, so `make docs` keeps them current.
    assert set(names) <= set(GUIDE_SHOTS[slug])
    missing = [name for name in names if not (GUIDE_DIR / "images" / f"{name}.png").is_file()]
    assert missing == [], "run `make docs`"


def test_every_screenshot_is_shown_by_its_guide():
    shown = {name for slug in GUIDES for name in IMAGE.findall(guide_text(slug))}
    assert {f"images/{name}.png" for name in SHOTS} == shown
    assert len(SHOTS) == len(set(SHOTS))


@pytest.mark.parametrize("slug", [*GUIDES, "README"])
def test_a_guide_links_only_to_another_guide(slug):
    """In the portal a link becomes a help page; a link to another file of the repository would lead nowhere."""
    links = LINK.findall(guide_text(slug))
    assert {link.removesuffix(".md") for link in links} <= set(GUIDES)


@pytest.mark.parametrize("slug", list(GUIDES))
@pytest.mark.django_db
def test_every_guide_renders_with_its_title_screenshots_and_no_script(slug):
    response = Client().get(reverse("help_guide", args=[slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="h4 mb-3" data-testid="guide-heading">{title_of(slug)}</h1>' in html
    body = response.context["body"]
    assert "<script" not in body
    assert " style=" not in body and "<style" not in body
    assert re.search(r"\son[a-z]+=", body) is None  # no event handler attributes
    # Each screenshot at its static URL, and that URL is served from docs/guide/images/.
    sources = re.findall(r'<img [^>]*src="([^"]+)"', body)
    assert len(sources) == len(IMAGE.findall(guide_text(slug)))
    for source in sources:
        assert source.startswith("/static/guide/"), source
        found = finders.find(source.removeprefix("/static/"))
        assert found and Path(found).parent == GUIDE_DIR / "images"
    assert 'src="images/' not in body
    # Tables get Bootstrap's classes rather than style attributes.
    if "<table" in body:
        assert '<table class="table table-sm table-bordered">' in body


def test_links_to_guides_and_screenshots_become_portal_addresses_and_chinese_lines_join():
    text = (
        "见[市科技局使用指南](city.md#审核)和[说明](../operations.md)。\n\n"
        "![截图](images/city-queue.png)\n\n第一行\n  第二行, then\nEnglish `代码\n保持`\n"
    )
    html = markdown.markdown(text, extensions=[PortalLinksExtension()])

    assert '<a href="/help/city/#审核">' in html
    assert '<a href="../operations.md">' in html  # not a guide: left alone (the guides link to none, see above)
    assert 'src="/static/guide/city-queue.png"' in html and 'class="img-fluid border rounded my-2"' in html
    assert "第一行第二行, then\nEnglish" in html
    assert "<code>代码\n保持</code>" in html


@pytest.mark.django_db
def test_the_index_lists_every_guide_in_order():
    response = Client().get(reverse("help"))

    assert response.status_code == 200
    html = response.content.decode()
    links = re.findall(r'href="(/help/[^"]+/)" data-testid="guide-([^"]+)"', html)
    assert links == [(reverse("help_guide", args=[slug]), slug) for slug in GUIDES]
    for slug in GUIDES:
        assert title_of(slug) in html


@pytest.mark.parametrize("slug", ["unknown", "README", "lead_unit", "images"])
@pytest.mark.django_db
def test_a_slug_that_names_no_guide_is_not_found(slug):
    assert Client().get(f"/help/{slug}/").status_code == 404


@pytest.mark.django_db
def test_a_path_instead_of_a_slug_reaches_no_file():
    for path in ["/help/../settings/", "/help/%2e%2e%2fportal%2fsettings/", "/help/lead-unit.md/"]:
        assert Client().get(path).status_code == 404


@pytest.mark.django_db
def test_the_login_page_links_to_the_lead_unit_guide():
    html = Client().get(reverse("login")).content.decode()
    assert f'href="{reverse("help_guide", args=["lead-unit"])}" data-testid="lead-unit-guide-link"' in html


def help_link(html: str) -> bool:
    return f'href="{reverse("help")}" data-testid="help-link"' in html


@pytest.mark.django_db
def test_the_top_bar_links_to_the_help_for_a_visitor_signed_out():
    for url in [reverse("login"), reverse("register"), reverse("help")]:
        assert help_link(Client().get(url).content.decode()), url


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.django_db
def test_the_top_bar_links_to_the_help_for_every_role(demo_users, username):
    client = Client()
    client.force_login(demo_users[username])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert help_link(response.content.decode())
    # Signed in, the guide is there as well (nothing in it depends on the role).
    assert client.get(reverse("help_guide", args=["city"])).status_code == 200
