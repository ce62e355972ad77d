"""An administrator issues an API token in the admin (issue 16, item 2): creates a system account for 江宁区, issues
its token, reads it once from the page, and the token authenticates; revoked, it is refused with 401."""

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from api.models import ApiToken
from portal.models import AuditEvent, User
from tests.e2e.test_review_journey import log_in, screenshot
from tests.factories import submitted_filing

pytestmark = pytest.mark.e2e
JIANGNING_FILING = "南京市江宁区某创新联合体"


def call_api(live_server, raw: str) -> int:
    """The status the consortium list answers the token with, over HTTP; with 200, only 江宁区's filing is listed."""
    request = urllib.request.Request(
        live_server.url + reverse("api:consortium_list"), headers={"Authorization": f"Bearer {raw}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            names = [row["name"] for row in json.load(response)["results"]]
            assert names == [JIANGNING_FILING]
            return response.status
    except urllib.error.HTTPError as error:
        assert error.headers["WWW-Authenticate"].startswith("Bearer")
        return error.code


def test_an_administrator_issues_a_token_that_works_once_read_and_revokes_it(
    page: Page, live_server, demo_users, output_path
):
    # A filing in 江宁区 for the district token to read, and one in 玄武区 it must not see.
    submitted_filing(lead_user=demo_users["lead-a"], name=JIANGNING_FILING)
    submitted_filing(lead_user=demo_users["lead-b"], name="南京市玄武区某创新联合体", seed=2000)
    log_in(page, live_server.url, "admin")

    # The admin's index lists the API's two models; the system account comes first.
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="系统账户", exact=True).click()
    page.get_by_role("link", name="增加 系统账户").click()
    page.get_by_label("用户名").fill("jiangning-sync")
    page.get_by_label("名称").fill("江宁区科技局数据中台")
    page.get_by_label("角色").select_option(label="区（园区）科技局")
    page.get_by_label("所属主管部门").select_option(label="江宁区")
    page.get_by_label("用途").fill("每日同步本辖区备案")
    page.get_by_role("button", name="保存").click()

    # Straight on to its first token, the account already chosen.
    expect(page.locator(".messagelist")).to_contain_text("已创建系统账户 江宁区科技局数据中台")
    expect(page.get_by_label("系统账户")).to_have_value(str(User.objects.get(username="jiangning-sync").pk))
    page.get_by_label("令牌名称").fill("数据中台同步")
    page.get_by_label("有效期至").fill((timezone.localdate() + timedelta(days=180)).isoformat())
    page.get_by_role("button", name="保存").click()

    # Shown once, on the answer to the issue.
    expect(page.get_by_role("heading", name="令牌已签发")).to_be_visible()
    expect(page.get_by_text("令牌只显示这一次")).to_be_visible()
    raw = page.get_by_test_id("api-token").inner_text().strip()
    token = ApiToken.objects.get(account__username="jiangning-sync")
    assert raw.startswith(token.prefix + ".") and token.secret_hash not in raw
    screenshot(page, output_path, "api-token-issued.png")

    assert call_api(live_server, raw) == 200

    # The list: the token by its prefix, valid, never its secret.
    page.get_by_test_id("token-list").click()
    row = page.locator("#result_list tbody tr").filter(has_text="数据中台同步")
    expect(row).to_contain_text(token.prefix)
    expect(row).to_contain_text("有效")
    expect(page.locator("#result_list")).not_to_contain_text(raw.partition(".")[2])
    screenshot(page, output_path, "api-token-list.png")

    # Revoke: the action asks first, and says it cannot be undone.
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="吊销所选令牌（不可撤回）")
    page.get_by_role("button", name="执行").click()
    expect(page.get_by_text("不可撤回")).to_be_visible()
    page.get_by_role("button", name="确认吊销").click()
    expect(page.locator(".messagelist")).to_contain_text("已吊销 1 个令牌。")
    expect(page.locator("#result_list tbody tr").filter(has_text="数据中台同步")).to_contain_text("已吊销")

    assert call_api(live_server, raw) == 401
    revoked = ApiToken.objects.get(pk=token.pk)
    assert revoked.revoked_by == demo_users["admin"]
    assert AuditEvent.objects.filter(changes__action="api_token_revoked", changes__token=token.prefix).count() == 1
