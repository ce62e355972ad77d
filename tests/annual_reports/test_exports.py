"""The campaign's reports as XLSX (issue 13 item 6): one row per report with what was submitted — never unsent edits,
nothing for a report never submitted —, a sheet per table, numbers as numbers, text that looks like a formula kept as
text, one query and flat memory whatever the number of reports."""

import io
import time
import tracemalloc
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from annual_reports.exports import campaign_workbook
from annual_reports.jobs import create_reports
from annual_reports.models import AnnualReport, ReportStatus, ReportSubmission
from annual_reports.services import submit_report
from consortia.models import Consortium

from .entered import A_FIGURES, A_NAME, B_FIGURES, B_NAME, C_NAME, campaign_with_reports, consortium_with_plan, enter

pytestmark = pytest.mark.django_db

SHEETS = ["年度报告", "经费", "攻关任务", "人才"]


@pytest.fixture
def reports(demo_users):
    return campaign_with_reports(demo_users)


def export(campaign) -> bytes:
    stream = io.BytesIO()
    campaign_workbook(reports=AnnualReport.objects.filter(campaign=campaign), stream=stream)
    return stream.getvalue()


def rows(workbook, sheet) -> list[list]:
    return [[cell.value for cell in row] for row in workbook[sheet].iter_rows()]


def by_name(workbook, sheet) -> dict[str, list[list]]:
    found = {}
    for row in rows(workbook, sheet)[1:]:
        found.setdefault(row[0], []).append(row[1:])
    return found


@pytest.fixture
def workbook(reports):
    return load_workbook(io.BytesIO(export(reports.campaign)))


def test_the_workbook_has_its_four_sheets_with_chinese_headers(workbook):
    assert workbook.sheetnames == SHEETS
    assert rows(workbook, "年度报告")[0] == [
        "联合体名称",
        "备案编号",
        "牵头单位",
        "属地主管部门",
        "状态",
        "最近提交时间",
        "提交次数",
        "逾期起始日",
        "运营团队人数",
        "引进人才（人）",
        "培养人才（人）",
        "其中高层次人才（人）",
        "其中青年人才（人）",
        "计划投入（万元）",
        "实际到位（万元）",
        "实际支出（万元）",
        "分配收益合计（万元）",
        "攻关任务（按计划推进）",
        "攻关任务（进度滞后）",
        "攻关任务（已完成）",
        "攻关任务（已中止）",
        "合作研发项目（项）",
        "合作研发项目金额（万元）",
    ]
    assert rows(workbook, "经费")[0] == [
        "联合体名称",
        "备案编号",
        "单位",
        "计划投入（万元）",
        "实际到位（万元）",
        "研发费用",
        "设备购置",
        "人员费用",
        "其他支出",
        "实际支出（万元）",
        "支出超过到位资金的说明",
    ]
    assert rows(workbook, "攻关任务")[0] == [
        "联合体名称",
        "备案编号",
        "攻关任务",
        "进展状态",
        "专利（项）",
        "标准（项）",
        "论文（篇）",
        "新产品（个）",
        "进展说明",
    ]
    assert rows(workbook, "人才")[0][2:] == [
        "引进人才（人）",
        "培养人才（人）",
        "其中高层次人才（人）",
        "其中青年人才（人）",
        "运营团队人数",
    ]


def test_each_report_is_one_row_with_the_totals_it_was_submitted_with(workbook, reports):
    main = by_name(workbook, "年度报告")
    assert sorted(main) == sorted([A_NAME, B_NAME, C_NAME])
    assert all(len(found) == 1 for found in main.values())
    a = reports.submitted
    (row,) = main[A_NAME]
    lead = a.consortium.lead_organisation
    assert row[:4] == [a.consortium.filing_number, lead.name, lead.jurisdiction.name_zh, "已提交"]
    # Excel has no time zone: the time is Beijing time's, to the second.
    submitted_at = timezone.localtime(a.submitted_at).replace(tzinfo=None)
    assert abs(row[4] - submitted_at) < timedelta(seconds=1)
    # Submission 1, not overdue, team 15, talent 3/5/2/4; planned 100 + 50, received 80 + 50.2, spent
    # 30.1 + 20.2 + 10.25 + 0.1 + 40 + 11.3, returns 12.5 + 7.3; one task delayed, one done; two projects, 30 + 45.5.
    assert row[5:] == [1, None, 15, 3, 5, 2, 4, 150, 130.2, 111.95, 19.8, 0, 1, 1, 0, 2, 75.5]
    assert all(isinstance(value, int | float) for value in row[7:])


def test_a_returned_report_shows_what_was_submitted_not_the_edits_since(workbook, reports):
    assert AnnualReport.objects.get(pk=reports.returned.pk).team_size == 99  # edited after the return
    (row,) = by_name(workbook, "年度报告")[B_NAME]
    assert row[3] == "已退回"
    assert row[5:] == [1, None, 6, 1, 0, 0, 1, 80, 80, 0.5, 0, 1, 0, 0, 0, 0, 0]


def test_a_report_never_submitted_has_its_row_and_no_figures(workbook, reports):
    assert reports.to_fill.team_size == 7  # typed in, never submitted
    (row,) = by_name(workbook, "年度报告")[C_NAME]
    assert row[:4] == [
        reports.to_fill.consortium.filing_number,
        reports.to_fill.consortium.lead_organisation.name,
        "江宁区",
        "待填报",
    ]
    assert row[4:] == [None] * 18
    for sheet in SHEETS[1:]:
        assert C_NAME not in by_name(workbook, sheet)


def test_the_funding_sheet_has_a_row_per_report_and_unit(workbook, reports):
    funding = by_name(workbook, "经费")
    assert sorted(funding) == sorted([A_NAME, B_NAME])
    filing = reports.submitted.consortium.filing_number
    lead, member = reports.submitted.consortium.lead_organisation.name, f"{A_NAME}成员单位1"
    explanation = A_FIGURES.lines[1].explanation
    assert funding[A_NAME] == [
        [filing, lead, 100, 80, 30.1, 20.2, 10.25, 0.1, 60.65, None],
        [filing, member, 50, 50.2, 40, 11.3, 0, 0, 51.3, explanation],
    ]
    b = reports.returned.consortium
    assert funding[B_NAME] == [[b.filing_number, b.lead_organisation.name, 80, 80, 0, 0, 0.3, 0.2, 0.5, None]]


def test_the_task_sheet_has_a_row_per_report_and_task_with_its_results(workbook, reports):
    tasks = by_name(workbook, "攻关任务")
    filing = reports.submitted.consortium.filing_number
    assert tasks[A_NAME] == [
        [filing, "攻关任务1", "已完成", 3, 1, 2, 1, "已通过验收"],
        [filing, "攻关任务2", "进度滞后", 0, 0, 4, 0, A_FIGURES.tasks[1].note],
    ]
    assert [row[1:] for row in tasks[B_NAME]] == [["攻关任务1", "按计划推进", 1, 0, 0, 0, None]]


def test_the_talent_sheet_has_a_row_per_submitted_report(workbook, reports):
    talent = by_name(workbook, "人才")
    assert talent == {
        A_NAME: [[reports.submitted.consortium.filing_number, *A_FIGURES.talent, A_FIGURES.team_size]],
        B_NAME: [[reports.returned.consortium.filing_number, *B_FIGURES.talent, B_FIGURES.team_size]],
    }


def test_text_that_starts_like_a_formula_is_stored_as_text(reports):
    content = export(reports.campaign)
    workbook = load_workbook(io.BytesIO(content))
    name = next(row[0] for row in workbook["年度报告"].iter_rows(min_row=2) if row[0].value == B_NAME)
    explanation = next(row[10] for row in workbook["经费"].iter_rows(min_row=2) if row[10].value)
    note = next(row[8] for row in workbook["攻关任务"].iter_rows(min_row=2) if str(row[8].value).startswith("@"))
    for cell in (name, explanation, note):
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    # No formula anywhere in the file: Excel would evaluate it on opening.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert len(sheets) == 4
    assert not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)
    # Text that is merely text carries no prefix.
    assert not workbook["年度报告"]["A1"].quotePrefix


def test_the_workbook_is_in_the_portals_language_whoever_asks(reports):
    with translation.override("en"):
        workbook = load_workbook(io.BytesIO(export(reports.campaign)))
    assert workbook.sheetnames == SHEETS
    assert rows(workbook, "年度报告")[0][4] == "状态"
    assert by_name(workbook, "年度报告")[A_NAME][0][3] == "已提交"


def count_queries(campaign) -> int:
    with CaptureQueriesContext(connection) as captured:
        export(campaign)
    return len(captured.captured_queries)


def test_the_same_number_of_queries_for_three_reports_as_for_seven(reports, demo_users):
    few = count_queries(reports.campaign)
    lead = demo_users["lead-a"]
    for number in range(4):
        consortium_with_plan(lead=lead, name=f"追加的创新联合体{number}", members=1, plans=["100", "50"], tasks=2)
    create_reports(campaign=reports.campaign)
    for report in AnnualReport.objects.filter(campaign=reports.campaign, consortium__name__startswith="追加"):
        enter(report, lead, A_FIGURES)
        submit_report(report_id=report.pk, actor=lead)

    many = count_queries(reports.campaign)

    assert AnnualReport.objects.filter(campaign=reports.campaign).count() == 7
    assert ReportSubmission.objects.filter(report__campaign=reports.campaign).count() == 6
    assert len(by_name(load_workbook(io.BytesIO(export(reports.campaign))), "经费")) == 6
    assert few == many == 1


def many_submitted_reports(reports, count: int) -> None:
    """``count`` more consortia whose reports were submitted with A's content, made in bulk."""
    a = reports.submitted.consortium
    Consortium.objects.bulk_create(
        Consortium(
            name=f"批量测试创新联合体{n}",
            lead_organisation=a.lead_organisation,
            created_by=a.created_by,
            status=a.status,
            start_date=a.start_date,
            end_date=a.end_date,
            filed_on=a.filed_on,
            filing_number=f"宁创联备〔2025〕B{n:05d}号",
        )
        for n in range(count)
    )
    create_reports(campaign=reports.campaign)
    bulk = AnnualReport.objects.filter(consortium__name__startswith="批量测试")
    content = reports.submitted.submissions.get().content
    ReportSubmission.objects.bulk_create(
        ReportSubmission(report=report, number=1, submitted_by=a.created_by, content=content) for report in bulk
    )
    bulk.update(status=ReportStatus.SUBMITTED, submitted_at=timezone.now())


def peak_memory(reports) -> int:
    tracemalloc.start()
    try:
        campaign_workbook(reports=reports, stream=io.BytesIO())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_thousand_reports_are_written_in_flat_memory(reports):
    many_submitted_reports(reports, 1000)
    every = AnnualReport.objects.filter(campaign=reports.campaign).order_by("pk")
    assert every.count() == 1003

    started = time.perf_counter()
    stream = io.BytesIO()
    campaign_workbook(reports=every, stream=stream)
    seconds = time.perf_counter() - started
    half, whole = peak_memory(every[:500]), peak_memory(every)

    workbook = load_workbook(io.BytesIO(stream.getvalue()), read_only=True)
    # Header, then A, B and the thousand with two units each, B with one; C was never submitted.
    assert [sum(1 for _ in workbook[sheet].rows) for sheet in SHEETS] == [
        1 + 1003,
        1 + 2 * 1001 + 1,
        1 + 2 * 1001 + 1,
        1 + 1002,
    ]
    print(
        f"\nXLSX of {every.count()} reports: {seconds:.2f} s, {len(stream.getvalue()) / 1024:.0f} KiB; "
        f"peak Python memory {half / 2**20:.1f} MiB for 500 reports, {whole / 2**20:.1f} MiB for 1,003"
    )
    # Twice the reports, not twice the memory: the reports are read a chunk at a time and each row goes to its sheet's
    # temporary file as it is written.
    assert whole < 1.2 * half
