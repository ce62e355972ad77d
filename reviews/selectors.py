"""Read-side of review: the officers' queues and what they see of a submission (the comparison of two is
``consortia.comparison``'s)."""

from django.db.models import Count

from consortia.eligibility import DatabaseDishonestySource
from consortia.models import Consortium, Submission
from portal.models import User


def review_queue(user: User):
    """Everything the officer may see, with what a queue row shows, in a fixed number of queries.

    No aggregate here: an annotation over submissions GROUPs BY every visible consortium before the page is cut, and
    makes the status tabs count submissions; ``with_submission_counts`` counts for the page's rows instead."""
    return Consortium.objects.visible_to(user).select_related("field", "lead_organisation__jurisdiction")


def with_submission_counts(consortia) -> list:
    """The page's consortia with ``submission_count`` and ``submitted_name`` (the name in the latest submission: a
    returned filing's unsent edits are not the reviewers' to read), in one query however long the queue."""
    consortia = list(consortia)
    counts: dict[int, int] = {}
    names: dict[int, str] = {}
    rows = (
        Submission.objects.filter(consortium__in=[c.pk for c in consortia])
        .order_by("consortium", "number")
        .values_list("consortium", "document__name")
    )
    for consortium_id, name in rows:
        counts[consortium_id] = counts.get(consortium_id, 0) + 1
        names[consortium_id] = name
    for consortium in consortia:
        consortium.submission_count = counts.get(consortium.pk, 0)
        consortium.submitted_name = names.get(consortium.pk) or consortium.name
    return consortia


def records_in_force(submission: Submission, *, today) -> list:
    """The dishonesty records in force today for the units of ``submission`` — reason and term, which the applicant
    is not shown (the INTEGRITY rule only tells it to ask the city); a record may have begun after submission."""
    document = submission.document
    usccs = [unit.get("uscc", "") for unit in [document.get("lead", {}), *document.get("members", [])]]
    return list(DatabaseDishonestySource().active_records(usccs, on=today))


def status_counts(queryset) -> dict[str, int]:
    # COUNT(*), not COUNT(id): PostgreSQL can answer from an index alone (index-only scan).
    return dict(queryset.order_by().values_list("status").annotate(n=Count("*")).values_list("status", "n"))
