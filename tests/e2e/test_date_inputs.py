"""Date fields in the order a Chinese user reads them, 年/月/日 (issue 15, item 5): the browser's date widget follows
its locale, and typed digits fill the fields in the order shown — the keys typed as year, month, day give that date
only when the year comes first (in the American order, month/day/year, the same keys give another date or none)."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from consortia.services import create_filing
from tests.e2e.test_review_journey import log_in

pytestmark = pytest.mark.e2e


def test_a_date_is_typed_year_month_day(page: Page, live_server, demo_users, output_path):
    draft = create_filing(actor=demo_users["lead-a"], name="南京市日期输入创新联合体")
    log_in(page, live_server.url, "lead-a")
    page.goto(live_server.url + reverse("consortia:edit", args=[draft.pk, "basic"]))
    start = page.locator("input[name=planned_start]")
    start.focus()  # the first of its fields
    # A year field takes up to six digits, so Tab moves on to the next field; month and day move on by themselves.
    page.keyboard.type("2027")
    page.keyboard.press("Tab")
    page.keyboard.type("0305")
    expect(start).to_have_value("2027-03-05")
    start.screenshot(path=str(Path(output_path) / "date-input-zh.png"))
