"""Issue 5's acceptance journey in a real browser: a lead unit registers itself, fills every section of a filing in
the editor, justifies the one "原则上" condition it does not meet, and submits the filing for the district's review.

Everything is typed and clicked through the pages a user sees; the database is only read, at the end, to check what
the submission stored.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfWriter

from consortia.models import Consortium, Submission
from portal.models import User
from portal.uscc import check_character

pytestmark = pytest.mark.e2e

# 91320115MA1Q8W3R2D (江宁区) belongs to the demo data; this one is free and passes the checksum.
LEAD_USCC_BASE = "91320115MA27H5K3X"
LEAD_USCC = LEAD_USCC_BASE + check_character(LEAD_USCC_BASE)
LEAD_NAME = "南京江宁示范碳化硅科技有限公司"
USERNAME = "jn-sic-lead"
PASSWORD = "Ningchuang-2026!"
CONTACT = "陈静"

FILING_NAME = "南京市碳化硅功率器件创新联合体"
# Two enterprises and no university or institute: ACADEMIC_MEMBER (§3.5, a "原则上" rule) fails and must be justified.
MEMBERS = [
    {
        "uscc": "914403001922038216",
        "name": "深圳示范通信股份有限公司",
        "chain_position": "下游",
        "capability": "年研发投入超百亿元，具备功率器件系统级验证能力。",
        "role": "负责器件在通信电源中的应用验证。",
    },
    {
        "uscc": "91320214745555318W",
        "name": "无锡示范封装测试有限公司",
        "chain_position": "中游",
        "capability": "拥有车规级功率模块封装产线和可靠性实验室。",
        "role": "负责功率模块封装工艺开发。",
    },
]
JUSTIFICATION = "本联合体聚焦器件封装与应用验证，产业链上下游企业已具备完整研发条件，高校团队以技术顾问形式参与。"
SECTIONS = ["basic", "lead", "members", "governance", "tasks", "funding", "documents"]


def field(scope: Page | Locator, label: str) -> Locator:
    """The control labelled exactly ``label``; crispy forms append " *" to the labels of required fields."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def checklist_item(page: Page, section: str) -> Locator:
    return page.get_by_test_id("checklist").locator(f"[data-section='{section}']")


def expect_complete(page: Page, *sections: str) -> None:
    """The sidebar marks these sections complete (and only these among the seven)."""
    for section in SECTIONS:
        expect(checklist_item(page, section)).to_have_attribute("data-complete", "yes" if section in sections else "no")


def write_pdf(path: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def screenshot(page: Page, output_path: str, name: str) -> None:
    path = Path(output_path) / name
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 10_000


def register(page: Page, base_url: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_test_id("register-link").click()
    expect(page.get_by_role("heading", name="牵头单位注册")).to_be_visible()

    organisation = page.locator("fieldset").filter(has_text="单位信息")
    field(organisation, "单位名称").fill(LEAD_NAME)
    field(organisation, "统一社会信用代码").fill(LEAD_USCC)
    field(organisation, "单位类型").select_option(label="企业")
    field(organisation, "属地主管部门").select_option(label="江宁区")
    field(organisation, "地址").fill("南京市江宁区秣陵街道将军大道 100 号")
    field(organisation, "联系人").fill(CONTACT)
    field(organisation, "联系电话").fill("025-52100000")
    field(organisation, "联系邮箱").fill("contact@sic-jn.example.cn")

    account = page.locator("fieldset").filter(has_text="账户信息")
    field(account, "用户名").fill(USERNAME)
    field(account, "姓名").fill(CONTACT)
    field(account, "电子邮箱").fill("chenjing@sic-jn.example.cn")
    field(account, "手机号码").fill("13900000000")
    field(account, "密码").fill(PASSWORD)
    field(account, "确认密码").fill(PASSWORD)
    page.get_by_test_id("register-submit").click()

    # Logged in on the home page, as a lead-unit user of the new organisation.
    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_test_id("home-heading")).to_have_text("工作台")
    expect_message(page, "注册成功")
    expect(page.get_by_test_id("user-menu")).to_contain_text("（牵头单位用户）")
    expect(page.locator("#content")).to_contain_text(f"所属单位：{LEAD_NAME}")


def create_filing(page: Page) -> None:
    page.get_by_test_id("nav-filings").click()
    expect(page.get_by_role("heading", name="创新联合体备案")).to_be_visible()
    page.get_by_role("link", name="新建备案").click()
    expect(page.get_by_role("heading", name="新建创新联合体备案")).to_be_visible()
    expect(page.locator("#content")).to_contain_text(f"牵头单位：{LEAD_NAME}")
    field(page, "联合体名称").fill(FILING_NAME)
    page.get_by_role("button", name="创建草稿").click()

    expect_message(page, "已创建备案草稿")
    expect(page.get_by_role("heading", name="基本信息")).to_be_visible()
    expect(checklist_item(page, "basic")).to_have_class(re.compile(r"\bactive\b"))
    expect_complete(page)


def save(page: Page, message: str = "已保存") -> None:
    page.get_by_test_id("save").click()
    expect_message(page, message)


def fill_basic(page: Page, start: datetime.date, end: datetime.date) -> None:
    expect(field(page, "联合体名称")).to_have_value(FILING_NAME)
    field(page, "产业领域").select_option(label="第三代半导体")
    page.get_by_label("“卡脖子”技术", exact=True).check()
    page.get_by_label("引领未来发展的基础前沿技术", exact=True).check()
    field(page, "联合体简介").fill("围绕碳化硅功率器件全链条开展联合攻关。")
    field(page, "建设目标").fill("三年内实现 1200V 碳化硅 MOSFET 量产，良率达 90% 以上。")
    page.locator("input[name='planned_start']").fill(start.isoformat())
    page.locator("input[name='planned_end']").fill(end.isoformat())
    save(page)
    expect_complete(page, "basic")
    # What was saved is shown again.
    expect(field(page, "产业领域").locator("option:checked")).to_have_text("第三代半导体")
    expect(page.get_by_label("“卡脖子”技术", exact=True)).to_be_checked()
    expect(page.get_by_label("具有先发优势的关键技术", exact=True)).not_to_be_checked()
    expect(page.locator("input[name='planned_end']")).to_have_value(end.isoformat())


def fill_lead(page: Page) -> None:
    checklist_item(page, "lead").click()
    expect(page.get_by_role("heading", name="牵头单位")).to_be_visible()
    expect(page.locator("#content")).to_contain_text(LEAD_USCC)
    field(page, "单位负责人").fill("王敏")
    field(page, "上年度销售收入（万元）").fill("52000.5")
    field(page, "上年度研发投入（万元）").fill("3100")
    save(page)
    expect_complete(page, "basic", "lead")
    expect(field(page, "上年度研发投入（万元）")).to_have_value(re.compile(r"^3100(\.0+)?$"))


def add_members(page: Page) -> None:
    checklist_item(page, "members").click()
    expect(page.get_by_role("heading", name="参与单位", exact=True)).to_be_visible()
    expect(page.get_by_text("尚未添加参与单位。")).to_be_visible()
    for count, member in enumerate(MEMBERS, start=1):
        field(page, "统一社会信用代码").fill(member["uscc"])
        field(page, "单位名称").fill(member["name"])
        field(page, "单位类型").select_option(label="企业")
        field(page, "产业链位置").select_option(label=member["chain_position"])
        field(page, "确认该单位为独立法人单位").check()
        field(page, "研发能力或科研团队与实验条件").fill(member["capability"])
        field(page, "承担的实质性研发工作").fill(member["role"])
        page.get_by_test_id("add-member").click()
        expect_message(page, "已添加参与单位")
        rows = page.get_by_test_id("members").locator("tbody tr")
        expect(rows).to_have_count(count)
        row = rows.filter(has_text=member["uscc"])
        expect(row).to_contain_text("企业")
        expect(row).to_contain_text(member["chain_position"])
        expect(row.locator(".bi-check-lg")).to_have_count(1)  # 独立法人 confirmed
        # The add form is empty again for the next unit.
        expect(field(page, "统一社会信用代码")).to_have_value("")
    expect_complete(page, "basic", "lead", "members")


def fill_governance(page: Page) -> None:
    checklist_item(page, "governance").click()
    expect(page.get_by_role("heading", name="组织架构与运行机制")).to_be_visible()
    field(page, "设立理事会（或专门工作机制）").check()
    field(page, "理事长").fill("王敏")
    field(page, "理事长由牵头单位负责人担任").check()
    field(page, "首席专家").fill("张三，南京示范大学，教授")
    field(page, "专家咨询委员会").fill("李四\n赵五")
    field(page, "运行机制与收益分配").fill("理事会每季度召开一次，成果收益按投入比例分配。")
    save(page)
    expect_complete(page, "basic", "lead", "members", "governance")
    expect(field(page, "理事长")).to_have_value("王敏")


def fill_tasks(page: Page) -> None:
    checklist_item(page, "tasks").click()
    expect(page.get_by_role("heading", name="攻关任务")).to_be_visible()
    page.locator("input[name='tasks-0-title']").fill("1200V 碳化硅 MOSFET 栅氧可靠性攻关")
    page.locator("select[name='tasks-0-kind']").select_option(label="“卡脖子”技术")
    page.locator("textarea[name='tasks-0-objectives']").fill("栅氧寿命达到车规要求。")
    page.locator("textarea[name='tasks-0-indicators']").fill("HTGB 1000 小时无失效。")
    page.locator("textarea[name='tasks-0-milestones']").fill("第一年完成工艺验证；第二年小批量。")
    row = page.get_by_test_id("row").first
    row.get_by_label(LEAD_NAME, exact=True).check()
    row.get_by_label(MEMBERS[1]["name"], exact=True).check()
    save(page)
    expect_complete(page, "basic", "lead", "members", "governance", "tasks")
    # The saved task is row 1, followed by an empty row for the next one.
    rows = page.get_by_test_id("row")
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".card-header")).to_contain_text("任务 1")
    expect(page.locator("input[name='tasks-0-title']")).to_have_value("1200V 碳化硅 MOSFET 栅氧可靠性攻关")
    expect(rows.first.get_by_label(MEMBERS[1]["name"], exact=True)).to_be_checked()
    expect(rows.first.get_by_label(MEMBERS[0]["name"], exact=True)).not_to_be_checked()


def fill_funding(page: Page, year: int) -> None:
    checklist_item(page, "funding").click()
    expect(page.get_by_role("heading", name="经费计划")).to_be_visible()
    page.locator("select[name='funding-0-organisation']").select_option(label=LEAD_NAME)
    page.locator("input[name='funding-0-year']").fill(str(year))
    page.locator("input[name='funding-0-self_raised']").fill("100")
    page.locator("input[name='funding-0-government']").fill("0")
    page.locator("input[name='funding-0-financial']").fill("0")
    save(page)
    expect_complete(page, "basic", "lead", "members", "governance", "tasks", "funding")
    expect(page.get_by_test_id("row").first.locator(".card-header")).to_contain_text("经费 1")
    expect(page.locator("input[name='funding-0-year']")).to_have_value(str(year))


def fill_documents(page: Page, pdf: Path, signed_on: datetime.date) -> None:
    checklist_item(page, "documents").click()
    expect(page.get_by_role("heading", name="附件材料")).to_be_visible()
    expect(page.get_by_text("尚未上传材料。")).to_be_visible()

    page.locator("select[name='upload-kind']").select_option(label="组建协议")
    page.locator("input[name='upload-file']").set_input_files(pdf)
    page.get_by_test_id("upload").click()
    expect_message(page, "已上传")
    documents = page.get_by_test_id("documents").locator("li")
    expect(documents).to_have_count(1)
    expect(documents.first).to_contain_text("组建协议")
    expect(documents.first.get_by_role("link", name=pdf.name)).to_be_visible()
    # The agreement's date is still missing.
    expect(checklist_item(page, "documents")).to_have_attribute("data-complete", "no")

    page.locator("input[name='agreement-agreement_signed_on']").fill(signed_on.isoformat())
    page.locator("input[name='agreement-agreement_all_parties_signed']").check()
    page.get_by_test_id("save-agreement").click()
    expect_message(page, "已保存")
    expect_complete(page, *SECTIONS)
    expect(page.locator("input[name='agreement-agreement_signed_on']")).to_have_value(signed_on.isoformat())
    expect(page.locator("input[name='agreement-agreement_all_parties_signed']")).to_be_checked()


def justify_rule_rows(page: Page) -> Locator:
    """The results rows of "原则上" (justify) rules that are not simply passed."""
    rows = page.get_by_test_id("results").locator("tbody tr")
    return rows.filter(has=page.locator("td:nth-child(3)", has_text=re.compile(r"^\s*原则上\s*$"))).filter(
        has_not=page.locator(".text-bg-success")
    )


def test_lead_unit_registers_fills_a_filing_justifies_and_submits(
    page: Page, live_server, demo_users, output_path, tmp_path
):
    base_url = live_server.url
    today = datetime.date.today()
    start = datetime.date(today.year + 1, 1, 1)
    end = datetime.date(today.year + 3, 12, 31)
    signed_on = today - datetime.timedelta(days=5)
    pdf = write_pdf(tmp_path / "组建协议.pdf")

    # 1. Self-registration from the login page.
    register(page, base_url)
    user = User.objects.get(username=USERNAME)
    assert user.organisation.uscc == LEAD_USCC
    assert user.organisation.jurisdiction.name_zh == "江宁区"

    # 2. A new filing, every section filled through the editor.
    create_filing(page)
    fill_basic(page, start, end)
    fill_lead(page)
    add_members(page)
    fill_governance(page)
    fill_tasks(page)
    fill_funding(page, start.year)
    fill_documents(page, pdf, signed_on)

    # 3. One editor page, every section ticked in the sidebar.
    screenshot(page, output_path, "editor.png")

    # 4. Eligibility: the missing university or institute must be justified before the filing can be submitted.
    page.get_by_test_id("eligibility-link").click()
    expect(page.get_by_role("heading", name="条件核验")).to_be_visible()
    results = page.get_by_test_id("results")
    academic = results.locator("tr[data-rule='ACADEMIC_MEMBER']")
    expect(academic).to_have_attribute("data-outcome", "fail")
    expect(academic.locator("td").nth(1)).to_have_text("三（五）")
    expect(academic.locator("td").nth(2)).to_have_text("原则上")
    expect(academic.locator("td").nth(3)).to_have_text("不满足")
    expect(justify_rule_rows(page)).to_have_count(1)
    expect(page.get_by_test_id("verdict")).to_have_text(
        "须满足的条件均已满足；“原则上”的条件尚未满足，请在下方填写书面说明后再提交。"
    )
    submit = page.get_by_test_id("submit")
    expect(submit).to_have_text("提交备案")
    expect(submit).to_be_disabled()
    # All sections are complete, so no "not yet filled" warning.
    expect(page.get_by_text("以下部分尚未填写完整")).to_have_count(0)
    screenshot(page, output_path, "eligibility.png")

    explanation = page.get_by_role("textbox", name=re.compile("原则上包含高校或科研院所"))
    expect(explanation).to_have_attribute("name", "ACADEMIC_MEMBER")
    explanation.fill(JUSTIFICATION)
    page.get_by_test_id("save-justifications").click()
    expect_message(page, "说明已保存，核验结果已更新。")
    expect(academic).to_have_attribute("data-outcome", "justified")
    expect(academic.locator("td").nth(3)).to_have_text("已说明")
    expect(justify_rule_rows(page)).to_have_count(1)  # justified, not passed
    expect(explanation).to_have_value(JUSTIFICATION)
    expect(page.get_by_test_id("verdict")).to_have_text("全部须满足的条件均已满足。")
    expect(submit).to_be_enabled()

    # 5. Submit, confirming the browser's dialog.
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    submit.click()
    expect(page.get_by_role("heading", name=FILING_NAME)).to_be_visible()
    assert dialogs == ["提交后将由属地科技主管部门初审，审核期间不能修改。确定提交？"]
    expect(page).to_have_url(f"{base_url}/filings/{Consortium.objects.get(name=FILING_NAME).pk}/")
    expect_message(page, "已提交（第 1 次提交）")
    expect(page.get_by_test_id("status")).to_have_text("区级初审中")
    records = page.locator(".card").filter(has=page.locator(".card-header", has_text="提交记录"))
    expect(records.locator("li")).to_have_count(1)
    expect(records.locator("li").first).to_contain_text("第 1 次提交")
    expect(page.get_by_test_id("edit")).to_have_count(0)  # no more editing during the review
    screenshot(page, output_path, "submitted.png")

    consortium = Consortium.objects.get(name=FILING_NAME)
    assert consortium.lead_organisation == user.organisation
    assert consortium.status == "district_review"
    submission = Submission.objects.get(consortium=consortium)
    assert submission.number == 1
    assert submission.submitted_by == user
    assert sorted(m["uscc"] for m in submission.document["members"]) == sorted(m["uscc"] for m in MEMBERS)
    assert submission.document["justifications"] == {"ACADEMIC_MEMBER": JUSTIFICATION}
    assert submission.eligibility["eligible"] is True
    assert consortium.documents.get().original_name == pdf.name
