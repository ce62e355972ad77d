"""The dashboard's numbers (监测看板): the portfolio a user sees (``Consortium.objects.visible_to``) counted by status,
industry field, authority and technology kind, filings and approvals per month, what expires soon, overdue annual
reports and provincial recognitions. Each group is one aggregate query, whatever the size of the portfolio, and each
count carries the link to the list of exactly the consortia (or reports) it counts."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import ExtractYear, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from annual_reports.models import AnnualReport, ReportStatus
from consortia.models import Consortium, ProvincialRecognition, Submission, TechnologyKind
from consortia.selectors import lists_technology_kind
from consortia.states import Status
from portal.caching import under_version
from portal.models import Authority, IndustryField, User

MONTHS = 24
EXPIRY_WINDOW_DAYS = 90
# An overdue report not yet handed in: still to fill, or returned to its lead unit (``annual_reports.models.EDITABLE``),
# in the order the dashboard shows them.
OUTSTANDING = (ReportStatus.TO_FILL, ReportStatus.RETURNED)


@dataclass(frozen=True)
class Tally:
    """One bar of a chart and one row of its table."""

    label: str
    count: int
    url: str | None  # the list of exactly what is counted; None where no filter of the list picks it out


@dataclass(frozen=True)
class Month:
    month: date  # the first day of the month
    filings: int  # consortia first submitted in the month (Asia/Shanghai)
    approvals: int  # consortia filed (备案) in the month


@dataclass(frozen=True)
class Expiring:
    pk: int
    name: str
    filing_number: str | None
    lead_organisation: str
    end_date: date
    days_left: int


@dataclass(frozen=True)
class OverdueCampaign:
    campaign_id: int
    year: int
    url: str  # the campaign's page
    # One per status of OUTSTANDING, in its order, linked to the campaign's reports of exactly that count.
    outstanding: list[Tally]

    @property
    def total(self) -> int:
        return sum(tally.count for tally in self.outstanding)


@dataclass(frozen=True)
class Recognitions:
    total: int
    url: str
    by_year: list[tuple[int, int]]  # (year recognised, count), oldest first


@dataclass(frozen=True)
class Dashboard:
    today: date
    total: int
    portfolio_url: str
    by_status: list[Tally]
    by_field: list[Tally]
    by_authority: list[Tally]
    by_technology_kind: list[Tally]
    months: list[Month]
    expiring: list[Expiring]
    expiring_url: str
    expiring_until: date
    overdue: list[OverdueCampaign]
    recognitions: Recognitions
    expiry_window_days = EXPIRY_WINDOW_DAYS

    @property
    def overdue_total(self) -> int:
        return sum(campaign.total for campaign in self.overdue)

    @property
    def months_empty(self) -> bool:
        return not any(month.filings or month.approvals for month in self.months)


def portfolio_url(**filters) -> str:
    """The portfolio list (``monitoring:portfolio``) filtered by ``filters``, as its filter form would send them."""
    url = reverse("monitoring:portfolio")
    return f"{url}?{urlencode(filters)}" if filters else url


def _by_status(consortia: QuerySet[Consortium]) -> list[Tally]:
    counts = dict(consortia.values_list("status").annotate(count=Count("pk")).order_by())
    return [Tally(str(status.label), counts.get(status, 0), portfolio_url(status=status.value)) for status in Status]


def _by_field(consortia: QuerySet[Consortium]) -> list[Tally]:
    """The fields with consortia, in the reference order; consortia without a field (only drafts have none) last,
    unlinked: the list has no filter for them."""
    rows = consortia.values("field", "field__code", "field__name_zh", "field__name_en", "field__position")
    rows = sorted(
        rows.annotate(count=Count("pk")).order_by(),
        key=lambda row: (row["field"] is None, row["field__position"] or 0, row["field__code"] or ""),
    )
    tallies = []
    for row in rows:
        if row["field"] is None:
            tallies.append(Tally(_("未填写产业领域"), row["count"], None))
            continue
        field = IndustryField(code=row["field__code"], name_zh=row["field__name_zh"], name_en=row["field__name_en"])
        tallies.append(Tally(field.name, row["count"], portfolio_url(field=field.code)))
    return tallies


def _by_authority(consortia: QuerySet[Consortium]) -> list[Tally]:
    """The lead units' jurisdictions with consortia, by code (for a district officer: its own alone); a lead unit
    without one last, unlinked."""
    jurisdiction = "lead_organisation__jurisdiction"
    names = ("code", "name_zh", "name_en")
    rows = consortia.values(jurisdiction, *(f"{jurisdiction}__{name}" for name in names))
    rows = sorted(
        rows.annotate(count=Count("pk")).order_by(),
        key=lambda row: (row[jurisdiction] is None, row[f"{jurisdiction}__code"] or ""),
    )
    tallies = []
    for row in rows:
        if row[jurisdiction] is None:
            tallies.append(Tally(_("未设属地"), row["count"], None))
            continue
        # Unsaved, from the row's columns: enough for its code and its name in the user's language.
        authority = Authority(**{name: row[f"{jurisdiction}__{name}"] for name in names})
        tallies.append(Tally(authority.name, row["count"], portfolio_url(authority=authority.code)))
    return tallies


def _by_technology_kind(consortia: QuerySet[Consortium]) -> list[Tally]:
    """A consortium counts under each kind it lists, so the counts may add up to more than the consortia."""
    counts = consortia.aggregate(
        **{kind.value: Count("pk", filter=lists_technology_kind(kind.value)) for kind in TechnologyKind}
    )
    return [
        Tally(str(kind.label), counts[kind.value], portfolio_url(technology_kind=kind.value)) for kind in TechnologyKind
    ]


def month_starts(today: date, count: int = MONTHS) -> list[date]:
    """The first days of the ``count`` months up to and including ``today``'s, oldest first."""
    last = today.year * 12 + today.month - 1
    return [date(index // 12, index % 12 + 1, 1) for index in range(last - count + 1, last + 1)]


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _months(consortia: QuerySet[Consortium], *, today: date) -> list[Month]:
    """Filings (a consortium's first submission, ``Submission`` number 1: ``Consortium.submitted_at`` is the latest
    one, moved by every resubmission) and approvals (``filed_on``) per month, months without any as 0. Months are
    those of Asia/Shanghai (``TIME_ZONE``), where a submission at 23:30 on the last of a month belongs to that month."""
    starts = month_starts(today)
    zone = timezone.get_default_timezone()
    window = (
        datetime.combine(starts[0], time.min, tzinfo=zone),
        datetime.combine(_next_month(starts[-1]), time.min, tzinfo=zone),
    )
    first_submissions = Submission.objects.filter(
        number=1, consortium__in=consortia, submitted_at__gte=window[0], submitted_at__lt=window[1]
    )
    filings = {
        month.date(): count
        for month, count in first_submissions.annotate(month=TruncMonth("submitted_at", tzinfo=zone))
        .values_list("month")
        .annotate(count=Count("pk"))
        .order_by()
    }
    approved = consortia.filter(filed_on__gte=starts[0], filed_on__lt=_next_month(starts[-1]))
    approvals = dict(
        approved.annotate(month=TruncMonth("filed_on")).values_list("month").annotate(count=Count("pk")).order_by()
    )
    return [Month(start, filings.get(start, 0), approvals.get(start, 0)) for start in starts]


def _expiring(consortia: QuerySet[Consortium], *, today: date, until: date) -> list[Expiring]:
    """Active consortia whose construction period ends between today and ``until``, both included."""
    rows = (
        consortia.filter(status=Status.ACTIVE, end_date__gte=today, end_date__lte=until)
        .order_by("end_date", "name", "pk")
        .values_list("pk", "name", "filing_number", "lead_organisation__name", "end_date")
    )
    return [Expiring(*row, days_left=(row[-1] - today).days) for row in rows]


def _overdue(user: User) -> list[OverdueCampaign]:
    """Per campaign, the reports flagged overdue (``jobs.flag_overdue_reports`` sets ``overdue_since``, and keeps it
    after a late submission) that are still not handed in: to fill, or returned. The campaign page's ``overdue=true``
    alone would also list the late submissions, so each count links with its status too."""
    rows = (
        AnnualReport.objects.visible_to(user)
        .filter(overdue_since__isnull=False, status__in=OUTSTANDING)
        .values("campaign", "campaign__year")
        .annotate(**{status.value: Count("pk", filter=Q(status=status)) for status in OUTSTANDING})
        .order_by("-campaign__year")
    )
    campaigns = []
    for row in rows:
        url = reverse("annual_reports:campaign", args=[row["campaign"]])
        outstanding = [
            Tally(
                str(status.label), row[status.value], f"{url}?{urlencode({'overdue': 'true', 'status': status.value})}"
            )
            for status in OUTSTANDING
        ]
        campaigns.append(OverdueCampaign(row["campaign"], row["campaign__year"], url, outstanding))
    return campaigns


def _recognitions(consortia: QuerySet[Consortium]) -> Recognitions:
    rows = (
        ProvincialRecognition.objects.filter(consortium__in=consortia)
        .annotate(year=ExtractYear("recognised_on"))
        .values_list("year")
        .annotate(count=Count("pk"))
        .order_by("year")
    )
    by_year = list(rows)
    return Recognitions(sum(count for _year, count in by_year), portfolio_url(recognised="true"), by_year)


def dashboard_version() -> tuple:
    """What changes when a figure of the dashboard may: the consortia (every change of one, by a service or a job,
    sets ``updated_at``), the submissions, the annual reports and the recognitions, each by its count and latest
    change. Four small aggregates."""
    consortia = Consortium.objects.aggregate(count=Count("pk"), changed=Max("updated_at"))
    reports = AnnualReport.objects.aggregate(count=Count("pk"), changed=Max("updated_at"))
    submissions = Submission.objects.aggregate(last=Max("pk"))
    recognitions = ProvincialRecognition.objects.aggregate(count=Count("pk"), last=Max("pk"))
    return (*consortia.values(), *reports.values(), *submissions.values(), *recognitions.values())


def read_dashboard(user: User, *, today: date) -> Dashboard:
    """Everything the dashboard shows ``user`` on ``today``. Counted (nine aggregate queries over the portfolio,
    whatever its size) only when ``dashboard_version`` has changed since the last time for the same scope and day;
    kept in the cache meanwhile (``portal.caching``)."""
    return under_version(
        "dashboard",
        # The labels are worded in the user's language when counted.
        (user.role, user.authority_id, user.organisation_id, get_language(), today, *dashboard_version()),
        lambda: _count_dashboard(user, today=today),
    )


def _count_dashboard(user: User, *, today: date) -> Dashboard:
    consortia = Consortium.objects.visible_to(user)
    by_status = _by_status(consortia)
    until = today + timedelta(days=EXPIRY_WINDOW_DAYS)
    return Dashboard(
        today=today,
        total=sum(tally.count for tally in by_status),
        portfolio_url=portfolio_url(),
        by_status=by_status,
        by_field=_by_field(consortia),
        by_authority=_by_authority(consortia),
        by_technology_kind=_by_technology_kind(consortia),
        months=_months(consortia, today=today),
        expiring=_expiring(consortia, today=today, until=until),
        # From today: an active consortium past its end (the night's expiry job has not yet run) is not expiring.
        expiring_url=portfolio_url(
            status=Status.ACTIVE.value, period_from=today.isoformat(), expiring_before=until.isoformat()
        ),
        expiring_until=until,
        overdue=_overdue(user),
        recognitions=_recognitions(consortia),
    )
