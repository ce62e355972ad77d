"""The portal's PDF documents, one pipeline for all: a Django template rendered by WeasyPrint with the vendored fonts,
the page set up and dated from the data, the same bytes for the same data on any machine.

A document type is a template plus the facts it needs. The pipeline adds, at the user's level of the cascade (so a
template's own rule wins):

- the fonts: the Simplified Chinese faces of Noto Serif CJK and Noto Sans CJK vendored in ``PDF_FONT_DIR``
  (portal/fonts/README.md), loaded by ``@font-face`` under names of their own (``SERIF``, ``SANS``), so no font of
  the machine is ever matched in their place — a PDF looks, and is, the same whatever fontconfig sees;
- the page: A4 with the margins of an official document (GB/T 9704: 37 mm top, 35 mm bottom, 28 mm left, 26 mm
  right), the page number at the foot (第 X 页　共 Y 页), and in the header of every page after the first the text of
  the element a template marks with ``string-set: document-title content()``;
- the metadata: CreationDate and ModDate from the data (``created``), never from the clock, and a file identifier
  derived from ``key`` (the document's number and date), so a re-issued document can be checked byte for byte
  against the SHA-256 recorded when it was first issued.

A character the vendored faces lack would print as a box, or in whatever font the machine has: it is refused before
rendering (``UnprintableCharacters``), and without the font files nothing renders (``FontsMissing``).
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .exceptions import DomainError

SERIF = "Portal Serif CJK SC"
SANS = "Portal Sans CJK SC"
# (family, weight) → file in PDF_FONT_DIR. Regular and Bold only: a template asking for another weight gets the
# nearest of the two, never a face of the machine.
FACES = {
    (SERIF, 400): "NotoSerifCJKsc-Regular.otf",
    (SERIF, 700): "NotoSerifCJKsc-Bold.otf",
    (SANS, 400): "NotoSansCJKsc-Regular.otf",
    (SANS, 700): "NotoSansCJKsc-Bold.otf",
}
# Line breaks and tabs in the markup are laid out as spaces, never drawn.
LAYOUT_ONLY = frozenset("\n\r\t")

PAGE = """
@page {
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
  font-family: "%(serif)s";
  @top-center { content: string(document-title); font-size: 9pt; color: #555; vertical-align: bottom;
                padding-bottom: 4mm; }
  @bottom-center { content: "第 " counter(page) " 页　共 " counter(pages) " 页"; font-size: 9pt; color: #333;
                   vertical-align: top; padding-top: 6mm; }
}
@page :first { @top-center { content: none; } }
html { font-family: "%(serif)s"; }
body { margin: 0; }
"""


class FontsMissing(Exception):
    """The vendored font files are not where ``PDF_FONT_DIR`` says: rendering would print boxes, so it refuses."""


class UnprintableCharacters(DomainError):
    """The document holds characters the vendored faces lack."""


@dataclass(frozen=True)
class Fonts:
    stylesheet: CSS
    configuration: FontConfiguration
    characters: frozenset[int]


class RenderedPdf(bytes):
    """A PDF's bytes, with their SHA-256 — what a document's record keeps to check a re-issue against."""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self).hexdigest()


def font_dir() -> Path:
    return Path(settings.PDF_FONT_DIR)


def missing_font_files() -> list[Path]:
    return [font_dir() / name for name in FACES.values() if not (font_dir() / name).is_file()]


@cache
def _fonts(directory: Path) -> Fonts:
    """The faces' ``@font-face`` rules and the characters every face has, read once per font folder."""
    faces = "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{(directory / name).as_uri()}"); }}'
        for (family, weight), name in FACES.items()
    )
    configuration = FontConfiguration()
    stylesheet = CSS(
        string=faces + PAGE % {"serif": SERIF},
        font_config=configuration,
        url_fetcher=LocalFetcher(directory),
    )
    characters = frozenset.intersection(
        *(frozenset(TTFont(directory / name, lazy=True).getBestCmap()) for name in FACES.values())
    )
    return Fonts(stylesheet, configuration, characters)


def fonts() -> Fonts:
    if missing := missing_font_files():
        raise FontsMissing(
            _("PDF 字体文件缺失：%(files)s。请按 portal/fonts/README.md 运行 bin/vendor-fonts.py。")
            % {"files": "、".join(str(path) for path in missing)}
        )
    return _fonts(font_dir())


class LocalFetcher(URLFetcher):
    """Fetches the fonts, the static files and data: URLs, nothing else: a document is the same wherever and
    whenever it is rendered, and a name typed into a form cannot make the server fetch a URL."""

    def __init__(self, *folders: Path):
        super().__init__(allowed_protocols=("file", "data"))
        self.folders = [folder.resolve() for folder in folders]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(folder) for folder in self.folders):
                raise ValueError(f"not a font or static file: {url}")
        return super().fetch(url, headers)


def refuse_unprintable(html: str, characters: frozenset[int]) -> None:
    unprintable = sorted({char for char in html if ord(char) not in characters} - LAYOUT_ONLY)
    if unprintable:
        raise UnprintableCharacters(
            _("以下字符不在 PDF 字体中，无法打印：%(characters)s。请改用常用字或其他写法。")
            % {"characters": "、".join(f"{char}（U+{ord(char):04X}）" for char in unprintable)}
        )


def render_pdf(template_name: str, context: dict, *, key: str, created: date | datetime | None = None) -> RenderedPdf:
    """``template_name`` rendered with ``context`` as a PDF. ``key`` names the document and gives its file identifier;
    ``created`` (the data's date: a filing date, a submission time) is its CreationDate and ModDate — None leaves it
    undated rather than dated by the clock."""
    document_fonts = fonts()
    html = render_to_string(template_name, context)
    refuse_unprintable(html, document_fonts.characters)
    static = Path(settings.BASE_DIR) / "static"
    page = HTML(string=html, base_url=static.as_uri() + "/", url_fetcher=LocalFetcher(font_dir(), static))
    document = page.render(stylesheets=[document_fonts.stylesheet], font_config=document_fonts.configuration)
    if created:
        stamp = created.isoformat(timespec="seconds") if isinstance(created, datetime) else created.isoformat()
        document.metadata.created = document.metadata.modified = stamp
    identifier = hashlib.md5(key.encode(), usedforsecurity=False).hexdigest().encode("ascii")
    return RenderedPdf(document.write_pdf(pdf_identifier=identifier))
