"""The report editor in a browser: an overspend without a reason is refused at its field with the summary focused,
the rest kept; with the reason and a returns row added by the button, the section saves."""

from decimal import Decimal

from playwright.sync_api import Page, expect

from annual_reports.jobs import create_reports
from annual_reports.models import AnnualReport
from portal.demo import DEMO_PASSWORD
from tests.annual_reports import factories
from tests.e2e.test_filing_journey import screenshot


def test_funding_section_refuses_an_unexplained_overspend_then_saves(page: Page, demo_users, output_path):
    lead = demo_users["lead-a"]
    consortium = factories.consortium(lead=lead)
    factories.plan(consortium, lead.organisation, factories.YEAR, "100")
    create_reports(campaign=factories.campaign())
    report = AnnualReport.objects.get(consortium=consortium)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("lead-a")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"/annual-reports/reports/{report.pk}/edit/funding/")

    page.locator("textarea[name='funding_narrative']").fill("资金按计划到位。")
    page.locator("input[name='funding-0-received']").fill("80")
    page.locator("input[name='funding-0-spent_research']").fill("95")
    page.get_by_test_id("save").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("支出合计超过实际到位资金，请说明原因。")
    expect(page.locator("input[name='funding-0-spent_research']")).to_have_value("95")
    expect(page.locator("input[name='funding-0-planned']")).to_be_disabled()
    screenshot(page, output_path, "report-form.png")

    page.locator("textarea[name='funding-0-explanation']").fill("上年结转资金用于研发。")
    page.get_by_test_id("table-returns").get_by_role("button", name="再添加一行").click()
    page.locator("select[name='returns-1-organisation']").select_option(str(lead.organisation.pk))
    page.locator("input[name='returns-1-amount']").fill("12.5")
    page.get_by_test_id("save").click()

    expect(page.get_by_text("已保存。")).to_be_visible()
    line = report.funding_lines.get()
    assert (line.received, line.spent_research, line.planned) == (Decimal("80"), Decimal("95"), Decimal("100"))
    assert report.returns.get().amount == Decimal("12.5")
