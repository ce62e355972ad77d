"""The PDFs are set in the vendored faces (portal/fonts/), whatever fonts the machine has: the same bytes with or
without a CJK font installed, a clear refusal when the font files or a character are missing."""

import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from pypdf import PdfReader

from portal.pdf import FACES, FontsMissing, LocalFetcher, UnprintableCharacters
from reviews.notice import render_filing_notice
from tests.reviews.test_notice import NOTICE

RENDER = """
import django, sys
django.setup()
from reviews.notice import render_filing_notice
from tests.reviews.test_notice import NOTICE
open(sys.argv[1], "wb").write(render_filing_notice(NOTICE))
"""


def render_in_a_process(output: Path, **environment) -> bytes:
    """The notice rendered by a fresh interpreter: fontconfig reads its configuration once, at process start."""
    subprocess.run(
        [sys.executable, "-c", RENDER, str(output)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONPATH": str(settings.BASE_DIR)}
        | environment,
        cwd=settings.BASE_DIR,
        check=True,
        timeout=120,
    )
    return output.read_bytes()


@pytest.fixture(scope="module")
def blind_fontconfig(tmp_path_factory) -> Path:
    """A fontconfig configuration that knows no font at all: no font directory, only a cache of its own."""
    folder = tmp_path_factory.mktemp("fontconfig")
    config = folder / "fonts.conf"
    config.write_text(f"<fontconfig><cachedir>{folder / 'cache'}</cachedir></fontconfig>")
    return config


def embedded_fonts(pdf: bytes) -> set[str]:
    return {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_the_blind_configuration_sees_no_chinese_font(blind_fontconfig):
    listed = subprocess.run(
        ["fc-list", ":lang=zh"], env={**os.environ, "FONTCONFIG_FILE": str(blind_fontconfig)}, capture_output=True
    )
    assert listed.stdout == b""


def test_a_notice_rendered_without_any_system_font_still_prints_chinese_in_the_vendored_face(
    blind_fontconfig, tmp_path
):
    pdf = render_in_a_process(tmp_path / "blind.pdf", FONTCONFIG_FILE=str(blind_fontconfig))

    fonts = embedded_fonts(pdf)
    assert {name.split("+", 1)[1] for name in fonts} == {"Portal-Serif-CJK-SC", "Portal-Serif-CJK-SC-Bold"}, fonts
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert NOTICE.consortium_name in text
    assert NOTICE.lead_unit_name in text


def test_the_same_notice_gives_the_same_bytes_whatever_fontconfig_sees(blind_fontconfig, tmp_path):
    blind = render_in_a_process(tmp_path / "blind.pdf", FONTCONFIG_FILE=str(blind_fontconfig))
    usual = render_in_a_process(tmp_path / "usual.pdf")

    assert blind == usual
    assert blind == render_filing_notice(NOTICE)


def test_fonts_are_subset_into_the_pdf_not_embedded_whole():
    pdf = render_filing_notice(NOTICE)
    smallest_face = min((settings.PDF_FONT_DIR / name).stat().st_size for name in FACES.values())
    assert len(pdf) < smallest_face / 10


def test_the_system_check_fails_naming_the_missing_font_files(settings, tmp_path):
    settings.PDF_FONT_DIR = tmp_path

    errors = [error for error in run_checks() if error.id == "portal.E002"]

    assert len(errors) == 1
    assert str(tmp_path) in errors[0].msg
    for name in FACES.values():
        assert name in errors[0].msg
    assert "bin/vendor-fonts.py" in errors[0].hint


def test_the_system_check_passes_with_the_vendored_fonts():
    assert not [error for error in run_checks() if error.id == "portal.E002"]


def test_rendering_refuses_without_the_font_files(settings, tmp_path):
    settings.PDF_FONT_DIR = tmp_path
    (tmp_path / "NotoSerifCJKsc-Regular.otf").symlink_to(
        Path(settings.BASE_DIR) / "portal/fonts/NotoSerifCJKsc-Regular.otf"
    )

    with pytest.raises(FontsMissing) as refused:
        render_filing_notice(NOTICE)

    message = str(refused.value)
    assert message.startswith("PDF 字体文件缺失：")
    assert "NotoSerifCJKsc-Bold.otf" in message and "NotoSansCJKsc-Regular.otf" in message
    assert "NotoSerifCJKsc-Regular.otf" not in message


def test_a_character_outside_the_vendored_repertoire_is_refused_by_name():
    """𠮷 (U+20BB7, a variant of 吉 found in names) lies outside GBK: it would print as a box or in a machine font."""
    with pytest.raises(UnprintableCharacters) as refused:
        render_filing_notice(replace(NOTICE, lead_unit_name="南京𠮷野科技有限公司"))

    assert refused.value.message == "以下字符不在 PDF 字体中，无法打印：𠮷（U+20BB7）。请改用常用字或其他写法。"


def test_common_and_rare_gbk_characters_print():
    pdf = render_filing_notice(replace(NOTICE, lead_unit_name="南京堃瑄珺昇科技有限公司（Ltd.）№1"))
    assert "南京堃瑄珺昇科技有限公司（Ltd.）№1" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_fetcher_reads_the_fonts_and_nothing_else_on_the_disk():
    fetcher = LocalFetcher(settings.PDF_FONT_DIR)
    font = settings.PDF_FONT_DIR / "NotoSansCJKsc-Bold.otf"

    response = fetcher.fetch(font.as_uri())
    assert response.read(4) == b"OTTO"
    response.close()
    for url in ["file:///etc/passwd", (settings.PDF_FONT_DIR / ".." / "settings.py").as_uri(), "http://example.com/"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
