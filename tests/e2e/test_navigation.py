"""Issue 15 item 5: the main navigation fits its Chinese labels. Each role's home page, on laptops (1366×768 and
1280×800) and on a phone (390×844, where the sidebar is an offcanvas opened from the top bar), shows every label of
its menu on one line, and marks the page the user is on."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}
SMALL_LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Written out rather than read from the templates, so a link that goes missing fails the test.
MENUS = {
    "lead-a": ["工作台", "备案申请", "年度报告", "本单位"],
    "jiangning": ["工作台", "审核队列", "全部备案", "年度报告", "监测看板"],
    "city": ["工作台", "审核队列", "全部备案", "年度报告", "监测看板", "完成申报", "失信记录"],
    "admin": ["工作台", "审核队列", "全部备案", "年度报告", "监测看板", "失信记录", "审计日志", "管理后台"],
}
# The height of each link's content box (its padding taken off) against the computed line height of its text.
LABEL_LINES = """links => links.map(link => {
    const style = getComputedStyle(link);
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    const content = link.getBoundingClientRect().height - padding;
    return [link.textContent.trim(), content / parseFloat(style.lineHeight)];
})"""


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_test_id("home-heading")).to_be_visible()


def assert_labels_on_one_line(page: Page, username: str, viewport: str) -> None:
    navigation = page.get_by_role("navigation", name="主导航")
    links = navigation.get_by_role("link")
    expect(links).to_have_text(MENUS[username])
    for link in links.all():
        expect(link).to_be_visible()
    for label, lines in links.evaluate_all(LABEL_LINES):
        assert lines <= 1.5, f"{username} at {viewport}: {label!r} takes {lines:.1f} lines"
    # Only the home page's own link is marked current there.
    current = navigation.locator("[aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("工作台")
    expect(current).to_have_class("nav-link active")


@pytest.mark.parametrize("username", list(MENUS))
def test_every_navigation_label_fits_on_one_line(page: Page, live_server, demo_users, output_path, username):
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, username)
    # On a laptop the sidebar is a column beside the page: no button to open it.
    expect(page.get_by_test_id("sidebar-toggle")).to_be_hidden()
    assert_labels_on_one_line(page, username, "1366×768")
    page.screenshot(path=Path(output_path) / f"navigation-{username}-1366.png")
    page.set_viewport_size(SMALL_LAPTOP)
    assert_labels_on_one_line(page, username, "1280×800")

    page.set_viewport_size(PHONE)
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link").first).to_be_hidden()
    page.screenshot(path=Path(output_path) / f"navigation-{username}-390-closed.png")
    page.get_by_test_id("sidebar-toggle").click()
    assert_labels_on_one_line(page, username, "390×844")
    page.screenshot(path=Path(output_path) / f"navigation-{username}-390.png")


def test_the_current_page_is_marked_under_its_link(page: Page, live_server, demo_users, output_path):
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, "city")
    page.get_by_test_id("nav-queue").click()
    expect(page).to_have_url(live_server.url + "/reviews/")
    navigation = page.get_by_role("navigation", name="主导航")
    expect(navigation.locator("[aria-current=page]")).to_have_count(1)
    expect(page.get_by_test_id("nav-queue")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("nav-queue")).to_have_class("nav-link active")
    # Another page moves the mark: one link is current at a time, and 工作台 only on the home page.
    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("nav-dashboard")).to_have_attribute("aria-current", "page")
    expect(navigation.get_by_role("link", name="工作台", exact=True)).not_to_have_attribute("aria-current", "page")
