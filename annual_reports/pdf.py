"""The annual report printed (issue 13 item 7): one ``ReportSubmission`` as an A4 PDF — the seven contents of
guideline §5.2 under their headings, each with its tables, and the year, the consortium and who submitted it when.

It is read from the submission's ``content`` alone, never from the live report, so what the lead unit edits after a
return does not change a report already submitted. Like the application form (``consortia.application_form``) it is
written in the portal's official language whoever asks and dated from the submission: the same submission always
gives the same bytes.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from consortia.models import ChangeRecord
from portal.pdf import RenderedPdf, render_pdf

from .models import (
    RESULT_COUNTS,
    TALENT_COUNTS,
    AnnualReport,
    ReportSection,
    ReportSubmission,
    ReportTaskProgress,
    SpendingCategory,
    TaskProgressStatus,
)

TEMPLATE = "annual_reports/report_pdf.html"
# The first-level headings' ordinals in an official document (GB/T 9704: 一、二、…), one per content of §5.2.
NUMERALS = "一二三四五六七"


@dataclass(frozen=True)
class Row:
    """One line of a table: its text columns, then its amounts or counts, then its remark (explanation, note)."""

    cells: list[str]
    figures: list[Decimal] | list[int]
    remark: str = ""


@dataclass(frozen=True)
class Table:
    rows: list[Row]

    @property
    def totals(self) -> list:
        """The table's last line: each column of figures summed, in decimals — the snapshot keeps amounts as exact
        decimal strings, and floats would print 0.30000000000000004 万元."""
        return [sum(column) for column in zip(*(row.figures for row in self.rows), strict=True)]


def _funding(lines: list[dict]) -> Table:
    return Table(
        [
            Row(
                cells=[line["organisation"]["name"]],
                figures=[
                    Decimal(line["planned"]),
                    Decimal(line["received"]),
                    *(Decimal(line["spent"][category]) for category in SpendingCategory.values),
                    Decimal(line["spent_total"]),
                ],
                remark=line["explanation"],
            )
            for line in lines
        ]
    )


def _returns(rows: list[dict]) -> Table:
    return Table([Row([row["organisation"]["name"]], [Decimal(row["amount"])], row["note"]) for row in rows])


def _tasks(rows: list[dict]) -> Table:
    return Table(
        [
            Row(
                # Blank only in a live report, before the lead unit chose it: a submission always has one.
                cells=[row["task"]["title"], TaskProgressStatus(row["status"]).label if row["status"] else ""],
                figures=[row["results"][name] for name in RESULT_COUNTS],
                remark=row["note"],
            )
            for row in rows
        ]
    )


def _changes(changes: list[dict]) -> list[dict]:
    """The period's changes with their kind in words."""
    return [{**change, "kind_label": ChangeRecord.Kind(change["kind"]).label} for change in changes]


def _joint_projects(projects: list[dict]) -> Table:
    return Table([Row([p["title"], _units(p["units"]), p["funding_source"]], [Decimal(p["amount"])]) for p in projects])


def _units(typed: str) -> str:
    """The units are typed one a line (``ReportJointProject.units``); printed in a row, as Chinese lists are."""
    return "、".join(line.strip() for line in typed.splitlines() if line.strip())


def _labels(model, names) -> list[str]:
    return [model._meta.get_field(name).verbose_name for name in names]


def report_parts(content: dict) -> dict:
    """A report's ``content`` (a submission's or the live report's) as the headings and tables both the PDF and the
    report page show."""
    return {
        "headings": {
            section.value: f"{numeral}、{section.label}"
            for numeral, section in zip(NUMERALS, ReportSection, strict=True)
        },
        "spending_categories": SpendingCategory.labels,
        "funding": _funding(content["funding_lines"]),
        "returns": _returns(content["returns"]),
        "tasks": _tasks(content["tasks"]),
        "result_labels": _labels(ReportTaskProgress, RESULT_COUNTS),
        "talent": list(
            zip(
                _labels(AnnualReport, TALENT_COUNTS),
                (content["talent"][name.removeprefix("talent_")] for name in TALENT_COUNTS),
                strict=True,
            )
        ),
        "joint_projects": _joint_projects(content["joint_projects"]),
        "changes": _changes(content["changes"]),
    }


def _context(submission: ReportSubmission) -> dict:
    content = submission.content
    submitted_at = timezone.localtime(submission.submitted_at)
    return {
        "submission": submission,
        "submitted_at": submitted_at,
        "content": content,
        **report_parts(content),
    }


def render_report_pdf(submission: ReportSubmission) -> RenderedPdf:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(
            TEMPLATE,
            _context(submission),
            key=f"annual-report|{submission.report_id}|{submission.number}|{submission.submitted_at.isoformat()}",
            created=timezone.localtime(submission.submitted_at),
        )
