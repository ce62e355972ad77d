"""Issue 13's browser journey: city staff open the year's annual-report campaign, the lead unit fills the seven
sections of its report in the editor and submits it, the city returns it (first refused without a reason), the lead
unit revises a figure and resubmits, and the city accepts; the second submission's PDF is rendered (pdftoppm) and
read back (pdftotext).

Only the consortium and its funding plan are built through the ORM (``tests.annual_reports.factories``); every step a
user takes is typed and clicked through the pages, by users who log in through the login form. The database is only
read, to check what the steps stored.
"""

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from annual_reports.models import AnnualReport, ReportCampaign, ReportEvent
from tests.annual_reports import factories
from tests.e2e.test_review_journey import accept_next_dialog, expect_message, field, log_in, log_out, screenshot

pytestmark = pytest.mark.e2e

CONSORTIUM_NAME = "南京市车规级功率半导体创新联合体"
LEAD_NAME = "南京示范半导体科技有限公司"  # lead-a's organisation (portal.demo), in 江宁区
# Written out here rather than read from the code under test, so a wrong label fails the test.
OPEN_CONFIRM = "开启后将生成各联合体的年度报告并通知牵头单位，不能撤销。确定开启？"
SUBMIT_CONFIRM = "提交后在市科技局审核期间不能修改，确定提交年度报告？"
DECIDE_CONFIRM = "处理决定提交后不可撤回，确定提交？"
READ_ONLY = "年度报告处于“已提交”状态，不能修改或提交。"
SECTIONS = ["overall", "partners", "team", "funding", "tasks", "talent", "plan"]
# The progress tables' columns: 待填报, 已提交, 已通过, 已退回, 逾期, 合计.
PROGRESS_COLUMNS = ["待填报", "已提交", "已通过", "已退回", "逾期", "合计"]

NARRATIVES = {
    "overall": "本年度联合体完成车规级碳化硅中试线建设，主要指标按计划推进。",
    "partners": "新增一家封装测试单位，成员单位按协议分工协作。",
    "team": "设立运营办公室，专职人员负责项目管理和对外合作。",
    "funding": "各单位自筹资金基本按计划到位，主要用于研发和设备购置。",
    "tasks": "栅氧可靠性攻关完成中试验证。",
    "talent": "联合培养研究生和工程技术人员。",
    "plan": "下一年度完成车规级模块认证，推进量产导入。",
}
OLD_TEAM_SIZE, NEW_TEAM_SIZE = "12", "15"
RETURN_REASON = "请核实运营团队人数，应包含新增封装测试单位派驻的人员。"


def checklist_item(page: Page, section: str) -> Locator:
    return page.get_by_test_id("checklist").locator(f"[data-section='{section}']")


def open_section(page: Page, base_url: str, report: AnnualReport, section: str) -> None:
    """Go to a section from the editor's sidebar."""
    checklist_item(page, section).click()
    expect(page).to_have_url(f"{base_url}/annual-reports/reports/{report.pk}/edit/{section}/")
    expect(checklist_item(page, section)).to_have_class(re.compile(r"\bactive\b"))


def save_section(page: Page, section: str) -> None:
    page.get_by_test_id("save").click()
    expect_message(page, "已保存。")
    expect(page.get_by_test_id("error-summary")).to_have_count(0)
    expect(checklist_item(page, section)).to_have_attribute("data-complete", "yes")


def expect_progress(page: Page, *figures: int) -> None:
    """The campaign page's overall progress row, in the order of ``PROGRESS_COLUMNS``."""
    table = page.get_by_test_id("progress")
    expect(table.locator("thead th")).to_have_text(PROGRESS_COLUMNS)
    expect(table.locator("tbody td")).to_have_text([str(figure) for figure in figures])


def open_report_from_campaign(page: Page, base_url: str, report: AnnualReport, status: str) -> None:
    """City staff: 年度报告 → the year's campaign → the consortium's row."""
    page.get_by_test_id("nav-annual-reports").click()
    expect(page).to_have_url(base_url + "/annual-reports/")
    page.get_by_test_id("campaigns").get_by_role("link", name=str(report.campaign)).click()
    expect(page).to_have_url(f"{base_url}/annual-reports/campaigns/{report.campaign.pk}/")
    row = page.get_by_test_id("reports").locator("tbody tr").filter(has_text=CONSORTIUM_NAME)
    expect(row).to_contain_text(status)
    row.get_by_role("link", name=CONSORTIUM_NAME).click()
    expect(page).to_have_url(f"{base_url}/annual-reports/reports/{report.pk}/")
    expect(page.get_by_test_id("status")).to_have_text(status)


def open_own_report(page: Page, base_url: str, report: AnnualReport, status: str) -> None:
    """The lead unit: 年度报告 → its report's row."""
    page.get_by_test_id("nav-annual-reports").click()
    expect(page).to_have_url(base_url + "/annual-reports/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("本单位的年度报告")
    row = page.get_by_test_id("reports").locator("tbody tr").filter(has_text=CONSORTIUM_NAME)
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text(str(report.campaign.year))
    expect(row).to_contain_text(status)
    row.get_by_role("link", name=CONSORTIUM_NAME).click()
    expect(page).to_have_url(f"{base_url}/annual-reports/reports/{report.pk}/")
    expect(page.get_by_test_id("status")).to_have_text(status)


def decide(page: Page, decision: str, reason: str) -> None:
    """City staff choose a decision on the report page, write the opinion, submit and confirm."""
    form = page.get_by_test_id("decision-form")
    form.get_by_role("radio", name=decision, exact=True).check()
    field(form, "意见").fill(reason)
    dialogs = accept_next_dialog(page)
    with page.expect_response(re.compile(r"/annual-reports/reports/\d+/decide/$")):
        form.get_by_test_id("decide").click()
    assert dialogs == [DECIDE_CONFIRM]


def submit_report(page: Page, base_url: str, report: AnnualReport) -> None:
    """The lead unit submits from the editor's sidebar and confirms."""
    expect(page.get_by_test_id("submit-box")).to_contain_text("七个部分均已填写完整，可以提交。")
    expect(page.get_by_test_id("missing")).to_have_count(0)
    dialogs = accept_next_dialog(page)
    page.get_by_test_id("submit").click()
    expect_message(page, "年度报告已提交。")
    assert dialogs == [SUBMIT_CONFIRM]
    # To the report as submitted; the editor stays read-only until the city decides.
    expect(page).to_have_url(f"{base_url}/annual-reports/reports/{report.pk}/")
    expect(page.get_by_test_id("status")).to_have_text("已提交")
    expect(page.get_by_test_id("edit")).to_have_count(0)
    page.goto(f"{base_url}/annual-reports/reports/{report.pk}/edit/overall/")
    expect(page.get_by_test_id("read-only")).to_have_text(READ_ONLY)
    expect(page.get_by_test_id("save")).to_have_count(0)
    expect(page.get_by_test_id("submit-box")).to_have_count(0)
    page.goto(f"{base_url}/annual-reports/reports/{report.pk}/")


def test_city_opens_lead_unit_submits_city_returns_lead_unit_revises_city_accepts(
    page: Page, live_server, demo_users, output_path
):
    base_url = live_server.url
    year = timezone.localdate().year
    lead = demo_users["lead-a"]
    # An approved consortium in its construction period this year, with one research task and this year's funding plan.
    consortium = factories.consortium(
        lead=lead, name=CONSORTIUM_NAME, start=date(year - 1, 3, 1), end=date(year + 2, 2, 28), tasks=1
    )
    factories.plan(consortium, lead.organisation, year, "100")

    # --- 1. City staff open the year's campaign. ---------------------------------------------------------------
    log_in(page, base_url, "city")
    page.get_by_test_id("nav-annual-reports").click()
    expect(page).to_have_url(base_url + "/annual-reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("年度报告")
    expect(page.get_by_test_id("empty")).to_have_text("尚未开启年度报告。")
    opening = page.get_by_test_id("open-campaign")
    expect(field(opening, "报告年度")).to_have_value(str(year))  # the current year is proposed
    field(opening, "报告年度").fill(str(year))
    expect(field(opening, "提交截止日期")).to_have_value("")  # left empty: the year's last day
    dialogs = accept_next_dialog(page)
    opening.get_by_test_id("open").click()
    expect_message(page, f"已开启 {year} 年度报告。")
    assert dialogs == [OPEN_CONFIRM]
    campaign = ReportCampaign.objects.get()
    expect(page).to_have_url(f"{base_url}/annual-reports/campaigns/{campaign.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{year} 年度报告")
    expect(page.get_by_text(f"报告期：{year}-01-01 至 {year}-12-31 · 提交截止日期：{year}-12-31")).to_be_visible()
    expect_progress(page, 1, 0, 0, 0, 0, 1)
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 份报告")
    row = page.get_by_test_id("reports").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CONSORTIUM_NAME)
    expect(row).to_contain_text(LEAD_NAME)
    expect(row).to_contain_text("江宁区")
    expect(row).to_contain_text("待填报")
    assert (campaign.year, campaign.deadline, campaign.opened_by) == (year, date(year, 12, 31), demo_users["city"])
    report = AnnualReport.objects.get(campaign=campaign, consortium=consortium)
    assert report.status == "to_fill"
    log_out(page, base_url)

    # --- 2. The lead unit fills in the seven sections and submits. ----------------------------------------------
    log_in(page, base_url, "lead-a")
    open_own_report(page, base_url, report, "待填报")
    expect(page.get_by_test_id("report-heading")).to_have_text("报告内容（当前）")
    expect(page.get_by_test_id("submissions")).to_have_text("尚未提交。")
    page.get_by_test_id("edit").click()
    expect(page).to_have_url(f"{base_url}/annual-reports/reports/{report.pk}/edit/overall/")
    for section in SECTIONS:
        expect(checklist_item(page, section)).to_have_attribute("data-complete", "no")
    expect(page.get_by_test_id("missing")).to_have_count(len(SECTIONS))

    # 一、建设总体情况
    field(page, "建设总体情况").fill(NARRATIVES["overall"])
    save_section(page, "overall")
    expect(field(page, "建设总体情况")).to_have_value(NARRATIVES["overall"])

    # 二、合作单位和开展研发项目进展情况, with one joint project in the table's blank row.
    open_section(page, base_url, report, "partners")
    field(page, "合作单位和开展研发项目进展情况").fill(NARRATIVES["partners"])
    page.locator("input[name='projects-0-title']").fill("车规级碳化硅模块联合开发")
    page.locator("textarea[name='projects-0-units']").fill(f"{LEAD_NAME}\n南京示范封装测试有限公司")
    page.locator("input[name='projects-0-funding_source']").fill("企业自筹")
    page.locator("input[name='projects-0-amount']").fill("35.5")
    save_section(page, "partners")
    expect(page.locator("input[name='projects-0-title']")).to_have_value("车规级碳化硅模块联合开发")

    # 三、运营团队的建设情况
    open_section(page, base_url, report, "team")
    field(page, "运营团队的建设情况").fill(NARRATIVES["team"])
    field(page, "运营团队人数").fill(OLD_TEAM_SIZE)
    save_section(page, "team")
    expect(field(page, "运营团队人数")).to_have_value(OLD_TEAM_SIZE)

    # 四、资金投入使用和收益分配情况: the planned 100 comes from the filing's funding plan and is not editable.
    open_section(page, base_url, report, "funding")
    field(page, "资金投入使用和收益分配情况").fill(NARRATIVES["funding"])
    expect(page.locator("input[name='funding-0-planned']")).to_be_disabled()
    expect(page.locator("input[name='funding-0-planned']")).to_have_value(re.compile(r"^100(\.0+)?$"))
    for name, amount in [
        ("received", "80"),
        ("spent_research", "50"),
        ("spent_equipment", "20"),
        ("spent_personnel", "8"),
        ("spent_other", "2"),
    ]:
        page.locator(f"input[name='funding-0-{name}']").fill(amount)
    save_section(page, "funding")
    expect(page.locator("input[name='funding-0-received']")).to_have_value(re.compile(r"^80(\.0+)?$"))

    # 五、攻关项目整体进展情况: one fixed row per research task of the filing.
    open_section(page, base_url, report, "tasks")
    field(page, "攻关项目整体进展情况").fill(NARRATIVES["tasks"])
    task_row = page.get_by_test_id("table-tasks").get_by_test_id("row")
    expect(task_row).to_have_count(1)
    expect(task_row).to_contain_text("攻关任务1")
    page.locator("select[name='tasks-0-status']").select_option(label="按计划推进")
    for name, count in [("patents", "3"), ("standards", "1"), ("papers", "5"), ("products", "2")]:
        page.locator(f"input[name='tasks-0-{name}']").fill(count)
    page.locator("textarea[name='tasks-0-note']").fill("完成 1000 小时高温栅偏试验。")
    save_section(page, "tasks")
    expect(page.locator("select[name='tasks-0-status']")).to_have_value("on_track")

    # 六、人才培养情况
    open_section(page, base_url, report, "talent")
    field(page, "人才培养情况").fill(NARRATIVES["talent"])
    for label, count in [
        ("引进人才（人）", "6"),
        ("培养人才（人）", "20"),
        ("其中高层次人才（人）", "2"),
        ("其中青年人才（人）", "9"),
    ]:
        field(page, label).fill(count)
    save_section(page, "talent")

    # 七、下年度工作计划
    open_section(page, base_url, report, "plan")
    field(page, "下年度工作计划").fill(NARRATIVES["plan"])
    save_section(page, "plan")
    for section in SECTIONS:
        expect(checklist_item(page, section)).to_have_attribute("data-complete", "yes")

    # The funding section, filled in, with all seven ticked off: the report form's screenshot.
    open_section(page, base_url, report, "funding")
    expect(page.get_by_test_id("submit-box")).to_contain_text("七个部分均已填写完整，可以提交。")
    screenshot(page, output_path, "report-form.png")

    submit_report(page, base_url, report)
    expect(page.get_by_test_id("pdf-1")).to_be_visible()
    expect(page.get_by_test_id("events").locator("li")).to_have_count(1)
    expect(page.get_by_test_id("events")).to_contain_text("已提交")
    log_out(page, base_url)

    # --- 3. City staff return it: first without a reason (refused), then with one. ------------------------------
    log_in(page, base_url, "city")
    open_report_from_campaign(page, base_url, report, "已提交")
    expect(page.get_by_test_id("report-heading")).to_have_text("报告内容（第 1 次提交）")
    expect(page.get_by_test_id("narrative-overall")).to_have_text(NARRATIVES["overall"])
    expect(page.get_by_test_id("team-size")).to_have_text(OLD_TEAM_SIZE)
    expect(page.get_by_test_id("joint-projects")).to_contain_text("车规级碳化硅模块联合开发")
    expect(page.get_by_test_id("tasks")).to_contain_text("按计划推进")
    radios = page.get_by_test_id("decision-form").get_by_role("radio")
    expect(radios).to_have_count(2)
    expect(radios.nth(0)).to_have_accessible_name("通过")
    expect(radios.nth(1)).to_have_accessible_name("退回修改")

    # The campaign page now counts one submitted report: its screenshot.
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name=str(campaign)).click()
    expect(page).to_have_url(f"{base_url}/annual-reports/campaigns/{campaign.pk}/")
    expect_progress(page, 0, 1, 0, 0, 0, 1)
    expect(page.get_by_test_id("authority-320115")).to_contain_text("江宁区")
    screenshot(page, output_path, "campaign-page.png")
    page.get_by_test_id("reports").get_by_role("link", name=CONSORTIUM_NAME).click()

    decide(page, "退回修改", "")
    form = page.get_by_test_id("decision-form")
    expect(form.get_by_text("“退回修改”须填写理由。")).to_be_visible()
    expect(field(form, "意见")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form.get_by_role("radio", name="退回修改", exact=True)).to_be_checked()  # the choice is kept
    expect(page.get_by_test_id("status")).to_have_text("已提交")
    expect(page.get_by_role("alert").filter(has_text="已办理")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert list(report.events.values_list("action", flat=True)) == ["submit"]

    decide(page, "退回修改", RETURN_REASON)
    expect_message(page, "已办理：退回修改。")
    expect(page.get_by_test_id("status")).to_have_text("已退回")
    expect(page.get_by_test_id("decision-form")).to_have_count(0)
    expect(page.get_by_test_id("events")).to_contain_text(RETURN_REASON)
    log_out(page, base_url)

    # --- 4. The lead unit sees the return and its reason, revises the team's size and resubmits. ---------------
    log_in(page, base_url, "lead-a")
    open_own_report(page, base_url, report, "已退回")
    returned = page.get_by_test_id("events").locator("li").filter(has_text="已退回")
    expect(returned).to_have_count(1)
    expect(returned).to_contain_text(RETURN_REASON)
    page.get_by_test_id("edit").click()
    expect(page.get_by_test_id("read-only")).to_have_count(0)
    expect(page.get_by_test_id("return-reason")).to_contain_text(RETURN_REASON)  # beside the form being revised
    open_section(page, base_url, report, "team")
    expect(field(page, "运营团队人数")).to_have_value(OLD_TEAM_SIZE)
    field(page, "运营团队人数").fill(NEW_TEAM_SIZE)
    save_section(page, "team")
    expect(field(page, "运营团队人数")).to_have_value(NEW_TEAM_SIZE)
    submit_report(page, base_url, report)
    expect(page.get_by_test_id("status")).to_have_text("已提交")
    expect(page.get_by_test_id("submissions").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("team-size")).to_have_text(NEW_TEAM_SIZE)
    log_out(page, base_url)

    # --- 5. City staff accept the second submission. -------------------------------------------------------------
    log_in(page, base_url, "city")
    open_report_from_campaign(page, base_url, report, "已提交")
    expect(page.get_by_test_id("report-heading")).to_have_text("报告内容（第 2 次提交）")
    expect(page.get_by_test_id("team-size")).to_have_text(NEW_TEAM_SIZE)
    decide(page, "通过", "")
    expect_message(page, "已办理：通过。")
    expect(page.get_by_test_id("status")).to_have_text("已通过")
    expect(page.get_by_test_id("decision-form")).to_have_count(0)
    events = page.get_by_test_id("events").locator("li")
    expect(events).to_have_count(4)
    expect(events.locator("strong")).to_have_text(["已提交", "已退回", "已提交", "已通过"])

    report.refresh_from_db()
    assert report.status == "accepted"
    submissions = list(report.submissions.order_by("number"))
    assert [s.number for s in submissions] == [1, 2]
    assert [s.submitted_by.username for s in submissions] == ["lead-a", "lead-a"]
    assert [s.content["team_size"] for s in submissions] == [int(OLD_TEAM_SIZE), int(NEW_TEAM_SIZE)]
    assert report.team_size == int(NEW_TEAM_SIZE)
    line = report.funding_lines.get()
    assert (line.planned, line.received, line.spent) == (Decimal("100"), Decimal("80"), Decimal("80"))
    assert report.task_progress.get().patents == 3
    assert report.talent_trained == 20
    assert report.joint_projects.get().amount == Decimal("35.5")
    events = list(ReportEvent.objects.filter(report=report).order_by("occurred_at", "pk"))
    assert [(e.action, e.from_status, e.to_status, e.actor.username, e.comment) for e in events] == [
        ("submit", "to_fill", "submitted", "lead-a", ""),
        ("return", "submitted", "returned", "city", RETURN_REASON),
        ("submit", "returned", "submitted", "lead-a", ""),
        ("accept", "submitted", "accepted", "city", ""),
    ]

    # --- 6. The second submission's PDF: its first page rendered, its text read back. ---------------------------
    link = page.get_by_test_id("pdf-2")
    expect(link).to_have_attribute("href", f"/annual-reports/reports/{report.pk}/submissions/2.pdf")
    response = page.request.get(base_url + link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    folder = Path(output_path)
    folder.mkdir(parents=True, exist_ok=True)
    pdf_path = folder / "report-2.pdf"
    pdf_path.write_bytes(pdf)
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.fail("pdftoppm and pdftotext are needed (apt-get install poppler-utils)", pytrace=False)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf_path, folder / "report-pdf-page1"],
        check=True,
    )
    png = folder / "report-pdf-page1.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert png.stat().st_size > 20_000
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf_path, "-"], capture_output=True, check=True).stdout
    text = "".join(text.decode().split())  # table cells wrap: compare without the layout's breaks and spaces
    assert CONSORTIUM_NAME in text
    assert f"运营团队人数{NEW_TEAM_SIZE}" in text
    assert f"运营团队人数{OLD_TEAM_SIZE}" not in text
    assert NARRATIVES["overall"] in text
