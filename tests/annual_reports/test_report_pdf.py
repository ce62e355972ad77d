"""The annual report printed (issue 13 item 7): a submission as an A4 PDF with the seven contents under their §5.2
headings and every table with its totals, read from the snapshot alone, the same bytes on every render."""

import io
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.utils import timezone, translation
from PIL import Image
from pypdf import PdfReader

from annual_reports.models import AnnualReport, ReportFundingLine
from annual_reports.pdf import render_report_pdf

from .entered import A_FIGURES, A_NAME, B_NAME, campaign_with_reports

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path("/tmp/issue13-screenshots")
HEADINGS = [
    "一、建设总体情况",
    "二、合作单位和开展研发项目进展情况",
    "三、运营团队的建设情况",
    "四、资金投入使用和收益分配情况",
    "五、攻关项目整体进展情况",
    "六、人才培养情况",
    "七、下年度工作计划",
]


@pytest.fixture
def reports(demo_users):
    return campaign_with_reports(demo_users)


@pytest.fixture
def submission(reports):
    return reports.submitted.submissions.get()


@pytest.fixture
def pdf(submission):
    return render_report_pdf(submission)


def pdf_text(pdf_bytes: bytes) -> str:
    """The text without the line breaks and spaces the layout put in (table cells wrap)."""
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages).split())


def test_the_report_is_an_a4_pdf_with_the_seven_headings_in_order(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert (round(page.mediabox.width * 25.4 / 72), round(page.mediabox.height * 25.4 / 72)) == (210, 297)
    text = pdf_text(pdf)
    positions = [text.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    # Each content's text under its own heading.
    for heading, start, end in zip(HEADINGS, positions, [*positions[1:], len(text)], strict=True):
        assert f"{heading.split('、', 1)[1]}：本年度情况说明。" in text[start:end]


def test_the_report_names_the_year_the_consortium_and_the_submission(pdf, submission, reports):
    text = pdf_text(pdf)
    assert "南京市级创新联合体年度报告" in text
    assert "2026年度报告" in text and "2026（2026-01-01至2026-12-31）" in text
    assert A_NAME in text
    assert reports.submitted.consortium.filing_number in text
    assert "第1次提交" in text
    assert timezone.localtime(submission.submitted_at).strftime("%Y-%m-%d%H:%M:%S") in text
    assert str(submission.submitted_by) in text


def test_the_funding_table_has_each_unit_and_the_totals_in_exact_decimals(pdf, reports):
    text = pdf_text(pdf)
    lead = reports.submitted.consortium.lead_organisation.name
    # Planned, received, research, equipment, personnel, other, spent in all.
    assert f"{lead}100.0080.0030.1020.2010.250.1060.65" in text
    assert f"{A_NAME}成员单位150.0050.2040.0011.300.000.0051.30" in text
    assert f"支出超过到位资金的说明：{A_FIGURES.lines[1].explanation}" in text
    assert "合计150.00130.2070.1031.5010.250.10111.95" in text
    # Returns: 12.5 to the lead unit, 7.3 to the member.
    assert f"{lead}12.50按投入比例" in text and "合计19.80" in text


def test_tasks_talent_team_and_joint_projects_are_printed_with_their_figures(pdf, reports):
    text = pdf_text(pdf)
    # Patents, standards, papers, products; the totals line sums each.
    assert "攻关任务1已完成3121已通过验收" in text
    assert f"攻关任务2进度滞后0040{A_FIGURES.tasks[1].note}" in text
    assert "合计3161" in text
    assert "运营团队人数15" in text
    for label, count in zip(
        ["引进人才（人）", "培养人才（人）", "其中高层次人才（人）", "其中青年人才（人）"],
        A_FIGURES.talent,
        strict=True,
    ):
        assert f"{label}{count}" in text
    lead = reports.submitted.consortium.lead_organisation.name
    assert f"车规级芯片联合攻关{lead}、{A_NAME}成员单位1市科技计划30.00" in text
    assert "封装工艺验证平台" in text and "合计75.50" in text


def test_every_font_is_a_simplified_chinese_cjk_font(pdf):
    """A face without Chinese prints boxes; WeasyPrint's fallback would also take the Japanese glyph forms."""
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts |= {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("CJK-SC" in name for name in fonts), fonts


def test_rendering_again_gives_identical_bytes_dated_from_the_submission(pdf, submission):
    started = time.perf_counter()
    again = render_report_pdf(submission)
    seconds = time.perf_counter() - started
    print(
        f"\nreport PDF: {seconds:.2f} s, {len(again) / 1024:.0f} KiB, {len(PdfReader(io.BytesIO(again)).pages)} pages"
    )
    assert again == pdf
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata["/CreationDate"] == metadata["/ModDate"]
    assert metadata["/CreationDate"] == timezone.localtime(submission.submitted_at).strftime("D:%Y%m%d%H%M%S+08'00")
    with translation.override("en"):
        assert render_report_pdf(submission) == pdf


def test_the_live_report_changing_later_does_not_change_a_submitted_one(pdf, submission, reports):
    AnnualReport.objects.filter(pk=reports.submitted.pk).update(team_size=99, overall_narrative="提交后改写")
    ReportFundingLine.objects.filter(report=reports.submitted).update(received=999)
    assert render_report_pdf(submission) == pdf


def test_a_returned_report_prints_what_was_submitted_and_names_are_printed_not_interpreted(reports):
    report = reports.returned
    assert report.team_size == 99  # edited after the return, not submitted
    text = pdf_text(render_report_pdf(report.submissions.get()))
    assert "运营团队人数6" in text and "运营团队人数99" not in text
    assert "".join(B_NAME.split()) in text  # quotes and all, not HTML
    assert "合作研发项目无" in text  # no joint project: said, not an empty table


def test_first_page_screenshot_is_saved_and_not_blank(pdf):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils) — cannot look at the rendered page")
    result = subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1"], input=pdf, capture_output=True, check=True
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "report-pdf.png"
    path.write_bytes(result.stdout)
    image = Image.open(path).convert("L")
    assert (round(image.width / 60 * 25.4), round(image.height / 60 * 25.4)) == (210, 297)  # A4 at 60 dpi
    dark_share = sum(image.histogram()[:128]) / (image.width * image.height)
    assert 0.02 < dark_share < 0.3, f"{dark_share:.1%} of the page is dark"
