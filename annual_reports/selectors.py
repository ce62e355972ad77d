"""Read-side questions about annual reports: who sees which, what a report still lacks, how a campaign is going."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from consortia.models import Consortium
from consortia.permissions import leads
from consortia.selectors import SectionStatus
from portal.caching import under_version
from portal.models import Authority, Role, User
from portal.selectors import Panel, register_work_panels

from .changes import change_title, period_changes
from .models import (
    EDITABLE,
    NARRATIVES,
    TALENT_COUNTS,
    AnnualReport,
    ReportCampaign,
    ReportComment,
    ReportSection,
    ReportStatus,
    ReportSubmission,
)
from .snapshots import report_content


def visible_reports(user: User, *, campaign: ReportCampaign | None = None) -> QuerySet[AnnualReport]:
    """The reports of the consortia ``user`` sees (``Consortium.objects.visible_to``): a lead unit its own consortia's,
    a district officer its jurisdiction's, city staff and administrators all."""
    reports = AnnualReport.objects.visible_to(user).select_related(
        "campaign", "consortium", "consortium__lead_organisation"
    )
    return reports.filter(campaign=campaign) if campaign is not None else reports


@register_work_panels
def work_panels(user: User) -> list[Panel]:
    """The home page's cards of annual-report work: the lead unit's reports to fill in or revise, the city's reports
    to review."""
    if user.role == Role.LEAD_UNIT:
        return [
            Panel(
                title=_("待填报或修改的年度报告"),
                count=AnnualReport.objects.visible_to(user).filter(status__in=EDITABLE).count(),
                empty_text=_("没有待填报的年度报告。"),
                link=reverse("annual_reports:mine"),
                link_text=_("填报年度报告"),
            )
        ]
    if user.role == Role.CITY_STAFF:
        return [
            Panel(
                title=_("待审核的年度报告"),
                count=AnnualReport.objects.visible_to(user).filter(status=ReportStatus.SUBMITTED).count(),
                empty_text=_("暂无待审核的年度报告。"),
                link=reverse("annual_reports:campaigns"),
                link_text=_("查看年度报告"),
            )
        ]
    return []


def consortium_reports(user: User, consortium: Consortium) -> QuerySet[AnnualReport]:
    """One consortium's reports, the latest year first."""
    return (
        AnnualReport.objects.visible_to(user)
        .filter(consortium=consortium)
        .select_related("campaign")
        .order_by("-campaign__year")
    )


@dataclass(frozen=True)
class ReportAsSeen:
    """The report as a user sees it: the lead unit its live report; everybody else the last submission, never the
    lead unit's unsent edits (``content`` is None until something was submitted)."""

    content: dict | None
    submission: ReportSubmission | None  # None: the live report, or nothing submitted


def report_as_seen(user: User, report: AnnualReport) -> ReportAsSeen:
    if leads(user, report.consortium):
        return ReportAsSeen(content=report_content(report), submission=None)
    latest = report.submissions.order_by("-number").first()
    return ReportAsSeen(content=latest.content if latest else None, submission=latest)


def returned_because(report: AnnualReport) -> str:
    """The reason of the city's return while the report is returned (blank otherwise)."""
    if report.status != ReportStatus.RETURNED:
        return ""
    latest = report.events.filter(action="return").order_by("-occurred_at", "-pk").first()
    return latest.comment if latest else ""


def report_comments(user: User, report: AnnualReport) -> QuerySet[ReportComment]:
    """The reviewers' remarks on a report, for city staff, administrators and the district officers who see it; the
    lead unit sees none."""
    if not (user.is_portal_admin or user.role in (Role.CITY_STAFF, Role.DISTRICT_OFFICER)):
        return ReportComment.objects.none()
    return report.comments.filter(report__in=AnnualReport.objects.visible_to(user)).select_related("author")


def _changes_missing(report: AnnualReport) -> list[str]:
    return [
        _("变更事项“%(change)s”的说明") % {"change": change_title(change)}
        for change, text in period_changes(report)
        if not text.strip()
    ]


def _funding_missing(report: AnnualReport) -> list[str]:
    lines = list(report.funding_lines.select_related("organisation"))
    if not lines:
        return [_("至少一条经费到位与使用情况")]
    return [
        _("%(unit)s 支出超过实际到位资金的原因说明") % {"unit": line.organisation.name}
        for line in lines
        if line.needs_explanation
    ]


def _tasks_missing(report: AnnualReport) -> list[str]:
    return [
        _("攻关任务“%(task)s”的进展状态") % {"task": row.task.title}
        for row in report.task_progress.select_related("task")
        if not row.status
    ]


def _structured_missing(report: AnnualReport, section: str) -> list[str]:
    if section == ReportSection.OVERALL:
        return _changes_missing(report)
    if section == ReportSection.TEAM:
        return [] if report.team_size is not None else [_("运营团队人数")]
    if section == ReportSection.FUNDING:
        return _funding_missing(report)
    if section == ReportSection.TASKS:
        return _tasks_missing(report)
    if section == ReportSection.TALENT:
        fields = [AnnualReport._meta.get_field(name) for name in TALENT_COUNTS]
        return [str(f.verbose_name) for f in fields if getattr(report, f.name) is None]
    return []


def report_checklist(report: AnnualReport) -> list[SectionStatus]:
    """Each of the seven contents with what it still lacks: its text, and the structured parts where there are any
    (an explanation of each change of the period, one wherever a unit spent more than it received, the team's size,
    every task's status, the talent counts)."""
    statuses = []
    for section in ReportSection:
        missing = [] if getattr(report, NARRATIVES[section]).strip() else [_("文字说明")]
        missing += _structured_missing(report, section)
        statuses.append(SectionStatus(section=section.value, label=str(section.label), missing=tuple(missing)))
    return statuses


@dataclass
class StatusCounts:
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ReportStatus.values, 0))
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class CampaignProgress:
    overall: StatusCounts
    # By the lead unit's district, in the order of the authorities' codes; ``None``: a lead unit without one.
    authorities: list[tuple[Authority | None, StatusCounts]]


def campaign_progress(campaign: ReportCampaign, *, user: User) -> CampaignProgress:
    """How many of the campaign's reports ``user`` sees are in each state and overdue, overall and by district.

    Counting 10,000 reports by state and district on every visit of the campaign page is most of its time, and the
    figures change only when a report does: they are kept under the campaign's version (``portal.caching``) — how
    many reports it has and when one last changed (every change of a report, by the door or a job, sets
    ``updated_at``) — read by one small query on an index. A lead unit moved to another district changes no report:
    the cache's time limit bounds that."""
    version = AnnualReport.objects.filter(campaign=campaign).aggregate(count=Count("pk"), changed=Max("updated_at"))
    return under_version(
        "campaign-progress",
        (campaign.pk, user.role, user.authority_id, user.organisation_id, version["count"], version["changed"]),
        lambda: _count_progress(campaign, user=user),
    )


def _count_progress(campaign: ReportCampaign, *, user: User) -> CampaignProgress:
    """One aggregate query."""
    jurisdiction = "consortium__lead_organisation__jurisdiction"
    rows = (
        AnnualReport.objects.visible_to(user)
        .filter(campaign=campaign)
        .values("status", jurisdiction, f"{jurisdiction}__code", f"{jurisdiction}__name_zh", f"{jurisdiction}__name_en")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=Q(overdue_since__isnull=False)))
        .order_by()
    )
    overall = StatusCounts()
    by_authority: dict[int | None, StatusCounts] = defaultdict(StatusCounts)
    authorities: dict[int | None, Authority | None] = {}
    for row in rows:
        key = row[jurisdiction]
        # Unsaved, from the row's columns: enough for its code and its name in the user's language.
        values = {name: row[f"{jurisdiction}__{name}"] for name in ("code", "name_zh", "name_en")}
        authorities[key] = None if key is None else Authority(pk=key, **values)
        for counts in (overall, by_authority[key]):
            counts.by_status[row["status"]] += row["count"]
            counts.overdue += row["overdue"]
    order = sorted(authorities, key=lambda key: (key is None, authorities[key].code if key is not None else ""))
    return CampaignProgress(overall=overall, authorities=[(authorities[key], by_authority[key]) for key in order])
