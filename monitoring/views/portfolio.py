"""The portfolio list (在库联合体清单) of the reviewers: every consortium they see, filtered, searched, sorted and
paginated; with ``export=`` the same list as a file (``exports.export_list``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.pagination import IdsFirstPaginator

from ..filters import PortfolioFilter
from ..models import Format, Sheet
from ..permissions import reads_portfolio
from ..selectors import SORTABLE, portfolio_rows
from ..selectors import portfolio as visible_portfolio
from .exports import export_list

PAGE_SIZE = 25  # as the queues and the campaign page: a page's rows are most of its time


def sort_links(filterset: PortfolioFilter) -> dict[str, dict]:
    """Per sortable column, the ``ordering`` its header link asks for (the other direction when the list is sorted
    by it) and the direction it is sorted in now, if it is."""
    current = (filterset.form.cleaned_data.get("ordering") or [""])[0] if filterset.is_valid() else ""
    links = {}
    for name in SORTABLE:
        direction = "asc" if current == name else "desc" if current == f"-{name}" else ""
        links[name] = {"ordering": f"-{name}" if direction == "asc" else name, "direction": direction}
    return links


@login_required
@require_GET
def portfolio(request):
    user = request.user
    if not reads_portfolio(user):
        raise PermissionDenied
    filterset = PortfolioFilter(request.GET, queryset=visible_portfolio(user), user=user)
    if "export" in request.GET:
        return export_list(request, filterset)
    # Ids first: the rows' annotations (members, the submitted name…) are read for the page's 25, not for every match.
    page = IdsFirstPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(portfolio_rows(page.object_list))
    return render(
        request,
        "monitoring/portfolio.html",
        {
            "filter": filterset,
            "page": page,
            "sort": sort_links(filterset),
            "sheets": Sheet.choices,
            "formats": Format.choices,
        },
    )
