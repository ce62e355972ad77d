"""A campaign's annual reports as one XLSX workbook, for the city to compare consortia (issue 13 item 6).

Sheets: 年度报告, one row per report with its totals; then one per table — 经费 (a row per report and unit), 攻关任务
(a row per report and task), 人才 (a row per report). The first sheet's header and rows (``report_headers``,
``report_row`` on reports read through ``with_latest_submission``) also serve exports of reports of several years.

Which figures: what was submitted, never the lead unit's unsent edits — the rule every reader but the lead unit
follows (``selectors.report_as_seen``). A submitted, accepted or returned report gives the content of its latest
``ReportSubmission``; a report to fill has never been submitted, so its figures are empty and it has no rows on the
table sheets, whatever its lead unit has typed so far. Who the row is about (name, filing number, lead unit,
authority) and where the report stands (status, submitted at, overdue since) are the live rows: they must be there
for a report never submitted too, and a renamed consortium is looked for by its current name.

One query whatever the number of reports (the latest submission is a subquery of the report's row), read in chunks
and written row by row into a write-only workbook, which keeps each sheet in a temporary file: memory does not grow
with the number of reports. Written in the portal's language whoever asks, like the documents it prints.
"""

from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.spreadsheets import add_sheet, append

from .models import (
    RESULT_COUNTS,
    TALENT_COUNTS,
    AnnualReport,
    ReportCampaign,
    ReportFundingLine,
    ReportSubmission,
    ReportTaskProgress,
    SpendingCategory,
    TaskProgressStatus,
)

CHUNK = 200  # reports read from the database at a time: their snapshots are the largest part of the memory used
NAME_WIDTH, TEXT_WIDTH, WIDE = 36, 48, 16  # column widths in characters; others keep Excel's default


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _identity_headers() -> list[str]:
    return [_("联合体名称"), _("备案编号")]


def _talent_headers() -> list[str]:
    return [_label(AnnualReport, name) for name in TALENT_COUNTS]


def report_headers(*, across_years: bool = False) -> list[str]:
    """The header of the sheet with one row per report. ``across_years``: for reports of several campaigns (the
    portfolio's export), the year first and the task results of the year summed at the end."""
    return [
        *([_label(ReportCampaign, "year")] if across_years else []),
        *_identity_headers(),
        _("牵头单位"),
        _("属地主管部门"),
        _label(AnnualReport, "status"),
        _label(AnnualReport, "submitted_at"),
        _label(ReportSubmission, "number"),
        _label(AnnualReport, "overdue_since"),
        _label(AnnualReport, "team_size"),
        *_talent_headers(),
        _label(ReportFundingLine, "planned"),
        _label(ReportFundingLine, "received"),
        _("实际支出（万元）"),
        _("分配收益合计（万元）"),
        *(_("攻关任务（%(status)s）") % {"status": status.label} for status in TaskProgressStatus),
        _("合作研发项目（项）"),
        _("合作研发项目金额（万元）"),
        *(_result_headers() if across_years else []),
    ]


def _result_headers() -> list[str]:
    return [_label(ReportTaskProgress, name) for name in RESULT_COUNTS]


def _funding_headers() -> list[str]:
    return [
        *_identity_headers(),
        _label(ReportFundingLine, "organisation"),
        _label(ReportFundingLine, "planned"),
        _label(ReportFundingLine, "received"),
        *(str(category.label) for category in SpendingCategory),
        _("实际支出（万元）"),
        _label(ReportFundingLine, "explanation"),
    ]


def _task_headers() -> list[str]:
    return [
        *_identity_headers(),
        _label(ReportTaskProgress, "task"),
        *(_label(ReportTaskProgress, name) for name in ("status", *RESULT_COUNTS, "note")),
    ]


def _total(values) -> Decimal:
    """A sum of the snapshot's amounts, which are exact decimal strings (``snapshots.report_content``): as decimals,
    not floats, so that 0.1 + 0.2 is 0.3 万元."""
    return sum((Decimal(value) for value in values), Decimal(0))


def _talent(content: dict) -> list[int]:
    return [content["talent"][name.removeprefix("talent_")] for name in TALENT_COUNTS]


def _figures(content: dict | None) -> list:
    """The report's totals from its submitted ``content``; none for a report never submitted (its row ends there,
    the cells stay empty)."""
    if content is None:
        return []
    lines, projects = content["funding_lines"], content["joint_projects"]
    tasks = Counter(row["status"] for row in content["tasks"])
    return [
        content["team_size"],
        *_talent(content),
        _total(line["planned"] for line in lines),
        _total(line["received"] for line in lines),
        _total(line["spent_total"] for line in lines),
        _total(row["amount"] for row in content["returns"]),
        *(tasks[status] for status in TaskProgressStatus.values),
        len(projects),
        _total(project["amount"] for project in projects),
    ]


def _results(content: dict | None) -> list[int]:
    """The task results of the year, each summed over the tasks; none for a report never submitted."""
    if content is None:
        return []
    return [sum(row["results"][name] for row in content["tasks"]) for name in RESULT_COUNTS]


def report_row(report: AnnualReport, *, across_years: bool = False) -> list:
    """The row of ``report`` (read through ``with_latest_submission``) under ``report_headers``: who it is about and
    where it stands from the live rows, the figures from its latest submission."""
    consortium = report.consortium
    lead = consortium.lead_organisation
    return [
        *([report.campaign.year] if across_years else []),
        consortium.name,
        consortium.filing_number,
        lead.name,
        lead.jurisdiction.name if lead.jurisdiction else None,
        report.status_label,
        report.submitted_at,
        report.latest_number,
        report.overdue_since,
        *_figures(report.latest_content),
        *(_results(report.latest_content) if across_years else []),
    ]


def _funding_rows(identity: list, content: dict):
    for line in content["funding_lines"]:
        yield [
            *identity,
            line["organisation"]["name"],
            Decimal(line["planned"]),
            Decimal(line["received"]),
            *(Decimal(line["spent"][category]) for category in SpendingCategory.values),
            Decimal(line["spent_total"]),
            line["explanation"],
        ]


def _task_rows(identity: list, content: dict):
    for row in content["tasks"]:
        yield [
            *identity,
            row["task"]["title"],
            TaskProgressStatus(row["status"]).label,
            *(row["results"][name] for name in RESULT_COUNTS),
            row["note"],
        ]


def with_latest_submission(reports: QuerySet[AnnualReport]) -> QuerySet[AnnualReport]:
    """``reports`` with what ``report_row`` reads, in the same one query."""
    latest = ReportSubmission.objects.filter(report=OuterRef("pk")).order_by("-number")
    return reports.select_related("campaign", "consortium__lead_organisation__jurisdiction").annotate(
        latest_number=Subquery(latest.values("number")[:1]),
        latest_content=Subquery(latest.values("content")[:1]),
    )


def campaign_workbook(*, reports: QuerySet[AnnualReport], stream) -> None:
    """Write ``reports`` (a campaign's, as the caller may see them, in the order wanted) as XLSX to ``stream``, a
    binary file object (a file, ``BytesIO``, a response)."""
    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook(write_only=True)
        widths = {1: NAME_WIDTH, 2: WIDE}  # the consortium's name and filing number lead every sheet
        main = add_sheet(workbook, _("年度报告"), report_headers(), widths={**widths, 3: NAME_WIDTH})
        funding = add_sheet(workbook, _("经费"), _funding_headers(), widths={**widths, 3: NAME_WIDTH, 11: TEXT_WIDTH})
        tasks = add_sheet(workbook, _("攻关任务"), _task_headers(), widths={**widths, 3: NAME_WIDTH, 9: TEXT_WIDTH})
        talent_headers = [*_identity_headers(), *_talent_headers(), _label(AnnualReport, "team_size")]
        talent = add_sheet(workbook, _("人才"), talent_headers, widths=widths)
        for report in with_latest_submission(reports).iterator(chunk_size=CHUNK):
            append(main, report_row(report))
            content = report.latest_content
            if content is None:
                continue
            identity = [report.consortium.name, report.consortium.filing_number]
            for row in _funding_rows(identity, content):
                append(funding, row)
            for row in _task_rows(identity, content):
                append(tasks, row)
            append(talent, [*identity, *_talent(content), content["team_size"]])
        workbook.save(stream)
