"""The annual-report pages (issue 13): opening a campaign, its progress and report list with the workbook, one
report read as each side sees it with its PDFs, and the reports on the consortium page."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from annual_reports.jobs import create_reports, flag_overdue_reports
from annual_reports.models import AnnualReport, ReportCampaign
from annual_reports.services import accept_report

from . import factories
from .entered import A_NAME, C_NAME, campaign_with_reports

pytestmark = pytest.mark.django_db

JIANGNING, XUANWU = "320115", "320102"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reports(demo_users):
    return campaign_with_reports(demo_users)


def test_city_staff_open_a_campaign_through_the_page(demo_users):
    consortium = factories.consortium(lead=demo_users["lead-a"])
    today = timezone.localdate()
    response = client_for(demo_users["city"]).post(
        reverse("annual_reports:campaigns"), {"year": today.year, "deadline": (today + timedelta(days=10)).isoformat()}
    )
    campaign = ReportCampaign.objects.get(year=today.year)
    assert response.status_code == 302
    assert response.url == reverse("annual_reports:campaign", args=[campaign.pk])
    assert campaign.deadline == today + timedelta(days=10)
    assert list(campaign.reports.values_list("consortium", flat=True)) == [consortium.pk]
    page = client_for(demo_users["city"]).get(response.url)
    assert [row.consortium_id for row in page.context["page"].object_list] == [consortium.pk]


def test_a_lead_unit_may_not_open_a_campaign(demo_users):
    factories.consortium(lead=demo_users["lead-a"])
    response = client_for(demo_users["lead-a"]).post(
        reverse("annual_reports:campaigns"), {"year": timezone.localdate().year}
    )
    assert response.status_code == 403
    assert not ReportCampaign.objects.exists()


def test_a_past_deadline_is_an_error_at_its_field(demo_users):
    factories.consortium(lead=demo_users["lead-a"])
    today = timezone.localdate()
    response = client_for(demo_users["city"]).post(
        reverse("annual_reports:campaigns"), {"year": today.year, "deadline": (today - timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"deadline": ["提交截止日期不能早于今天。"]}
    assert not ReportCampaign.objects.exists()
    assert not AnnualReport.objects.exists()


def _progress(response):
    return response.context["overall"], {a.code: figures for a, figures, _bars in response.context["authorities"]}


def test_the_city_sees_every_district_and_a_district_officer_its_own(reports, demo_users):
    url = reverse("annual_reports:campaign", args=[reports.campaign.pk])
    # Columns: to fill, submitted, accepted, returned, overdue, total.
    overall, by_authority = _progress(client_for(demo_users["city"]).get(url))
    assert overall == [1, 1, 0, 1, 0, 3]
    assert by_authority == {JIANGNING: [1, 1, 0, 0, 0, 2], XUANWU: [0, 0, 0, 1, 0, 1]}

    response = client_for(demo_users["jiangning"]).get(url)
    overall, by_authority = _progress(response)
    assert overall == [1, 1, 0, 0, 0, 2]
    assert by_authority == {JIANGNING: [1, 1, 0, 0, 0, 2]}
    assert {row.pk for row in response.context["page"].object_list} == {reports.submitted.pk, reports.to_fill.pk}


def test_the_progress_follows_every_change_of_a_report_although_it_is_cached(reports, demo_users):
    url = reverse("annual_reports:campaign", args=[reports.campaign.pk])
    city = client_for(demo_users["city"])
    assert _progress(city.get(url))[0] == [1, 1, 0, 1, 0, 3]

    accept_report(report_id=reports.submitted.pk, actor=demo_users["city"])
    assert _progress(city.get(url))[0] == [1, 0, 1, 1, 0, 3]
    flag_overdue_reports(today=reports.campaign.deadline + timedelta(days=1))
    assert _progress(city.get(url))[0] == [1, 0, 1, 1, 2, 3]
    # Each user's own figures: the district's are not the city's, from the same cache.
    assert _progress(client_for(demo_users["jiangning"]).get(url))[0] == [1, 0, 1, 0, 1, 2]


def test_the_list_keeps_its_order_across_pages_and_its_count(demo_users, settings):
    lead = demo_users["lead-a"]
    for number in range(30):
        factories.consortium(lead=lead, name=f"南京市测试创新联合体{number:02d}")
    campaign = factories.campaign()
    create_reports(campaign=campaign)
    url = reverse("annual_reports:campaign", args=[campaign.pk])
    city = client_for(demo_users["city"])

    first, second = (city.get(url, {"page": n}).context["page"] for n in (1, 2))
    names = [row.consortium.name for row in [*first.object_list, *second.object_list]]
    assert names == [f"南京市测试创新联合体{number:02d}" for number in range(30)]
    assert (first.paginator.count, first.paginator.num_pages, len(first.object_list)) == (30, 2, 25)
    filtered = city.get(url, {"q": "联合体0"}).context["page"]
    assert filtered.paginator.count == 10 and len(filtered.object_list) == 10


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "submitted"}, ["submitted"]),
        ({"status": "returned"}, ["returned"]),
        ({"q": "未提交测试"}, ["to_fill"]),
        ({"q": "宁创联备"}, ["submitted", "returned", "to_fill"]),
        ({"authority": "XUANWU"}, ["returned"]),
        ({"overdue": "true"}, ["to_fill"]),
        ({"overdue": "false"}, ["submitted", "returned"]),
    ],
)
def test_the_filter_narrows_the_list(reports, demo_users, query, expected):
    AnnualReport.objects.filter(pk=reports.to_fill.pk).update(overdue_since=reports.campaign.deadline)
    if query.get("authority") == "XUANWU":
        query = {"authority": reports.returned.consortium.lead_organisation.jurisdiction_id}
    response = client_for(demo_users["city"]).get(reverse("annual_reports:campaign", args=[reports.campaign.pk]), query)
    assert {row.pk for row in response.context["page"].object_list} == {getattr(reports, name).pk for name in expected}


def test_the_workbook_has_one_row_per_filtered_report(reports, demo_users):
    url = reverse("annual_reports:export", args=[reports.campaign.pk])
    response = client_for(demo_users["city"]).get(url, {"q": "创新联合体"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''2026%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.xlsx"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["年度报告"]
    assert sheet.max_row == 1 + 3

    narrowed = client_for(demo_users["jiangning"]).get(url, {"status": "to_fill"})
    rows = list(load_workbook(io.BytesIO(b"".join(narrowed.streaming_content)))["年度报告"].values)
    assert [row[0] for row in rows[1:]] == [C_NAME]


def test_the_lead_unit_reads_its_live_report_and_the_city_what_was_submitted(reports, demo_users):
    url = reverse("annual_reports:report", args=[reports.returned.pk])
    live = client_for(demo_users["lead-b"]).get(url)
    assert live.context["content"]["team_size"] == 99  # the edit not sent yet
    assert live.context["seen"].submission is None
    submitted = client_for(demo_users["city"]).get(url)
    assert submitted.context["content"]["team_size"] == 6
    assert submitted.context["seen"].submission.number == 1
    assert 'data-testid="team-size">6<' in submitted.content.decode()


def test_a_report_never_submitted_is_an_empty_state_for_the_district(reports, demo_users):
    response = client_for(demo_users["jiangning"]).get(reverse("annual_reports:report", args=[reports.to_fill.pk]))
    assert response.context["content"] is None
    assert 'data-testid="empty"' in response.content.decode()


def test_the_pdf_link_answers_a_pdf(reports, demo_users):
    client = client_for(demo_users["jiangning"])
    page = client.get(reverse("annual_reports:report", args=[reports.submitted.pk])).content.decode()
    url = reverse("annual_reports:submission_pdf", args=[reports.submitted.pk, 1])
    assert url in page
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("username", ["lead-b", "xuanwu"])
def test_another_lead_unit_or_district_gets_404(reports, demo_users, username):
    client = client_for(demo_users[username])
    assert client.get(reverse("annual_reports:report", args=[reports.submitted.pk])).status_code == 404
    assert client.get(reverse("annual_reports:submission_pdf", args=[reports.submitted.pk, 1])).status_code == 404


def test_the_consortium_page_lists_its_reports_by_year(reports, demo_users):
    create_reports(campaign=factories.campaign(year=2025))
    consortium = reports.submitted.consortium
    earlier = AnnualReport.objects.get(consortium=consortium, campaign__year=2025)
    page = client_for(demo_users["lead-a"]).get(reverse("consortia:detail", args=[consortium.pk])).content.decode()
    latest = page.index(reverse("annual_reports:report", args=[reports.submitted.pk]))
    assert latest < page.index(reverse("annual_reports:report", args=[earlier.pk]))
    assert A_NAME in page


def test_only_the_lead_unit_of_an_editable_report_is_offered_the_editor(reports, demo_users):
    edit = reverse("annual_reports:edit", args=[reports.returned.pk, "overall"])
    url = reverse("annual_reports:report", args=[reports.returned.pk])
    assert edit in client_for(demo_users["lead-b"]).get(url).content.decode()
    assert edit not in client_for(demo_users["city"]).get(url).content.decode()
    submitted = reverse("annual_reports:report", args=[reports.submitted.pk])
    page = client_for(demo_users["lead-a"]).get(submitted).content.decode()
    assert reverse("annual_reports:edit", args=[reports.submitted.pk, "overall"]) not in page
