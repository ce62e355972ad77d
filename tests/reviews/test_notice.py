import io
import os
import shutil
import subprocess
from dataclasses import replace
from datetime import date

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from reviews.notice import NoticeData, chinese_date, notice_sha256, render_filing_notice

NOTICE = NoticeData(
    filing_number="宁创联备〔2026〕007号",
    consortium_name="南京市第三代半导体器件创新联合体",
    lead_unit_name="南京芯晶半导体科技股份有限公司",
    member_names=["南京大学", "东南大学", "江苏第三代半导体研究院有限公司"],
    industry_field_name="第三代半导体",
    start_date=date(2026, 12, 1),
    end_date=date(2029, 11, 30),
    filed_on=date(2026, 11, 25),
)


@pytest.fixture(scope="module")
def pdf():
    return render_filing_notice(NOTICE)


def first_page_text(pdf_bytes):
    return PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text()


def first_page_png(pdf_bytes):
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm (poppler-utils) is missing on CI, where it is installed")
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils) — cannot look at the rendered page")
    result = subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1"], input=pdf_bytes, capture_output=True, check=True
    )
    return Image.open(io.BytesIO(result.stdout)).convert("RGB")


def test_notice_is_a_one_page_a4_pdf(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    assert pdf.startswith(b"%PDF-")
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)


def test_notice_states_the_filing_as_extractable_chinese_text(pdf):
    text = first_page_text(pdf)
    assert "南京市级创新联合体备案通知书" in text
    assert "宁创联备〔2026〕007号" in text
    assert "南京市第三代半导体器件创新联合体" in text
    assert "南京芯晶半导体科技股份有限公司" in text
    assert "江苏第三代半导体研究院有限公司" in text
    assert "第三代半导体" in text
    assert "2026年12月1日至2029年11月30日" in text
    assert "2026年11月25日" in text
    assert "南京市科学技术局" in text
    flat = "".join(text.split())
    assert "按照《南京市级创新联合体备案建设工作指引》（宁科规〔2025〕2号）予以备案" in flat


def test_page_number_in_the_footer_is_set_in_chinese(pdf):
    assert "第 1 页　共 1 页" in first_page_text(pdf)


def test_every_font_in_the_notice_is_a_cjk_font(pdf):
    """A missing CJK font name in the CSS makes WeasyPrint fall back to a Latin font and print boxes."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert fonts
    assert all("CJK" in name for name in fonts), fonts


def test_metadata_names_the_notice_and_the_filing_date(pdf):
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata.title == "南京市级创新联合体备案通知书 宁创联备〔2026〕007号"
    assert metadata.author == "南京市科学技术局"
    assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20261125"


def test_first_page_is_not_blank(pdf):
    image = first_page_png(pdf)
    pixels = image.width * image.height
    grey = image.convert("L").histogram()
    dark_share = sum(grey[:128]) / pixels
    assert 0.015 < dark_share < 0.3, f"{dark_share:.1%} of the page is dark"
    r, g, b = image.split()
    red = ImageChops.multiply(
        r.point(lambda v: 255 if v > 150 else 0),
        ImageChops.multiply(g.point(lambda v: 255 if v < 90 else 0), b.point(lambda v: 255 if v < 90 else 0)),
    )
    assert red.histogram()[255] / pixels > 0.001, "the red masthead is missing"


def test_rendering_the_same_notice_twice_gives_identical_bytes(pdf):
    again = render_filing_notice(NOTICE)
    assert again == pdf
    assert notice_sha256(again) == notice_sha256(pdf)


def test_a_different_notice_has_a_different_digest(pdf):
    other = render_filing_notice(replace(NOTICE, filing_number="宁创联备〔2026〕008号"))
    assert notice_sha256(other) != notice_sha256(pdf)
    assert "宁创联备〔2026〕008号" in first_page_text(other)


def test_notice_sha256_is_the_hex_digest_of_the_bytes():
    assert notice_sha256(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_twenty_members_run_on_to_a_second_page_with_every_member_listed():
    members = [f"南京第{n:02d}号参与单位科技有限公司" for n in range(1, 21)]
    pdf = render_filing_notice(replace(NOTICE, member_names=members))
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2
    text = "".join(page.extract_text() for page in reader.pages)
    assert all(name in text for name in members)
    last_page = reader.pages[-1].extract_text()
    assert "南京市科学技术局" in last_page
    assert "2026年11月25日" in last_page
    assert f"共 {len(reader.pages)} 页" in last_page


def test_names_are_escaped_not_interpreted_as_html():
    pdf = render_filing_notice(replace(NOTICE, consortium_name="<b>南京</b>&测试创新联合体"))
    assert "<b>南京</b>&测试创新联合体" in first_page_text(pdf)


def test_dates_are_written_the_chinese_way_without_leading_zeros():
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    assert chinese_date(date(2026, 11, 25)) == "2026年11月25日"
