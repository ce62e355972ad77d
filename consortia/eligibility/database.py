"""The eligibility context from the portal's database: current thresholds, the active reference lists and the
dishonesty records in force. The rules and ``context`` load no models (they can be imported before Django's app
registry is ready, and the command reads files); the models are imported here when first needed."""

from collections.abc import Collection, Sequence
from datetime import date

from .context import Context, DishonestySource
from .context import DishonestyRecord as RecordInForce


class DatabaseDishonestySource:
    """The dishonesty records kept in the portal, as the eligibility engine's INTEGRITY rule reads them.

    The records in force on a day are few (units barred for fraud), so the first question for a day loads them all in
    one query and later ones are answered from memory: a context built once for a batch of filings
    (``context_from_database``) costs one query, not one per filing."""

    def __init__(self):
        self._by_day: dict[date, dict[str, list[RecordInForce]]] = {}

    def _in_force(self, on: date) -> dict[str, list[RecordInForce]]:
        if on not in self._by_day:
            from consortia.models import DishonestyRecord

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


def context_from_database(*, today: date | None = None, dishonesty: DishonestySource | None = None) -> Context:
    """The context of an evaluation now: current thresholds and the active reference lists. Three queries, so build
    one context for a batch of filings."""
    from django.utils import timezone

    from consortia.models import EligibilityThresholds
    from portal.models import IndustryField, PlatformCategory

    fields = dict(IndustryField.objects.filter(is_active=True).values_list("code", "name_zh"))
    categories = dict(PlatformCategory.objects.filter(is_active=True).values_list("code", "name_zh"))
    return Context(
        thresholds=EligibilityThresholds.load().as_thresholds(),
        active_field_codes=frozenset(fields),
        platform_category_codes=frozenset(categories),
        field_names=fields,
        platform_category_names=categories,
        today=today or timezone.localdate(),
        dishonesty=dishonesty or DatabaseDishonestySource(),
    )
