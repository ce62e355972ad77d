"""Forms that guide, in the browser (issue 12, item 4): a long text counts down the characters left as one types,
in rows the formset adds too; a refused save opens on its error summary, whose links take focus to each field."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from consortia.models import FundingLine
from portal.demo import DEMO_PASSWORD
from tests.factories import complete_filing


@pytest.fixture
def filing(demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return complete_filing(lead_user=demo_users["lead-a"])  # planned 2026 to 2028, one funding line for 2026


def log_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("lead-a")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_character_counter_counts_down_as_one_types(page: Page, filing):
    log_in(page)
    page.goto(f"/filings/{filing.pk}/edit/basic/")
    name = page.locator("#id_name")
    counter = page.locator("#id_name_count")
    expect(counter).to_have_text(f"还可输入 {200 - len(filing.name)} 个字")
    name.fill("")
    expect(counter).to_have_text("还可输入 200 个字")
    name.press_sequentially("南京市")
    expect(counter).to_have_text("还可输入 197 个字")
    name.press("Backspace")
    expect(counter).to_have_text("还可输入 198 个字")
    expect(name).to_have_attribute("aria-describedby", "id_name_count")

    # A row the formset adds counts too; a field without a length limit has no counter.
    page.goto(f"/filings/{filing.pk}/edit/tasks/")
    page.get_by_role("button", name="再添加一行").click()
    expect(page.locator("#id_tasks-1-title_count")).to_have_text("还可输入 200 个字")
    page.locator("#id_tasks-1-title").press_sequentially("外延缺陷")
    expect(page.locator("#id_tasks-1-title_count")).to_have_text("还可输入 196 个字")
    expect(page.locator("#id_tasks-1-objectives_count")).to_have_count(0)


def test_the_error_summary_links_take_focus_to_each_field(page: Page, filing, output_path):
    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page)
    page.goto(f"/filings/{filing.pk}/edit/funding/")
    page.locator("#id_funding-0-self_raised").fill("-5")  # the saved line
    row = {  # into the blank row the page offers
        "organisation": "南京示范大学1000",
        "year": "2031",
        "self_raised": "1e3",
        "government": "0",
        "financial": "0",
    }
    page.locator("#id_funding-1-organisation").select_option(label=row["organisation"])
    for name in ("year", "self_raised", "government", "financial"):
        page.locator(f"#id_funding-1-{name}").fill(row[name])
    page.get_by_test_id("save").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text(
        [
            "经费 1：自筹（万元）不能为负数。",
            "经费 2：年度须在计划建设期 2026—2028 年之内。",
            "经费 2 · 自筹（万元）：请填写数字，例如 1200.50（单位：万元）。",
        ]
    )
    # The typed row is still there, as typed; the saved line is unchanged.
    expect(page.locator("#id_funding-1-self_raised")).to_have_value("1e3")
    expect(page.locator("#id_funding-1-year")).to_have_value("2031")
    assert FundingLine.objects.get(consortium=filing).self_raised == 100
    path = Path(output_path) / "form-errors.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 10_000

    year = page.locator("#id_funding-1-year")
    expect(year).not_to_be_in_viewport()
    links.nth(1).click()
    expect(year).to_be_focused()
    expect(year).to_be_in_viewport()
    expect(page.locator("label[for='id_funding-1-year']")).to_be_in_viewport()

    page.evaluate("window.scrollTo(0, 0)")
    links.nth(0).click()
    expect(page.locator("#id_funding-0-self_raised")).to_be_focused()
