"""A report as one JSON document: what a ``ReportSubmission`` keeps, and what the lead unit sees of its live report.
Amounts are strings (exact decimals), dates ISO, so the live report and a stored one read the same."""

from .changes import period_changes
from .models import NARRATIVES, RESULT_COUNTS, SPENT_FIELDS, TALENT_COUNTS, AnnualReport


def report_content(report: AnnualReport) -> dict:
    consortium, campaign = report.consortium, report.campaign
    return {
        "year": campaign.year,
        "period": {"start": campaign.period_start.isoformat(), "end": campaign.period_end.isoformat()},
        "consortium": {"id": consortium.pk, "name": consortium.name, "filing_number": consortium.filing_number},
        "narratives": {str(section): getattr(report, field) for section, field in NARRATIVES.items()},
        # The period's changes as recorded (kind, member, date, agreement) and what the report says of each.
        "changes": [
            {
                "id": change.pk,
                "kind": change.kind,
                "effective_on": change.effective_on.isoformat(),
                "member": change.membership.organisation.name if change.membership_id else None,
                "agreement": change.agreement.original_name,
                "recorded_explanation": change.explanation,
                "explanation": text,
            }
            for change, text in period_changes(report)
        ],
        "team_size": report.team_size,
        "talent": {field.removeprefix("talent_"): getattr(report, field) for field in TALENT_COUNTS},
        "funding_lines": [
            {
                "organisation": {"id": line.organisation_id, "name": line.organisation.name},
                "planned": str(line.planned),
                "received": str(line.received),
                "spent": {str(category): str(getattr(line, field)) for category, field in SPENT_FIELDS.items()},
                "spent_total": str(line.spent),
                "explanation": line.explanation,
            }
            for line in report.funding_lines.select_related("organisation")
        ],
        "returns": [
            {
                "organisation": {"id": row.organisation_id, "name": row.organisation.name},
                "amount": str(row.amount),
                "note": row.note,
            }
            for row in report.returns.select_related("organisation")
        ],
        "tasks": [
            {
                "task": {"id": row.task_id, "title": row.task.title},
                "status": row.status,
                "results": {name: getattr(row, name) for name in RESULT_COUNTS},
                "note": row.note,
            }
            for row in report.task_progress.select_related("task")
        ],
        "joint_projects": [
            {"title": p.title, "units": p.units, "funding_source": p.funding_source, "amount": str(p.amount)}
            for p in report.joint_projects.all()
        ],
    }
