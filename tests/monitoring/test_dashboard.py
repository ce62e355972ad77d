"""The monitoring dashboard (监测看板, issue 14 item 1): its numbers against counts made here from the rows, each
chart's link against the list it opens, the months series, the page's scripts and who may open it."""

from collections import Counter
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from annual_reports.models import AnnualReport, ReportStatus
from consortia.models import Consortium, ProvincialRecognition, Submission, TechnologyKind
from consortia.states import Status
from monitoring.dashboard import EXPIRY_WINDOW_DAYS, MONTHS, read_dashboard
from portal.models import Authority, IndustryField
from tests.annual_reports.factories import campaign
from tests.factories import complete_filing, submitted_filing
from tests.lifecycle import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The queries of ``read_dashboard``: the version (consortia, reports, submissions, recognitions), then, when it has
# changed, the counts (status, field, authority, technology kind, filings, approvals, expiring, overdue reports,
# recognitions).
VERSION_QUERIES = 4
DASHBOARD_QUERIES = VERSION_QUERIES + 9


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"


def filed(lead, *, status=Status.ACTIVE, ends_in: int = 400, field="third-gen-semiconductors", kinds=("choke-point",)):
    """An approved consortium of ``lead`` ending ``ends_in`` days from today, in ``field`` with ``kinds``."""
    consortium = factories.active_consortium(
        lead=lead, end_date=timezone.localdate() + timedelta(days=ends_in), status=status
    )
    Consortium.objects.filter(pk=consortium.pk).update(
        field=IndustryField.objects.get(code=field), technology_kinds=list(kinds)
    )
    return consortium


def recognise(consortium, on: date, city):
    ProvincialRecognition.objects.create(consortium=consortium, recognised_on=on, recorded_by=city)


def report(campaign, consortium, status, *, overdue: bool):
    return AnnualReport.objects.create(
        campaign=campaign,
        consortium=consortium,
        status=status,
        overdue_since=campaign.deadline + timedelta(days=1) if overdue else None,
    )


@pytest.fixture
def world(demo_users):
    """A varied portfolio in three jurisdictions: lead-a's in 江宁 (320115), lead-b's in 玄武 (320102), one in 鼓楼
    (320106); several statuses, fields and kinds; a draft; consortia ending in -1, 30, 45, 90 and 91 days; overdue
    reports, handed in or not, in two campaigns; recognitions in two years."""
    lead_a, lead_b, city = demo_users["lead-a"], demo_users["lead-b"], demo_users["city"]
    gulou = factories.lead_user(factories.organisation(jurisdiction=Authority.objects.get(code="320106")))
    a1 = filed(lead_a, ends_in=30, kinds=("choke-point", "frontier"))
    a2 = filed(lead_a, ends_in=EXPIRY_WINDOW_DAYS, field="automotive", kinds=("first-mover",))
    a3 = filed(lead_a, ends_in=EXPIRY_WINDOW_DAYS + 1)
    a4 = filed(lead_a, status=Status.EXPIRED, ends_in=-10, field="electronic-information", kinds=("frontier",))
    filed(lead_a, ends_in=-1)  # ended yesterday, still active until the night's expiry job: not expiring
    # In district review, with the factory's field and kinds.
    submitted_filing(lead_user=lead_a, name="待初审联合体", seed=71000)
    complete_filing(lead_user=lead_a, name="未提交的草稿", seed=72000)  # nobody but its lead unit (and admins) sees it
    b1 = filed(lead_b, ends_in=45, field="automotive")
    b2 = filed(lead_b, status=Status.COMPLETED, ends_in=-100, field="steel", kinds=())
    b3 = filed(lead_b, status=Status.RETURNED, field="steel", kinds=("frontier", "first-mover"))
    g1 = filed(gulou, status=Status.REVOKED, kinds=("first-mover", "frontier"))
    filed(gulou, status=Status.ACTIVE, ends_in=EXPIRY_WINDOW_DAYS + 200, field="robotics")
    recognise(a4, date(2024, 6, 1), city)
    recognise(b2, date(2025, 3, 1), city)
    recognise(g1, date(2025, 9, 1), city)
    year_2025 = campaign(year=2025, deadline=date(2026, 1, 31))
    year_2024 = campaign(year=2024, deadline=date(2025, 1, 31))
    report(year_2025, a1, ReportStatus.TO_FILL, overdue=True)
    report(year_2025, a3, ReportStatus.RETURNED, overdue=True)
    report(year_2025, b1, ReportStatus.TO_FILL, overdue=True)
    report(year_2025, a2, ReportStatus.SUBMITTED, overdue=True)  # handed in late: no longer outstanding
    report(year_2025, g1, ReportStatus.ACCEPTED, overdue=True)
    report(year_2025, a4, ReportStatus.TO_FILL, overdue=False)  # before the deadline's flag
    report(year_2024, a3, ReportStatus.TO_FILL, overdue=True)
    report(year_2024, b3, ReportStatus.RETURNED, overdue=True)
    return {"a2": a2, "a3": a3, "b1": b1}


# --- What the test counts itself, from the rows ----------------------------------------------------------------------


def seen_by(user) -> list[Consortium]:
    """The consortia ``user`` may see, by the rule of DESIGN §7 written out here: administrators everything, city
    staff what was ever submitted, a district officer what was submitted in its jurisdiction."""
    everything = list(Consortium.objects.select_related("lead_organisation__jurisdiction", "field"))
    if user.is_portal_admin:
        return everything
    submitted = [c for c in everything if c.submitted_at is not None]
    if user.is_district_officer:
        return [c for c in submitted if c.lead_organisation.jurisdiction_id == user.authority_id]
    return submitted


def expiring(consortia, today):
    until = today + timedelta(days=EXPIRY_WINDOW_DAYS)
    return [c for c in consortia if c.status == Status.ACTIVE and today <= c.end_date <= until]


def outstanding_overdue(consortia) -> Counter:
    """(campaign year, status) → reports flagged overdue and not handed in, of ``consortia``."""
    pks = {c.pk for c in consortia}
    return Counter(
        (r.campaign.year, r.status)
        for r in AnnualReport.objects.select_related("campaign")
        if r.consortium_id in pks and r.overdue_since and r.status in (ReportStatus.TO_FILL, ReportStatus.RETURNED)
    )


def non_zero(tallies) -> dict:
    return {tally.label: tally.count for tally in tallies if tally.count}


def expected_numbers(user, today):
    consortia = seen_by(user)
    pks = {c.pk for c in consortia}
    recognitions = [r for r in ProvincialRecognition.objects.all() if r.consortium_id in pks]
    return {
        "total": len(consortia),
        "status": Counter(str(Status(c.status).label) for c in consortia),
        "field": Counter(c.field.name for c in consortia),
        "authority": Counter(c.lead_organisation.jurisdiction.name for c in consortia),
        "kind": Counter(kind for c in consortia for kind in c.technology_kinds),
        "expiring": sorted((c.end_date, c.pk) for c in expiring(consortia, today)),
        "overdue": outstanding_overdue(consortia),
        "recognitions": Counter(r.recognised_on.year for r in recognitions),
    }


def numbers_shown(board):
    kinds = {str(kind.label): kind.value for kind in TechnologyKind}
    return {
        "total": board.total,
        "status": non_zero(board.by_status),
        "field": non_zero(board.by_field),
        "authority": non_zero(board.by_authority),
        "kind": {kinds[label]: count for label, count in non_zero(board.by_technology_kind).items()},
        "expiring": [(row.end_date, row.pk) for row in board.expiring],
        "overdue": Counter(
            {
                (campaign.year, status): tally.count
                for campaign in board.overdue
                for status, tally in zip(
                    (ReportStatus.TO_FILL, ReportStatus.RETURNED), campaign.outstanding, strict=True
                )
                if tally.count
            }
        ),
        "recognitions": dict(board.recognitions.by_year),
    }


def dashboard_as(client, user):
    client.force_login(user)
    response = client.get(reverse("monitoring:dashboard"))
    assert response.status_code == 200
    return response


# --- The numbers -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["city", "jiangning", "xuanwu", "admin"])
def test_the_numbers_equal_counts_of_what_the_user_sees(world, demo_users, client, username):
    user = demo_users[username]
    board = dashboard_as(client, user).context["board"]
    expected = expected_numbers(user, board.today)
    shown = numbers_shown(board)
    assert shown.keys() == expected.keys()
    for key, figures in expected.items():
        assert shown[key] == (dict(figures) if isinstance(figures, Counter) else figures), key


@pytest.mark.django_db
def test_city_staff_never_count_a_draft_and_administrators_do(world, demo_users, client):
    city = dashboard_as(client, demo_users["city"]).context["board"]
    admin = dashboard_as(client, demo_users["admin"]).context["board"]
    assert city.total == 11  # every consortium of the world but the draft
    assert admin.total == 12
    assert non_zero(admin.by_status)["草稿"] == 1
    assert "草稿" not in non_zero(city.by_status)


@pytest.mark.django_db
def test_a_district_officer_sees_its_own_jurisdiction_only(world, demo_users, client):
    board = dashboard_as(client, demo_users["jiangning"]).context["board"]
    assert [(tally.label, tally.count) for tally in board.by_authority] == [("江宁区", 6)]
    assert world["b1"].pk not in {row.pk for row in board.expiring}  # 玄武's, though it ends in 45 days
    assert {c.year: c.total for c in board.overdue} == {2025: 2, 2024: 1}


@pytest.mark.django_db
def test_expiring_counts_the_ninetieth_day_and_not_the_ninety_first(world, demo_users, client):
    board = dashboard_as(client, demo_users["city"]).context["board"]
    listed = {row.pk: row for row in board.expiring}
    assert world["a2"].pk in listed and listed[world["a2"].pk].days_left == EXPIRY_WINDOW_DAYS
    assert world["a3"].pk not in listed
    assert board.expiring_until == board.today + timedelta(days=EXPIRY_WINDOW_DAYS)
    assert [row.end_date for row in board.expiring] == sorted(row.end_date for row in board.expiring)


@pytest.mark.django_db
def test_a_consortium_with_two_kinds_counts_under_both_and_the_page_says_so(world, demo_users, client):
    response = dashboard_as(client, demo_users["city"])
    board = response.context["board"]
    kinds_listed = sum(len(c.technology_kinds) for c in seen_by(demo_users["city"]))
    assert sum(tally.count for tally in board.by_technology_kind) == kinds_listed > board.total
    assert "各类型之和可能大于联合体总数" in response.content.decode()


@pytest.mark.django_db
def test_overdue_counts_only_reports_not_handed_in(world, demo_users, client):
    board = dashboard_as(client, demo_users["city"]).context["board"]
    by_year = {c.year: [(tally.label, tally.count) for tally in c.outstanding] for c in board.overdue}
    # 2025: a1 and b1 to fill, a3 returned; a2's late submission and g1's accepted report are no longer outstanding.
    assert by_year == {2025: [("待填报", 2), ("已退回", 1)], 2024: [("待填报", 1), ("已退回", 1)]}
    assert board.overdue_total == 5


# --- Each chart's link opens exactly what it counts ------------------------------------------------------------------


def listed(client, url):
    """The consortia (or reports) the list at ``url`` shows on its first page, and how many it says there are."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    return response.context, page.paginator.count, list(page.object_list)


def linked_bars(charts):
    """(chart, category, count, URL) of every bar of ``charts`` (the page's JSON) that links somewhere."""
    for key, chart in charts.items():
        for series in chart["series"]:
            for category, count, url in zip(
                chart["categories"], series["data"], series.get("urls") or (), strict=False
            ):
                if url:
                    yield key, category, count, url


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["city", "jiangning", "admin"])
def test_every_chart_link_opens_exactly_the_consortia_it_counts(world, demo_users, client, username):
    user = demo_users[username]
    response = dashboard_as(client, user)
    consortia = seen_by(user)
    having = {
        "status": lambda c, label: str(Status(c.status).label) == label,
        "field": lambda c, label: c.field.name == label,
        "authority": lambda c, label: c.lead_organisation.jurisdiction.name == label,
        "technology_kind": lambda c, label: label in {str(TechnologyKind(kind).label) for kind in c.technology_kinds},
    }
    followed = 0
    for key, category, count, url in linked_bars(response.context["charts"]):
        if key == "overdue":
            continue  # reports, below
        _context, total, rows = listed(client, url)
        assert total == count, (key, category, url)
        assert {c.pk for c in rows} == {c.pk for c in consortia if having[key](c, category)}, (key, category, url)
        followed += 1
    assert followed >= 10

    board = response.context["board"]
    _context, total, rows = listed(client, board.expiring_url)
    assert total == len(board.expiring) > 0
    assert {c.pk for c in rows} == {c.pk for c in expiring(consortia, board.today)}
    _context, total, rows = listed(client, board.recognitions.url)
    assert total == board.recognitions.total > 0
    recognised = {r.consortium_id for r in ProvincialRecognition.objects.all()}
    assert {c.pk for c in rows} == {c.pk for c in consortia if c.pk in recognised}


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["city", "jiangning"])
def test_every_overdue_link_opens_exactly_the_reports_it_counts(world, demo_users, client, username):
    user = demo_users[username]
    response = dashboard_as(client, user)
    board, charts = response.context["board"], response.context["charts"]
    assert [url for _key, _category, _count, url in linked_bars({"overdue": charts["overdue"]})] == [
        campaign.outstanding[status].url for status in (0, 1) for campaign in board.overdue
    ]
    pks = {c.pk for c in seen_by(user)}
    followed = 0
    for row in board.overdue:
        for status, tally in zip((ReportStatus.TO_FILL, ReportStatus.RETURNED), row.outstanding, strict=True):
            context, total, reports = listed(client, tally.url)
            assert context["campaign"].pk == row.campaign_id
            assert total == tally.count
            assert {r.pk for r in reports} == {
                r.pk
                for r in AnnualReport.objects.filter(campaign_id=row.campaign_id)
                if r.consortium_id in pks and r.overdue_since and r.status == status
            }
            followed += 1
    assert followed == 2 * len(board.overdue) == 4


@pytest.mark.django_db
def test_the_tables_carry_the_charts_links(world, demo_users, client):
    response = dashboard_as(client, demo_users["city"])
    html = response.content.decode()
    for _key, _category, _count, url in linked_bars(response.context["charts"]):
        assert f'href="{url.replace("&", "&amp;")}"' in html
    assert "/portfolio/?status=active" in html
    assert "/portfolio/?authority=320115" in html
    assert "/portfolio/?recognised=true" in html


# --- The months ------------------------------------------------------------------------------------------------------


def first_submitted(consortium, at: datetime, lead, number=1):
    submission = Submission.objects.create(
        consortium=consortium, number=number, submitted_by=lead, document={}, eligibility={}
    )
    Submission.objects.filter(pk=submission.pk).update(submitted_at=at)


@pytest.mark.django_db
def test_months_series_covers_24_months_in_shanghai_with_zeros(demo_users):
    lead, city = demo_users["lead-a"], demo_users["city"]
    today = date(2026, 5, 15)  # the window: 2024-06 … 2026-05

    def consortium(filed_on=None):
        built = factories.active_consortium(lead=lead, end_date=date(2028, 1, 1))
        Consortium.objects.filter(pk=built.pk).update(filed_on=filed_on)
        return built

    first_submitted(consortium(), datetime(2024, 5, 31, 23, 59, 59, tzinfo=SHANGHAI), lead)  # before the window
    first_submitted(consortium(), datetime(2024, 6, 1, 0, 0, tzinfo=SHANGHAI), lead)  # its first instant
    # 16:30 UTC on 31 January, but February in Nanjing.
    first_submitted(consortium(), datetime(2025, 2, 1, 0, 30, tzinfo=SHANGHAI), lead)
    resubmitted = consortium()
    first_submitted(resubmitted, datetime(2025, 3, 10, 9, 0, tzinfo=SHANGHAI), lead)
    first_submitted(resubmitted, datetime(2025, 4, 10, 9, 0, tzinfo=SHANGHAI), lead, number=2)  # not a new filing
    first_submitted(consortium(), datetime(2026, 5, 31, 23, 30, tzinfo=SHANGHAI), lead)  # the window's last month
    first_submitted(consortium(), datetime(2026, 6, 1, 0, 0, tzinfo=SHANGHAI), lead)  # after it
    for filed_on in (date(2024, 5, 31), date(2024, 6, 1), date(2025, 3, 10), date(2026, 5, 31), date(2026, 6, 1)):
        consortium(filed_on)

    months = read_dashboard(city, today=today).months

    assert len(months) == MONTHS == 24
    assert (months[0].month, months[-1].month) == (date(2024, 6, 1), date(2026, 5, 1))
    filings = {m.month: m.filings for m in months if m.filings}
    approvals = {m.month: m.approvals for m in months if m.approvals}
    assert filings == {date(2024, 6, 1): 1, date(2025, 2, 1): 1, date(2025, 3, 1): 1, date(2026, 5, 1): 1}
    assert approvals == {date(2024, 6, 1): 1, date(2025, 3, 1): 1, date(2026, 5, 1): 1}
    july = next(m for m in months if m.month == date(2025, 7, 1))
    assert (july.filings, july.approvals) == (0, 0)


@pytest.mark.django_db
def test_a_district_officer_counts_the_months_of_its_jurisdiction_only(demo_users):
    lead_a, lead_b = demo_users["lead-a"], demo_users["lead-b"]
    today = date(2026, 5, 15)
    for lead in (lead_a, lead_b):
        consortium = factories.active_consortium(lead=lead, end_date=date(2028, 1, 1), start_date=date(2026, 4, 2))
        first_submitted(consortium, datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), lead)

    def series(username):
        months = read_dashboard(demo_users[username], today=today).months
        return {m.month: (m.filings, m.approvals) for m in months if m.filings or m.approvals}

    assert series("city") == {date(2026, 3, 1): (2, 0), date(2026, 4, 1): (0, 2)}
    assert series("jiangning") == series("xuanwu") == {date(2026, 3, 1): (1, 0), date(2026, 4, 1): (0, 1)}


@pytest.mark.django_db
def test_months_window_crosses_the_year_in_january(demo_users):
    months = read_dashboard(demo_users["city"], today=date(2027, 1, 1)).months
    assert [m.month for m in months[:2]] == [date(2025, 2, 1), date(2025, 3, 1)]
    assert months[-1].month == date(2027, 1, 1)
    assert [m.month for m in months] == sorted({m.month for m in months})


# --- Queries ---------------------------------------------------------------------------------------------------------


def more_of_everything(demo_users, n: int):
    """``n`` more consortia in new fields, jurisdictions and kinds, each with an overdue report and a recognition."""
    city = demo_users["city"]
    fields = ["biomedicine", "new-materials", "integrated-circuits", "general-ai", "cell-gene"]
    authorities = ["320104", "320105", "320111", "320113", "320116"]
    extra = campaign(year=2023, deadline=date(2024, 1, 31))
    for i in range(n):
        lead = factories.lead_user(
            factories.organisation(jurisdiction=Authority.objects.get(code=authorities[i % len(authorities)]))
        )
        consortium = filed(lead, ends_in=10 + i, field=fields[i % len(fields)], kinds=("first-mover", "frontier"))
        first_submitted(consortium, timezone.now() - timedelta(days=40 * i), lead)
        report(extra, consortium, ReportStatus.RETURNED if i % 2 else ReportStatus.TO_FILL, overdue=True)
        recognise(consortium, date(2020 + i % 5, 1, 1), city)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["city", "jiangning"])
def test_the_numbers_take_a_fixed_number_of_queries(world, demo_users, django_assert_num_queries, username):
    user = demo_users[username]
    today = timezone.localdate()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        small = read_dashboard(user, today=today)
    more_of_everything(demo_users, 15)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        large = read_dashboard(user, today=today)
    if username == "city":
        assert large.total == small.total + 15 and len(large.overdue) == len(small.overdue) + 1
    # Nothing changed since: the version alone, and the same figures.
    with django_assert_num_queries(VERSION_QUERIES):
        assert read_dashboard(user, today=today) == large


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "around"), [("city", 3), ("jiangning", 4)])
def test_the_page_takes_as_many_queries_for_a_larger_portfolio(
    world, demo_users, client, django_assert_num_queries, username, around
):
    """Around the numbers: the session, the user, the unread notifications (and an officer's authority, named in
    the heading)."""
    client.force_login(demo_users[username])
    url = reverse("monitoring:dashboard")
    client.get(url)  # the session's first write; the figures counted and cached
    with django_assert_num_queries(VERSION_QUERIES + around):
        client.get(url)
    more_of_everything(demo_users, 15)
    with django_assert_num_queries(DASHBOARD_QUERIES + around):
        client.get(url)


# --- The page --------------------------------------------------------------------------------------------------------


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []  # (attributes, text)
        self._open = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = (dict(attrs), [])
            self.scripts.append(self._open)

    def handle_data(self, data):
        if self._open:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


@pytest.mark.django_db
def test_the_data_comes_as_json_and_no_script_is_inline(world, demo_users, client):
    response = dashboard_as(client, demo_users["city"])
    parser = Scripts()
    parser.feed(response.content.decode())
    data = [(attrs, text) for attrs, text in parser.scripts if attrs.get("id") == "dashboard-charts"]
    assert len(data) == 1 and data[0][0]["type"] == "application/json"
    assert all("src" in attrs or attrs.get("type") == "application/json" for attrs, _text in parser.scripts)
    sources = [attrs["src"] for attrs, _text in parser.scripts if "src" in attrs]
    assert "/static/vendor/echarts/echarts.min.js" in sources and "/static/js/dashboard.js" in sources
    assert all("defer" in attrs for attrs, _text in parser.scripts if attrs.get("src", "").endswith("dashboard.js"))
    for key in ("status", "field", "authority", "technology_kind", "months", "overdue", "recognitions"):
        assert f'data-chart="{key}"' in response.content.decode()


@pytest.mark.django_db
def test_an_empty_portfolio_shows_empty_states(demo_users, client):
    response = dashboard_as(client, demo_users["city"])
    html = response.content.decode()
    for key in ("status", "field", "authority", "technology_kind", "months", "overdue", "recognitions", "expiring"):
        assert f'data-testid="empty-{key}"' in html
    assert "data-chart=" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "answer"), [("lead-a", 403), ("lead-b", 403), ("jiangning", 200), ("city", 200)])
def test_lead_units_may_not_open_the_dashboard(demo_users, client, username, answer):
    client.force_login(demo_users[username])
    assert client.get(reverse("monitoring:dashboard")).status_code == answer


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "shown"), [("lead-a", False), ("jiangning", True), ("city", True), ("admin", True)]
)
def test_the_navigation_links_the_dashboard_for_its_readers(demo_users, client, username, shown):
    client.force_login(demo_users[username])
    html = client.get(reverse("home")).content.decode()
    assert ('data-testid="nav-dashboard"' in html) is shown
