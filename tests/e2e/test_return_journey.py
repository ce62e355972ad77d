"""Issue 12's journey in a real browser: the district returns a filing with a remark on 经费计划; the lead unit finds
the remark where it has to act (the sidebar, the top of the funding editor, 继续填写), changes an amount and adds a
funding line, and sees on the submit page that the remarked section changed; the district's comparison then shows the
changed funding lines field by field, the old value beside the new.

The submitted filing is built through the ORM and the submit service (``tests.factories``); everything after that is
typed and clicked through the pages. The database is only read at the end, to check what was stored.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from consortia.models import Consortium
from reviews.models import ReviewOpinion
from tests.e2e.test_review_journey import (
    SECTIONS,
    SUBMIT_CONFIRM,
    accept_next_dialog,
    decide,
    expect_message,
    field,
    log_in,
    log_out,
    open_own_filing,
    open_queue,
    open_review,
    screenshot,
)
from tests.factories import submitted_filing

pytestmark = pytest.mark.e2e

REASON = "经费计划不完整，请按分项意见修改。"
REMARK = "请补充 2027 年度南京示范大学的自筹经费，并核实 2026 年度的自筹金额。"
LEAD_NAME = "南京示范半导体科技有限公司"  # lead-a's organisation, with complete_filing's 2026 line of 100 万元
UNIVERSITY = "南京示范大学1000"  # complete_filing's university member


@pytest.fixture
def submitted(demo_users, settings, tmp_path) -> Consortium:
    """lead-a's complete filing (江宁区), submitted once; its documents in this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return submitted_filing(lead_user=demo_users["lead-a"])


def element_screenshot(locator: Locator, output_path: str, name: str) -> None:
    path = Path(output_path) / name
    locator.screenshot(path=path)
    assert path.stat().st_size > 2_000


def value(row: Locator, label: str, which: str) -> Locator:
    return row.locator(f"tr[data-field='{label}'] [data-value='{which}']")


def test_a_remark_on_funding_is_answered_and_the_district_sees_each_changed_line(
    page: Page, live_server, submitted: Consortium, output_path
):
    base_url = live_server.url

    # The district officer returns the filing with a remark on 经费计划.
    log_in(page, base_url, "jiangning")
    open_review(page, base_url, open_queue(page, base_url, "江宁区科学技术局 · 初审队列"), submitted)
    form = page.get_by_test_id("decision-form")
    form.get_by_text("分项意见（可选）").click()
    field(form, "经费计划").fill(REMARK)
    decide(page, "退回修改", REASON)
    expect_message(page, "已办理：退回修改。")
    log_out(page, base_url)

    # The lead unit's 继续填写 opens the funding section, not 基本信息.
    log_in(page, base_url, "lead-a")
    open_own_filing(page, base_url, submitted)
    expect(page.get_by_test_id("opinion")).to_contain_text(f"经费计划：{REMARK}")
    page.get_by_test_id("edit").click()
    expect(page).to_have_url(f"{base_url}/filings/{submitted.pk}/edit/funding/")

    # The sidebar marks 经费计划, and only it; the remark stands above the funding form.
    checklist = page.get_by_test_id("checklist")
    expect(checklist.locator("[data-remarked='yes']")).to_have_count(1)
    funding_entry = checklist.locator("[data-section='funding']")
    expect(funding_entry).to_have_attribute("data-remarked", "yes")
    expect(funding_entry.get_by_test_id("remarked")).to_have_text("有审核意见")
    expect(checklist.locator("[data-section='basic']").get_by_test_id("remarked")).to_have_count(0)
    remark = page.get_by_test_id("remark")
    expect(remark).to_contain_text(f"退回时的审核意见：{REMARK}")
    assert remark.bounding_box()["y"] < page.get_by_test_id("save").bounding_box()["y"]
    element_screenshot(checklist, output_path, "return-remark-sidebar.png")
    screenshot(page, output_path, "return-remark-editor.png")

    # It changes the 2026 amount and adds a 2027 line for the university.
    page.locator("input[name='funding-0-self_raised']").fill("150")
    page.locator("select[name='funding-1-organisation']").select_option(label=UNIVERSITY)
    page.locator("input[name='funding-1-year']").fill("2027")
    page.locator("input[name='funding-1-self_raised']").fill("50")
    page.get_by_test_id("save").click()
    expect_message(page, "已保存。")
    expect(page.get_by_test_id("remark")).to_contain_text(REMARK)  # still there until the filing is resubmitted

    # The submit page lists the remarked section as changed since the return, then the filing is resubmitted.
    page.get_by_test_id("eligibility-link").click()
    answers = page.get_by_test_id("remark-answers")
    expect(answers.locator("li")).to_have_count(1)
    expect(answers.locator("li[data-section='funding']")).to_have_attribute("data-changed", "yes")
    expect(answers.locator("li[data-section='funding']")).to_contain_text("经费计划 已修改")
    screenshot(page, output_path, "return-remark-submit.png")
    dialogs = accept_next_dialog(page)
    page.get_by_test_id("submit").click()
    expect_message(page, "已提交（第 2 次提交）")
    assert dialogs == [SUBMIT_CONFIRM]
    log_out(page, base_url)

    # The district's comparison: 经费计划 alone changed; the changed line field by field, the new line with its values.
    log_in(page, base_url, "jiangning")
    open_review(page, base_url, open_queue(page, base_url, "江宁区科学技术局 · 初审队列"), submitted)
    changes = page.get_by_test_id("changes")
    for section in SECTIONS:
        expect(changes.locator(f"[data-section='{section}']")).to_have_attribute(
            "data-changed", "yes" if section == "funding" else "no"
        )
    funding = changes.locator("[data-section-changes='funding']")
    expect(changes.locator("[data-section-changes]")).to_have_count(1)
    expect(funding.locator("tbody[data-row]")).to_have_count(2)
    changed = funding.locator(f"tbody[data-row='changed'][data-key='{LEAD_NAME}（2026 年度）']")
    expect(changed).to_contain_text("修改")
    expect(changed.locator("tr[data-field]")).to_have_count(1)  # only the amount that changed
    expect(value(changed, "自筹（万元）", "old")).to_have_text("100")
    expect(value(changed, "自筹（万元）", "new")).to_have_text("150")
    old_box = value(changed, "自筹（万元）", "old").bounding_box()
    new_box = value(changed, "自筹（万元）", "new").bounding_box()
    assert old_box["x"] < new_box["x"] and old_box["y"] == new_box["y"]  # side by side, old first
    added = funding.locator(f"tbody[data-row='added'][data-key='{UNIVERSITY}（2027 年度）']")
    expect(added).to_contain_text("新增")
    expect(value(added, "自筹（万元）", "old")).to_have_text("—")
    expect(value(added, "自筹（万元）", "new")).to_have_text("50")
    element_screenshot(changes, output_path, "comparison-fields.png")

    # What the journey stored.
    submitted.refresh_from_db()
    assert submitted.status == "district_review"
    second = submitted.submissions.get(number=2)
    assert sorted((f["organisation"], f["year"], f["self_raised"]) for f in second.details["funding"]) == [
        (LEAD_NAME, 2026, 150),
        (UNIVERSITY, 2027, 50),
    ]
    opinion = ReviewOpinion.objects.get(consortium=submitted)
    assert (opinion.decision, opinion.comment, opinion.section_comments) == ("return", REASON, {"funding": REMARK})
