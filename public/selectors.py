"""The public list (备案在册的市级创新联合体, issue 16): the consortia with a filing number that are active, completed
or expired — and revoked ones when the bureau chooses (``PUBLIC_LIST_SHOWS_REVOKED``) — with six facts each.

Only those facts are read from the database (``PUBLIC_COLUMNS``) and only they reach the page and the CSV
(``PublicEntry``): nothing else of a filing — members, documents, funding, texts, USCCs — can leak into either.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from consortia.models import Consortium
from consortia.states import Status

LISTED = (Status.ACTIVE, Status.COMPLETED, Status.EXPIRED)
PUBLIC_COLUMNS = (
    "name",
    "filing_number",
    "start_date",
    "end_date",
    "status",
    "lead_organisation__name",
    "field__name_zh",
    "field__name_en",
)


def public_statuses() -> list[Status]:
    """The states a consortium is listed in, in the order of its life; revoked ones only with the setting on."""
    return [*LISTED, Status.REVOKED] if settings.PUBLIC_LIST_SHOWS_REVOKED else list(LISTED)


@dataclass(frozen=True)
class PublicEntry:
    """One consortium as the public reads it: these six facts, nothing more."""

    filing_number: str
    name: str
    lead_unit: str
    field: str
    start_date: date | None
    end_date: date | None
    status_label: str

    @property
    def construction_period(self) -> str:
        if not (self.start_date and self.end_date):
            return ""
        return _("%(start)s 至 %(end)s") % {"start": self.start_date.isoformat(), "end": self.end_date.isoformat()}


def public_consortia(*, text: str = "", status: str = "", field: str = "") -> QuerySet[Consortium]:
    """The listed consortia whose name, lead unit's name or filing number contains ``text`` (any case), in
    ``status`` (another than ``public_statuses`` lists nothing) and the industry field of code ``field`` when given,
    by filing number."""
    statuses = [listed for listed in public_statuses() if not status or listed == status]
    consortia = (
        Consortium.objects.filter(filing_number__isnull=False, status__in=statuses)
        .exclude(filing_number="")
        .select_related("lead_organisation", "field")
        .only(*PUBLIC_COLUMNS)
        .order_by("filing_number", "pk")
    )
    text = text.strip()
    if text:
        consortia = consortia.filter(
            Q(name__icontains=text) | Q(lead_organisation__name__icontains=text) | Q(filing_number__icontains=text)
        )
    if field:
        consortia = consortia.filter(field__code=field)
    return consortia


def public_entry(consortium: Consortium) -> PublicEntry:
    return PublicEntry(
        filing_number=consortium.filing_number,
        name=consortium.name,
        lead_unit=consortium.lead_organisation.name,
        field=consortium.field.name if consortium.field else "",  # in the reader's language
        start_date=consortium.start_date,
        end_date=consortium.end_date,
        status_label=str(Status(consortium.status).label),
    )


def public_entries(consortia: QuerySet[Consortium]) -> Iterator[PublicEntry]:
    for consortium in consortia.iterator(chunk_size=500):
        yield public_entry(consortium)
