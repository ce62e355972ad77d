"""The shared rule of every CSV export: Excel reads it as UTF-8 (the BOM), text that starts like a formula stays
text, numbers and dates stay what they are."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from portal.spreadsheets import BOM, csv_field, csv_lines, write_csv


def test_formula_like_text_is_quoted_and_numbers_are_not():
    assert [csv_field(v) for v in ("=SUM(A1)", "+86", "-x", "@A1", "南京")] == [
        "'=SUM(A1)",
        "'+86",
        "'-x",
        "'@A1",
        "南京",
    ]
    assert [csv_field(v) for v in (-5, Decimal("-12.50"), 0, None)] == ["-5", "-12.50", "0", ""]


def test_dates_are_iso_and_times_in_the_portals_zone():
    assert csv_field(date(2026, 3, 1)) == "2026-03-01"
    assert csv_field(datetime(2026, 3, 1, 16, 30, tzinfo=ZoneInfo("UTC"))) == "2026-03-02 00:30"


def test_the_file_starts_with_the_bom_and_both_writers_write_the_same():
    rows = [("宁创联备〔2026〕001号", "=恶意", Decimal("1.50"))]
    stream = io.StringIO()
    write_csv(stream, ["编号", "名称", "金额"], rows)
    text = stream.getvalue()
    assert text.startswith(BOM + "编号,名称,金额\r\n")
    assert text == "".join(csv_lines(["编号", "名称", "金额"], rows))
    assert text.endswith("宁创联备〔2026〕001号,'=恶意,1.50\r\n")
