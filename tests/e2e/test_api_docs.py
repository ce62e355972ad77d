"""The API's Swagger UI in a real browser: drawn from the vendored sidecar files and our own page, every operation
listed, nothing refused by the Content-Security-Policy (the ``page`` fixture fails the test on a violation), and a
request tried from the page answered with the city user's session."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_dashboard import log_in

pytestmark = pytest.mark.e2e

OPERATIONS = [
    "/api/v1/consortia/",
    "/api/v1/consortia/{id}/",
    "/api/v1/submissions/",
    "/api/v1/submissions/{id}/",
    "/api/v1/annual-reports/",
    "/api/v1/annual-reports/{id}/",
    "/api/v1/changes/",
    "/api/v1/changes/{id}/",
    "/api/v1/dishonesty-records/",
    "/api/v1/dishonesty-records/{id}/",
]


def test_swagger_ui_lists_every_operation_and_tries_one(page: Page, demo_users, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, "city")
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Nanjing Innovation Consortium Filing Portal API")
    paths = page.locator(".opblock-summary-path")
    expect(paths).to_have_count(len(OPERATIONS))
    assert sorted(paths.all_inner_texts()) == sorted(OPERATIONS)
    assert all(url.startswith(live_server.url) for url in requested), "nothing from another host (no CDN)"

    operation = page.locator("#operations-consortia-consortia_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table .response .response-col_status").first).to_have_text("200")
