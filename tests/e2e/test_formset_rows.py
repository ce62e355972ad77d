"""With JavaScript, a formset gets an "add a row" button; the rows it adds are saved like server-rendered ones."""

import pytest
from playwright.sync_api import expect

from consortia.models import ResearchTask
from portal.demo import DEMO_PASSWORD
from tests.factories import complete_filing


@pytest.fixture
def filing(demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return complete_filing(lead_user=demo_users["lead-a"])


def test_add_row_button_adds_a_task_that_is_saved(page, filing):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("lead-a")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"/filings/{filing.pk}/edit/tasks/")

    page.get_by_role("button", name="再添加一行").click()
    for index, title in ((1, "外延缺陷控制"), (2, "模块封装热管理")):
        page.locator(f"input[name='tasks-{index}-title']").fill(title)
        page.locator(f"select[name='tasks-{index}-kind']").select_option("frontier")
        page.locator(f"textarea[name='tasks-{index}-objectives']").fill("达到国际先进水平。")
    expect(page.locator("#id_tasks-TOTAL_FORMS")).to_have_value("3")
    page.get_by_test_id("save").click()

    expect(page.get_by_text("已保存。")).to_be_visible()
    titles = set(ResearchTask.objects.filter(consortium=filing).values_list("title", flat=True))
    assert titles == {"栅氧可靠性攻关", "外延缺陷控制", "模块封装热管理"}
