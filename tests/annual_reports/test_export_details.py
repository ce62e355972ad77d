"""The campaign workbook beyond its figures: the latest of several submissions, the order the caller asked for, a lead
unit without a district, the columns' widths, and the row of a report across years (the portfolio's export), in one
query."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from annual_reports.exports import (
    NAME_WIDTH,
    TEXT_WIDTH,
    WIDE,
    campaign_workbook,
    report_headers,
    report_row,
    with_latest_submission,
)
from annual_reports.jobs import create_reports
from annual_reports.models import AnnualReport
from annual_reports.services import submit_report
from consortia.models import FundingLine
from tests.lifecycle.factories import lead_user, organisation

from . import factories
from .entered import A_FIGURES, A_NAME, B_NAME, C_NAME, campaign_with_reports, enter
from .factories import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(demo_users):
    return campaign_with_reports(demo_users)


def workbook_of(reports_queryset):
    stream = io.BytesIO()
    campaign_workbook(reports=reports_queryset, stream=stream)
    return load_workbook(io.BytesIO(stream.getvalue()))


def first_column(workbook, sheet) -> list:
    return [row[0].value for row in workbook[sheet].iter_rows(min_row=2)]


def test_a_report_submitted_again_shows_its_latest_submission(reports, demo_users):
    """B was returned and its team edited to 99; submitted again, the row is the second submission's."""
    submit_report(report_id=reports.returned.pk, actor=demo_users["lead-b"])

    workbook = workbook_of(AnnualReport.objects.filter(campaign=reports.campaign))

    (row,) = [r for r in workbook["年度报告"].iter_rows(min_row=2, values_only=True) if r[0] == B_NAME]
    assert (row[4], row[6], row[8]) == ("已提交", 2, 99)
    talent = [r for r in workbook["人才"].iter_rows(min_row=2, values_only=True) if r[0] == B_NAME]
    assert [r[-1] for r in talent] == [99]


def test_the_rows_follow_the_callers_order_and_a_report_never_submitted_does_not_end_the_tables(reports):
    """The report never submitted comes first here: the submitted ones after it still have their table rows."""
    workbook = workbook_of(AnnualReport.objects.filter(campaign=reports.campaign).order_by("-consortium_id"))

    assert first_column(workbook, "年度报告") == [C_NAME, B_NAME, A_NAME]
    assert first_column(workbook, "经费") == [B_NAME, A_NAME, A_NAME]
    assert first_column(workbook, "攻关任务") == [B_NAME, A_NAME, A_NAME]
    assert first_column(workbook, "人才") == [B_NAME, A_NAME]


def test_a_lead_unit_without_a_district_has_an_empty_district_cell(demo_users):
    lead = lead_user(organisation(name="无属地测试单位"))
    consortium = factories.consortium(lead=lead, name="无属地测试创新联合体")
    campaign = factories.campaign()
    create_reports(campaign=campaign)

    workbook = workbook_of(AnnualReport.objects.filter(campaign=campaign))

    (row,) = workbook["年度报告"].iter_rows(min_row=2, values_only=True)
    assert row[:5] == ("无属地测试创新联合体", consortium.filing_number, "无属地测试单位", None, "待填报")


def test_names_and_long_texts_get_wide_columns(reports):
    workbook = workbook_of(AnnualReport.objects.filter(campaign=reports.campaign))

    def widths(sheet, columns):
        return {column: workbook[sheet].column_dimensions[column].width for column in columns}

    assert widths("年度报告", "ABC") == {"A": NAME_WIDTH, "B": WIDE, "C": NAME_WIDTH}
    assert widths("经费", "ABCK") == {"A": NAME_WIDTH, "B": WIDE, "C": NAME_WIDTH, "K": TEXT_WIDTH}
    assert widths("攻关任务", "ABCI") == {"A": NAME_WIDTH, "B": WIDE, "C": NAME_WIDTH, "I": TEXT_WIDTH}
    assert widths("人才", "AB") == {"A": NAME_WIDTH, "B": WIDE}
    # Only those: the next column keeps Excel's default.
    for sheet, next_column in (("年度报告", "D"), ("经费", "L"), ("攻关任务", "J"), ("人才", "C")):
        assert next_column not in workbook[sheet].column_dimensions


def test_across_years_a_row_starts_with_the_year_and_ends_with_the_task_results_summed(reports, demo_users):
    headers = report_headers(across_years=True)
    assert headers == ["报告年度", *report_headers(), "专利（项）", "标准（项）", "论文（篇）", "新产品（个）"]
    # A second report of A's consortium, the year after, submitted with the same figures.
    a = reports.submitted.consortium
    for line in FundingLine.objects.filter(consortium=a, year=YEAR):
        factories.plan(a, line.organisation, YEAR + 1, line.self_raised)
    next_year = factories.campaign(year=YEAR + 1)
    create_reports(campaign=next_year)
    enter(AnnualReport.objects.get(consortium=a, campaign=next_year), demo_users["lead-a"], A_FIGURES)
    submit_report(report_id=AnnualReport.objects.get(consortium=a, campaign=next_year).pk, actor=demo_users["lead-a"])
    chosen = AnnualReport.objects.filter(consortium__in=[a, reports.to_fill.consortium]).order_by(
        "campaign__year", "consortium_id"
    )

    with CaptureQueriesContext(connection) as queries:
        rows = [report_row(report, across_years=True) for report in with_latest_submission(chosen)]

    assert len(queries) == 1
    assert len(rows) == 4  # A and C in each year
    by_year = {(row[0], row[1]): row for row in rows}
    single = {report.pk: report_row(report) for report in with_latest_submission(chosen)}
    # A's tasks: patents 3 + 0, standards 1 + 0, papers 2 + 4, products 1 + 0.
    assert by_year[(YEAR, A_NAME)] == [YEAR, *single[reports.submitted.pk], 3, 1, 6, 1]
    next_a = AnnualReport.objects.get(consortium=a, campaign=next_year)
    assert by_year[(YEAR + 1, A_NAME)] == [YEAR + 1, *single[next_a.pk], 3, 1, 6, 1]
    # Never submitted: the year and who it is about, no figures and no results.
    assert by_year[(YEAR, C_NAME)] == [YEAR, *single[reports.to_fill.pk]]
    assert len(by_year[(YEAR, C_NAME)]) == 1 + 8


def test_amounts_are_written_to_the_fen_even_where_nothing_was_returned_or_done_together(reports):
    """B distributed no returns and ran no joint project: its totals are amounts of 0.00, not bare zeros."""
    workbook = workbook_of(AnnualReport.objects.filter(campaign=reports.campaign))

    (row,) = [cells for cells in workbook["年度报告"].iter_rows(min_row=2) if cells[0].value == B_NAME]
    amounts = {
        "计划投入（万元）",
        "实际到位（万元）",
        "实际支出（万元）",
        "分配收益合计（万元）",
        "合作研发项目金额（万元）",
    }
    formats = {header: cell.number_format for header, cell in zip(report_headers(), row, strict=True)}
    assert {header: formats[header] for header in amounts} == dict.fromkeys(amounts, "0.00")
    assert (row[16].value, row[22].value) == (0, 0)
    assert formats["合作研发项目（项）"] == "General"
