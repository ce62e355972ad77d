"""Campaigns, reporting consortia and filled-in reports, built straight through the ORM."""

from datetime import date
from decimal import Decimal

from annual_reports.jobs import create_reports
from annual_reports.models import (
    NARRATIVES,
    TALENT_COUNTS,
    AnnualReport,
    ReportCampaign,
    ReportSubmission,
    TaskProgressStatus,
)
from annual_reports.snapshots import report_content
from consortia.models import Consortium, FundingLine, ResearchTask, TechnologyKind
from tests.lifecycle.factories import active_consortium

YEAR = 2026
PERIOD_START, PERIOD_END = date(YEAR, 1, 1), date(YEAR, 12, 31)


def campaign(*, year: int = YEAR, deadline: date | None = None) -> ReportCampaign:
    return ReportCampaign.objects.create(
        year=year,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        deadline=deadline or date(year, 12, 31),
    )


def reports_of_the_year() -> dict[int, AnnualReport]:
    """The year's campaign and the report of every consortium running in it, by consortium id."""
    opened = campaign()
    create_reports(campaign=opened)
    return {report.consortium_id: report for report in opened.reports.all()}


def first_submission(report: AnnualReport, actor) -> ReportSubmission:
    """The report filled in (``fill_in``) and stored as its first submission, straight through the ORM: the door's
    checks are the services' tests."""
    content = report_content(fill_in(report))
    return ReportSubmission.objects.create(report=report, number=1, submitted_by=actor, content=content)


def consortium(*, lead, start: date = date(2025, 3, 1), end: date = date(2028, 2, 28), tasks: int = 1, **options):
    """An approved consortium (``active_consortium``) with ``tasks`` research tasks."""
    built = active_consortium(lead=lead, start_date=start, end_date=end, **options)
    for number in range(tasks):
        ResearchTask.objects.create(
            consortium=built, title=f"攻关任务{number + 1}", kind=TechnologyKind.CHOKE_POINT, objectives="突破关键技术"
        )
    return built


def plan(consortium: Consortium, organisation, year: int, self_raised, government="0", financial="0") -> FundingLine:
    return FundingLine.objects.create(
        consortium=consortium,
        organisation=organisation,
        year=year,
        self_raised=Decimal(self_raised),
        government=Decimal(government),
        financial=Decimal(financial),
    )


def fill_in(report: AnnualReport) -> AnnualReport:
    """Every required part of the seven contents, as the lead unit would leave it before submitting."""
    for section, field in NARRATIVES.items():
        setattr(report, field, f"{section.label}：本年度情况说明。")
    report.team_size = 12
    for number, field in enumerate(TALENT_COUNTS):
        setattr(report, field, number)
    report.save()
    for line in report.funding_lines.all():
        line.received = line.planned
        line.spent_research = line.planned
        line.save()
    report.task_progress.update(status=TaskProgressStatus.ON_TRACK)
    return report
