"""The API shows each role exactly what the pages show it (issue 16): every list's ids are those of the model's
``visible_to(user)`` — for the consortia, with the portfolio list's own filters applied the same way — a detail
outside that scope is a 404, and the dishonesty record is city staff's and administrators' alone."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annual_reports.models import AnnualReport
from consortia.models import ChangeRecord, Consortium, DishonestyRecord, Submission
from consortia.states import Status
from monitoring.filters import PortfolioFilter
from tests.api.conftest import ROLES, USERS, api_client

pytestmark = pytest.mark.django_db


def user_of(demo_users, role):
    return AnonymousUser() if role == "anonymous" else demo_users[USERS[role]]


def visible_submissions(user):
    return Submission.objects.filter(consortium__in=Consortium.objects.visible_to(user))


def visible_changes(user):
    return ChangeRecord.objects.filter(consortium__in=Consortium.objects.visible_to(user))


# list url name → (detail url name, what the user may see)
ENDPOINTS = {
    "api:consortium_list": ("api:consortium_detail", Consortium.objects.visible_to),
    "api:submission_list": ("api:submission_detail", visible_submissions),
    "api:annual_report_list": ("api:annual_report_detail", AnnualReport.objects.visible_to),
    "api:change_list": ("api:change_detail", visible_changes),
    "api:dishonesty_record_list": ("api:dishonesty_record_detail", DishonestyRecord.objects.visible_to),
}
MODELS = {
    "api:consortium_list": Consortium,
    "api:submission_list": Submission,
    "api:annual_report_list": AnnualReport,
    "api:change_list": ChangeRecord,
    "api:dishonesty_record_list": DishonestyRecord,
}
READS_DISHONESTY = {"city", "admin"}


def all_ids(client, url, params=None, page_size=2):
    """Every id of a list, page after page (small pages, so the cursor is walked)."""
    ids, response = [], client.get(url, {**(params or {}), "page_size": page_size})
    while True:
        assert response.status_code == 200, response.content
        ids += [row["id"] for row in response.json()["results"]]
        if not response.json()["next"]:
            return ids
        response = client.get(response.json()["next"])


def ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_list_has_exactly_what_visible_to_gives(api_world, demo_users, role, endpoint):
    client, user = api_client(demo_users, role), user_of(demo_users, role)
    response = client.get(reverse(endpoint))
    if role == "anonymous":
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    elif endpoint == "api:dishonesty_record_list" and role not in READS_DISHONESTY:
        assert response.status_code == 403
    else:
        listed = all_ids(client, reverse(endpoint))
        assert listed == sorted(listed), "a cursor over the id, ascending"
        assert len(listed) == len(set(listed)), "no row on two pages"
        assert listed == ids(ENDPOINTS[endpoint][1](user))


# The portfolio list's filters, as its page (monitoring.views.portfolio) gives them.
CONSORTIUM_FILTERS = [
    {"status": [Status.ACTIVE, Status.EXPIRED]},
    {"status": Status.DISTRICT_REVIEW},
    {"authority": "320102"},
    {"q": "玄武"},
    {"q": "91320115MA1Q8W3R2D"},  # lead-a's USCC
    {"period_from": "2027-01-01"},
    {"status": Status.ACTIVE, "authority": "320115", "q": "联合体"},
]


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
# Named by their query string: a name with brackets (a dict's or a list's text) cannot be given back to pytest.
@pytest.mark.parametrize("params", CONSORTIUM_FILTERS, ids=lambda params: urlencode(params, doseq=True))
def test_the_consortia_list_filters_as_the_portfolio_list(api_world, demo_users, role, params):
    user = user_of(demo_users, role)
    query = QueryDict(urlencode(params, doseq=True))  # as the page's request gives it
    expected = PortfolioFilter(query, queryset=Consortium.objects.visible_to(user), user=user)
    assert expected.is_valid()
    assert all_ids(api_client(demo_users, role), reverse("api:consortium_list"), params) == ids(expected.qs)


def test_the_scopes_differ_as_the_roles_do(api_world, demo_users):
    """The lists above compare with ``visible_to``; this pins down what that is here, so that the comparison cannot
    pass on a scope that shows everybody everything (or nothing)."""
    names = {
        role: set(Consortium.objects.visible_to(demo_users[USERS[role]]).values_list("name", flat=True))
        for role in USERS
    }
    assert "草稿联合体" in names["owner"] and "草稿联合体" not in names["officer"] | names["city"]
    assert names["other_officer"] == {"玄武审核中联合体", "玄武已备案联合体"}
    assert names["officer"] == names["owner"] - {"草稿联合体"}
    assert names["admin"] == names["city"] | {"草稿联合体"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_detail_outside_the_scope_is_not_found(api_world, demo_users, role, endpoint):
    client, user = api_client(demo_users, role), user_of(demo_users, role)
    detail, visible = ENDPOINTS[endpoint]
    scope = set(ids(visible(user))) if user.is_authenticated else set()
    answers = {}
    for pk in [*ids(MODELS[endpoint].objects.all()), 999999]:
        answers[pk] = client.get(reverse(detail, kwargs={"pk": pk})).status_code
    if role == "anonymous":
        expected = dict.fromkeys(answers, 401)
    elif endpoint == "api:dishonesty_record_list" and role not in READS_DISHONESTY:
        expected = dict.fromkeys(answers, 403)
    else:
        expected = {pk: 200 if pk in scope else 404 for pk in answers}
    assert answers == expected
    assert 200 not in expected.values() or scope, "the world gives each reader something to see"


# --- What a reader reads -----------------------------------------------------------------------------------------


def test_reviewers_read_what_was_submitted_and_the_lead_unit_its_live_filing(api_world, demo_users):
    returned = api_world.consortia["returned"]
    url = reverse("api:consortium_detail", kwargs={"pk": returned.pk})
    officer = api_client(demo_users, "officer").get(url).json()
    owner = api_client(demo_users, "owner").get(url).json()
    assert (officer["name"], officer["submission"]) == ("退回联合体", 1)
    assert (owner["name"], owner["submission"]) == ("退回联合体（修改中）", None)
    assert officer["status"] == owner["status"] == Status.RETURNED
    assert [m["name"] for m in officer["members"]] == ["南京示范大学3000", "示范材料公司3000"]
    assert [t["title"] for t in officer["tasks"]] == ["栅氧可靠性攻关"]
    assert officer["period"] == {"start": "2026-01-01", "end": "2028-12-31"}  # as planned: not approved yet
    rows = api_client(demo_users, "officer").get(reverse("api:consortium_list"), {"status": "returned"}).json()
    assert [row["name"] for row in rows["results"]] == ["退回联合体"]
    rows = api_client(demo_users, "owner").get(reverse("api:consortium_list"), {"status": "returned"}).json()
    assert [row["name"] for row in rows["results"]] == ["退回联合体（修改中）"]


def test_a_filed_consortium_reads_its_approved_period_and_filing_number(api_world, demo_users):
    active = api_world.consortia["active"]
    body = api_client(demo_users, "city").get(reverse("api:consortium_detail", kwargs={"pk": active.pk})).json()
    assert body["filing_number"] == active.filing_number
    assert body["period"] == {"start": "2025-03-01", "end": "2028-02-28"}
    assert (body["status"], body["status_label"]) == ("active", "已备案（建设期内）")


def test_a_submission_is_its_consortium_filing_document(api_world, demo_users):
    submission = Submission.objects.get(consortium=api_world.consortia["district_review"])
    url = reverse("api:submission_detail", kwargs={"pk": submission.pk})
    body = api_client(demo_users, "officer").get(url).json()
    assert body["document"] == submission.document
    assert body["document"]["format"] == "consortium-filing/1"
    assert (body["consortium"], body["number"]) == (submission.consortium_id, 1)


def test_an_annual_report_shows_its_figures_as_submitted_to_reviewers(api_world, demo_users):
    report = api_world.reports[api_world.consortia["active"].pk]
    AnnualReport.objects.filter(pk=report.pk).update(team_size=99)  # an unsent edit after the submission
    url = reverse("api:annual_report_detail", kwargs={"pk": report.pk})
    officer = api_client(demo_users, "officer").get(url).json()
    owner = api_client(demo_users, "owner").get(url).json()
    assert (officer["submission"], officer["content"]["team_size"]) == (1, 12)
    assert (owner["submission"], owner["content"]["team_size"]) == (None, 99)
    assert officer["content"]["narratives"]["overall"] == "建设总体情况：本年度情况说明。"
    unsent = api_world.reports[api_world.consortia["active_b"].pk]
    body = api_client(demo_users, "city").get(reverse("api:annual_report_detail", kwargs={"pk": unsent.pk})).json()
    assert (body["content"], body["submission"]) == (None, None)


def test_dishonesty_records_read_their_state_today(api_world, demo_users):
    body = api_client(demo_users, "city").get(reverse("api:dishonesty_record_list")).json()
    states = {row["reason"]: row["state"] for row in body["results"]}
    assert states == {"虚报材料": "in_force", "逾期未整改": "expired"}
    in_force = api_client(demo_users, "city").get(reverse("api:dishonesty_record_list"), {"state": "in_force"})
    assert [row["reason"] for row in in_force.json()["results"]] == ["虚报材料"]
    by_uscc = api_client(demo_users, "admin").get(reverse("api:dishonesty_record_list"), {"q": "91320102MA1P4K7N5W"})
    assert len(by_uscc.json()["results"]) == 2


def test_a_change_carries_its_supplementary_agreement(api_world, demo_users):
    body = api_client(demo_users, "officer").get(reverse("api:change_list")).json()
    (change,) = body["results"]
    assert change["kind"] == "strategic_plan" and change["member"] is None
    assert change["agreement"]["name"] == "补充协议.pdf"
    assert change["agreement"]["sha256"] == api_world.change.agreement.sha256


# --- Errors ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "params", "field"),
    [
        ("api:consortium_list", {"status": "nonsense"}, "status"),
        ("api:consortium_list", {"period_from": "2026-13-01"}, "period_from"),
        ("api:consortium_list", {"authority": "000000"}, "authority"),
        ("api:annual_report_list", {"year": "two"}, "year"),
        ("api:change_list", {"kind": "lead_unit"}, "kind"),
        ("api:submission_list", {"consortium": "1.5"}, "consortium"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(api_world, demo_users, endpoint, params, field):
    response = api_client(demo_users, "city").get(reverse(endpoint), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_district_officer_cannot_widen_the_scope_by_authority(api_world, demo_users):
    """The page drops the authority filter for an officer; so does the API: the officer's own list, unchanged."""
    client = api_client(demo_users, "officer")
    mine = all_ids(client, reverse("api:consortium_list"))
    assert all_ids(client, reverse("api:consortium_list"), {"authority": "320102"}) == mine


def test_a_bad_cursor_is_a_404(api_world, demo_users):
    response = api_client(demo_users, "city").get(reverse("api:consortium_list"), {"cursor": "not-a-cursor"})
    assert response.status_code == 404


def test_the_consortia_list_costs_the_same_queries_for_more_rows(api_world, demo_users):
    client, url = api_client(demo_users, "city"), reverse("api:consortium_list")
    counts = []
    for page_size in (2, 50):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"page_size": page_size}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3
