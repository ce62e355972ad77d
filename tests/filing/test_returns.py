"""Returns answered where they are needed (issue 12): a reviewer's remark on a section shows at the top of that
section's editor and marks it in the sidebar, 继续填写 opens the first remarked section, the submit page says which
remarked sections changed since the return, and a resubmission answers the remarks."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from consortia.selectors import open_remarks
from consortia.services import submit_filing
from consortia.snapshots import load_filing
from reviews.services import review_filing
from tests.factories import submitted_filing

from .conftest import Editor

pytestmark = pytest.mark.django_db

FUNDING_REMARK = "请补充 2027 年度的经费安排。"
TASKS_REMARK = "攻关任务的考核指标须量化。"


class Page(HTMLParser):
    """The parts of a page these tests read: each element's attributes, and the text of each ``data-testid``."""

    VOID = {"input", "br", "img", "hr", "meta", "link"}

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[dict] = []
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str | None, str]] = []  # (data-testid, tag) of the elements being read
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append(attrs)
        if tag not in self.VOID:
            self._open.append((attrs.get("data-testid"), tag))
            if attrs.get("data-testid"):
                self.texts.setdefault(attrs["data-testid"], "")

    def handle_endtag(self, tag):
        if self._open and self._open[-1][1] == tag:
            self._open.pop()

    def handle_data(self, data):
        for testid in {testid for testid, _ in self._open if testid}:
            self.texts[testid] += data

    def marked(self, attribute: str) -> dict[str, str]:
        """``data-section`` → the value of ``attribute`` on the same element."""
        return {e["data-section"]: e[attribute] for e in self.elements if "data-section" in e and attribute in e}

    def text(self, testid: str) -> str | None:
        text = self.texts.get(testid)
        return " ".join(text.split()) if text is not None else None

    def href(self, testid: str) -> str:
        return next(e["href"] for e in self.elements if e.get("data-testid") == testid)


@pytest.fixture
def submitted(demo_users, media):
    return submitted_filing(lead_user=demo_users["lead-a"])


def decide(user, consortium, decision, **section_comments):
    consortium.refresh_from_db()
    return review_filing(
        consortium_id=consortium.pk,
        actor=user,
        decision=decision,
        comment="请按分项意见修改。" if decision == "return" else "",
        section_comments=section_comments,
        expected_status=consortium.status,
    )


@pytest.fixture
def returned(submitted, demo_users):
    """Returned by the district with remarks on 经费计划 and 攻关任务 (given in that order)."""
    decide(demo_users["jiangning"], submitted, "return", funding=FUNDING_REMARK, tasks=TASKS_REMARK)
    return submitted


def get(client, name, consortium, *args) -> Page:
    response = client.get(reverse(name, args=[consortium.pk, *args]))
    assert response.status_code == 200
    return Page(response.content.decode())


def edit_page(client, consortium, section) -> Page:
    return get(client, "consortia:edit", consortium, section)


def test_a_remarked_section_shows_its_remark_on_top_and_is_marked_in_the_sidebar(returned, lead_client):
    page = edit_page(lead_client, returned, "funding")
    assert page.text("remark").startswith(f"退回时的审核意见：{FUNDING_REMARK}")
    assert page.marked("data-remarked") == {
        "basic": "no",
        "lead": "no",
        "members": "no",
        "governance": "no",
        "tasks": "yes",
        "funding": "yes",
        "documents": "no",
    }
    assert page.texts["remarked"].split() == ["有审核意见", "有审核意见"]  # the badge of each of the two

    tasks = edit_page(lead_client, returned, "tasks")
    assert TASKS_REMARK in tasks.text("remark") and FUNDING_REMARK not in tasks.text("remark")
    basic = edit_page(lead_client, returned, "basic")
    assert basic.text("remark") is None  # no remark on this section…
    assert basic.marked("data-remarked")["funding"] == "yes"  # …but the sidebar still shows where they are
    eligibility = get(lead_client, "consortia:eligibility", returned)
    assert eligibility.marked("data-remarked")["tasks"] == "yes"


def test_continue_opens_the_first_remarked_section_in_editor_order(returned, lead_client):
    page = get(lead_client, "consortia:detail", returned)
    assert page.href("edit") == reverse("consortia:edit", args=[returned.pk, "tasks"])


def test_continue_opens_basic_information_when_the_return_remarked_on_no_section(submitted, demo_users, lead_client):
    decide(demo_users["jiangning"], submitted, "return")
    page = get(lead_client, "consortia:detail", submitted)
    assert page.href("edit") == reverse("consortia:edit", args=[submitted.pk, "basic"])
    assert edit_page(lead_client, submitted, "funding").text("remark") is None
    assert "yes" not in edit_page(lead_client, submitted, "funding").marked("data-remarked").values()


def test_the_submit_page_says_which_remarked_sections_changed_since_the_return(returned, lead_client):
    line = returned.funding_lines.get()
    member = returned.memberships.order_by("pk").first().organisation
    prefix = "funding"
    response = Editor(lead_client, returned).post(
        "funding",
        {
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(line.pk),
            f"{prefix}-0-organisation": str(line.organisation_id),
            f"{prefix}-0-year": "2026",
            f"{prefix}-0-self_raised": "150",
            f"{prefix}-0-government": "0",
            f"{prefix}-0-financial": "0",
            f"{prefix}-1-organisation": str(member.pk),
            f"{prefix}-1-year": "2027",
            f"{prefix}-1-self_raised": "50",
            f"{prefix}-1-government": "0",
            f"{prefix}-1-financial": "0",
        },
    )
    assert response.status_code == 302
    assert sorted(returned.funding_lines.values_list("year", "self_raised")) == [(2026, 150), (2027, 50)]

    page = get(lead_client, "consortia:eligibility", returned)
    assert page.marked("data-changed") == {"tasks": "no", "funding": "yes"}
    answers = page.text("remark-answers")
    assert answers.index("攻关任务 未修改") < answers.index("经费计划 已修改")  # in editor order
    assert TASKS_REMARK in answers and FUNDING_REMARK in answers


def test_a_resubmission_answers_the_remarks(returned, demo_users, lead_client):
    submit_filing(consortium_id=returned.pk, actor=demo_users["lead-a"])
    assert open_remarks(load_filing(returned.pk)) == {}
    # Returned again with no section remark: the first return's remarks are not shown again.
    decide(demo_users["jiangning"], returned, "return")
    page = edit_page(lead_client, returned, "funding")
    assert page.text("remark") is None
    assert "yes" not in page.marked("data-remarked").values()
    assert get(lead_client, "consortia:eligibility", returned).text("remark-answers") is None
    assert get(lead_client, "consortia:detail", returned).href("edit").endswith("/edit/basic/")


def test_only_the_return_s_remarks_count_not_those_of_an_earlier_decision(submitted, demo_users, lead_client):
    decide(demo_users["jiangning"], submitted, "recommend", funding="经费来源清楚。")
    decide(demo_users["city"], submitted, "return", basic="名称须与组建协议一致。")
    assert open_remarks(load_filing(submitted.pk)) == {"basic": "名称须与组建协议一致。"}
    page = edit_page(lead_client, submitted, "basic")
    assert "名称须与组建协议一致。" in page.text("remark")
    assert page.marked("data-remarked")["funding"] == "no"
