"""The read side of the portfolio list (在库联合体清单) and of its exports: the consortia a user sees
(``Consortium.objects.visible_to``) with what a row shows, the text search and the filters the FilterSet calls, the
whitelisted orders, and a row as the user may read it.

What a row says of the filing — name, field, technology kinds, members — is what was submitted while the lead unit
may be editing it (``UNSENT_EDITS``): its unsent edits are not the reviewers' to read (``consortia.selectors.
filing_as_seen``). A filing in review is locked and a filed one changes only through recorded changes: their live
rows are what was submitted or filed. The filters read the live rows, as the dashboard's counts do.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, F, IntegerField, JSONField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from consortia.models import Consortium, DishonestyRecord, Membership, Submission, TechnologyKind
from consortia.states import Status
from portal import uscc
from portal.models import IndustryField, Organisation, User

# The states in which the lead unit edits its filing (a draft, a filing returned for revision, and one withdrawn
# from there, which keeps what was typed since): a row shows the latest submission, if there is one.
UNSENT_EDITS = (Status.DRAFT, Status.RETURNED, Status.WITHDRAWN)

USCC_CHARACTERS = re.compile(f"[{uscc.ALPHABET}]+")  # what a USCC is written in
# ``ordering`` values (each also with a leading "-"): the columns a list may be sorted by.
SORTABLE = ("filing_number", "name", "start_date", "end_date", "status")
DEFAULT_ORDERING = ["filing_number"]
# Status in the order of a consortium's life, not of its code.
STATUS_RANK = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status)), output_field=IntegerField()
)


def portfolio(user: User) -> QuerySet[Consortium]:
    """Every consortium ``user`` sees, with what a row of the list or the consortia sheet reads, in one query
    whatever the number of rows: lead unit, jurisdiction, field and recognition joined, the current members counted
    and the latest submission of a filing being edited in subqueries (evaluated for the rows fetched only)."""
    current_members = (
        Membership.objects.filter(consortium=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("consortium")
        .annotate(n=Count("*"))
        .values("n")
    )
    latest = Submission.objects.filter(consortium=OuterRef("pk")).order_by("-number").values("document")[:1]
    return (
        Consortium.objects.visible_to(user)
        .select_related("field", "lead_organisation__jurisdiction", "provincial_recognition")
        .defer("summary", "goals", "section_versions", "justifications")  # long, and no row shows them
        .annotate(
            current_members=Coalesce(Subquery(current_members), 0),
            submitted_document=Case(
                When(status__in=UNSENT_EDITS, then=Subquery(latest, output_field=JSONField())),
                output_field=JSONField(),
            ),
        )
        .order_by(*sort_keys(DEFAULT_ORDERING))
    )


def sort_keys(ordering: Iterable[str]) -> list:
    """The ORDER BY of ``ordering`` (``SORTABLE`` names, "-" for descending; the default when empty): empty dates and
    filing numbers last in either direction, and the id last, so that every page and every export of the same list
    has the one same order."""
    keys = []
    for value in ordering or DEFAULT_ORDERING:
        name = value.removeprefix("-")
        column = STATUS_RANK if name == "status" else F(name)
        keys.append(column.desc(nulls_last=True) if value.startswith("-") else column.asc(nulls_last=True))
    return [*keys, F("pk").asc()]


# --- Filters (called by ``filters.PortfolioFilter``) -----------------------------------------------------------------


def _organisations_named(text: str) -> Q:
    """Organisations with ``text`` in their name or, when it could be (part of) one, in their USCC: a whole USCC is
    looked up in its unique index; a part, in the trigram index. Text that cannot be in a USCC (Chinese) asks no
    USCC question, which would only cost PostgreSQL a scan of that index."""
    condition = Q(name__icontains=text)
    code = uscc.normalise_uscc(text)
    if USCC_CHARACTERS.fullmatch(code):
        condition |= Q(uscc=code) if len(code) == uscc.LENGTH else Q(uscc__contains=code)
    return condition


def search(consortia: QuerySet[Consortium], text: str) -> QuerySet[Consortium]:
    """Consortia whose name or filing number contains ``text``, or whose lead unit or any member (current or former)
    has it in its name or USCC. Each part is an uncorrelated subquery, run once: PostgreSQL can answer it from an
    index (the trigram ones of migration 0002) and then probes each consortium by hash."""
    text = text.strip()
    if not text:
        return consortia
    organisations = Organisation.objects.filter(_organisations_named(text)).values("pk")
    named = Consortium.objects.filter(Q(name__icontains=text) | Q(filing_number__icontains=text)).values("pk")
    with_member = Membership.objects.filter(organisation__in=organisations).values("consortium")
    return consortia.filter(Q(pk__in=named) | Q(lead_organisation__in=organisations) | Q(pk__in=with_member))


def expiring_by(consortia: QuerySet[Consortium], day: date) -> QuerySet[Consortium]:
    """Active consortia whose construction period ends on or before ``day``."""
    return consortia.filter(status=Status.ACTIVE, end_date__lte=day)


def with_dishonesty(consortia: QuerySet[Consortium], flagged: bool, *, today: date) -> QuerySet[Consortium]:
    """Consortia whose lead unit or a current member has a dishonesty record in force ``today`` (``flagged``), or
    the others. Only whether there is one: who sees the consortium's review sees its units' records in force."""
    in_force = DishonestyRecord.objects.in_force(on=today).values("organisation")
    flagged_member = Membership.objects.filter(left_on__isnull=True, organisation__in=in_force).values("consortium")
    condition = Q(lead_organisation__in=in_force) | Q(pk__in=flagged_member)
    return consortia.filter(condition) if flagged else consortia.exclude(condition)


# --- A row as the user may read it ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioRow:
    pk: int
    filing_number: str | None
    name: str
    field: str | None
    technology_kinds: list[str]  # labels
    lead_name: str
    lead_uscc: str
    authority: str | None
    members: int  # current members, or those of the submission the row shows
    start_date: date | None
    end_date: date | None
    status: str
    status_label: str
    recognised_on: date | None
    members_submitted: list[dict] | None  # the latest submission's members (exchange format) when the row shows it


class _Fields:
    """Industry field names by code, read once, and only if a row shows a submission."""

    def __init__(self):
        self._names: dict[str, str] | None = None

    def name(self, code: str | None) -> str | None:
        if self._names is None:
            self._names = {field.code: field.name for field in IndustryField.objects.all()}
        return self._names.get(code) if code else None


def portfolio_rows(consortia: Iterable[Consortium]) -> Iterator[PortfolioRow]:
    """The rows of ``consortia`` (read through ``portfolio``), in their order."""
    fields = _Fields()
    # Each label translated once, not once a row: an export has thousands.
    kind_labels = {code: str(label) for code, label in TechnologyKind.choices}
    status_labels = {code: str(label) for code, label in Status.choices}
    for consortium in consortia:
        lead = consortium.lead_organisation
        recognition = getattr(consortium, "provincial_recognition", None)
        document = consortium.submitted_document
        if document is None:
            name, field = consortium.name, consortium.field.name if consortium.field else None
            kinds, members, submitted = consortium.technology_kinds, consortium.current_members, None
        else:
            submitted = document.get("members", [])
            name, field = document.get("name") or consortium.name, fields.name(document.get("field"))
            kinds, members = document.get("technology_kinds", []), len(submitted)
        yield PortfolioRow(
            pk=consortium.pk,
            filing_number=consortium.filing_number,
            name=name,
            field=field,
            technology_kinds=[kind_labels[code] for code in kinds if code in kind_labels],
            lead_name=lead.name,
            lead_uscc=lead.uscc,
            authority=lead.jurisdiction.name if lead.jurisdiction else None,
            members=members,
            start_date=consortium.start_date,
            end_date=consortium.end_date,
            status=consortium.status,
            status_label=status_labels[consortium.status],
            recognised_on=recognition.recognised_on if recognition else None,
            members_submitted=submitted,
        )


def membership_history(consortia: QuerySet | list[int]) -> QuerySet[Membership]:
    """``consortia.selectors.membership_history`` for a set of consortia (ids, or a query of them) in one query: their
    members, current and former, each consortium's in the order they joined; a member that left before its
    consortium was filed never belonged to the filed consortium and is left out."""
    return (
        Membership.objects.filter(consortium__in=consortia)
        .filter(
            Q(left_on__isnull=True) | Q(consortium__filed_on__isnull=True) | Q(left_on__gte=F("consortium__filed_on"))
        )
        .select_related("organisation")
        .order_by("consortium", F("joined_on").asc(nulls_first=True), "pk")
    )
