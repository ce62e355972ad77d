"""The portfolio list as a file (issue 14 item 3): the consortia on the list, their members or their annual reports,
as XLSX (openpyxl write-only, ``portal.spreadsheets``) or CSV (UTF-8 with BOM, ``portal.spreadsheets.write_csv``).

The rows are exactly the list's, in its order: the list's query gives the ids in order, and each chunk of ids is read
again through it (scoped, filtered) with its members or reports in one more query, so that memory stays flat and the
number of queries grows with the chunks, not the rows. Written in the portal's language whoever asks, like the
campaign workbook. Text that looks like a formula stays text in both formats (``portal.spreadsheets``).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from io import TextIOWrapper

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from annual_reports.exports import report_headers, report_row, with_latest_submission
from annual_reports.models import AnnualReport
from consortia.models import Consortium, Membership
from portal.models import Organisation
from portal.spreadsheets import add_sheet, append, write_csv

from .models import Format, Sheet
from .selectors import PortfolioRow, membership_history, portfolio_rows

CHUNK = 500  # consortia read at a time
NAME_WIDTH, WIDE = 36, 20  # column widths in characters; others keep Excel's default
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {Format.XLSX: XLSX_TYPE, Format.CSV: "text/csv; charset=utf-8"}


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _consortia_headers() -> list[str]:
    return [
        _label(Consortium, "filing_number"),
        _label(Consortium, "name"),
        _label(Consortium, "field"),
        _label(Consortium, "technology_kinds"),
        _("牵头单位"),
        _("牵头单位统一社会信用代码"),
        _("属地主管部门"),
        _("参与单位数"),
        _label(Consortium, "start_date"),
        _label(Consortium, "end_date"),
        _label(Consortium, "status"),
        _("省级认定日期"),
    ]


def _consortium_row(row: PortfolioRow) -> list:
    return [
        row.filing_number,
        row.name,
        row.field,
        "、".join(row.technology_kinds),
        row.lead_name,
        row.lead_uscc,
        row.authority,
        row.members,
        row.start_date,
        row.end_date,
        row.status_label,
        row.recognised_on,
    ]


def _members_headers() -> list[str]:
    return [
        _label(Consortium, "filing_number"),
        _label(Consortium, "name"),
        _label(Membership, "organisation"),
        _label(Organisation, "uscc"),
        _label(Organisation, "kind"),
        _label(Membership, "role"),
        _label(Membership, "joined_on"),
        _label(Membership, "left_on"),
    ]


def _kind(code: str) -> str | None:
    return str(Organisation.Kind(code).label) if code in Organisation.Kind.values else code


def _member_rows(rows: list[PortfolioRow]) -> Iterator[list]:
    """A row per membership of each consortium: its membership history, or, for a filing its lead unit is editing,
    the members of its latest submission (they have no dates yet)."""
    memberships = defaultdict(list)
    for membership in membership_history([row.pk for row in rows if row.members_submitted is None]):
        memberships[membership.consortium_id].append(membership)
    for row in rows:
        identity = [row.filing_number, row.name]
        if row.members_submitted is not None:
            for member in row.members_submitted:
                yield [*identity, member["name"], member["uscc"], _kind(member["kind"]), member["role"], None, None]
            continue
        for membership in memberships[row.pk]:
            organisation = membership.organisation
            yield [
                *identity,
                organisation.name,
                organisation.uscc,
                _kind(organisation.kind),
                membership.role,
                membership.joined_on,
                membership.left_on,
            ]


def _report_rows(rows: list[PortfolioRow]) -> Iterator[list]:
    """A row per annual report of each consortium, year by year (``annual_reports.exports.report_row``)."""
    reports = defaultdict(list)
    chunk = with_latest_submission(AnnualReport.objects.filter(consortium__in=[row.pk for row in rows]))
    for report in chunk.order_by("campaign__year", "pk"):
        reports[report.consortium_id].append(report)
    for row in rows:
        for report in reports[row.pk]:
            yield report_row(report, across_years=True)


def _consortium_rows(rows: list[PortfolioRow]) -> Iterator[list]:
    return map(_consortium_row, rows)


SHEETS: dict[str, tuple[Callable[[], list[str]], Callable[[list[PortfolioRow]], Iterator[list]]]] = {
    Sheet.CONSORTIA: (_consortia_headers, _consortium_rows),
    Sheet.MEMBERS: (_members_headers, _member_rows),
    Sheet.REPORTS: (lambda: report_headers(across_years=True), _report_rows),
}


def sheet_rows(sheet: str, consortia: QuerySet[Consortium]) -> Iterator[list]:
    """The rows of ``sheet`` for ``consortia`` (the list as filtered and ordered, from ``selectors.portfolio``)."""
    _headers, rows_of = SHEETS[sheet]
    ids = list(consortia.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        loaded = {consortium.pk: consortium for consortium in consortia.filter(pk__in=chunk).order_by()}
        yield from rows_of(list(portfolio_rows(loaded[pk] for pk in chunk if pk in loaded)))


def count_rows(sheet: str, consortia: QuerySet[Consortium]) -> int:
    """How many rows ``sheet`` has for ``consortia``, counted in the database (and, for the members of filings being
    edited, in their latest submissions: few, and read only for that)."""
    if sheet == Sheet.CONSORTIA:
        return consortia.count()
    if sheet == Sheet.REPORTS:
        return AnnualReport.objects.filter(consortium__in=consortia.values("pk")).count()
    edited = consortia.filter(submitted_document__isnull=False).values_list("submitted_document", flat=True)
    submitted = sum(len(document.get("members", [])) for document in edited)
    return submitted + membership_history(consortia.filter(submitted_document__isnull=True).values("pk")).count()


def write(*, sheet: str, format: str, rows: Iterable[list], stream, progress=None) -> int:
    """Write ``rows`` of ``sheet`` under its header to ``stream`` (binary) as ``format``; ``progress(n)`` is told
    every ``CHUNK`` rows written. Returns the number of rows."""
    headers, _rows_of = SHEETS[sheet]
    written = 0

    def counted():
        nonlocal written
        for row in rows:
            yield row
            written += 1
            if progress and written % CHUNK == 0:
                progress(written)

    with translation.override(settings.LANGUAGE_CODE):
        if format == Format.XLSX:
            workbook = Workbook(write_only=True)
            worksheet = add_sheet(workbook, str(Sheet(sheet).label), headers(), widths={1: WIDE, 2: NAME_WIDTH})
            for row in counted():
                append(worksheet, row)
            workbook.save(stream)
        else:
            text = TextIOWrapper(stream, encoding="utf-8", newline="")
            write_csv(text, headers(), counted())
            text.detach()  # flushed; the caller's stream stays open
    return written


def filename(sheet: str, format: str, *, on: date) -> str:
    """The name the file is downloaded under: what it holds and the day it was asked for."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{Sheet(sheet).label}-{on.isoformat()}.{format}"
