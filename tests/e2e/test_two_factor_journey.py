"""Issue 16 item 4 in a browser: a city officer, who must use two-factor sign-in, enrols a TOTP device on the first
login (the code computed here from the secret the page shows, as an authenticator app would), keeps the backup codes,
and signs in again with a fresh code."""

import re
import time
from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from portal.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def city_staff_required(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["city_staff", "admin"]


def code_from(secret: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode("".join(secret.split())))
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def log_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill("city")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def test_a_city_officer_enrols_and_signs_in_with_a_code(page: Page, live_server, demo_users, output_path):
    log_in(page, live_server.url)

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/enrol/\?next=/$"))
    expect(page.get_by_test_id("two-factor-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("two-factor-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret)
    page.get_by_label("身份验证器显示的 6 位数字").fill(code_from(secret))
    page.screenshot(path=Path(output_path) / "two-factor-enrol.png", full_page=True)
    page.get_by_test_id("two-factor-confirm").click()

    expect(page.get_by_test_id("backup-codes-warning")).to_contain_text("备用码只显示这一次")
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    page.get_by_test_id("backup-codes-done").click()
    expect(page.get_by_test_id("home-heading")).to_be_visible()

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    log_in(page, live_server.url)

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=/$"))
    expect(page.get_by_test_id("home-heading")).to_have_count(0)
    # The code of the enrolment is spent; the app's next one is accepted.
    page.get_by_label("验证码").fill(code_from(secret, steps_ahead=1))
    page.screenshot(path=Path(output_path) / "two-factor-verify.png", full_page=True)
    page.get_by_test_id("two-factor-verify").click()

    expect(page.get_by_test_id("home-heading")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_contain_text("市科技局")
