"""Spreadsheets that people open in Excel or WPS: the rule that keeps text that looks like a formula from being
evaluated (formula or CSV injection), and the cells of a write-only XLSX workbook (openpyxl) and the fields of a CSV
file built on it.

In a CSV file the only way to say "this is text" is a leading apostrophe. An XLSX cell has a type: these cells are
written as strings, never as formulas, and those that start like a formula also carry the quote prefix, so that Excel
still treats them as text once somebody edits them.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# What Excel and WPS read as the start of a formula, or pass over before one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

AMOUNT_FORMAT = "0.00"  # amounts in 万元 to the fen, as everywhere in the portal
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIMESTAMP_FORMAT = "yyyy-mm-dd hh:mm:ss"


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def text_cell(sheet: WriteOnlyWorksheet, text: str, *, bold: bool = False) -> WriteOnlyCell:
    """``text`` as a string whatever it starts with: never a formula, never an error value such as #N/A."""
    # The control characters XML cannot hold (a vertical tab pasted from a word processor) would make openpyxl refuse
    # the whole workbook.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"
    if starts_like_formula(cell.value):
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def _formatted(sheet: WriteOnlyWorksheet, value, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def timestamp_cell(sheet: WriteOnlyWorksheet, moment: datetime) -> WriteOnlyCell:
    """A moment to the second, in the portal's time zone: for trails (audit) where the minute is not enough."""
    return _formatted(sheet, timezone.localtime(moment).replace(tzinfo=None, microsecond=0), TIMESTAMP_FORMAT)


def cell(sheet: WriteOnlyWorksheet, value):
    """One value as what a spreadsheet should hold: numbers as numbers (amounts with two decimals), dates as dates
    (a time in the portal's time zone: Excel has none), text as text, ``None`` as an empty cell; a cell already made
    (``timestamp_cell``) as it is."""
    if value is None or isinstance(value, int | float | Cell):
        return value
    if isinstance(value, Decimal):
        return _formatted(sheet, value, AMOUNT_FORMAT)
    if isinstance(value, datetime):
        return _formatted(sheet, timezone.localtime(value).replace(tzinfo=None), DATETIME_FORMAT)
    if isinstance(value, date):
        return _formatted(sheet, value, DATE_FORMAT)
    return text_cell(sheet, str(value))


def add_sheet(workbook, title: str, headers: list[str], *, widths: dict[int, float]) -> WriteOnlyWorksheet:
    """A sheet of a write-only workbook with its header row in bold, kept in view when scrolling; ``widths`` gives
    the width (in characters) of the columns, by their 1-based index, that should not be the default."""
    sheet = workbook.create_sheet(title)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    # Before the first row: a write-only sheet writes its view, column widths included, when it starts writing rows.
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(sheet, str(header), bold=True) for header in headers])
    return sheet


def append(sheet: WriteOnlyWorksheet, values) -> None:
    sheet.append([cell(sheet, value) for value in values])


# Excel opens a CSV file as UTF-8 only when it starts with the byte-order mark; without it the Chinese is garbled.
BOM = "\ufeff"


def csv_field(value) -> str:
    """One value as a CSV field Excel shows as it is: text that starts like a formula quoted with an apostrophe,
    dates ISO 8601 (a time in the portal's time zone), amounts as written, ``None`` empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)  # a number is a number: -5 stays -5
    text = str(value)
    return "'" + text if starts_like_formula(text) else text


class _Line:
    """What ``csv.writer`` writes to when each line is wanted back rather than stored."""

    def write(self, line: str) -> str:
        return line


def csv_lines(headers: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """A CSV file line by line — the BOM, the header row, then ``rows`` — for a ``StreamingHttpResponse``, or a file
    or an HttpResponse by ``write_csv``: ``rows`` is read lazily (a queryset's ``iterator()``), so memory does not
    grow with the number of rows."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([str(header) for header in headers])
    for row in rows:
        yield writer.writerow([csv_field(value) for value in row])


def write_csv(stream, headers: Iterable, rows: Iterable[Iterable]) -> None:
    """``csv_lines`` to ``stream`` (anything with ``write``: a file, an HttpResponse)."""
    for line in csv_lines(headers, rows):
        stream.write(line)
