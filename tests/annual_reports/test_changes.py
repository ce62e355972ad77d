"""The report's changes (guideline §5.3.b): the changes that took effect in the year appear in the report by
themselves, each asking for its explanation where it is typed; a report with one unexplained is not submitted; what
was said is kept in the submission and printed."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from annual_reports.jobs import create_reports
from annual_reports.models import AnnualReport, ReportChangeExplanation, ReportStatus
from annual_reports.pdf import report_parts
from annual_reports.selectors import report_checklist
from annual_reports.services import submit_report
from consortia import changes
from consortia.models import ChangeRecord
from consortia.selectors import membership_history
from consortia.services import section_version
from portal.exceptions import DomainError
from tests.lifecycle.factories import organisation, pdf_upload

from . import factories

pytestmark = pytest.mark.django_db

MID_YEAR = date(factories.YEAR, 6, 30)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def member():
    return organisation(kind="university", name="南京某大学")


@pytest.fixture
def consortium(demo_users, member):
    built = factories.consortium(lead=demo_users["lead-a"], members=[member])
    factories.plan(built, demo_users["lead-a"].organisation, factories.YEAR, "100")
    return built


def leave(consortium, member, actor, effective_on=MID_YEAR) -> ChangeRecord:
    membership = consortium.memberships.get(organisation=member)
    return changes.record_member_left(
        consortium_id=consortium.pk,
        actor=actor,
        membership_id=membership.pk,
        effective_on=effective_on,
        explanation="该校因研究方向调整退出。",
        agreement=pdf_upload("退出补充协议.pdf"),
    )


def report_of(consortium) -> AnnualReport:
    create_reports(campaign=factories.campaign())
    return AnnualReport.objects.get(consortium=consortium)


def overall(client, report, **data):
    return client.post(
        reverse("annual_reports:edit", args=[report.pk, "overall"]),
        {"loaded_version": section_version(report, "overall").number, **data},
    )


def lead_client(demo_users) -> Client:
    client = Client()
    client.force_login(demo_users["lead-a"])
    return client


def test_a_member_that_left_mid_year_is_in_the_report_and_in_the_membership_history(consortium, member, demo_users):
    left = leave(consortium, member, demo_users["lead-a"])
    report = report_of(consortium)

    page = lead_client(demo_users).get(reverse("annual_reports:edit", args=[report.pk, "overall"]))
    explanations = page.context["explanations"]
    assert explanations.changes == [left]
    assert f"参与单位退出（南京某大学），{MID_YEAR.isoformat()}" in page.content.decode()
    (gone,) = [m for m in membership_history(consortium) if m.organisation_id == member.pk]
    assert (gone.joined_on, gone.left_on) == (None, MID_YEAR)


def test_a_change_of_the_year_before_is_not_this_years(consortium, member, demo_users):
    leave(consortium, member, demo_users["lead-a"], effective_on=date(factories.YEAR - 1, 12, 31))
    report = report_of(consortium)

    assert (
        lead_client(demo_users).get(reverse("annual_reports:edit", args=[report.pk, "overall"])).context["explanations"]
        is None
    )
    (status, *_rest) = report_checklist(report)
    assert status.missing == ("文字说明",)


def test_a_missing_explanation_is_an_error_at_its_field_and_the_rest_is_kept(consortium, member, demo_users):
    left = leave(consortium, member, demo_users["lead-a"])
    report = report_of(consortium)

    response = overall(
        lead_client(demo_users), report, overall_narrative="本年度总体进展顺利。", **{f"changes-change_{left.pk}": "  "}
    )

    assert response.status_code == 200
    assert response.context["explanations"].errors[f"change_{left.pk}"] == ["请说明该变更事项及其对本年度建设的影响。"]
    assert "本年度总体进展顺利。" in response.content.decode()  # what was typed is still in the form
    report.refresh_from_db()
    assert report.overall_narrative == ""  # and nothing of the section was saved
    assert not ReportChangeExplanation.objects.exists()


def test_an_explanation_over_its_length_is_refused_at_its_field(consortium, member, demo_users):
    left = leave(consortium, member, demo_users["lead-a"])
    report = report_of(consortium)

    response = overall(
        lead_client(demo_users), report, overall_narrative="进展", **{f"changes-change_{left.pk}": "说" * 2001}
    )

    assert response.context["explanations"].errors[f"change_{left.pk}"]
    assert not ReportChangeExplanation.objects.exists()


def test_an_unexplained_change_stops_the_submission_then_its_explanation_is_kept_and_printed(
    consortium, member, demo_users
):
    lead = demo_users["lead-a"]
    report = factories.fill_in(report_of(consortium))
    left = leave(consortium, member, lead)  # recorded after the report was made: it is the report's by its date

    with pytest.raises(DomainError, match="南京某大学"):
        submit_report(report_id=report.pk, actor=lead)
    assert report.submissions.count() == 0

    response = overall(
        lead_client(demo_users),
        report,
        overall_narrative="总体进展。",
        **{f"changes-change_{left.pk}": "退出后其任务由牵头单位承接。" + "说" * 1986},
    )
    assert response.status_code == 302
    submission = submit_report(report_id=report.pk, actor=lead)

    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    (kept,) = submission.content["changes"]
    assert kept["explanation"] == "退出后其任务由牵头单位承接。" + "说" * 1986  # 2,000 characters, whole
    assert (kept["kind"], kept["member"], kept["effective_on"]) == ("member_left", "南京某大学", MID_YEAR.isoformat())
    assert kept["agreement"] == "退出补充协议.pdf"
    (printed,) = report_parts(submission.content)["changes"]
    assert printed["kind_label"] == "参与单位退出"


def test_the_city_reads_the_changes_on_the_report_page(consortium, member, demo_users):
    lead = demo_users["lead-a"]
    report = factories.fill_in(report_of(consortium))
    left = leave(consortium, member, lead)
    ReportChangeExplanation.objects.create(report=report, change=left, text="任务已由牵头单位承接。")
    submit_report(report_id=report.pk, actor=lead)

    city = Client()
    city.force_login(demo_users["city"])
    page = city.get(reverse("annual_reports:report", args=[report.pk])).content.decode()
    assert "任务已由牵头单位承接。" in page
    assert reverse("consortia:change_agreement", args=[consortium.pk, left.pk]) in page
