"""Login journeys in a real browser: every demo account logs in, sees its own role and panels, and logs out."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

# Written out here rather than read from the code under test, so a wrong role or a missing panel fails the test.
UNREAD_PANEL = "未读通知"
ROLE_PANELS = {
    "系统管理员": "系统管理",
    "市科技局": "待审核备案的申请",
    "区（园区）科技局": "待初审的备案申请",
    "牵头单位用户": "本单位的创新联合体备案",
}
ACCOUNTS = {
    "admin": "系统管理员",
    "city": "市科技局",
    "jiangning": "区（园区）科技局",
    "xuanwu": "区（园区）科技局",
    "lead-a": "牵头单位用户",
    "lead-b": "牵头单位用户",
}
LOGIN_PATH = "/accounts/login/"
BOOTSTRAP_PRIMARY = "rgb(13, 110, 253)"


def expect_login_page(page: Page, base_url: str) -> None:
    expect(page).to_have_url(re.compile(re.escape(base_url + LOGIN_PATH)))
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_have_count(0)


def log_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_demo_account_logs_in_sees_its_role_and_logs_out(page: Page, live_server, demo_users, output_path, username):
    user = demo_users[username]
    role = ACCOUNTS[username]
    assert user.get_role_display() == role

    # Anonymous: the root sends the browser to the login page, remembering where it wanted to go.
    page.goto(live_server.url + "/")
    expect_login_page(page, live_server.url)
    assert page.url.endswith(LOGIN_PATH + "?next=/")
    # Bootstrap's stylesheet was served: the navigation bar has Bootstrap's primary blue.
    expect(page.locator("nav.navbar")).to_have_css("background-color", BOOTSTRAP_PRIMARY)

    log_in(page, username, DEMO_PASSWORD)

    # The home page (工作台) for this user and this role.
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_test_id("home-heading")).to_have_text("工作台")
    expect(page.get_by_text(f"{user}，您好。您的角色是：{role}。")).to_be_visible()
    user_menu = page.get_by_test_id("user-menu")
    expect(user_menu).to_contain_text(str(user))
    expect(user_menu).to_contain_text(f"（{role}）")

    panel_titles = page.get_by_test_id("panel").locator(".card-title")
    expect(panel_titles.filter(has_text=UNREAD_PANEL)).to_have_count(1)
    expect(panel_titles.filter(has_text=ROLE_PANELS[role])).to_have_count(1)
    for other_role, other_panel in ROLE_PANELS.items():
        if other_role != role:
            expect(panel_titles.filter(has_text=other_panel)).to_have_count(0)

    screenshot = Path(output_path) / f"home-{username}.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 10_000

    # Log out through the user menu (a Bootstrap dropdown: needs Bootstrap's script too).
    logout = page.get_by_test_id("logout")
    expect(logout).to_be_hidden()
    user_menu.click()
    expect(logout).to_be_visible()
    logout.click()
    expect_login_page(page, live_server.url)

    # The session is really over: the home page asks for a login again.
    page.goto(live_server.url + "/")
    expect_login_page(page, live_server.url)


def test_wrong_password_shows_the_error_in_chinese(page: Page, live_server, demo_users):
    page.goto(live_server.url + LOGIN_PATH)
    log_in(page, "city", DEMO_PASSWORD + "-wrong")

    expect_login_page(page, live_server.url)
    expect(page.get_by_text("用户名或密码不正确。请注意：连续多次输入错误，账户将被临时锁定。")).to_be_visible()
    # The username typed is kept, so the user only has to type the password again.
    expect(page.get_by_label("用户名")).to_have_value("city")

    page.goto(live_server.url + "/")
    expect_login_page(page, live_server.url)


def test_language_switch_turns_the_page_into_english_and_back(page: Page, live_server, demo_users):
    page.goto(live_server.url + LOGIN_PATH)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("language-zh-hans")).to_have_count(0)

    page.get_by_test_id("language-en").click()

    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server.url + LOGIN_PATH)
    expect(page.get_by_test_id("language-en")).to_have_count(0)
    # The choice is remembered: a fresh visit is still in English.
    page.goto(live_server.url + LOGIN_PATH)
    expect(html).to_have_attribute("lang", "en")

    page.get_by_test_id("language-zh-hans").click()
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()
