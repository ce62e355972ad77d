"""Read-side questions of the lifecycle: the dishonesty record list of city staff, pending completion declarations,
provincially recognised consortia. (The INTEGRITY rule reads the record through ``eligibility.database``.)"""

from datetime import date

from django.db.models import Q, QuerySet

from portal.uscc import normalise_uscc

from ..models import CompletionDeclaration, Consortium, DishonestyRecord, RecordState

# --- The dishonesty record list (city staff) -------------------------------------------------------------------------

IN_FORCE = RecordState.IN_FORCE.value
NOT_IN_FORCE = "not_in_force"


def dishonesty_records(*, user, search: str = "", state: str = "", today: date) -> QuerySet[DishonestyRecord]:
    """The records the user may see, newest first, matching ``search`` (unit name, or the start of its USCC) and
    ``state`` (in force today, or not: expired, ended early or not yet begun)."""
    records = (
        DishonestyRecord.objects.visible_to(user)
        .with_state(on=today)
        .select_related("organisation", "revocation__consortium", "recorded_by", "ended_by")
    )
    search = search.strip()
    if search:
        code = normalise_uscc(search)
        records = records.filter(
            Q(organisation__name__icontains=search) | (Q(organisation__uscc__startswith=code) if code else Q(pk=None))
        )
    if state == IN_FORCE:
        records = records.in_force(on=today)
    elif state == NOT_IN_FORCE:
        records = records.not_in_force(on=today)
    return records.order_by("-valid_from", "-id")


# --- Completion declarations and provincial recognition ------------------------------------------------------------


def pending_declarations(*, user) -> QuerySet[CompletionDeclaration]:
    """Declarations waiting for the city, oldest first, among the consortia the user may see."""
    return (
        CompletionDeclaration.objects.filter(
            consortium__in=Consortium.objects.visible_to(user), state=CompletionDeclaration.State.PENDING
        )
        .select_related("consortium__lead_organisation", "declared_by")
        .order_by("declared_at", "id")
    )


def filter_provincially_recognised(queryset: QuerySet[Consortium], recognised: bool | None) -> QuerySet[Consortium]:
    """Consortia recognised as provincial consortia (省级创新联合体) when ``recognised`` is true, the others when
    false, all when None. For list filters: ``django_filters.BooleanFilter(method=...)`` can call this."""
    if recognised is None:
        return queryset
    return queryset.filter(provincial_recognition__isnull=not recognised)
