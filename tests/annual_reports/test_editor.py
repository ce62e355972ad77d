"""The lead unit's report editor over HTTP: each §5.2 section saves and reads back; a stale save is refused (409) with
nothing saved; bad input is refused at its field with everything else typed kept; submission from the editor."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from annual_reports.models import AnnualReport, ReportSection, ReportStatus, ReportSubmission, TaskProgressStatus
from annual_reports.services import save_report_section
from tests.lifecycle.factories import lead_user, organisation

from .factories import fill_in

pytestmark = pytest.mark.django_db

FUNDING = ("received", "spent_research", "spent_equipment", "spent_personnel", "spent_other", "explanation")


@pytest.fixture
def lead(demo_users):
    client = Client()
    client.force_login(demo_users["lead-a"])
    return client


def edit_url(report, section):
    return reverse("annual_reports:edit", args=[report.pk, section])


def table(prefix, rows, *, initial):
    """A formset's POST: its management form and ``rows`` (dicts of field: value, an ``id`` for saved ones)."""
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial}
    data.update({f"{prefix}-{number}-{name}": value for number, row in enumerate(rows) for name, value in row.items()})
    return data


def funding_post(report, *, returns=(), version=0, **line):
    saved = report.funding_lines.get()
    row = {"id": saved.pk, "organisation": saved.organisation_id, **dict.fromkeys(FUNDING[:-1], "0"), **line}
    return {
        "loaded_version": version,
        "funding_narrative": "资金按计划到位。",
        **table("funding", [row], initial=1),
        **table("returns", list(returns), initial=0),
    }


def tasks_post(report, *, statuses):
    rows = [
        {"id": row.pk, "status": status, "patents": "2", "standards": "0", "papers": "1", "products": "0", "note": "好"}
        for row, status in zip(report.task_progress.order_by("task_id"), statuses, strict=True)
    ]
    return {"loaded_version": 0, "tasks_narrative": "任务推进顺利。", **table("tasks", rows, initial=len(rows))}


@pytest.mark.parametrize(
    ("section", "data", "expected"),
    [
        (ReportSection.OVERALL, {"overall_narrative": "总体良好。"}, {"overall_narrative": "总体良好。"}),
        (
            ReportSection.TEAM,
            {"team_narrative": "团队十二人。", "team_size": "12"},
            {"team_narrative": "团队十二人。", "team_size": 12},
        ),
        (
            ReportSection.TALENT,
            {
                "talent_narrative": "引进与培养。",
                "talent_introduced": "3",
                "talent_trained": "5",
                "talent_high_level": "1",
                "talent_young": "4",
            },
            {"talent_introduced": 3, "talent_trained": 5, "talent_high_level": 1, "talent_young": 4},
        ),
        (ReportSection.PLAN, {"plan_narrative": "明年计划。"}, {"plan_narrative": "明年计划。"}),
    ],
)
def test_a_section_of_text_and_numbers_saves_and_reads_back(lead, report, section, data, expected):
    response = lead.post(edit_url(report, section), {"loaded_version": 0, **data})

    assert response.status_code == 302 and response.url == edit_url(report, section)
    report.refresh_from_db()
    assert {name: getattr(report, name) for name in expected} == expected
    assert report.section_versions[section]["version"] == 1
    page = lead.get(edit_url(report, section))
    assert str(ReportSection(section).label) in page.text
    assert next(iter(data.values())) in page.text


def test_joint_projects_save_and_read_back(lead, report):
    project = {"title": "联合攻关高端芯片", "units": "牵头单位\n成员单位", "funding_source": "省科技计划"}
    project["amount"] = "80.5"
    response = lead.post(
        edit_url(report, ReportSection.PARTNERS),
        {"loaded_version": 0, "partners_narrative": "合作顺利。", **table("projects", [project], initial=0)},
    )

    assert response.status_code == 302
    saved = report.joint_projects.get()
    assert (saved.title, saved.amount, saved.funding_source) == ("联合攻关高端芯片", Decimal("80.5"), "省科技计划")
    assert "联合攻关高端芯片" in lead.get(edit_url(report, ReportSection.PARTNERS)).text


def test_funding_lines_and_returns_save_with_the_planned_amount_kept(lead, report, demo_users):
    unit = demo_users["lead-a"].organisation
    data = funding_post(
        report,
        received="90",
        spent_research="95",
        explanation="上年结转资金用于研发。",
        returns=[{"organisation": unit.pk, "amount": "12.5", "note": "技术转让收益"}],
    )
    data["funding-0-planned"] = "999"  # shown read-only: never read from the request

    response = lead.post(edit_url(report, ReportSection.FUNDING), data)

    assert response.status_code == 302
    line = report.funding_lines.get()
    assert (line.planned, line.received, line.spent_research) == (Decimal("100"), Decimal("90"), Decimal("95"))
    assert report.returns.get().amount == Decimal("12.5")
    page = lead.get(edit_url(report, ReportSection.FUNDING)).text
    assert "上年结转资金用于研发。" in page and "技术转让收益" in page and 'value="100.00"' in page


def test_only_the_consortiums_units_are_offered_in_funding_rows(lead, report, demo_users):
    stranger = organisation(name="无关单位")
    page = lead.get(edit_url(report, ReportSection.FUNDING)).text
    assert demo_users["lead-a"].organisation.name in page and "无关单位" not in page

    data = funding_post(report, returns=[{"organisation": stranger.pk, "amount": "1", "note": ""}])
    response = lead.post(edit_url(report, ReportSection.FUNDING), data)

    assert response.status_code == 200 and not report.returns.exists()


def test_task_progress_saves_one_row_per_task(lead, report):
    response = lead.post(
        edit_url(report, ReportSection.TASKS), tasks_post(report, statuses=[TaskProgressStatus.DONE] * 2)
    )

    assert response.status_code == 302
    assert list(report.task_progress.values_list("status", "patents", "papers")) == [("done", 2, 1)] * 2
    page = lead.get(edit_url(report, ReportSection.TASKS)).text
    assert "攻关任务1" in page and "攻关任务2" in page and "再添加一行" not in page


def test_a_task_row_is_never_added_from_the_request(lead, report):
    data = tasks_post(report, statuses=[TaskProgressStatus.DONE] * 2)
    data.update({"tasks-TOTAL_FORMS": 3, "tasks-2-status": "done", "tasks-2-patents": "1"})
    data.update({"tasks-2-standards": "0", "tasks-2-papers": "0", "tasks-2-products": "0"})

    lead.post(edit_url(report, ReportSection.TASKS), data)

    assert report.task_progress.count() == 2


def test_a_stale_save_is_refused_with_who_saved_and_nothing_saved(lead, report, demo_users):
    colleague = lead_user(demo_users["lead-a"].organisation, username="colleague")
    save_report_section(
        report_id=report.pk,
        actor=colleague,
        section=ReportSection.TEAM,
        loaded_version=0,
        apply=lambda r: setattr(r, "team_size", 8),
    )

    response = lead.post(
        edit_url(report, ReportSection.TEAM), {"loaded_version": 0, "team_narrative": "我的说明", "team_size": "9"}
    )

    assert response.status_code == 409
    assert str(colleague) in response.text and 'data-testid="stale"' in response.text
    assert "我的说明" in response.text  # what was typed is still in the form
    assert 'name="loaded_version" value="1"' in response.text
    report.refresh_from_db()
    assert (report.team_size, report.team_narrative, report.section_versions["team"]["version"]) == (8, "", 1)


@pytest.mark.parametrize("amount", ["-5", "1e3"])
def test_a_bad_amount_is_refused_at_its_field_and_the_rest_kept(lead, report, amount):
    response = lead.post(
        edit_url(report, ReportSection.FUNDING), funding_post(report, received=amount, spent_research="7.5")
    )

    assert response.status_code == 200 and 'data-testid="error-summary"' in response.text
    assert "is-invalid" in response.text and 'name="funding-0-received"' in response.text
    assert 'value="7.5"' in response.text and "资金按计划到位。" in response.text
    line = report.funding_lines.get()
    assert line.received == 0 and line.spent_research == 0
    report.refresh_from_db()
    assert report.funding_narrative == "" and "funding" not in report.section_versions
    # The checklist speaks of what is saved, not of what was typed.
    assert 'data-section="funding" data-complete="no"' in response.text


def test_spending_above_receipts_needs_an_explanation_at_its_field(lead, report):
    response = lead.post(
        edit_url(report, ReportSection.FUNDING), funding_post(report, received="10", spent_research="15")
    )

    assert response.status_code == 200
    assert "支出合计超过实际到位资金，请说明原因。" in response.text
    assert 'href="#id_funding-0-explanation"' in response.text
    assert 'value="15"' in response.text and 'value="10"' in response.text
    assert report.funding_lines.get().spent_research == 0


def test_a_task_status_outside_the_list_is_refused_at_its_field(lead, report):
    response = lead.post(edit_url(report, ReportSection.TASKS), tasks_post(report, statuses=["done", "finished"]))

    assert response.status_code == 200
    assert "请从列表中重新选择进展状态。" in response.text and 'href="#id_tasks-1-status"' in response.text
    assert "任务推进顺利。" in response.text
    assert set(report.task_progress.values_list("status", flat=True)) == {""}


@pytest.mark.parametrize(("username", "status"), [("lead-b", 404), ("xuanwu", 404), ("jiangning", 403), ("city", 403)])
def test_only_the_lead_unit_opens_the_editor(report, demo_users, username, status):
    client = Client()
    client.force_login(demo_users[username])

    assert client.get(edit_url(report, ReportSection.OVERALL)).status_code == status
    assert client.post(edit_url(report, ReportSection.OVERALL), {"loaded_version": 0}).status_code == status
    assert client.post(reverse("annual_reports:submit", args=[report.pk])).status_code == status
    assert AnnualReport.objects.get(pk=report.pk).section_versions == {}


def test_an_unknown_section_is_not_found(lead, report):
    assert lead.get(edit_url(report, "documents")).status_code == 404


def test_the_sidebar_marks_complete_sections_and_says_what_is_missing(lead, report):
    lead.post(edit_url(report, ReportSection.OVERALL), {"loaded_version": 0, "overall_narrative": "总体良好。"})

    page = lead.get(edit_url(report, ReportSection.OVERALL)).text

    assert 'data-section="overall" data-complete="yes"' in page
    assert 'data-section="team" data-complete="no"' in page
    assert "运营团队人数" in page


def test_submitting_an_incomplete_report_says_what_is_missing_and_changes_nothing(lead, report):
    response = lead.post(reverse("annual_reports:submit", args=[report.pk]), follow=True)

    assert "不能提交" in response.text and "运营团队人数" in response.text
    report.refresh_from_db()
    assert report.status == ReportStatus.TO_FILL and not ReportSubmission.objects.exists()


def test_a_complete_report_submits_and_the_editor_is_then_read_only(lead, report):
    fill_in(report)

    response = lead.post(reverse("annual_reports:submit", args=[report.pk]), follow=True)

    assert "年度报告已提交。" in response.text
    assert response.redirect_chain[-1][0] == reverse("annual_reports:report", args=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and ReportSubmission.objects.filter(report=report).count() == 1
    page = lead.get(edit_url(report, ReportSection.PLAN)).text
    assert 'data-testid="read-only"' in page and "<fieldset disabled>" in page and 'data-testid="save"' not in page
    refused = lead.post(edit_url(report, ReportSection.PLAN), {"loaded_version": 1, "plan_narrative": "改"})
    assert refused.status_code == 302
    refused = lead.get(refused.url)
    assert "不能修改或提交" in refused.text
    report.refresh_from_db()
    assert report.plan_narrative != "改"


def test_a_unit_is_given_one_returns_row(lead, report, demo_users):
    unit = demo_users["lead-a"].organisation.pk
    rows = [{"organisation": unit, "amount": "1", "note": "甲"}, {"organisation": unit, "amount": "2", "note": "乙"}]

    response = lead.post(edit_url(report, ReportSection.FUNDING), funding_post(report, returns=rows))

    assert response.status_code == 200 and "同一单位只能填写一行。" in response.text
    assert not report.returns.exists()
