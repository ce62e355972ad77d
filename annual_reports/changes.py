"""The changes of a report's period (guideline §5.3.b): a change of members, strategic plan, organisational
structure or operating mechanism is made by a supplementary agreement and explained in that year's report. The
changes are recorded with the consortium (``consortia.changes``); a report lists those that took effect in its
period by itself, whenever they were recorded, and asks for an explanation of each."""

from consortia.models import ChangeRecord
from consortia.selectors import changes_in_period

from .models import AnnualReport


def change_title(change: ChangeRecord) -> str:
    """A change as a report names it: its kind, the member it concerns if any, and when it took effect."""
    member = f"（{change.membership.organisation.name}）" if change.membership_id else ""
    return f"{change.get_kind_display()}{member}，{change.effective_on:%Y-%m-%d}"


def period_changes(report: AnnualReport) -> list[tuple[ChangeRecord, str]]:
    """The changes that took effect in the report's period, in that order, each with what the report says of it
    (blank: not explained yet). Recorded with the consortium (``consortia.changes``), they are the report's by their
    date, whenever they were recorded."""
    explained = dict(report.change_explanations.values_list("change_id", "text"))
    changes = changes_in_period(report.consortium, report.campaign.period_start, report.campaign.period_end)
    return [(change, explained.get(change.pk, "")) for change in changes]
