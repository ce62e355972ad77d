"""The Content-Security-Policy in a real browser: what the pages do without inline code still works under it.

A confirmation (static/js/confirm.js) dismissed sends nothing and accepted sends the form; the progress bars
(static/js/progress.js) and the dashboard's charts (ECharts) get their sizes from scripts. conftest's ``page`` fails
any test here, as every browser test, on a refusal the console reports.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Dialog, Page, expect

from annual_reports.models import AnnualReport, ReportStatus
from consortia.models import Consortium
from consortia.states import Status
from tests.annual_reports.factories import consortium as reporting_consortium
from tests.annual_reports.factories import reports_of_the_year
from tests.e2e.test_dashboard import (
    CHARTS,
    bar_centre,
    log_in,
    portfolio,  # noqa: F401 (a fixture)
)
from tests.factories import complete_filing

pytestmark = pytest.mark.e2e

DELETE_CONFIRM = "删除后本草稿的全部内容和附件将不可恢复，确定删除？"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


def answer_next_dialog(page: Page, *, accept: bool) -> list[str]:
    """Accept or dismiss the next dialog; the list receives its message once it has been shown."""
    seen = []

    def answer(dialog: Dialog) -> None:
        seen.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", answer)
    return seen


def test_a_dismissed_confirmation_deletes_nothing_and_an_accepted_one_deletes_the_draft(
    page: Page, live_server, demo_users, media
):
    draft = complete_filing(lead_user=demo_users["lead-a"], name="待删除的草稿")
    log_in(page, "lead-a")
    page.goto(reverse("consortia:detail", args=[draft.pk]))

    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    dialogs = answer_next_dialog(page, accept=False)
    page.get_by_test_id("delete-draft").click()
    page.wait_for_timeout(300)  # time for a request the dismissal failed to stop
    assert dialogs == [DELETE_CONFIRM]
    assert posts == []
    assert Consortium.objects.filter(pk=draft.pk).exists()

    dialogs = answer_next_dialog(page, accept=True)
    page.get_by_test_id("delete-draft").click()
    expect(page).to_have_url(reverse("consortia:list"))
    assert dialogs == [DELETE_CONFIRM]
    assert [url.removeprefix(live_server.url) for url in posts] == [reverse("consortia:delete_draft", args=[draft.pk])]
    assert not Consortium.objects.filter(pk=draft.pk).exists()


def test_the_campaigns_progress_bars_are_as_wide_as_their_share(page: Page, demo_users):
    lead = demo_users["lead-a"]
    built = [reporting_consortium(lead=lead) for _ in range(4)]
    reports = reports_of_the_year()
    AnnualReport.objects.filter(pk=reports[built[0].pk].pk).update(status=ReportStatus.SUBMITTED)
    log_in(page, "city")
    page.goto(reverse("annual_reports:campaign", args=[reports[built[0].pk].campaign_id]))

    overall = page.locator(".progress-stacked").first
    expect(overall).to_be_visible()
    total = overall.bounding_box()["width"]
    widths = [segment.bounding_box()["width"] for segment in overall.locator(".progress").all()]
    # To fill 3 of 4, submitted 1 of 4, nothing accepted or returned.
    assert [round(100 * width / total) for width in widths] == [75, 25, 0, 0]
    assert overall.bounding_box()["height"] < 12  # .progress-thin, under Bootstrap's 16 px


def test_the_dashboards_charts_are_drawn_and_answer_the_pointer(page: Page, portfolio):  # noqa: F811
    log_in(page, "city")
    page.goto(reverse("monitoring:dashboard"))
    for chart in CHARTS:
        canvas = page.get_by_test_id(f"chart-{chart}").locator("canvas")
        expect(canvas).to_have_count(1)
        box = canvas.bounding_box()
        assert box["width"] > 100 and box["height"] > 100, chart
    # Hovering a bar opens ECharts' tooltip, the part of the chart that writes markup.
    page.get_by_test_id("chart-status").scroll_into_view_if_needed()
    point = bar_centre(page, "status", list(Status).index(Status.ACTIVE))
    page.mouse.move(point["x"], point["y"])
    expect(page.get_by_test_id("chart-status").get_by_text(str(Status.ACTIVE.label))).not_to_have_count(0)


def test_the_policy_is_enforced_and_a_refusal_is_reported(page: Page, demo_users, csp_violations):
    """What the harness relies on: Chromium refuses a style attribute and says so in the console in words that
    conftest's ``page`` recognises. The refusal is taken back out of the list, or this test would fail."""
    log_in(page, "lead-a")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p id=\"probe\" style=\"display: none\">x</p>')")
    expect(page.locator("#probe")).to_be_visible()  # the style attribute was not applied
    for _ in range(20):  # the console message comes on its own, soon after
        if csp_violations:
            break
        page.wait_for_timeout(50)
    assert len(csp_violations) == 1  # recognised by conftest's ``page``, which fills the list
    assert csp_violations[0].startswith(page.url) and "style-src 'self'" in csp_violations[0]
    csp_violations.clear()


def test_the_admin_pages_run_their_scripts_under_the_policy(page: Page, demo_users):
    """Django's admin has no inline script of its own since 4.x: its change list, change form and sidebar work."""
    log_in(page, "admin")
    page.goto(reverse("admin:index"))
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(reverse("admin:portal_organisation_changelist"))
    page.locator("#action-toggle").check()  # actions.js: every row selected, the counter says so
    expect(page.locator(".action-counter")).to_contain_text(str(len(page.locator("input.action-select").all())))
    page.locator("#nav-filter").fill("用户")  # nav_sidebar.js filters the sidebar's models
    expect(page.locator("#nav-sidebar tr.model-organisation")).to_be_hidden()
    expect(page.locator("#nav-sidebar tr.model-user")).to_be_visible()

    page.goto(reverse("admin:portal_user_change", args=[demo_users["lead-a"].pk]))
    chooser = page.locator("#id_groups_from")
    expect(chooser).to_be_visible()  # SelectFilter2.js built the two-box chooser from the plain select
    expect(page.locator("#id_last_login_0 + .datetimeshortcuts")).to_be_visible()  # DateTimeShortcuts.js
