"""Issue 6's acceptance journeys in a real browser: the district officer pre-screens a submitted filing, the city
approves it and the lead unit downloads its filing notice (journey A); the district returns a filing, the lead unit
revises and resubmits it, and the district sees what changed (journey B).

The submitted filing is built through the ORM and the submit service (``tests.factories``); every review step after
that is typed and clicked through the pages, by users who log in through the login form. The database is only read,
at the end of each journey, to check what the decisions stored.
"""

import hashlib
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Dialog, Locator, Page, expect

from consortia.eligibility.rules import RULES_BY_CODE
from consortia.models import Consortium, WorkflowEvent
from portal.demo import DEMO_PASSWORD
from reviews.models import ReviewOpinion
from tests.factories import submitted_filing

pytestmark = pytest.mark.e2e

LOGIN_PATH = "/accounts/login/"
# Written out here rather than read from the code under test, so a wrong label fails the test.
DECIDE_CONFIRM = "审核决定提交后不可撤回，确定提交？"
SUBMIT_CONFIRM = "提交后将由属地科技主管部门初审，审核期间不能修改。确定提交？"
FILING_NAME = "南京市第三代半导体功率器件创新联合体"  # tests.factories.complete_filing's default
LEAD_NAME = "南京示范半导体科技有限公司"  # lead-a's organisation (portal.demo), in 江宁区
OLD_GOALS = "三年内实现 1200V 碳化硅 MOSFET 量产。"  # complete_filing's goals
NEW_GOALS = "三年内实现 1200V 碳化硅 MOSFET 量产，良率达到 95%，形成车规级模块 3 款。"
SUMMARY = "围绕碳化硅功率器件全链条开展联合攻关。"
MEMBER = "南京示范大学1000"  # complete_filing's university member (seed 1000)
# The stored eligibility results in registry order: the rule, the Chinese label of its clause in the guideline (指引),
# and the outcome shown. complete_filing plans a start (2026-01-01) already past and names no chief expert or
# advisory committee, so both "建议" rules are not met; they do not block the submission, and both the applicant's
# and the reviewer's pages call that 建议完善.
# Each rule's title is the registry's: the wording is being edited, the clauses are the guideline's.
ADVICE_NOT_MET = "建议完善"
SEVERITY_WORDS = {"block": "须满足", "justify": "原则上", "advise": "建议"}
ELIGIBILITY = [
    ("MEMBERS_MIN", "一", "满足"),
    ("LEGAL_ENTITY", "三（五）", "满足"),
    ("ACADEMIC_MEMBER", "三（五）", "满足"),
    ("MEMBER_CAPABILITY", "三（五）", "满足"),
    ("AGREEMENT", "三（二）", "满足"),
    ("LEAD_QUALIFICATION", "三（四）", "满足"),
    ("FOCUS_FIELD", "三（一）/二", "满足"),
    ("RESEARCH_TASKS", "二", "满足"),
    ("PERIOD", "一/五（一）", "满足"),
    ("PERIOD_START", "一/五（一）", ADVICE_NOT_MET),
    ("INTEGRITY", "五（三）", "满足"),
    ("GOVERNANCE", "三（三）", ADVICE_NOT_MET),
]
SECTIONS = ["basic", "lead", "members", "governance", "tasks", "funding", "documents"]


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded documents and generated notices go to this test's own folder (as in tests/reviews/conftest.py)."""
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def submitted(demo_users, media) -> Consortium:
    """A complete, eligible filing of lead-a (江宁区), submitted once: waiting for the district's pre-screening."""
    consortium = submitted_filing(lead_user=demo_users["lead-a"])
    assert consortium.status == "district_review"
    return consortium


# --- Helpers ---------------------------------------------------------------------------------------------------------


def field(scope: Page | Locator, label: str) -> Locator:
    """The control labelled exactly ``label``; crispy forms append " *" to the labels of required fields."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + LOGIN_PATH)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_test_id("home-heading")).to_have_text("工作台")


def log_out(page: Page, base_url: str) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(re.escape(base_url + LOGIN_PATH)))
    expect(page.get_by_test_id("user-menu")).to_have_count(0)


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def accept_next_dialog(page: Page) -> list[str]:
    """Accept the next JavaScript dialog (a confirm); the list receives its message once it has been shown."""
    seen: list[str] = []

    def accept(dialog: Dialog) -> None:
        seen.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    return seen


def decide(page: Page, decision: str, comment: str) -> None:
    """Choose a decision on the review page, write the opinion, submit and confirm."""
    form = page.get_by_test_id("decision-form")
    form.get_by_role("radio", name=decision, exact=True).check()
    field(form, "审核意见").fill(comment)
    dialogs = accept_next_dialog(page)
    form.get_by_test_id("decide").click()
    assert dialogs == [DECIDE_CONFIRM]


def expect_decisions(page: Page, *labels: str) -> None:
    """The decision form offers exactly these choices, in this order."""
    radios = page.get_by_test_id("decision-form").get_by_role("radio")
    expect(radios).to_have_count(len(labels))
    for i, label in enumerate(labels):
        expect(radios.nth(i)).to_have_accessible_name(label)


def queue_row(page: Page) -> Locator:
    return page.get_by_test_id("queue").locator("tbody tr").filter(has_text=FILING_NAME)


def open_queue(page: Page, base_url: str, heading: str) -> Locator:
    """Open 审核队列 from the navigation; the filing is the one row of the default tab. Returns the row."""
    page.get_by_test_id("nav-queue").click()
    expect(page).to_have_url(base_url + "/reviews/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 项")
    expect(page.get_by_test_id("empty")).to_have_count(0)
    expect(page.get_by_test_id("queue").locator("tbody tr")).to_have_count(1)
    row = queue_row(page)
    expect(row).to_contain_text(LEAD_NAME)
    return row


def open_review(page: Page, base_url: str, row: Locator, consortium: Consortium) -> None:
    row.get_by_role("link", name=FILING_NAME).click()
    expect(page).to_have_url(f"{base_url}/reviews/{consortium.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(FILING_NAME)


def open_own_filing(page: Page, base_url: str, consortium: Consortium) -> str:
    """The lead unit opens the filing from 备案申请; returns the text of the list row it clicked."""
    page.get_by_test_id("nav-filings").click()
    expect(page).to_have_url(base_url + "/filings/")
    row = page.locator("tbody tr").filter(has_text=FILING_NAME)
    expect(row).to_have_count(1)
    row_text = row.inner_text()
    row.get_by_role("link", name=FILING_NAME).click()
    expect(page).to_have_url(f"{base_url}/filings/{consortium.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(FILING_NAME)
    return row_text


def screenshot(page: Page, output_path: str, name: str) -> None:
    path = Path(output_path) / name
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 10_000


# --- Journey A: district recommends, city approves, the lead unit downloads the notice -----------------------------


def test_district_recommends_city_approves_and_lead_unit_downloads_the_notice(
    page: Page, live_server, submitted, output_path
):
    base_url = live_server.url
    filing_number = f"宁创联备〔{timezone.localdate().year}〕001号"

    # The district officer of 江宁区 finds the filing in the pre-screening queue.
    log_in(page, base_url, "jiangning")
    row = open_queue(page, base_url, "江宁区科学技术局 · 初审队列")
    expect(row).to_contain_text("区级初审中")
    expect(row.locator("td").last).to_have_text("1")  # 提交次数
    screenshot(page, output_path, "district-queue.png")

    # The review page: the submitted snapshot, the eligibility results with their clauses, the priority indicators.
    open_review(page, base_url, row, submitted)
    expect(page.get_by_test_id("status")).to_have_text("区级初审中")
    expect(page.get_by_test_id("filing-number")).to_have_count(0)
    expect(page.get_by_test_id("notice")).to_have_count(0)
    snapshot = page.get_by_test_id("snapshot")
    for text in (FILING_NAME, SUMMARY, OLD_GOALS, MEMBER, LEAD_NAME, "栅氧可靠性攻关"):
        expect(snapshot).to_contain_text(text)
    expect(page.get_by_test_id("changes")).to_have_count(0)  # a first submission has nothing to compare with
    results = page.get_by_test_id("eligibility").locator("tbody tr")
    expect(results).to_have_count(len(ELIGIBILITY))
    for i, (code, clause, outcome) in enumerate(ELIGIBILITY):
        cells = results.nth(i).locator("td")
        expect(results.nth(i)).to_have_attribute("data-rule", code)
        expect(cells.nth(0)).to_have_text(str(RULES_BY_CODE[code].title))
        expect(cells.nth(1)).to_have_text(clause)
        expect(cells.nth(2)).to_have_text(SEVERITY_WORDS[RULES_BY_CODE[code].severity])
        expect(cells.nth(3)).to_have_text(outcome)
    expect(page.get_by_test_id("priority")).to_contain_text("52000 万元")
    expect(page.get_by_test_id("history")).to_contain_text("草稿 → 区级初审中")
    expect_decisions(page, "推荐至市科技局", "退回修改", "不予推荐")
    screenshot(page, output_path, "review-page.png")

    decide(page, "推荐至市科技局", "材料齐全，符合备案条件，同意推荐。")
    expect_message(page, "已办理：推荐至市科技局。")
    expect(page.get_by_test_id("status")).to_have_text("市级审核中")
    expect(page.get_by_test_id("decision-form")).to_have_count(0)  # nothing left for the district to do
    expect(page.get_by_test_id("history")).to_contain_text("区级初审中 → 市级审核中")
    log_out(page, base_url)

    # The city sees the recommended filing in its queue and approves it.
    log_in(page, base_url, "city")
    row = open_queue(page, base_url, "市级审核队列")
    expect(row).to_contain_text("市级审核中")
    expect(row).to_contain_text("江宁区")  # 属地, a column only the city's queue has
    screenshot(page, output_path, "city-queue.png")
    open_review(page, base_url, row, submitted)
    expect(page.get_by_test_id("status")).to_have_text("市级审核中")
    expect_decisions(page, "准予备案", "退回修改", "不予备案")
    decide(page, "准予备案", "同意备案。")
    expect_message(page, "已办理：准予备案。")
    expect(page.get_by_test_id("status")).to_have_text("已备案（建设期内）")
    expect(page.get_by_test_id("filing-number")).to_contain_text(f"备案编号：{filing_number}")
    expect(page.get_by_test_id("notice")).to_be_visible()
    # Approval cannot be given twice (the transition table leaves the city only the filed consortium's actions).
    expect(page.get_by_role("radio", name="准予备案", exact=True)).to_have_count(0)
    screenshot(page, output_path, "city-approved.png")
    log_out(page, base_url)

    # The lead unit sees the filing filed, with its number, and downloads the notice from its own filing page.
    log_in(page, base_url, "lead-a")
    row_text = open_own_filing(page, base_url, submitted)
    assert filing_number in row_text and "已备案（建设期内）" in row_text
    expect(page.get_by_test_id("status")).to_have_text("已备案（建设期内）")
    expect(page.get_by_test_id("filing-number")).to_contain_text(f"备案编号：{filing_number}")
    expect(page.get_by_test_id("history")).to_contain_text("已备案（建设期内）")
    expect(page.get_by_test_id("history")).to_contain_text("同意备案。")
    notice_link = page.get_by_test_id("notice")
    expect(notice_link).to_be_visible()
    expect(notice_link).to_have_attribute("href", f"/reviews/{submitted.pk}/notice.pdf")
    screenshot(page, output_path, "lead-filed.png")
    with page.expect_download() as download_info:
        notice_link.click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == f"备案通知书-{filing_number}.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")

    # What the decisions stored.
    submitted.refresh_from_db()
    assert submitted.status == "active"
    assert submitted.filing_number == filing_number
    assert submitted.filed_on == timezone.localdate()
    assert submitted.start_date and submitted.end_date
    events = list(WorkflowEvent.objects.filter(consortium=submitted).order_by("occurred_at", "pk"))
    assert [(e.action, e.from_status, e.to_status, e.actor.username) for e in events] == [
        ("submit", "draft", "district_review", "lead-a"),
        ("recommend", "district_review", "city_review", "jiangning"),
        ("approve", "city_review", "active", "city"),
    ]
    assert submitted.submissions.count() == 1
    opinions = ReviewOpinion.objects.filter(consortium=submitted).order_by("pk")
    assert [(o.reviewer.username, o.decision, o.comment) for o in opinions] == [
        ("jiangning", "recommend", "材料齐全，符合备案条件，同意推荐。"),
        ("city", "approve", "同意备案。"),
    ]
    # The file downloaded is the notice generated on approval, byte for byte.
    assert hashlib.sha256(pdf).hexdigest() == submitted.notice.sha256


# --- Journey B: district returns, the lead unit revises and resubmits, the district sees what changed --------------


def test_return_for_revision_resubmit_and_compare(page: Page, live_server, submitted, output_path):
    base_url = live_server.url
    reason = "请完善建设目标，补充量化的良率和产品指标。"

    # A return without a reason is refused, and nothing changes.
    log_in(page, base_url, "jiangning")
    open_review(page, base_url, open_queue(page, base_url, "江宁区科学技术局 · 初审队列"), submitted)
    decide(page, "退回修改", "")
    form = page.get_by_test_id("decision-form")
    expect(form.get_by_text("“退回修改”须填写理由。")).to_be_visible()
    expect(field(form, "审核意见")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_test_id("status")).to_have_text("区级初审中")
    expect(page.get_by_role("alert").filter(has_text="已办理")).to_have_count(0)
    submitted.refresh_from_db()
    assert submitted.status == "district_review"
    assert not ReviewOpinion.objects.filter(consortium=submitted).exists()

    # With a reason the filing goes back to the lead unit.
    decide(page, "退回修改", reason)
    expect_message(page, "已办理：退回修改。")
    expect(page.get_by_test_id("status")).to_have_text("退回修改")
    expect(page.get_by_test_id("history")).to_contain_text(reason)
    expect(page.get_by_test_id("decision-form")).to_have_count(0)
    log_out(page, base_url)

    # The lead unit sees the return and its reason, revises 基本信息 and resubmits.
    log_in(page, base_url, "lead-a")
    row_text = open_own_filing(page, base_url, submitted)
    assert "退回修改" in row_text
    expect(page.get_by_test_id("status")).to_have_text("退回修改")
    history = page.get_by_test_id("history").locator("li").filter(has_text="退回修改")
    expect(history).to_contain_text(reason)
    screenshot(page, output_path, "lead-returned.png")
    page.get_by_test_id("edit").click()
    expect(page).to_have_url(f"{base_url}/filings/{submitted.pk}/edit/basic/")
    goals = field(page, "建设目标")
    expect(goals).to_have_value(OLD_GOALS)
    goals.fill(NEW_GOALS)
    page.get_by_test_id("save").click()
    expect_message(page, "已保存。")
    expect(field(page, "建设目标")).to_have_value(NEW_GOALS)
    page.get_by_test_id("eligibility-link").click()
    expect(page).to_have_url(f"{base_url}/filings/{submitted.pk}/eligibility/")
    expect(page.get_by_test_id("verdict")).to_have_text("全部须满足的条件均已满足。")
    dialogs = accept_next_dialog(page)
    page.get_by_test_id("submit").click()
    expect_message(page, "已提交（第 2 次提交）")
    assert dialogs == [SUBMIT_CONFIRM]
    expect(page).to_have_url(f"{base_url}/filings/{submitted.pk}/")
    expect(page.get_by_test_id("status")).to_have_text("区级初审中")
    log_out(page, base_url)

    # The district sees the second submission and, section by section, what changed since the first.
    log_in(page, base_url, "jiangning")
    row = open_queue(page, base_url, "江宁区科学技术局 · 初审队列")
    expect(row.locator("td").last).to_have_text("2")  # 提交次数
    open_review(page, base_url, row, submitted)
    expect(page.get_by_test_id("status")).to_have_text("区级初审中")
    changes = page.get_by_test_id("changes")
    expect(changes).to_be_visible()
    expect(changes).to_contain_text("第 2 次提交与第 1 次提交的比较")
    badges = changes.locator("[data-section]")
    expect(badges).to_have_count(len(SECTIONS))
    for section in SECTIONS:
        expect(changes.locator(f"[data-section='{section}']")).to_have_attribute(
            "data-changed", "yes" if section == "basic" else "no"
        )
    expect(changes.locator("[data-section='basic']")).to_have_text("基本信息：有修改")
    expect(changes.locator("[data-section='members']")).to_have_text("参与单位：未修改")
    # Only the changed section is shown, and in it only the changed field: the text before on the left, after on the
    # right.
    expect(changes.get_by_role("heading")).to_have_text(["基本信息"])
    expect(changes.locator("tr[data-field]")).to_have_count(1)
    before = changes.locator("tr[data-field='建设目标'] [data-value='old']")
    after = changes.locator("tr[data-field='建设目标'] [data-value='new']")
    expect(before).to_have_text(OLD_GOALS)
    expect(after).to_have_text(NEW_GOALS)
    assert before.bounding_box()["x"] < after.bounding_box()["x"]  # side by side, not one under the other
    expect(page.get_by_test_id("snapshot")).to_contain_text(NEW_GOALS)
    expect(page.get_by_text(re.compile(r"^提交的内容（第 2 次提交，"))).to_be_visible()
    expect_decisions(page, "推荐至市科技局", "退回修改", "不予推荐")
    screenshot(page, output_path, "comparison.png")

    # What the journey stored.
    submitted.refresh_from_db()
    assert submitted.status == "district_review"
    assert submitted.filing_number is None
    assert submitted.goals == NEW_GOALS
    events = list(WorkflowEvent.objects.filter(consortium=submitted).order_by("occurred_at", "pk"))
    assert [(e.action, e.from_status, e.to_status, e.actor.username, e.comment) for e in events] == [
        ("submit", "draft", "district_review", "lead-a", ""),
        ("return", "district_review", "returned", "jiangning", reason),
        ("submit", "returned", "district_review", "lead-a", ""),
    ]
    submissions = list(submitted.submissions.order_by("number"))
    assert [s.number for s in submissions] == [1, 2]
    assert [s.details["goals"] for s in submissions] == [OLD_GOALS, NEW_GOALS]
    opinions = ReviewOpinion.objects.filter(consortium=submitted)
    assert [(o.decision, o.comment, o.submission.number) for o in opinions] == [("return", reason, 1)]
