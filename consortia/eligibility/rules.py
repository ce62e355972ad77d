"""The conditions of the guideline (DESIGN §4) as data: an ordered registry of rules, each a code, the clause it
comes from, a severity and a pure check over a ``Filing`` and a ``Context``.

Adding a rule is adding one entry to ``RULES``; the engine, the command, the JSON output and the docs' table follow.
Checks return only whether the condition holds and why; turning a failed ``justify`` condition into ``justified``
is the engine's job, so every justify rule treats justifications the same way.
"""

from django.utils.translation import gettext_lazy

from portal.uscc import find_fault, normalise_uscc, uscc_problem

from .context import Context
from .filing import ACADEMIC_KINDS, PLATFORM_LEVELS, TECHNOLOGY_KINDS, UNIT_KINDS, Filing, LeadUnit, Member
from .i18n import gettext as _
from .outcomes import Check, Rule, Severity, failed, passed
from .periods import check_period, check_period_start

# --- Helpers ------------------------------------------------------------------------------------------------------


def _blank(text: str | None) -> bool:
    return not (text and text.strip())


def _lead_label(lead: LeadUnit) -> str:
    return _("牵头单位“%(name)s”") % {"name": lead.name}


def _member_label(member: Member) -> str:
    return _("参与单位“%(name)s”") % {"name": member.name}


def _label(unit: LeadUnit | Member) -> str:
    return _lead_label(unit) if isinstance(unit, LeadUnit) else _member_label(unit)


def _units(filing: Filing) -> tuple[LeadUnit | Member, ...]:
    """Lead first, then members in the filing's order. Their labels are made only for messages that name them:
    translating is the costliest step of an evaluation."""
    return (filing.lead, *filing.members)


def _join(items) -> str:
    return _("、").join(str(item) for item in items)


def _faults(faults: list[str]) -> str:
    return _("；").join(faults) + _("。")


# --- Checks, in the order of the registry --------------------------------------------------------------------------


def check_members_min(filing: Filing, context: Context) -> Check:
    members = len(filing.members)
    required = context.thresholds.members_min
    figures = {"members": members, "units": members + 1, "required": required + 1}
    if members >= required:
        return passed(_("牵头单位和 %(members)d 家参与单位，共 %(units)d 家，不少于 %(required)d 家。") % figures)
    return failed(
        _("牵头单位和 %(members)d 家参与单位，共 %(units)d 家，少于 %(required)d 家：请再增加 %(missing)d 家参与单位。")
        % dict(figures, missing=required - members)
    )


def check_legal_entity(filing: Filing, context: Context) -> Check:
    faults = []
    holders: dict[str, list[LeadUnit | Member]] = {}
    for unit in _units(filing):
        code = normalise_uscc(unit.uscc or "")
        if not code:
            faults.append(_("%(unit)s未填写统一社会信用代码") % {"unit": _label(unit)})
        elif find_fault(code):
            faults.append(
                _("%(unit)s的统一社会信用代码 %(uscc)s 无效：%(problem)s")
                % {"unit": _label(unit), "uscc": code, "problem": uscc_problem(code).rstrip("。")}
            )
        if code:
            # Compared in the normalised form: "9132 0214… 8w" and "91320214…8W" are the same unit.
            holders.setdefault(code, []).append(unit)
        if not unit.independent_legal_entity:
            faults.append(_("%(unit)s未确认为独立法人单位") % {"unit": _label(unit)})
    for code, units in holders.items():
        if len(units) > 1:
            faults.append(
                _("统一社会信用代码 %(uscc)s 重复出现 %(count)d 次：%(units)s")
                % {"uscc": code, "count": len(units), "units": _join(_label(unit) for unit in units)}
            )
    if faults:
        return failed(_faults(faults))
    return passed(
        _("%(units)d 家单位均为独立法人单位，统一社会信用代码有效且不重复。") % {"units": len(filing.members) + 1}
    )


def check_academic_member(filing: Filing, context: Context) -> Check:
    academic = [_label(unit) for unit in _units(filing) if unit.kind in ACADEMIC_KINDS]
    if academic:
        return passed(_("包含高校或科研院所：%(units)s。") % {"units": _join(academic)})
    return failed(_("牵头单位和参与单位中没有高校或科研院所（指引原则上要求至少一家）。"))


def check_member_capability(filing: Filing, context: Context) -> Check:
    faults = []
    for member in filing.members:
        missing = []
        if member.kind == "enterprise":
            if _blank(member.capability):
                missing.append(_("研发和技术配套能力"))
            if _blank(member.role):
                missing.append(_("围绕攻关目标承担的实质性研究工作"))
        elif member.kind in ACADEMIC_KINDS and _blank(member.capability):
            missing.append(_("研究团队和科研实验条件"))
        if missing:
            faults.append(_("%(unit)s未说明%(missing)s") % {"unit": _member_label(member), "missing": _join(missing)})
    if faults:
        return failed(_faults(faults))
    return passed(_("企业成员均已说明研发能力和实质性研究工作，高校、院所成员均已说明研究团队和实验条件。"))


def check_agreement(filing: Filing, context: Context) -> Check:
    agreement = filing.agreement
    faults = []
    if not agreement.attached:
        faults.append(_("未上传组建协议（PDF）"))
    if not agreement.all_parties_signed:
        faults.append(_("未确认各方均已签署组建协议"))
    if agreement.signed_on is None:
        faults.append(_("未填写组建协议签署日期"))
    elif agreement.signed_on > context.today:
        faults.append(
            _("组建协议签署日期 %(signed)s 晚于今天（%(today)s）")
            % {"signed": agreement.signed_on.isoformat(), "today": context.today.isoformat()}
        )
    if faults:
        return failed(_faults(faults))
    return passed(_("组建协议已上传，各方已于 %(signed)s 签署。") % {"signed": agreement.signed_on.isoformat()})


def check_lead_qualification(filing: Filing, context: Context) -> Check:
    lead = filing.lead
    if lead.kind == "enterprise":
        revenue, rd = lead.revenue_prev_year, lead.rd_expense_prev_year
        if revenue is not None and revenue > 0 and rd is not None and rd > 0:
            return passed(
                _("龙头企业牵头：上一年销售收入 %(revenue)s 万元，研发投入 %(rd)s 万元。")
                % {"revenue": _money(revenue), "rd": _money(rd)}
            )
        faults = []
        for value, words in ((revenue, _("上一年销售收入")), (rd, _("上一年研发投入"))):
            if value is None:
                faults.append(_("%(unit)s未填写%(what)s") % {"unit": _lead_label(lead), "what": words})
            elif value <= 0:
                faults.append(_("%(unit)s的%(what)s应大于 0 万元") % {"unit": _lead_label(lead), "what": words})
        return failed(_faults(faults))
    label = _lead_label(lead)
    if lead.kind == "platform":
        platform = lead.platform
        faults = []
        if platform is None or platform.level not in PLATFORM_LEVELS:
            faults.append(_("%(unit)s未填写平台级别（国家级或省级）") % {"unit": label})
        if platform is None or _blank(platform.category):
            faults.append(_("%(unit)s未填写平台类别") % {"unit": label})
        elif platform.category not in context.platform_category_codes:
            allowed = sorted(context.platform_category_codes)
            faults.append(
                _("%(unit)s的平台类别“%(category)s”不是重大科技平台类别（%(allowed)s）之一")
                % {
                    "unit": label,
                    "category": platform.category,
                    "allowed": _join(context.platform_category_names.get(code, code) for code in allowed),
                }
            )
        if faults:
            return failed(_faults(faults))
        return passed(
            _("重大科技平台牵头：%(level)s%(category)s。")
            % {
                "level": PLATFORM_LEVELS[platform.level],
                "category": context.platform_category_names.get(platform.category, platform.category),
            }
        )
    return failed(
        _("%(unit)s为%(kind)s，不是指引优先支持的龙头企业或重大科技平台，需说明其牵头优势。")
        % {"unit": label, "kind": UNIT_KINDS.get(lead.kind, lead.kind)},
        severity=Severity.JUSTIFY,
    )


def check_focus_field(filing: Filing, context: Context) -> Check:
    if _blank(filing.field):
        return failed(_("未填写产业领域。"))
    if filing.field not in context.active_field_codes:
        return failed(_("产业领域“%(field)s”不是重点产业领域目录中的有效条目。") % {"field": filing.field})
    return passed(
        _("产业领域“%(name)s”属于重点产业领域。") % {"name": context.field_names.get(filing.field, filing.field)}
    )


def check_research_tasks(filing: Filing, context: Context) -> Check:
    if not filing.tasks:
        return failed(_("未填写攻关任务：至少应有一项。"))
    faults = []
    for number, task in enumerate(filing.tasks, start=1):
        missing = []
        if task.kind not in TECHNOLOGY_KINDS:
            missing.append(_("技术类型（“卡脖子”、先发优势或基础前沿）"))
        if _blank(task.objectives):
            missing.append(_("攻关目标"))
        if missing:
            faults.append(
                _("攻关任务 %(number)d“%(title)s”未填写%(missing)s")
                % {"number": number, "title": task.title, "missing": _join(missing)}
            )
    if faults:
        return failed(_faults(faults))
    return passed(_("共 %(count)d 项攻关任务，均有技术类型和攻关目标。") % {"count": len(filing.tasks)})


def check_integrity(filing: Filing, context: Context) -> Check:
    holders: dict[str, list[LeadUnit | Member]] = {}
    for unit in _units(filing):
        code = normalise_uscc(unit.uscc or "")
        if code:
            holders.setdefault(code, []).append(unit)
    # The applicant learns that a unit is on the record, not the record's reason or term: those are the city's to
    # tell (reviewers read them beside the results).
    barred = sorted(
        {normalise_uscc(r.uscc) for r in context.dishonesty.active_records(holders.keys(), on=context.today)}
    )
    faults = [
        _("%(unit)s（统一社会信用代码 %(uscc)s）列入失信信息记录，记录有效期间不能参与备案。详情请联系市科技局")
        % {"unit": _label(unit), "uscc": code}
        for code in barred
        for unit in holders.get(code, ())
    ]
    if faults:
        return failed(_faults(faults))
    return passed(_("各单位均无有效的失信信息记录。"))


def check_governance(filing: Filing, context: Context) -> Check:
    governance = filing.governance
    experts = [name for name in governance.chief_experts if not _blank(name)]
    committee = [name for name in governance.advisory_committee if not _blank(name)]
    missing = []
    if not governance.council:
        missing.append(_("由牵头单位负责人担任理事长的理事会"))
    elif not governance.council_chair_is_lead_head:
        missing.append(_("由牵头单位负责人担任理事会理事长"))
    if not experts:
        missing.append(_("首席专家"))
    if not committee:
        missing.append(_("专家咨询委员会"))
    if missing:
        return failed(_("指引鼓励、尚未具备：%(missing)s。") % {"missing": _join(missing)})
    return passed(
        _("已设理事会（牵头单位负责人任理事长）、首席专家 %(experts)d 名、专家咨询委员会 %(committee)d 人。")
        % {"experts": len(experts), "committee": len(committee)}
    )


def _money(value) -> str:
    # Plain str(): Decimal's format() with grouping costs more than the rest of the rule.
    return str(value)


# --- The registry --------------------------------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule(
        code="MEMBERS_MIN",
        clause="§1.a",
        clause_label="一",
        severity=Severity.BLOCK,
        title=gettext_lazy("多主体联合：牵头单位和参与单位的数量"),
        check=check_members_min,
        thresholds=("members_min",),
    ),
    Rule(
        code="LEGAL_ENTITY",
        clause="§3.5",
        clause_label="三（五）",
        severity=Severity.BLOCK,
        title=gettext_lazy("各单位为独立法人，统一社会信用代码有效且不重复"),
        check=check_legal_entity,
    ),
    Rule(
        code="ACADEMIC_MEMBER",
        clause="§3.5",
        clause_label="三（五）",
        severity=Severity.JUSTIFY,
        title=gettext_lazy("原则上包含高校或科研院所"),
        check=check_academic_member,
        justifiable=True,
        thresholds=("justification_min_length",),
    ),
    Rule(
        code="MEMBER_CAPABILITY",
        clause="§3.5",
        clause_label="三（五）",
        severity=Severity.BLOCK,
        title=gettext_lazy("参与单位的研发能力或研究团队和实验条件"),
        check=check_member_capability,
    ),
    Rule(
        code="AGREEMENT",
        clause="§3.2",
        clause_label="三（二）",
        severity=Severity.BLOCK,
        title=gettext_lazy("签订有法律效力的组建协议"),
        check=check_agreement,
    ),
    Rule(
        code="LEAD_QUALIFICATION",
        clause="§3.4",
        clause_label="三（四）",
        severity=Severity.BLOCK,
        title=gettext_lazy("牵头单位为龙头企业或重大科技平台"),
        check=check_lead_qualification,
        justifiable=True,
        thresholds=("justification_min_length",),
    ),
    Rule(
        code="FOCUS_FIELD",
        clause="§3.1/§2.a",
        clause_label="三（一）/二",
        severity=Severity.BLOCK,
        title=gettext_lazy("聚焦重点产业领域"),
        check=check_focus_field,
    ),
    Rule(
        code="RESEARCH_TASKS",
        clause="§2.b",
        clause_label="二",
        severity=Severity.BLOCK,
        title=gettext_lazy("攻关任务及其技术类型和目标"),
        check=check_research_tasks,
    ),
    Rule(
        code="PERIOD",
        clause="§1.c/§5.1",
        clause_label="一/五（一）",
        severity=Severity.BLOCK,
        title=gettext_lazy("建设周期不超过规定年限"),
        check=check_period,
        thresholds=("period_max_years",),
    ),
    Rule(
        code="PERIOD_START",
        clause="§1.c/§5.1",
        clause_label="一/五（一）",
        severity=Severity.ADVISE,
        title=gettext_lazy("建设周期开始日期"),
        check=check_period_start,
    ),
    Rule(
        code="INTEGRITY",
        clause="§5.3",
        clause_label="五（三）",
        severity=Severity.BLOCK,
        title=gettext_lazy("无有效的失信信息记录"),
        check=check_integrity,
    ),
    Rule(
        code="GOVERNANCE",
        clause="§3.3",
        clause_label="三（三）",
        severity=Severity.ADVISE,
        title=gettext_lazy("理事会、首席专家和专家咨询委员会"),
        check=check_governance,
    ),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
JUSTIFIABLE_CODES: tuple[str, ...] = tuple(rule.code for rule in RULES if rule.justifiable)
