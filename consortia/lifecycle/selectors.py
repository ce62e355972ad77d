"""Read-side questions of the lifecycle: the dishonesty record (for the INTEGRITY rule and for city staff), pending
completion declarations, provincially recognised consortia, and what the consortium page's lifecycle panel shows."""

from collections.abc import Collection, Sequence
from datetime import date
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from portal.uscc import normalise_uscc

from ..eligibility.context import DishonestyRecord as RecordInForce
from ..models import CompletionDeclaration, Consortium, DishonestyRecord


class DatabaseDishonestySource:
    """The dishonesty records kept in the portal, as the eligibility engine's INTEGRITY rule reads them.

    The records in force on a day are few (units barred for fraud), so the first question for a day loads them all in
    one query and later ones are answered from memory: a context built once for a batch of filings
    (``context_from_database``) costs one query, not one per filing."""

    def __init__(self):
        self._by_day: dict[date, dict[str, list[RecordInForce]]] = {}

    def _in_force(self, on: date) -> dict[str, list[RecordInForce]]:
        if on not in self._by_day:
            by_uscc: dict[str, list[RecordInForce]] = {}
            records = (
                DishonestyRecord.objects.in_force(on=on)
                .select_related("organisation")
                .order_by("organisation__uscc", "valid_from", "pk")
            )
            for record in records:
                by_uscc.setdefault(record.organisation.uscc, []).append(
                    RecordInForce(
                        uscc=record.organisation.uscc,
                        name=record.organisation.name,
                        reason=record.reason,
                        until=record.valid_until,
                    )
                )
            self._by_day[on] = by_uscc
        return self._by_day[on]

    def active_records(self, usccs: Collection[str], *, on: date) -> Sequence[RecordInForce]:
        in_force = self._in_force(on)
        return [record for code in sorted(set(usccs)) if code for record in in_force.get(code, ())]


# --- The dishonesty record list (city staff) -------------------------------------------------------------------------

IN_FORCE = "in_force"
NOT_IN_FORCE = "not_in_force"


def dishonesty_records(*, user, search: str = "", state: str = "", today: date) -> QuerySet[DishonestyRecord]:
    """The records the user may see, newest first, matching ``search`` (unit name, or the start of its USCC) and
    ``state`` (in force today, or not: expired, ended early or not yet begun)."""
    records = DishonestyRecord.objects.visible_to(user).select_related(
        "organisation", "revocation__consortium", "recorded_by", "ended_by"
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
        records = records.exclude(pk__in=DishonestyRecord.objects.in_force(on=today).values("pk"))
    return records.order_by("-valid_from", "-id")


class RecordState(NamedTuple):
    code: str  # in_force, ended (early), expired, pending (not yet begun)
    label: str


def record_state(record: DishonestyRecord, *, today: date) -> RecordState:
    """How a record stands today, in the words shown in the list and the export."""
    if record.ended_on is not None and record.ended_on <= today:
        return RecordState("ended", _("已提前终止"))
    if record.valid_from > today:
        return RecordState("pending", _("尚未生效"))
    if record.valid_until is not None and record.valid_until < today:
        return RecordState("expired", _("已到期"))
    return RecordState(IN_FORCE, _("有效"))


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
