"""portal.pdf, the one pipeline every PDF goes through: a template and its facts in, an A4 page with GB/T 9704
margins, page numbers, a running title, dates from the data and a digest out."""

import hashlib
import io
import re
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from portal.pdf import RenderedPdf, render_pdf

MM = 72 / 25.4
DOCUMENT = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>h1 { string-set: document-title content(); }</style></head>
<body><h1>{{ title }}</h1>{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>{% endfor %}</body></html>"""


@pytest.fixture(autouse=True)
def document_template(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"document.html": DOCUMENT})]},
        }
    ]


def render(created=date(2026, 11, 25), key="测试文书|2026-11-25", pages=2) -> RenderedPdf:
    paragraphs = [f"南京市级创新联合体备案材料第{n}段。" + "协同攻关关键核心技术。" * 8 for n in range(12 * pages)]
    return render_pdf("document.html", {"title": "测试文书", "paragraphs": paragraphs}, key=key, created=created)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def first_word_box(pdf: bytes, page: int) -> tuple[float, float]:
    """Where the first line of the page's body starts (left, top), in millimetres from the page's corner."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    words = [
        (float(x), float(y), word)
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)
    ]
    body = [(x, y) for x, y, word in words if "测试文书" not in word and y > 30 * MM]  # below the running title
    x, y = min(body, key=lambda box: (box[1], box[0]))
    return x / MM, y / MM


def test_the_page_is_a4_with_the_margins_of_an_official_document():
    pdf = render()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (round(page.mediabox.width / MM), round(page.mediabox.height / MM)) == (210, 297)
    left, top = first_word_box(pdf, 2)
    assert left == pytest.approx(28, abs=0.5)
    assert top == pytest.approx(37, abs=1.5)  # the line's box starts a little below the margin (line height)


def test_every_page_is_numbered_at_the_foot_and_titled_at_the_head_after_the_first():
    texts = page_texts(render())
    count = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页　共 {count} 页" in text
    assert texts[0].count("测试文书") == 1  # the heading itself, no running title above it
    assert "测试文书" in texts[1]


def test_the_dates_come_from_the_data_never_from_the_clock():
    submitted = datetime(2026, 3, 4, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    metadata = PdfReader(io.BytesIO(render(created=submitted))).metadata
    assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20260304093015+08'00"
    assert metadata.title == "测试文书"

    undated = PdfReader(io.BytesIO(render(created=None))).metadata
    assert "/CreationDate" not in undated and "/ModDate" not in undated


def test_the_same_facts_give_the_same_bytes_and_digest_another_key_another_identifier():
    pdf = render()
    assert isinstance(pdf, bytes)
    assert pdf.sha256 == hashlib.sha256(pdf).hexdigest()
    again = render()
    assert again == pdf and again.sha256 == pdf.sha256

    other = render(key="测试文书|2026-11-26")
    identifier = hashlib.md5("测试文书|2026-11-26".encode()).hexdigest()
    assert identifier.encode() in other and identifier.encode() not in pdf
    assert other.sha256 != pdf.sha256


def test_text_is_set_in_the_vendored_serif():
    page = PdfReader(io.BytesIO(render(pages=1))).pages[0]
    fonts = {str(font.get_object()["/BaseFont"]).split("+", 1)[1] for font in page["/Resources"]["/Font"].values()}
    assert fonts == {"Portal-Serif-CJK-SC", "Portal-Serif-CJK-SC-Bold"}  # the body, and the bold heading
