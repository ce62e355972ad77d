"""Printing in a real browser (issue 12 item 7): printed, the filing and review pages show their content without the
navigation, the sidebar, buttons or forms; the page's link to the application form gives the submission's PDF."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.demo import DEMO_PASSWORD
from tests.factories import submitted_filing

pytestmark = pytest.mark.e2e

FILING_NAME = "南京市第三代半导体功率器件创新联合体"  # tests.factories.complete_filing's default


@pytest.fixture
def submitted(demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return submitted_filing(lead_user=demo_users["lead-a"])


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_test_id("home-heading")).to_be_visible()


def expect_printed_without_chrome(page: Page) -> None:
    page.emulate_media(media="screen")
    expect(page.locator("nav.navbar")).to_be_visible()
    expect(page.locator("aside")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("aside")).to_be_hidden()
    expect(page.locator(".breadcrumb")).to_be_hidden()
    for control in page.locator("main .btn, main form, main button").all():
        expect(control).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text(FILING_NAME)


@pytest.mark.parametrize(
    ("username", "path", "link"),
    [("lead-a", "filings", "application-form-1"), ("jiangning", "reviews", "application-form")],
)
def test_a_printed_page_is_its_content_and_links_the_application_form(
    page: Page, live_server, submitted, output_path, username, path, link
):
    log_in(page, live_server.url, username)
    page.goto(f"{live_server.url}/{path}/{submitted.pk}/")
    expect(page.get_by_test_id("snapshot" if path == "reviews" else "filing-heading")).to_be_visible()

    href = page.get_by_test_id(link).get_attribute("href")
    assert href == f"/filings/{submitted.pk}/submissions/1/application-form.pdf"
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    expect_printed_without_chrome(page)
    picture = Path(output_path) / f"print-{path}.png"
    page.screenshot(path=picture, full_page=True)
    assert picture.stat().st_size > 10_000
