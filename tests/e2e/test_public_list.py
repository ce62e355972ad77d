"""The public list in a real browser: signed out, a search, no cookie, and the login page's link to it."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from consortia.models import Consortium
from portal.models import IndustryField
from tests.e2e.test_filing_journey import screenshot
from tests.lifecycle.factories import active_consortium, lead_user, organisation

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_a_visitor_searches_the_public_list_without_an_account(page: Page, live_server, reference_data, output_path):
    lead = lead_user(organisation(name="南京示范光电科技有限公司"))
    for day, name in enumerate(["南京市光电芯片创新联合体", "南京市生物医药创新联合体"], start=1):
        active_consortium(lead=lead, name=name, end_date=date(2028, 12, day))
    Consortium.objects.update(field=IndustryField.objects.get(code="third-gen-semiconductors"))

    page.goto(live_server.url + "/public/")
    expect(page.get_by_role("heading", name="市级创新联合体备案名单")).to_be_visible()
    expect(page.get_by_test_id("public-list").locator("tbody tr")).to_have_count(2)

    page.get_by_label("搜索").fill("光电芯片")
    page.get_by_test_id("search").click()
    rows = page.get_by_test_id("public-list").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("南京市光电芯片创新联合体")
    expect(rows.first).to_contain_text("第三代半导体")
    expect(rows.first).to_contain_text("已备案（建设期内）")
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 个联合体")
    assert page.context.cookies() == []
    screenshot(page, output_path, "public-list.png")

    # The way back from the login page.
    page.get_by_test_id("login-link").click()
    page.get_by_test_id("public-list-link").click()
    expect(page.get_by_test_id("public-list").locator("tbody tr")).to_have_count(2)
