"""The campaign pages of city staff and district officers — the campaigns, opening one, a campaign's progress and its
reports, the workbook — and the lead unit's list of its reports."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consortia.permissions import acting_role
from portal.downloads import private_file
from portal.exceptions import DomainError
from portal.models import Role
from portal.pagination import IdsFirstPaginator

from ..exports import campaign_workbook
from ..filters import ReportFilter
from ..forms import CampaignForm
from ..models import ReportCampaign, ReportStatus
from ..permissions import campaign_refusal
from ..selectors import StatusCounts, campaign_progress, visible_reports
from ..services import open_campaign

READER_ROLES = {Role.DISTRICT_OFFICER, Role.CITY_STAFF, Role.ADMIN}
# The columns of the progress tables, in the order a report goes through them; overdue is counted across them.
COLUMNS = [ReportStatus.TO_FILL, ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.RETURNED]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 25


def reader(request):
    if acting_role(request.user) not in READER_ROLES:
        raise PermissionDenied
    return request.user


def figures(counts: StatusCounts) -> list[int]:
    """One row of a progress table: the count in each of ``COLUMNS``, the overdue, the total."""
    return [*(counts.by_status[status] for status in COLUMNS), counts.overdue, counts.total]


# The stacked bar's colour for each of ``COLUMNS``.
BAR_COLOURS = ["bg-secondary", "bg-primary", "bg-success", "bg-warning"]


def bars(row: list[int]) -> list[tuple[float, str]]:
    """A row of ``figures`` as the stacked bar's segments: each column's share of the total in percent, its colour."""
    total = row[-1]
    return [(round(100 * n / total, 1), colour) for n, colour in zip(row, BAR_COLOURS, strict=False)] if total else []


@login_required
@require_http_methods(["GET", "POST"])
def campaigns(request):
    """The campaigns with the figures the user sees (a district officer its jurisdiction's); city staff open the
    next one here."""
    user = reader(request)
    may_open = campaign_refusal(user) is None
    if request.method == "POST" and not may_open:
        raise PermissionDenied
    form = CampaignForm(request.POST or None, initial={"year": timezone.localdate().year}) if may_open else None
    if request.method == "POST" and form.is_valid():
        try:
            campaign = open_campaign(year=form.cleaned_data["year"], deadline=form.cleaned_data["deadline"], actor=user)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已开启 %(year)s 年度报告。") % {"year": campaign.year})
            return redirect("annual_reports:campaign", pk=campaign.pk)
    # One aggregate query a campaign, and there is one campaign a year.
    rows = [
        (campaign, figures(campaign_progress(campaign, user=user).overall)) for campaign in ReportCampaign.objects.all()
    ]
    return render(
        request,
        "annual_reports/campaigns.html",
        {"form": form, "rows": rows, "columns": [status.label for status in COLUMNS]},
    )


def _filtered(request, user, campaign: ReportCampaign) -> ReportFilter:
    return ReportFilter(request.GET, queryset=visible_reports(user, campaign=campaign), user=user)


def _ordered(reports):
    return reports.order_by("consortium__name", "pk")


@login_required
def campaign(request, pk: int):
    """A campaign's progress by status and by district, and its reports, filtered and paginated."""
    user = reader(request)
    campaign = get_object_or_404(ReportCampaign, pk=pk)
    progress = campaign_progress(campaign, user=user)
    filterset = _filtered(request, user, campaign)
    # The list shows each lead unit's district: joined here, not one query a row.
    reports = _ordered(filterset.qs).select_related("consortium__lead_organisation__jurisdiction")
    # Unfiltered, the list is every report the progress counted.
    filtered = any(request.GET.get(name) for name in filterset.filters)
    paginator = IdsFirstPaginator(reports, PAGE_SIZE, count=None if filtered else progress.overall.total)
    overall = figures(progress.overall)
    return render(
        request,
        "annual_reports/campaign.html",
        {
            "campaign": campaign,
            "columns": [status.label for status in COLUMNS],
            "overall": overall,
            "overall_bars": bars(overall),
            "authorities": [
                (authority, row, bars(row)) for authority, row in ((a, figures(c)) for a, c in progress.authorities)
            ],
            "filter": filterset,
            "page": paginator.get_page(request.GET.get("page")),
        },
    )


@login_required
def export(request, pk: int):
    """The reports of the list as filtered, as XLSX: the figures of each one's last submission."""
    user = reader(request)
    campaign = get_object_or_404(ReportCampaign, pk=pk)
    stream = io.BytesIO()
    campaign_workbook(reports=_ordered(_filtered(request, user, campaign).qs), stream=stream)
    stream.seek(0)
    return private_file(stream, filename=_("%(year)s年度报告.xlsx") % {"year": campaign.year}, content_type=XLSX)


@login_required
def mine(request):
    """A lead unit's reports, of all its consortia and years."""
    if not request.user.is_lead_unit:
        raise PermissionDenied
    reports = visible_reports(request.user).order_by("-campaign__year", "consortium__name", "pk")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "annual_reports/mine.html", {"page": page})
