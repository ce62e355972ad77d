"""The application form (备案申报书, issue 12 item 7): a submission printed as an A4 PDF with every section, the
eligibility results it was submitted with and who submitted it; the same bytes on every render; only for those who
may see the consortium."""

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image
from pypdf import PdfReader

from consortia.application_form import render_application_form
from consortia.models import Consortium, Document, FundingLine, Governance, ResearchTask
from consortia.services import section_version, submit_filing, upload_document
from tests.factories import complete_filing

from .conftest import make_pdf, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(demo_users, media):
    """A filing with two documents uploaded through the service (real digests), two tasks, funding over two years
    in amounts whose float sum is not exact, and governance filled in — then submitted."""
    lead = demo_users["lead-a"]
    consortium = complete_filing(lead_user=lead, document=False)
    for kind, name, pages in [
        (Document.Kind.FORMATION_AGREEMENT, "组建协议.pdf", 1),
        (Document.Kind.FINANCIAL_STATEMENT, "2025年度财务报表.pdf", 2),
    ]:
        consortium.refresh_from_db()
        upload_document(
            consortium_id=consortium.pk,
            actor=lead,
            kind=kind,
            uploaded_file=pdf_upload(name, make_pdf(pages)),
            loaded_version=section_version(consortium, "documents").number,
        )
    Governance.objects.filter(consortium=consortium).update(
        council_chair="王敏",
        chief_experts="张三，南京示范大学，教授",
        advisory_committee="李四\n赵五",
        operating_mechanism="理事会每季度召开一次，成果收益按投入比例分配。",
    )
    members = [m.organisation for m in consortium.memberships.order_by("pk").select_related("organisation")]
    ResearchTask.objects.filter(consortium=consortium).update(milestones="2026 年完成工艺验证；2027 年小批量。")
    second = ResearchTask.objects.create(
        consortium=consortium, title="碳化硅外延缺陷控制", kind="frontier", objectives="基平面位错密度降低一个数量级。"
    )
    second.responsible_units.set([members[1]])
    FundingLine.objects.create(
        consortium=consortium,
        organisation=members[1],
        year=2027,
        self_raised=Decimal("0.1"),
        government=Decimal("0.2"),
        financial=Decimal("12.35"),
    )
    submit_filing(consortium_id=consortium.pk, actor=lead)
    return consortium.submissions.get()


@pytest.fixture
def pdf(submission):
    return render_application_form(submission)


def pdf_text(pdf_bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def flat(text: str) -> str:
    """Table cells wrap; compare without the line breaks and spaces the layout put in."""
    return "".join(text.split())


def test_the_form_is_an_a4_pdf_that_opens(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    assert pdf.startswith(b"%PDF-")
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (round(page.mediabox.width * 25.4 / 72), round(page.mediabox.height * 25.4 / 72)) == (210, 297)
    assert f"共 {len(reader.pages)} 页" in reader.pages[-1].extract_text()


def test_the_form_holds_every_unit_with_its_uscc(pdf, submission):
    text = flat(pdf_text(pdf))
    lead = submission.document["lead"]
    assert lead["name"] in text
    assert lead["uscc"] in text
    assert len(submission.document["members"]) == 2
    for member in submission.document["members"]:
        assert member["name"] in text
        assert member["uscc"] in text
        assert flat(member["capability"]) in text
        assert flat(member["role"]) in text


def test_the_form_holds_every_section_of_the_submission(pdf, submission):
    text = flat(pdf_text(pdf))
    document, details = submission.document, submission.details
    for heading in [
        "基本信息",
        "牵头单位",
        "参与单位",
        "组织架构与运行机制",
        "攻关任务",
        "经费计划（万元）",
        "附件材料",
    ]:
        assert heading in text
    assert "南京市级创新联合体备案申报书" in text
    assert document["name"] in text
    assert "第三代半导体" in text  # the field by its name, not its code
    assert "third-gen-semiconductors" not in text
    assert "“卡脖子”技术" in text
    assert flat(document["summary"]) in text
    assert flat(details["goals"]) in text
    assert "2026-01-01至2028-12-31" in text
    assert "王敏" in text
    assert "张三，南京示范大学，教授" in text and "李四" in text and "赵五" in text
    assert flat(details["operating_mechanism"]) in text
    for task, extra in zip(document["tasks"], details["tasks"], strict=True):
        assert flat(task["title"]) in text
        assert flat(task["objectives"]) in text
        for unit in extra["responsible_units"]:
            assert unit in text
    assert flat(details["tasks"][0]["milestones"]) in text
    # Submission number, time (Asia/Shanghai) and submitter.
    assert "第1次提交" in text
    assert timezone.localtime(submission.submitted_at).strftime("%Y-%m-%d%H:%M:%S") in text
    assert str(submission.submitted_by) in text


def test_the_funding_table_sums_each_line_and_each_source_in_decimals(pdf):
    text = flat(pdf_text(pdf))
    # The lead unit's 2026 line (100 self-raised) and the member's 2027 line (0.1 + 0.2 + 12.35 = 12.65).
    assert "2026100.000.000.00100.00" in text
    assert "20270.100.2012.3512.65" in text
    # 合计: 100.1 self-raised, 0.2 government, 12.35 financial, 112.65 in all — not 0.30000000000000004.
    assert "合计100.100.2012.35112.65" in text


def test_the_form_lists_every_document_with_its_full_sha256(pdf, submission):
    text = flat(pdf_text(pdf))
    recorded = submission.details["documents"]
    assert len(recorded) == 2
    digests = {document.sha256 for document in submission.documents.all()}
    assert {d["sha256"] for d in recorded} == digests
    assert len(digests) == 2
    for document in recorded:
        assert document["name"] in text
        assert document["sha256"] in text
    assert "组建协议" in text and "财务报表" in text


def test_each_eligibility_result_is_printed_with_its_clause_and_outcome(pdf, submission):
    text = flat(pdf_text(pdf))
    results = submission.eligibility["results"]
    assert len(results) >= 10
    # The rows in order: each row, from its title to the next one's, names its code, clause and message.
    positions = [text.index(flat(result["title"])) for result in results]
    assert positions == sorted(positions)
    for result, start, end in zip(results, positions, [*positions[1:], len(text)], strict=True):
        row = text[start:end]
        assert result["code"] in row
        assert flat(result["clause"]) in row
        assert flat(result["message"])[:20] in row
    assert "满足" in text


def test_every_font_in_the_form_is_a_cjk_font(pdf):
    """A face without Chinese prints boxes; WeasyPrint's fallback would also take the Japanese glyph forms."""
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts |= {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert fonts
    assert all("CJK-SC" in name for name in fonts), fonts


def test_rendering_the_same_submission_again_gives_identical_bytes(pdf, submission):
    assert render_application_form(submission) == pdf
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    submitted_at = timezone.localtime(submission.submitted_at)
    assert metadata["/CreationDate"] == metadata["/ModDate"] == submitted_at.strftime("D:%Y%m%d%H%M%S+08'00")
    assert metadata.title.startswith("南京市级创新联合体备案申报书")


def test_the_form_is_in_the_portals_language_whoever_asks(pdf, submission):
    with translation.override("en"):
        assert render_application_form(submission) == pdf


def test_later_edits_of_the_filing_do_not_change_a_submitted_form(pdf, submission):
    Consortium.objects.filter(pk=submission.consortium_id).update(name="改名后的联合体", summary="改写的简介")
    FundingLine.objects.filter(consortium=submission.consortium_id).update(self_raised=999)
    again = render_application_form(submission)
    assert again == pdf
    assert "改名后的联合体" not in pdf_text(again)


def test_a_later_submission_has_a_form_of_its_own_and_names_are_printed_not_interpreted(pdf, submission):
    name = "<b>南京</b>&第二次提交的联合体"
    other = submission.__class__.objects.create(
        consortium=submission.consortium,
        number=2,
        submitted_by=submission.submitted_by,
        document={**submission.document, "name": name},
        details=submission.details,
        eligibility=submission.eligibility,
    )
    second = render_application_form(other)
    assert second != pdf
    text = flat(pdf_text(second))
    assert flat(name) in text
    assert "第2次提交" in text


# --- The page -------------------------------------------------------------------------------------------------------


def form_url(submission, number=None):
    return reverse("consortia:application_form", args=[submission.consortium_id, number or submission.number])


def get_as(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("username", ["lead-a", "jiangning", "city", "admin"])
def test_whoever_may_see_the_consortium_gets_the_form_inline_with_a_chinese_name(submission, pdf, demo_users, username):
    response = get_as(demo_users[username], form_url(submission))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    name = f"{submission.document['name']}备案申报书（第1次提交）.pdf"
    assert f"filename*=utf-8''{quote(name)}" in disposition
    assert b"".join(response.streaming_content) == pdf


@pytest.mark.parametrize("username", ["lead-b", "xuanwu"])
def test_who_may_not_see_the_consortium_gets_404(submission, demo_users, username):
    assert get_as(demo_users[username], form_url(submission)).status_code == 404


def test_a_submission_number_never_submitted_is_404(submission, demo_users):
    for number in (2, 999):
        assert get_as(demo_users["lead-a"], form_url(submission, number)).status_code == 404


def test_a_draft_never_submitted_has_no_form(demo_users, media):
    draft = complete_filing(lead_user=demo_users["lead-a"], name="草稿联合体", seed=7000)
    url = reverse("consortia:application_form", args=[draft.pk, 1])
    assert get_as(demo_users["lead-a"], url).status_code == 404
    assert get_as(demo_users["city"], url).status_code == 404


def test_anonymous_is_sent_to_login(submission):
    response = Client().get(form_url(submission))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_filing_page_links_each_submissions_form(submission, demo_users):
    page = get_as(demo_users["lead-a"], reverse("consortia:detail", args=[submission.consortium_id]))
    card = page.content.decode().split("提交记录", 1)[1]
    assert f'href="{form_url(submission)}"' in card


def test_the_review_page_links_the_form_of_the_submission_under_review(submission, demo_users):
    page = get_as(demo_users["jiangning"], reverse("reviews:review", args=[submission.consortium_id]))
    assert f'href="{form_url(submission)}"' in page.content.decode()


# --- What it looks like ---------------------------------------------------------------------------------------------


def test_first_page_screenshot_is_saved_and_not_blank(pdf, output_path):
    """The first page at 60 dpi, saved beside the browser journeys' screenshots (``test-results/``)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils) — cannot look at the rendered page")
    result = subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1"], input=pdf, capture_output=True, check=True
    )
    path = Path(output_path) / "application-form.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(result.stdout)
    image = Image.open(path).convert("L")
    assert (round(image.width / 60 * 25.4), round(image.height / 60 * 25.4)) == (210, 297)  # A4 at 60 dpi
    dark_share = sum(image.histogram()[:128]) / (image.width * image.height)
    assert 0.02 < dark_share < 0.3, f"{dark_share:.1%} of the page is dark"
