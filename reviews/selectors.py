"""Read-side of review: the officers' queues, the comparison of two submissions."""

from dataclasses import dataclass

from django.db.models import Count, Max

from consortia.models import Consortium, Section
from portal.models import User

# Which parts of a submission (document, details) belong to which editor section.
SECTION_PARTS = {
    Section.BASIC: (("name", "field", "technology_kinds", "summary", "period"), ("goals",)),
    Section.LEAD: (("lead",), ()),
    Section.MEMBERS: (("members",), ()),
    Section.GOVERNANCE: (("governance",), ("council_chair", "operating_mechanism")),
    Section.TASKS: (("tasks",), ("tasks",)),
    Section.FUNDING: ((), ("funding",)),
    Section.DOCUMENTS: (("agreement",), ("documents",)),
}


def review_queue(user: User):
    """Everything the officer may see, with what a queue row shows, in a fixed number of queries."""
    return (
        Consortium.objects.visible_to(user)
        .select_related("field", "lead_organisation__jurisdiction")
        .annotate(submission_count=Count("submissions"), last_submitted=Max("submissions__submitted_at"))
    )


def status_counts(queryset) -> dict[str, int]:
    return dict(queryset.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))


@dataclass(frozen=True)
class SectionChange:
    section: str
    label: str
    changed: bool


def changed_sections(previous, current) -> list[SectionChange]:
    """Section by section: did the resubmission change it?"""
    changes = []
    for section, (document_keys, detail_keys) in SECTION_PARTS.items():
        before = [previous.document.get(k) for k in document_keys] + [previous.details.get(k) for k in detail_keys]
        after = [current.document.get(k) for k in document_keys] + [current.details.get(k) for k in detail_keys]
        changes.append(SectionChange(section=section.value, label=str(section.label), changed=before != after))
    return changes
