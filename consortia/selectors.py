"""Read-side questions about filings: which sections are complete, the work waiting on the home page."""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import Role, User
from portal.selectors import Panel, register_work_panels

from .comparison import compare_filings
from .models import ChangeRecord, Consortium, Document, FundingLine, LeadUnit, Membership, Section, Submission
from .permissions import leads
from .snapshots import filing_details, filing_document
from .states import EDITABLE, Status


def lists_technology_kind(kind: str) -> Q:
    """The consortia whose ``technology_kinds`` lists ``kind``. PostgreSQL tests JSON containment; SQLite has none,
    and the codes are distinct quoted strings in the stored JSON text, none part of another."""
    if connection.vendor == "postgresql":
        return Q(technology_kinds__contains=[kind])
    return Q(technology_kinds__icontains=f'"{kind}"')


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


def _open_return(consortium: Consortium):
    """The return the lead unit has still to answer: while the filing is returned, the latest opinion if it returned
    the latest submission; a resubmission answers it. The opinions are the reviews app's, reached through their
    relation (``consortium.opinions``) so that this app does not import that one."""
    if consortium.status != Status.RETURNED:
        return None
    opinion = consortium.opinions.select_related("submission").last()
    latest = consortium.submissions.order_by("-number").values_list("pk", flat=True).first()
    if opinion is None or opinion.decision != "return" or opinion.submission_id != latest:
        return None
    return opinion


def _remarks(opinion) -> dict[str, str]:
    remarks = opinion.section_comments if opinion else {}
    return {section.value: remarks[section.value] for section in Section if remarks.get(section.value)}


def open_remarks(consortium: Consortium) -> dict[str, str]:
    """Section code → the reviewer's remark on it, in editor order, while the return is still to be answered."""
    return _remarks(_open_return(consortium))


@dataclass(frozen=True)
class RemarkAnswer:
    section: str
    label: str
    remark: str
    changed: bool  # since the submission the remark was made on


def remark_answers(consortium: Consortium) -> list[RemarkAnswer]:
    """Each section an open return remarked on, and whether the live filing has changed it since the submission the
    remark was made on; ``consortium`` as loaded by ``snapshots.load_filing``."""
    opinion = _open_return(consortium)
    remarks = _remarks(opinion)
    if not remarks:
        return []
    submitted = (opinion.submission.document, opinion.submission.details)
    live = (filing_document(consortium), filing_details(consortium))
    changed = {changes.section for changes in compare_filings(submitted, live) if changes.changed}
    return [
        RemarkAnswer(section=section, label=str(Section(section).label), remark=remark, changed=section in changed)
        for section, remark in remarks.items()
    ]


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


FUNDING_SOURCES = ("self_raised", "government", "financial")


@dataclass(frozen=True)
class FundingTotals:
    """Rows of sums in 万元: a ``label`` (the year, the unit's name, "合计"), each source and their ``total``."""

    by_year: list[dict]
    by_unit: list[dict]
    overall: dict | None  # None: no line saved yet


def funding_totals(consortium: Consortium) -> FundingTotals:
    """The saved funding plan summed per year and per unit, each by source (自筹, 政府, 金融及基金). From the
    database, not from the consortium's prefetched lines: a refused form has written what was typed onto those."""
    lines = FundingLine.objects.filter(consortium=consortium)
    sums = {source: Sum(source) for source in FUNDING_SOURCES}
    by_year = list(lines.values(label=F("year")).annotate(**sums).order_by("label"))
    by_unit = list(
        lines.values("organisation", label=F("organisation__name")).annotate(**sums).order_by("organisation")
    )
    overall = {"label": _("合计"), **lines.aggregate(**sums)} if by_year else None
    for row in [*by_year, *by_unit, *([overall] if overall else [])]:
        row["total"] = sum(row[source] for source in FUNDING_SOURCES)
    return FundingTotals(by_year=by_year, by_unit=by_unit, overall=overall)


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


def consortium_changes(consortium: Consortium) -> QuerySet[ChangeRecord]:
    """The consortium's change records, newest first (by effective date, then as recorded), with what a history
    shows of each."""
    return consortium.change_records.select_related("membership__organisation", "agreement", "recorded_by").order_by(
        "-effective_on", "-recorded_at", "-pk"
    )


def changes_in_period(consortium: Consortium, start: date, end: date) -> QuerySet[ChangeRecord]:
    """The changes that took effect from ``start`` to ``end``, both included (an annual report's year), in the order
    they took effect."""
    return (
        consortium_changes(consortium)
        .filter(effective_on__range=(start, end))
        .order_by("effective_on", "recorded_at", "pk")
    )


def membership_history(consortium: Consortium) -> QuerySet[Membership]:
    """The members of the filed consortium, current and former, with the dates they joined (empty: a member of the
    filing) and left, in the order they joined. A member removed while the filing was revised, before it was filed,
    never belonged to the filed consortium and is left out."""
    memberships = consortium.memberships.select_related("organisation")
    if consortium.filed_on:
        memberships = memberships.exclude(left_on__lt=consortium.filed_on)
    return memberships.order_by(F("joined_on").asc(nulls_first=True), "pk")
