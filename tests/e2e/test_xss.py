"""Issue 15 item 4: every user-entered text is escaped wherever it is shown.

``tests/e2e/xss_world.py`` puts a script payload into every free text of filings, members, tasks, opinions, changes,
lifecycle records and an annual report. Each role opens, in Chromium, every page that shows those texts. No page may
open a dialog (an ``alert`` that ran), and each page must show its texts as text, so that a page that dropped a text
does not pass for escaping it.

The context bypasses the Content-Security-Policy: the policy would stop an injected inline script by itself and hide
a missing escape, and this test is about the escaping.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse
from playwright.sync_api import Dialog, Page, expect

from consortia.models import Consortium
from consortia.services import save_section, section_version
from portal.models import Notification, Organisation
from tests.e2e.test_review_journey import field, log_in
from tests.e2e.xss_world import PAYLOADS, World, build_world

pytestmark = pytest.mark.e2e

# Everything the page shows as text: the document's text and what its form fields hold. A payload that the browser
# parsed as markup is not in it (its tags are gone), so finding the whole payload here means it was shown as text.
SHOWN_TEXT = """() => [
    document.documentElement.textContent,
    ...Array.from(document.querySelectorAll("input, textarea"), (field) => field.value),
].join("\\n")"""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # conftest's context (zh-CN, Asia/Shanghai), with the page's CSP ignored: see the module's docstring.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def world(demo_users, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return build_world(demo_users)


class Visits:
    """Opens pages and keeps what went wrong on any of them: a dialog, an error status, a text not shown."""

    def __init__(self, page: Page, base_url: str, world: World):
        self.page, self.base_url, self.world = page, base_url, world
        self.dialogs: list[str] = []
        self.faults: list[str] = []
        # Before any navigation: a payload may run while the first page is still loading.
        page.on("dialog", self._record)

    def _record(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{self.page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def open(self, path: str, *tags: str) -> None:
        """Open ``path`` and check that it shows the texts of ``tags``."""
        response = self.page.goto(self.base_url + path)
        if response is None or response.status != 200:
            self.faults.append(f"{path}: HTTP {response.status if response else '—'}")
            return
        self.look(path, *tags)

    def look(self, where: str, *tags: str) -> None:
        """Check that the page open now shows the texts of ``tags``."""
        shown = self.page.evaluate(SHOWN_TEXT)
        missing = [tag for tag in tags if self.world.payloads[tag] not in shown]
        if missing:
            self.faults.append(f"{where}: not shown {missing}")

    def check(self) -> None:
        assert self.dialogs == [], "a text ran as script:\n" + "\n".join(self.dialogs)
        assert self.faults == [], "\n".join(self.faults)


@pytest.fixture
def visits(page: Page, live_server, world) -> Visits:
    return Visits(page, live_server.url, world)


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def search(path: str, text: str, parameter: str = "q") -> str:
    return f"{path}?{parameter}={quote(text)}"


def latest_notification(username: str) -> str:
    notification = Notification.objects.filter(recipient__username=username).order_by("-pk").first()
    return url("notification", notification.pk)


# What each filing's pages show of it.
FILING = ["name", "summary", "goals", "head", "chair", "expert1", "expert2", "advisor", "mechanism"]
MEMBERS = ["m1.name", "m1.capability", "m1.role", "m2.name", "m2.capability", "m2.role"]
TASK = ["task.title", "task.objectives", "task.indicators", "task.milestones"]


def of(prefix: str, *groups: list[str]) -> list[str]:
    return [f"{prefix}.{tag}" for group in groups for tag in group]


def test_lead_unit_pages_show_every_text_as_text(page: Page, live_server, world, visits):
    log_in(page, live_server.url, "lead-a")
    returned, approved, report = world.returned.pk, world.approved.pk, world.report.pk
    visits.open(url("home"), "user.name", "org.name")
    visits.open(url("consortia:list"), "r.name", "c.name", "e.name")
    visits.open(
        url("consortia:detail", returned),
        *of("r", FILING, MEMBERS, TASK),
        "r.document",
        "r.city",
        "org.name",
        "user.name",
    )
    visits.open(
        url("consortia:detail", approved),
        "c.name",
        "c.summary2",
        "c.goals2",
        "c.task.milestones2",
        "c.approve",
        "change.explanation",
        "change.agreement",
        "pending.summary",
        "pending.file",
        "recognition.number",
        "recognition.note",
    )
    sections = {
        "basic": ["r.name", "r.summary", "r.goals", "r.city.basic"],
        "lead": ["org.name", "r.head", "r.city.lead"],
        "members": ["r.m1.name", "r.m2.name", "r.city.members"],
        "governance": ["r.chair", "r.expert1", "r.expert2", "r.advisor", "r.mechanism", "r.city.governance"],
        "tasks": [*of("r", TASK), "r.city.tasks"],
        "funding": ["org.name", "r.city.funding"],
        "documents": ["r.document", "r.city.documents"],
    }
    for section, tags in sections.items():
        visits.open(url("consortia:edit", returned, section), *tags)
    refused_saves(page, world, visits)
    visits.open(url("consortia:edit_member", returned, world.member.pk), "r.m1.name", "r.m1.capability", "r.m1.role")
    visits.open(url("consortia:eligibility", returned), "r.name", "r.m1.name", "r.city.basic")
    visits.open(url("consortia:record_change", approved, "strategic_plan"), "c.name")
    visits.open(url("lifecycle:declare_completion", approved), "c.name")
    visits.open(url("annual_reports:mine"), "c.name")
    visits.open(url("annual_reports:report", report), *REPORT, "report.return")
    for section, tags in EDITOR_SECTIONS.items():
        visits.open(url("annual_reports:edit", report, section), *tags, "report.return")
    visits.open(url("organisation"), "org.name", "org.address", "org.contact", "org.phone", "user.name")
    visits.open(url("inbox"), "c.name")
    visits.open(latest_notification("lead-a"), "c.name")
    visits.check()


def refused_saves(page: Page, world: World, visits: Visits) -> None:
    """A save refused for its errors shows the form again with what was typed; a save refused because someone saved
    the section since (a stale save) names who it was and shows what they saved."""
    basic = url("consortia:edit", world.returned.pk, "basic")
    typed = world.payloads["typed.goals"] = PAYLOADS[1].format(tag="typed.goals")
    visits.open(basic)
    field(page, "联合体名称").fill("")
    field(page, "建设目标").fill(typed)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    visits.look("refused save", "typed.goals", "r.summary")

    visits.open(basic)
    lead = world.returned.created_by
    save_section(
        consortium_id=world.returned.pk,
        actor=lead,
        section="basic",
        loaded_version=section_version(Consortium.objects.get(pk=world.returned.pk), "basic").number,
        apply=lambda consortium: None,
    )
    field(page, "建设目标").fill(typed)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("stale")).to_be_visible()
    visits.look("stale save", "typed.goals", "user.name", "r.goals", "r.name")


# What each section of the report shows, on the report's page and in its editor (which shows the change record's
# own explanation beside the field for the report's).
REPORT_SECTIONS = {
    "overall": ["report.overall", "report.change", "change.agreement"],
    "partners": ["report.partners", "report.project.title", "report.project.unit1", "report.project.source"],
    "team": ["report.team"],
    "funding": ["report.funding", "report.funding.explanation", "report.return.note", "org.name"],
    "tasks": ["report.tasks", "report.task.note", "c.task.title"],
    "talent": ["report.talent"],
    "plan": ["report.plan"],
}
REPORT = ["c.name", *(tag for tags in REPORT_SECTIONS.values() for tag in tags), "report.project.unit2"]
EDITOR_SECTIONS = {**REPORT_SECTIONS, "overall": ["report.overall", "report.change", "change.explanation"]}


def test_district_officer_pages_show_every_text_as_text(page: Page, live_server, world, visits):
    log_in(page, live_server.url, "jiangning")
    returned, approved, report = world.returned.pk, world.approved.pk, world.report.pk
    visits.open(url("home"), "district.user")
    visits.open(url("reviews:queue") + "?status=", "r.name", "c.name", "org.name")
    visits.open(search(url("reviews:queue"), world.payloads["org.name"]) + "&status=", "r.name", "c.name")
    visits.open(
        url("reviews:review", returned), *of("r", FILING, MEMBERS, TASK), "r.document", "r.district", "r.city.basic"
    )
    visits.open(
        url("reviews:review", approved),
        "c.summary",
        "c.summary2",
        "c.goals",
        "c.goals2",
        "c.task.milestones",
        "c.task.milestones2",
        "c.return",
        "c.return.basic",
        "c.recommend",
        "c.approve",
    )
    visits.open(url("consortia:detail", approved), "c.name", "change.explanation", "recognition.note")
    visits.open(url("annual_reports:campaigns"))
    visits.open(url("annual_reports:campaign", world.report.campaign_id), "c.name", "org.name")
    visits.open(url("annual_reports:report", report), *REPORT, "report.return", "report.remark")
    visits.open(url("monitoring:dashboard"), "e.name", "org.name")
    visits.open(url("monitoring:portfolio"), "c.name", "r.name", "e.name", "org.name")
    visits.open(search(url("monitoring:portfolio"), world.payloads["c.name"]), "c.name")
    visits.open(url("inbox"), "c.name")
    visits.open(latest_notification("jiangning"), "c.name")
    visits.check()


def test_city_staff_pages_show_every_text_as_text(page: Page, live_server, world, visits):
    log_in(page, live_server.url, "city")
    returned, approved, revoked, report = world.returned.pk, world.approved.pk, world.revoked.pk, world.report.pk
    visits.open(url("home"), "city.user")
    visits.open(url("reviews:queue") + "?status=", "r.name", "c.name", "v.name", "org.name", "orgb.name")
    visits.open(
        url("reviews:review", returned), *of("r", FILING, MEMBERS, TASK), "r.city", "r.city.members", "district.user"
    )
    visits.open(url("reviews:review", approved), "c.summary", "c.summary2", "c.return", "c.approve", "city.user")
    visits.open(url("consortia:detail", revoked), "v.name", "v.reason", "v.member", "orgb.name", "v.evidence")
    visits.open(url("annual_reports:campaigns"))
    campaign = url("annual_reports:campaign", world.report.campaign_id)
    visits.open(campaign, "c.name", "e.name", "org.name")
    visits.open(search(campaign, world.payloads["c.name"]), "c.name")
    visits.open(url("annual_reports:report", report), *REPORT, "report.return", "report.remark", "district.user")
    visits.open(url("monitoring:dashboard"), "e.name", "org.name")
    visits.open(url("monitoring:portfolio"), "c.name", "r.name", "v.name", "e.name", "org.name", "orgb.name")
    visits.open(search(url("monitoring:portfolio"), world.payloads["c.m1.name"]), "c.name")
    visits.open(url("lifecycle:pending_declarations"), "c.name", "org.name")
    visits.open(url("lifecycle:decide_completion", approved, world.pending.pk), "c.name", "pending.summary")
    visits.open(url("lifecycle:decide_completion", approved, world.declined.pk), "declined.summary", "declined.reason")
    visits.open(url("lifecycle:revoke", approved), "c.name", "c.m1.name")
    visits.open(url("lifecycle:record_recognition", world.expiring.pk), "e.name")
    visits.open(url("lifecycle:dishonesty_list"), "orgb.name", "v.member", "v.end")
    visits.open(url("lifecycle:end_record", world.record_in_force.pk), "orgb.name")
    visits.open(url("inbox"), "c.name")
    visits.open(latest_notification("city"), "c.name")
    visits.check()


def test_administrator_pages_show_every_text_as_text(page: Page, live_server, world, visits):
    log_in(page, live_server.url, "admin")
    approved = world.approved
    lead = Organisation.objects.get(pk=approved.lead_organisation_id)
    member = approved.memberships.first().organisation
    reasons = ["r.district", "r.city", "c.return", "c.approve", "declined.reason", "v.reason", "v.end"]
    visits.open(url("audit"), *reasons, "recognition.number", "report.return")
    # The filter's field shows what was typed into it.
    visits.open(search(url("audit"), world.payloads["user.name"], parameter="user"), "user.name")
    visits.open(url("reviews:review", approved.pk), "c.summary2", "c.approve")
    visits.open(url("lifecycle:dishonesty_list"), "orgb.name", "v.member")
    visits.open(search(url("monitoring:portfolio"), world.payloads["org.name"]), "c.name", "r.name")
    visits.open(url("admin:consortia_consortium_changelist"), "c.name", "r.name", "org.name")
    visits.open(search(url("admin:consortia_consortium_changelist"), world.payloads["c.name"]), "c.name")
    visits.open(url("admin:consortia_consortium_change", approved.pk), "c.name", "c.summary2", "c.goals2")
    visits.open(url("admin:portal_organisation_changelist"), "org.name", "c.m1.name")
    visits.open(
        url("admin:portal_organisation_change", lead.pk),
        "org.name",
        "org.address",
        "org.contact",
        "org.phone",
        "org.email",
    )
    visits.open(url("admin:portal_organisation_change", member.pk), "c.m1.name")
    visits.open(url("admin:portal_user_change", approved.created_by_id), "user.name", "org.name")
    visits.open(url("admin:portal_notification_changelist"), "c.name")
    notification = Notification.objects.filter(subject__contains=world.payloads["c.name"]).first()
    visits.open(url("admin:portal_notification_change", notification.pk), "c.name")
    visits.check()
