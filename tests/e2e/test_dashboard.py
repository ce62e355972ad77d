"""The dashboard in a real browser: the vendored ECharts draws every chart from the page's JSON, and a click on a bar
follows the link the server gave it to the portfolio list of exactly those consortia."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from annual_reports.models import AnnualReport, ReportStatus
from consortia.models import ProvincialRecognition
from consortia.states import Status
from portal.demo import DEMO_PASSWORD
from portal.models import IndustryField
from tests.annual_reports.factories import campaign
from tests.lifecycle.factories import active_consortium

pytestmark = pytest.mark.e2e

CHARTS = ["status", "field", "authority", "technology_kind", "months", "overdue", "recognitions"]


@pytest.fixture
def portfolio(demo_users):
    """Three consortia of lead-a (江宁): two active, one of them ending within 90 days and recognised, one expired with
    an overdue report. Each has the factory's field and kind, so every chart has something to draw."""
    lead, city = demo_users["lead-a"], demo_users["city"]
    today = timezone.localdate()
    built = [
        active_consortium(lead=lead, end_date=today + timedelta(days=30)),
        active_consortium(lead=lead, end_date=today + timedelta(days=400)),
        active_consortium(lead=lead, end_date=today - timedelta(days=5), status=Status.EXPIRED),
    ]
    for consortium in built:
        consortium.field = IndustryField.objects.get(code="third-gen-semiconductors")
        consortium.technology_kinds = ["choke-point"]
        consortium.save(update_fields=["field", "technology_kinds"])
    ProvincialRecognition.objects.create(consortium=built[0], recognised_on=date(2025, 6, 1), recorded_by=city)
    year = campaign(year=2025, deadline=date(2026, 1, 31))
    AnnualReport.objects.create(
        campaign=year, consortium=built[2], status=ReportStatus.TO_FILL, overdue_since=date(2026, 2, 1)
    )
    return built


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_test_id("home-heading")).to_be_visible()


def bar_centre(page: Page, chart: str, category: int) -> dict:
    """Where on the page the bar of ``category`` (index) of the horizontal chart ``chart`` is: half way along it."""
    return page.evaluate(
        """([chart, category]) => {
            const element = document.querySelector(`[data-chart="${chart}"]`);
            const instance = echarts.getInstanceByDom(element);
            const value = instance.getOption().series[0].data[category];
            const [x, y] = instance.convertToPixel({ seriesIndex: 0 }, [value / 2, category]);
            const box = element.getBoundingClientRect();
            return { x: box.left + x, y: box.top + y };
        }""",
        [chart, category],
    )


def test_every_chart_is_drawn_and_a_bar_opens_its_list(page: Page, portfolio):
    log_in(page, "city")
    page.goto("/dashboard/")
    for chart in CHARTS:
        expect(page.get_by_test_id(f"chart-{chart}").locator("canvas")).to_have_count(1)

    status_chart = page.get_by_test_id("chart-status")
    status_chart.scroll_into_view_if_needed()
    active = list(Status).index(Status.ACTIVE)
    point = bar_centre(page, "status", active)
    page.mouse.click(point["x"], point["y"])
    expect(page).to_have_url(re.compile(r"/portfolio/\?status=active$"))
