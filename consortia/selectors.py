"""Read-side questions about filings: which sections are complete, the work waiting on the home page."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import Role, User
from portal.selectors import Panel, register_work_panels

from .models import Consortium, Document, LeadUnit, Section, Submission
from .permissions import leads
from .snapshots import filing_details, filing_document
from .states import EDITABLE, Status


@dataclass(frozen=True)
class FilingAsSeen:
    """The filing as a user sees it: its lead unit sees the live filing it edits; everybody else sees the last
    submission exactly as it was submitted, never the lead unit's unsent edits."""

    document: dict  # the exchange format
    details: dict
    submission: Submission | None  # None: the live filing


def filing_as_seen(user: User, consortium: Consortium) -> FilingAsSeen:
    """``consortium`` as loaded by ``snapshots.load_filing``."""
    latest = None if leads(user, consortium) else consortium.submissions.order_by("-number").first()
    if latest is None:
        return FilingAsSeen(document=filing_document(consortium), details=filing_details(consortium), submission=None)
    return FilingAsSeen(document=latest.document, details=latest.details, submission=latest)


@dataclass(frozen=True)
class SectionStatus:
    section: str
    label: str
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def _missing_basic(c: Consortium) -> list[str]:
    checks = [
        (c.name.strip(), _("联合体名称")),
        (c.field_id, _("产业领域")),
        (c.technology_kinds, _("攻关技术类型")),
        (c.summary.strip(), _("联合体简介")),
        (c.goals.strip(), _("建设目标")),
        (c.planned_start, _("计划建设开始日期")),
        (c.planned_end, _("计划建设结束日期")),
    ]
    return [label for value, label in checks if not value]


def _missing_lead(c: Consortium) -> list[str]:
    lead = getattr(c, "lead", None) or LeadUnit(consortium=c)
    missing = [] if lead.head.strip() else [_("单位负责人")]
    kind = c.lead_organisation.kind
    if kind == "enterprise":
        if lead.revenue_prev_year is None:
            missing.append(_("上年度销售收入"))
        if lead.rd_expense_prev_year is None:
            missing.append(_("上年度研发投入"))
    elif kind == "platform":
        if not lead.platform_level:
            missing.append(_("平台级别"))
        if not lead.platform_category_id:
            missing.append(_("平台类别"))
    return missing


def _missing_members(c: Consortium) -> list[str]:
    return [] if c.current_memberships else [_("至少一家参与单位")]


def _missing_governance(c: Consortium) -> list[str]:
    # The guideline encourages, not requires, a council and experts (§3.3): the section is complete once saved.
    return [] if c.section_versions.get(Section.GOVERNANCE) else [_("请确认组织架构与运行机制（可注明暂未设立）")]


def _missing_tasks(c: Consortium) -> list[str]:
    return [] if c.tasks.all() else [_("至少一项攻关任务")]


def _missing_funding(c: Consortium) -> list[str]:
    return [] if c.funding_lines.all() else [_("至少一条经费计划")]


def _missing_documents(c: Consortium) -> list[str]:
    missing = []
    if not any(d.kind == Document.Kind.FORMATION_AGREEMENT for d in c.documents.all()):
        missing.append(_("组建协议（PDF）"))
    if not c.agreement_signed_on:
        missing.append(_("组建协议签署日期"))
    return missing


_CHECKS = {
    Section.BASIC: _missing_basic,
    Section.LEAD: _missing_lead,
    Section.MEMBERS: _missing_members,
    Section.GOVERNANCE: _missing_governance,
    Section.TASKS: _missing_tasks,
    Section.FUNDING: _missing_funding,
    Section.DOCUMENTS: _missing_documents,
}


def section_checklist(consortium: Consortium) -> list[SectionStatus]:
    """Each section of the editor with what it still lacks; ``consortium`` comes from ``snapshots.load_filing``."""
    return [
        SectionStatus(section=section.value, label=str(section.label), missing=tuple(_CHECKS[section](consortium)))
        for section in Section
    ]


@register_work_panels
def work_panels(user: User) -> list[Panel]:
    """The home page's cards of filing and review work for the user's role."""
    visible = Consortium.objects.visible_to(user)
    if user.role == Role.LEAD_UNIT:
        return [
            Panel(
                title=_("本单位的创新联合体备案"),
                count=visible.count(),
                empty_text=_("本单位尚无创新联合体备案。"),
                link=reverse("consortia:list"),
                link_text=_("查看或新建备案"),
            ),
            Panel(
                title=_("待填写或修改的备案"),
                count=visible.filter(status__in=EDITABLE).count(),
                empty_text=_("没有待填写或修改的备案。"),
                link=reverse("consortia:list"),
                link_text=_("继续填写"),
            ),
            Panel(
                title=_("审核中的备案"),
                count=visible.filter(status__in=[Status.DISTRICT_REVIEW, Status.CITY_REVIEW]).count(),
                empty_text=_("没有审核中的备案。"),
                link=reverse("consortia:list"),
                link_text=_("查看备案"),
            ),
        ]
    if user.role == Role.DISTRICT_OFFICER:
        return [
            Panel(
                title=_("待初审的备案申请"),
                count=visible.filter(status=Status.DISTRICT_REVIEW).count(),
                empty_text=_("辖区内暂无待初审的备案申请。"),
                link=reverse("reviews:queue"),
                link_text=_("进入初审队列"),
            )
        ]
    if user.role == Role.CITY_STAFF:
        return [
            Panel(
                title=_("待审核备案的申请"),
                count=visible.filter(status=Status.CITY_REVIEW).count(),
                empty_text=_("暂无待市科技局审核的备案申请。"),
                link=reverse("reviews:queue"),
                link_text=_("进入审核队列"),
            )
        ]
    return []
