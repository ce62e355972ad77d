"""The screenshots of the user guides (docs/guide/), taken from the portal as it is (issue 15, item 6).

Each test takes one guide's screenshots after ``seed_demo``: for each it opens the page as the demo account of the
guide's role, checks the page is the one the guide describes (its heading) and takes a 1366×768 screenshot: to
test-results/guide/<name>.png, or, when ``GUIDE_SCREENSHOTS_DIR`` names a folder (``make docs`` names
docs/guide/images), there. The objects shown are picked from what the demo data holds (the first filing in district
review the officer sees, …); a kind of object the demo data lacks fails the test, saying what is missing."""

import os
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from annual_reports.models import EDITABLE, AnnualReport, ReportCampaign, ReportStatus
from consortia.models import Consortium
from consortia.permissions import change_refusal, completion_declaration_refusal
from consortia.states import EDITABLE as EDITABLE_FILING
from consortia.states import Status
from portal.demo import DEMO_PASSWORD
from portal.models import User
from tests.guide_shots import GUIDE_SHOTS, SHOTS

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
VIEWPORT = {"width": 1366, "height": 768}
LEAD_UNITS = ("lead-a", "lead-b")
OFFICERS = ("jiangning", "xuanwu")

TAKERS: dict[str, Callable[[Page, str], None]] = {}


def shot(name: str):
    """Register the function that brings the page of screenshot ``name`` on screen (``base`` is the server's URL)."""

    def register(function):
        TAKERS[name] = function
        return function

    return register


def folder() -> Path:
    named = os.environ.get("GUIDE_SCREENSHOTS_DIR", "").strip()
    path = ROOT / named if named else ROOT / "test-results" / "guide"  # an absolute name stays as it is
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def demo_portal(live_server, settings):
    """The demo accounts (and whatever else ``seed_demo`` builds); the command refuses to run with DEBUG off, and the
    test runner turns DEBUG off, so it is on only while the command runs."""
    debug = settings.DEBUG
    settings.DEBUG = True
    call_command("load_reference_data", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = debug
    return live_server.url


def missing(what: str):
    pytest.fail(f"the demo data (seed_demo) has no {what}: the guide's screenshot cannot be taken")


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_test_id("home-heading")).to_be_visible()


def heading(page: Page, text: str, level: int = 1) -> None:
    expect(page.get_by_role("heading", level=level).filter(has_text=text).first).to_be_visible()


def consortium_of(usernames, what: str, **conditions) -> tuple[str, Consortium]:
    """The first of these users who sees a consortium matching ``conditions``, and that consortium."""
    for username in usernames:
        user = User.objects.get(username=username)
        found = Consortium.objects.visible_to(user).filter(**conditions).order_by("pk").first()
        if found:
            return username, found
    missing(what)


# --- Lead units --------------------------------------------------------------------------------------------------


@shot("lead-register")
def lead_register(page, base):
    page.goto(base + "/accounts/register/")
    heading(page, "牵头单位注册")


@shot("lead-filings")
def lead_filings(page, base):
    log_in(page, base, "lead-a")
    page.get_by_test_id("nav-filings").click()
    heading(page, "创新联合体备案")


def open_draft(page: Page, base: str) -> int:
    """A filing lead-a may still edit: the demo's, or a new draft made the way the guide describes."""
    user = User.objects.get(username="lead-a")
    draft = Consortium.objects.visible_to(user).filter(status__in=EDITABLE_FILING).order_by("pk").first()
    log_in(page, base, "lead-a")
    if draft:
        return draft.pk
    page.goto(base + "/filings/new/")
    page.get_by_label("联合体名称").fill("南京市第三代半导体器件创新联合体")
    page.get_by_role("button", name="创建草稿").click()
    heading(page, "基本信息", level=2)
    return Consortium.objects.visible_to(user).get(name="南京市第三代半导体器件创新联合体").pk


@shot("lead-editor")
def lead_editor(page, base):
    pk = open_draft(page, base)
    page.goto(f"{base}/filings/{pk}/edit/basic/")
    heading(page, "基本信息", level=2)
    expect(page.get_by_test_id("checklist")).to_be_visible()


@shot("lead-eligibility")
def lead_eligibility(page, base):
    pk = open_draft(page, base)
    page.goto(f"{base}/filings/{pk}/eligibility/")
    heading(page, "条件核验", level=2)


@shot("lead-returned")
def lead_returned(page, base):
    username, returned = consortium_of(LEAD_UNITS, "filing returned for changes", status=Status.RETURNED)
    log_in(page, base, username)
    page.goto(f"{base}/filings/{returned.pk}/")
    heading(page, returned.name)
    expect(page.get_by_text("退回修改").first).to_be_visible()


@shot("lead-change")
def lead_change(page, base):
    username, active = consortium_of(LEAD_UNITS, "active consortium", status=Status.ACTIVE)
    assert change_refusal(User.objects.get(username=username), active) is None
    log_in(page, base, username)
    page.goto(f"{base}/filings/{active.pk}/changes/member_joined/")
    heading(page, "记录变更")


@shot("lead-report")
def lead_report(page, base):
    for username in LEAD_UNITS:
        user = User.objects.get(username=username)
        report = AnnualReport.objects.visible_to(user).filter(status__in=EDITABLE).order_by("pk").first()
        if report:
            break
    else:
        missing("annual report to fill")
    log_in(page, base, username)
    page.get_by_test_id("nav-annual-reports").click()
    heading(page, "本单位的年度报告")
    page.goto(f"{base}/annual-reports/reports/{report.pk}/edit/overall/")
    heading(page, "建设总体情况", level=2)


@shot("lead-completion")
def lead_completion(page, base):
    for username in LEAD_UNITS:
        user = User.objects.get(username=username)
        active = Consortium.objects.visible_to(user).filter(status=Status.ACTIVE).order_by("pk")
        ready = [
            c
            for c in active
            if completion_declaration_refusal(
                user, c, pending=any(d.is_pending for d in c.completion_declarations.all())
            )
            is None
        ]
        if ready:
            break
    else:
        missing("active consortium that may declare its tasks complete")
    log_in(page, base, username)
    page.goto(f"{base}/lifecycle/{ready[0].pk}/completion/declare/")
    heading(page, "申报任务完成")


@shot("lead-organisation")
def lead_organisation(page, base):
    log_in(page, base, "lead-a")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="本单位").click()
    heading(page, User.objects.get(username="lead-a").organisation.name)
    expect(page.get_by_text("添加同事账户")).to_be_visible()


# --- District officers -------------------------------------------------------------------------------------------


@shot("district-queue")
def district_queue(page, base):
    log_in(page, base, "jiangning")
    page.get_by_test_id("nav-queue").click()
    heading(page, "初审队列")


@shot("district-review")
def district_review(page, base):
    username, filing = consortium_of(OFFICERS, "filing in district review", status=Status.DISTRICT_REVIEW)
    log_in(page, base, username)
    page.goto(f"{base}/reviews/{filing.pk}/")
    heading(page, filing.name)
    decision = page.get_by_text("审核决定", exact=True).first
    decision.scroll_into_view_if_needed()
    expect(decision).to_be_visible()


@shot("district-portfolio")
def district_portfolio(page, base):
    log_in(page, base, "jiangning")
    page.get_by_test_id("nav-portfolio").click()
    heading(page, "联合体清单")


@shot("district-report")
def district_report(page, base):
    for username in OFFICERS:
        user = User.objects.get(username=username)
        report = AnnualReport.objects.visible_to(user).filter(status=ReportStatus.SUBMITTED).order_by("pk").first()
        if report:
            break
    else:
        missing("submitted annual report")
    log_in(page, base, username)
    page.goto(f"{base}/annual-reports/reports/{report.pk}/")
    heading(page, report.consortium.name)
    remarks = page.get_by_text("审阅意见（牵头单位不可见）").first
    remarks.scroll_into_view_if_needed()
    expect(remarks).to_be_visible()


@shot("district-dashboard")
def district_dashboard(page, base):
    log_in(page, base, "jiangning")
    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("dashboard-heading")).to_contain_text("江宁区")


@shot("district-inbox")
def district_inbox(page, base):
    log_in(page, base, "jiangning")
    page.get_by_test_id("inbox-link").click()
    heading(page, "通知")


# --- City staff --------------------------------------------------------------------------------------------------


@shot("city-queue")
def city_queue(page, base):
    log_in(page, base, "city")
    page.get_by_test_id("nav-queue").click()
    heading(page, "市级审核队列")


@shot("city-review")
def city_review(page, base):
    _username, filing = consortium_of(["city"], "filing in city review", status=Status.CITY_REVIEW)
    log_in(page, base, "city")
    page.goto(f"{base}/reviews/{filing.pk}/")
    heading(page, filing.name)
    decision = page.get_by_text("审核决定", exact=True).first
    decision.scroll_into_view_if_needed()
    expect(page.get_by_role("button", name="提交审核决定")).to_be_visible()


@shot("city-campaigns")
def city_campaigns(page, base):
    log_in(page, base, "city")
    page.get_by_test_id("nav-annual-reports").click()
    heading(page, "年度报告")
    expect(page.get_by_role("heading", name="开启年度报告")).to_be_visible()


@shot("city-campaign")
def city_campaign(page, base):
    campaign = ReportCampaign.objects.order_by("-pk").first() or missing("annual-report campaign")
    log_in(page, base, "city")
    page.goto(f"{base}/annual-reports/campaigns/{campaign.pk}/")
    heading(page, str(campaign))
    expect(page.get_by_role("link", name="导出（Excel）")).to_be_visible()


@shot("city-dashboard")
def city_dashboard(page, base):
    log_in(page, base, "city")
    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("dashboard-heading")).to_have_text("监测看板")


@shot("city-portfolio")
def city_portfolio(page, base):
    log_in(page, base, "city")
    page.get_by_test_id("nav-portfolio").click()
    heading(page, "联合体清单")


@shot("city-revoke")
def city_revoke(page, base):
    _username, active = consortium_of(["city"], "active consortium", status=Status.ACTIVE)
    log_in(page, base, "city")
    page.goto(f"{base}/lifecycle/{active.pk}/revoke/")
    heading(page, "撤销备案")


@shot("city-dishonesty")
def city_dishonesty(page, base):
    log_in(page, base, "city")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="失信记录").click()
    heading(page, "失信信息记录")


# --- Administrators ----------------------------------------------------------------------------------------------


@shot("admin-site")
def admin_site(page, base):
    log_in(page, base, "admin")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="管理后台").click()
    heading(page, "系统管理")


@shot("admin-users")
def admin_users(page, base):
    log_in(page, base, "admin")
    page.goto(base + "/admin/portal/user/")
    heading(page, "用户")
    expect(page.get_by_role("link", name="lead-a", exact=True)).to_be_visible()


@shot("admin-reference")
def admin_reference(page, base):
    log_in(page, base, "admin")
    page.goto(base + "/admin/portal/industryfield/")
    heading(page, "重点产业领域")


@shot("admin-thresholds")
def admin_thresholds(page, base):
    log_in(page, base, "admin")
    page.goto(base + "/admin/consortia/eligibilitythresholds/")
    heading(page, "资格条件阈值")
    expect(page.get_by_label("参与单位最少数量")).to_be_visible()


@shot("admin-notifications")
def admin_notifications(page, base):
    log_in(page, base, "admin")
    page.goto(base + "/admin/portal/notification/")
    heading(page, "通知")


@shot("admin-audit")
def admin_audit(page, base):
    log_in(page, base, "admin")
    page.get_by_test_id("nav-audit").click()
    heading(page, "审计日志")


assert set(TAKERS) == set(SHOTS), "tests/guide_shots.py and the functions here name different screenshots"


@pytest.mark.parametrize("guide", GUIDE_SHOTS)
def test_guide_screenshots(page: Page, demo_portal, guide):
    """Every screenshot of one guide, on one seeding of the demo (it takes seconds): each signs in afresh as its
    own account."""
    page.set_viewport_size(VIEWPORT)
    for name in GUIDE_SHOTS[guide]:
        page.context.clear_cookies()
        TAKERS[name](page, demo_portal)
        path = folder() / f"{name}.png"
        page.screenshot(path=path)
        assert path.stat().st_size > 10_000, f"{path} looks empty"


def test_the_help_menu_opens_a_guide_with_its_screenshots(page: Page, demo_portal):
    """Signed out, from the login page: the top bar's 帮助, the index, a guide, its images loaded as static files and
    nothing refused by the Content-Security-Policy."""
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.set_viewport_size(VIEWPORT)
    page.goto(demo_portal + "/accounts/login/")
    page.get_by_test_id("help-link").click()
    expect(page.get_by_test_id("help-heading")).to_have_text("帮助")
    page.get_by_test_id("guide-city").click()
    expect(page.get_by_test_id("guide-heading")).to_have_text("市科技局使用指南")
    images = page.get_by_test_id("guide-body").locator("img")
    expect(images).to_have_count(len([name for name in SHOTS if name.startswith("city-")]))
    for image in images.all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") == VIEWPORT["width"]
    # Not a guide's screenshot: beside the browser tests' other output, never among the guides' images.
    page.screenshot(path=ROOT / "test-results" / "help-city.png")
    assert refused == []
