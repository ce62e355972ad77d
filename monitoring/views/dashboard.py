"""The dashboard (监测看板) of city staff, administrators and district officers (their jurisdiction's)."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..dashboard import OUTSTANDING, Dashboard, Tally, read_dashboard
from ..permissions import reads_portfolio


@dataclass(frozen=True)
class Section:
    """A chart of counts of consortia and the table under it."""

    key: str  # the chart's key in ``charts`` and its data-testid
    title: str
    column: str  # the heading of the table's first column
    tallies: list[Tally]
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(tally.count for tally in self.tallies)


def sections(board: Dashboard) -> list[Section]:
    return [
        Section("status", _("按状态"), _("状态"), board.by_status),
        Section("field", _("按产业领域"), _("产业领域"), board.by_field),
        Section("authority", _("按属地"), _("属地"), board.by_authority),
        Section(
            "technology_kind",
            _("按攻关技术类型"),
            _("攻关技术类型"),
            board.by_technology_kind,
            note=_("一个联合体可选择多种攻关技术类型，在所选的每种类型下各计一次，故各类型之和可能大于联合体总数。"),
        ),
    ]


def charts(board: Dashboard, counted: list[Section]) -> dict:
    """What ``static/js/dashboard.js`` draws, chart by chart: categories, and series of counts with the URL each bar
    opens (none: not clickable). Built here, so that the script only draws and follows the links it is given."""
    drawn = {
        section.key: {
            "horizontal": True,
            "categories": [tally.label for tally in section.tallies],
            "series": [
                {
                    "name": _("联合体数"),
                    "data": [tally.count for tally in section.tallies],
                    "urls": [tally.url for tally in section.tallies],
                }
            ],
        }
        for section in counted
    }
    drawn["months"] = {
        "categories": [month.month.strftime("%Y-%m") for month in board.months],
        "series": [
            {"name": _("备案申请"), "data": [month.filings for month in board.months]},
            {"name": _("批准备案"), "data": [month.approvals for month in board.months]},
        ],
    }
    drawn["overdue"] = {
        "stacked": True,
        "categories": [_("%(year)s 年度报告") % {"year": campaign.year} for campaign in board.overdue],
        "series": [
            {
                "name": str(status.label),
                "data": [campaign.outstanding[index].count for campaign in board.overdue],
                "urls": [campaign.outstanding[index].url for campaign in board.overdue],
            }
            for index, status in enumerate(OUTSTANDING)
        ],
    }
    drawn["recognitions"] = {
        "categories": [str(year) for year, _count in board.recognitions.by_year],
        "series": [{"name": _("认定数"), "data": [count for _year, count in board.recognitions.by_year]}],
    }
    return drawn


@login_required
def dashboard(request):
    """The numbers of the portfolio the user sees, as charts with a table under each; its readers are the portfolio
    list's, whose lists the charts link to."""
    if not reads_portfolio(request.user):
        raise PermissionDenied
    board = read_dashboard(request.user, today=timezone.localdate())
    counted = sections(board)
    return render(
        request,
        "monitoring/dashboard.html",
        {"board": board, "sections": counted, "charts": charts(board, counted)},
    )
