"""Read-side questions about filings: which sections are complete, what a user may see."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Consortium, Document, LeadUnit, Section


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
