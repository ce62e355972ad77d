#!/usr/bin/env python3
"""Vendors the PDF fonts into portal/fonts/: the Simplified Chinese faces of Noto Serif CJK and Noto Sans CJK,
Regular and Bold, taken out of Debian's fonts-noto-cjk collections and subset to the repertoire below.

Debian's four collections hold every language's faces (93 MB); the four SC faces subset to the repertoire weigh
25 MB. Run it again (``.venv/bin/python bin/vendor-fonts.py``, with fonts-noto-cjk installed; three minutes) after a
font update; portal/fonts/README.md says what it keeps.
"""

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/opentype/noto")
LICENCE_SOURCE = Path("/usr/share/doc/fonts-noto-cjk/copyright")
TARGET = Path(__file__).resolve().parent.parent / "portal" / "fonts"
FACES = {
    "NotoSerifCJKsc-Regular.otf": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "NotoSerifCJKsc-Bold.otf": ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    "NotoSansCJKsc-Regular.otf": ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    "NotoSansCJKsc-Bold.otf": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
}
# Beside the default OpenType features: the width variants, so that a code or a digest can be set in half-width
# (monospaced) Latin ("hwid"), and proportional CJK punctuation. "locl" is left out: it only reaches the Japanese,
# Korean and Traditional forms, which a Simplified Chinese document never asks for, and would double the glyphs.
COPYRIGHT = "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'."
EXTRA_FEATURES = ["hwid", "fwid", "pwid", "halt", "palt", "vhal", "vpal"]


def gbk_characters() -> set[int]:
    """Every character GBK encodes (21,791): its 20,923 CJK ideographs (all of GB 2312's among them), the CJK
    punctuation, full-width forms, Greek, Cyrillic, bopomofo, kana and symbols of GB 2312."""
    characters = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):  # a byte pair GBK leaves unassigned
                characters.add(ord(bytes([lead, trail]).decode("gbk")))
    return characters


def repertoire() -> set[int]:
    ranges = [
        (0x0020, 0x007E),  # ASCII
        (0x00A0, 0x024F),  # Latin-1 and Latin Extended-A/B: names of foreign partners, pinyin with tones
        (0x2000, 0x206F),  # general punctuation: — … ‘ ’ “ ” ‰ ※
        (0x2100, 0x218F),  # letterlike symbols and number forms: ℃ № Ⅰ Ⅱ
        (0x2190, 0x21FF),  # arrows
        (0x2460, 0x24FF),  # enclosed alphanumerics: ① ⑴ ⒈
        (0x2500, 0x25FF),  # box drawing and geometric shapes: ■ □ ▲ ○ ●
        (0x3000, 0x303F),  # CJK symbols and punctuation: 、 。 〔 〕 《 》 【 】
        (0x3200, 0x33FF),  # enclosed CJK letters and CJK compatibility: ㈠ ㎡
        (0x4E00, 0x9FFF),  # the whole CJK Unified Ideographs block (GBK stops at U+9FA5)
        (0xFE30, 0xFE4F),  # CJK compatibility forms
        (0xFF00, 0xFFEF),  # half-width and full-width forms
    ]
    characters = gbk_characters()
    for first, last in ranges:
        characters.update(range(first, last + 1))
    return characters


def sc_face(collection: Path, family: str):
    for font in TTCollection(collection).fonts:
        if font["name"].getDebugName(1) == family:
            return font
    sys.exit(f"{collection} has no face named {family!r}")


def write_licence() -> None:
    """The OFL as Debian's copyright file gives it (indented by a space, blank lines as " ."), under upstream's
    copyright line: "Source" is the reserved name, so the subset faces may keep the name Noto."""
    licence = LICENCE_SOURCE.read_text().split("License: SIL-1.1\n", 2)[2].split("\nLicense:", 1)[0]
    text = "\n".join("" if line == " ." else line.removeprefix(" ") for line in licence.splitlines())
    (TARGET / "OFL.txt").write_text(f"{COPYRIGHT}\n\n{text.strip()}\n")


def main() -> None:
    TARGET.mkdir(exist_ok=True)
    options = subset.Options()
    options.layout_features = [*subset.Options().layout_features, *EXTRA_FEATURES]
    options.layout_features.remove("locl")
    # The PDF viewer rasterises at any size; CFF hints buy nothing there and cost a tenth of the file.
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    characters = repertoire()
    for name, (collection, family) in FACES.items():
        font = sc_face(SOURCE / collection, family)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=characters)
        subsetter.subset(font)
        font.save(TARGET / name)
        print(f"{name}: {(TARGET / name).stat().st_size / 1e6:.1f} MB, {len(font.getBestCmap())} characters")
    write_licence()


if __name__ == "__main__":
    main()
