"""A notice's verification page in a real browser (issue 17): a visitor without an account opens the URL printed on
the notice, reads its facts and status, uploads the notice and is told it matches; no cookie is set."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_filing_journey import screenshot
from tests.factories import submitted_filing
from tests.reviews.test_workflow import decide

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_a_visitor_checks_a_notice_on_its_verification_page(
    page: Page, live_server, demo_users, settings, tmp_path, output_path
):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    settings.PORTAL_BASE_URL = live_server.url
    consortium = submitted_filing(lead_user=demo_users["lead-a"], name="南京市光电芯片创新联合体")
    decide(demo_users["jiangning"], consortium, "recommend")
    decide(demo_users["city"], consortium, "approve", "同意备案。")
    consortium.refresh_from_db()
    notice = consortium.notice
    pdf = tmp_path / "备案通知书.pdf"
    pdf.write_bytes(notice.file.read())

    page.goto(live_server.url + f"/verify/{notice.verification_code}/")
    expect(page.get_by_role("heading", name="备案通知书核验")).to_be_visible()
    expect(page.get_by_test_id("verify-status")).to_have_text("该联合体备案有效，处于建设期内。")
    facts = page.get_by_test_id("verify-facts")
    expect(facts).to_contain_text("南京市光电芯片创新联合体")
    expect(facts).to_contain_text(consortium.filing_number)
    expect(page.get_by_test_id("verify-sha256")).to_have_text(notice.sha256)

    page.get_by_label("通知书文件（PDF）").set_input_files(pdf)
    page.get_by_test_id("verify-submit").click()
    expect(page.get_by_test_id("upload-result")).to_contain_text("一致：该文件与平台出具的通知书完全相同。")
    expect(page.get_by_test_id("upload-sha256")).to_have_text(notice.sha256)
    assert page.context.cookies() == []
    screenshot(page, output_path, "verify-page.png")
