"""What each rule tells the applicant, word for word, and the edges of its condition (DESIGN §4).

``test_rules.py`` states which filings pass and fail; this file pins the whole message of each outcome, because the
message is what the applicant acts on: which unit, which figure, how many are missing. Pure: no database.
"""

from datetime import date
from decimal import Decimal

import pytest

from consortia.eligibility import DishonestyRecord, Governance, Period, Platform
from consortia.eligibility.engine import apply_rule
from consortia.eligibility.filing import Agreement
from consortia.eligibility.outcomes import Outcome, Severity
from consortia.eligibility.rules import JUSTIFIABLE_CODES, RULES, RULES_BY_CODE

from .builders import TODAY, context, filing, lead, member, task, thresholds, university, uscc

LEAD = "牵头单位“南京芯源半导体科技有限公司”"
UNIVERSITY = "参与单位“江苏秦淮理工大学”"
MEMBER_1 = "参与单位“成员企业1有限公司”"
MEMBER_2 = "参与单位“成员企业2有限公司”"
ASK_FOR_JUSTIFICATION = "确有理由的，请提交书面说明（至少 20 字）。"
BARRED = "列入失信信息记录，记录有效期间不能参与备案。详情请联系市科技局"


def check(code, the_filing, the_context=None):
    return apply_rule(RULES_BY_CODE[code], the_filing, the_context or context())


def outcome_and_message(code, the_filing, the_context=None):
    result = check(code, the_filing, the_context)
    return result.outcome, result.message


# --- The registry ----------------------------------------------------------------------------------------------------


def test_the_registry_says_which_rules_read_which_thresholds_and_which_may_be_justified():
    assert {rule.code: rule.thresholds for rule in RULES if rule.thresholds} == {
        "MEMBERS_MIN": ("members_min",),
        "ACADEMIC_MEMBER": ("justification_min_length",),
        "LEAD_QUALIFICATION": ("justification_min_length",),
        "PERIOD": ("period_max_years",),
    }
    assert JUSTIFIABLE_CODES == ("ACADEMIC_MEMBER", "LEAD_QUALIFICATION")
    assert [rule.clause for rule in RULES] == [
        "§1.a",
        "§3.5",
        "§3.5",
        "§3.5",
        "§3.2",
        "§3.4",
        "§3.1/§2.a",
        "§2.b",
        "§1.c/§5.1",
        "§1.c/§5.1",
        "§5.3",
        "§3.3",
    ]


def test_every_rule_has_the_title_reviewers_see():
    assert {rule.code: str(rule.title) for rule in RULES} == {
        "MEMBERS_MIN": "多主体联合：牵头单位和参与单位的数量",
        "LEGAL_ENTITY": "各单位为独立法人，统一社会信用代码有效且不重复",
        "ACADEMIC_MEMBER": "原则上包含高校或科研院所",
        "MEMBER_CAPABILITY": "参与单位的研发能力或研究团队和实验条件",
        "AGREEMENT": "签订有法律效力的组建协议",
        "LEAD_QUALIFICATION": "牵头单位为龙头企业或重大科技平台",
        "FOCUS_FIELD": "聚焦重点产业领域",
        "RESEARCH_TASKS": "攻关任务及其技术类型和目标",
        "PERIOD": "建设周期不超过规定年限",
        "PERIOD_START": "建设周期开始日期",
        "INTEGRITY": "无有效的失信信息记录",
        "GOVERNANCE": "理事会、首席专家和专家咨询委员会",
    }


# --- MEMBERS_MIN -----------------------------------------------------------------------------------------------------


def test_members_min_counts_the_lead_with_the_members_when_it_passes():
    assert outcome_and_message("MEMBERS_MIN", filing()) == (
        Outcome.PASS,
        "牵头单位和 2 家参与单位，共 3 家，不少于 3 家。",
    )
    three = context(thresholds=thresholds(members_min=3))
    assert outcome_and_message("MEMBERS_MIN", filing(members=(university(), member(1), member(2))), three) == (
        Outcome.PASS,
        "牵头单位和 3 家参与单位，共 4 家，不少于 4 家。",
    )


@pytest.mark.parametrize(
    "members, minimum, message",
    [
        ((university(),), 2, "牵头单位和 1 家参与单位，共 2 家，少于 3 家：请再增加 1 家参与单位。"),
        ((), 2, "牵头单位和 0 家参与单位，共 1 家，少于 3 家：请再增加 2 家参与单位。"),
        ((university(), member(1)), 4, "牵头单位和 2 家参与单位，共 3 家，少于 5 家：请再增加 2 家参与单位。"),
    ],
)
def test_members_min_says_how_many_units_there_are_and_how_many_members_to_add(members, minimum, message):
    the_context = context(thresholds=thresholds(members_min=minimum))
    assert outcome_and_message("MEMBERS_MIN", filing(members=members), the_context) == (Outcome.FAIL, message)


# --- LEGAL_ENTITY ----------------------------------------------------------------------------------------------------


def test_legal_entity_counts_every_unit_when_it_passes():
    assert outcome_and_message("LEGAL_ENTITY", filing()) == (
        Outcome.PASS,
        "3 家单位均为独立法人单位，统一社会信用代码有效且不重复。",
    )
    assert check("LEGAL_ENTITY", filing(members=(university(), member(1), member(2)))).message == (
        "4 家单位均为独立法人单位，统一社会信用代码有效且不重复。"
    )


def test_legal_entity_lists_every_fault_in_unit_order_then_the_repeated_codes():
    code = uscc(101)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    members = (
        university(independent_legal_entity=False),
        member(1, uscc=wrong),
        member(2, uscc=uscc(900, category="12").lower()),
    )
    result = check("LEGAL_ENTITY", filing(lead=lead(uscc=""), members=members))
    assert (result.outcome, result.severity) == (Outcome.FAIL, Severity.BLOCK)
    assert result.message == (
        f"{LEAD}未填写统一社会信用代码；"
        f"{UNIVERSITY}未确认为独立法人单位；"
        f"{MEMBER_1}的统一社会信用代码 {wrong} 无效：校验位不正确：按前 17 位计算，第 18 位应为“{code[17]}”，"
        f"而不是“{wrong[17]}”。请核对代码是否抄错；"
        f"统一社会信用代码 {uscc(900, category='12')} 重复出现 2 次：{UNIVERSITY}、{MEMBER_2}。"
    )


def test_a_code_of_the_wrong_length_is_named_with_its_length_and_no_doubled_full_stop():
    result = check("LEGAL_ENTITY", filing(members=(university(), member(1, uscc="9132 0115 ma12"))))
    assert (
        result.message == f"{MEMBER_1}的统一社会信用代码 91320115MA12 无效：统一社会信用代码应为 18 位，当前为 12 位。"
    )


def test_units_without_a_code_are_each_told_so_and_not_reported_as_repeating_an_empty_code():
    members = (university(uscc=""), member(1, uscc=" "))
    assert outcome_and_message("LEGAL_ENTITY", filing(lead=lead(uscc=None), members=members)) == (
        Outcome.FAIL,
        f"{LEAD}未填写统一社会信用代码；{UNIVERSITY}未填写统一社会信用代码；{MEMBER_1}未填写统一社会信用代码。",
    )


def test_a_lead_is_attested_by_registering_and_a_member_only_when_it_says_so():
    result = check("LEGAL_ENTITY", filing(lead=lead(independent_legal_entity=False)))
    assert result.message == f"{LEAD}未确认为独立法人单位。"


def test_a_code_held_by_three_units_is_counted_once_with_all_three_named():
    code = uscc(101)
    members = (university(), member(1), member(2, uscc=code), member(3, uscc=code.lower()))
    assert check("LEGAL_ENTITY", filing(members=members)).message == (
        f"统一社会信用代码 {code} 重复出现 3 次：{MEMBER_1}、{MEMBER_2}、参与单位“成员企业3有限公司”。"
    )


# --- ACADEMIC_MEMBER -------------------------------------------------------------------------------------------------


def test_academic_member_names_every_university_and_institute_it_found():
    institute = university(name="南京紫峰第三代半导体研究院", kind="institute", uscc=uscc(901, category="12"))
    university_lead = lead(name="江苏秦淮理工大学", kind="university", uscc=uscc(902, category="12"))
    result = check("ACADEMIC_MEMBER", filing(lead=university_lead, members=(member(1), institute)))
    assert (result.outcome, result.message) == (
        Outcome.PASS,
        "包含高校或科研院所：牵头单位“江苏秦淮理工大学”、参与单位“南京紫峰第三代半导体研究院”。",
    )


def test_without_an_academic_unit_the_applicant_is_told_the_guideline_asks_for_one_in_principle():
    result = check("ACADEMIC_MEMBER", filing(members=(member(1), member(2))))
    assert (result.outcome, result.severity, result.justification) == (Outcome.FAIL, Severity.JUSTIFY, "")
    assert (
        result.message == "牵头单位和参与单位中没有高校或科研院所（指引原则上要求至少一家）。" + ASK_FOR_JUSTIFICATION
    )


def test_a_platform_or_other_member_is_not_an_academic_unit():
    others = (member(1, kind="platform"), member(2, kind="other"))
    assert check("ACADEMIC_MEMBER", filing(members=others)).outcome == Outcome.FAIL


# --- MEMBER_CAPABILITY -----------------------------------------------------------------------------------------------


def test_member_capability_passes_with_its_summary():
    assert outcome_and_message("MEMBER_CAPABILITY", filing()) == (
        Outcome.PASS,
        "企业成员均已说明研发能力和实质性研究工作，高校、院所成员均已说明研究团队和实验条件。",
    )


def test_member_capability_lists_each_member_and_what_it_lacks():
    members = (
        university(capability="  "),
        member(1, capability="", role=None),
        member(2, role="\n"),
        university(name="南京紫峰第三代半导体研究院", kind="institute", capability=None),
    )
    assert outcome_and_message("MEMBER_CAPABILITY", filing(members=members)) == (
        Outcome.FAIL,
        f"{UNIVERSITY}未说明研究团队和科研实验条件；"
        f"{MEMBER_1}未说明研发和技术配套能力、围绕攻关目标承担的实质性研究工作；"
        f"{MEMBER_2}未说明围绕攻关目标承担的实质性研究工作；"
        "参与单位“南京紫峰第三代半导体研究院”未说明研究团队和科研实验条件。",
    )


def test_platform_and_other_members_need_no_capability_statement():
    members = (university(), member(1, kind="platform", capability="", role=""), member(2, kind="other", capability=""))
    assert check("MEMBER_CAPABILITY", filing(members=members)).outcome == Outcome.PASS


# --- AGREEMENT -------------------------------------------------------------------------------------------------------


def test_agreement_passes_with_the_signing_date():
    assert outcome_and_message("AGREEMENT", filing()) == (Outcome.PASS, "组建协议已上传，各方已于 2026-10-28 签署。")


@pytest.mark.parametrize(
    "agreement, message",
    [
        (
            Agreement(attached=False, signed_on=None, all_parties_signed=False),
            "未上传组建协议（PDF）；未确认各方均已签署组建协议；未填写组建协议签署日期。",
        ),
        (Agreement(attached=False, signed_on=TODAY, all_parties_signed=True), "未上传组建协议（PDF）。"),
        (Agreement(attached=True, signed_on=TODAY, all_parties_signed=False), "未确认各方均已签署组建协议。"),
        (Agreement(attached=True, signed_on=None, all_parties_signed=True), "未填写组建协议签署日期。"),
        (
            Agreement(attached=True, signed_on=date(2027, 1, 5), all_parties_signed=True),
            "组建协议签署日期 2027-01-05 晚于今天（2026-11-25）。",
        ),
    ],
)
def test_agreement_names_each_gap(agreement, message):
    assert outcome_and_message("AGREEMENT", filing(agreement=agreement)) == (Outcome.FAIL, message)


# --- LEAD_QUALIFICATION ----------------------------------------------------------------------------------------------


def test_an_enterprise_lead_passes_with_its_figures_as_given():
    assert outcome_and_message("LEAD_QUALIFICATION", filing()) == (
        Outcome.PASS,
        "龙头企业牵头：上一年销售收入 52000.5 万元，研发投入 3100 万元。",
    )


def test_any_positive_figures_pass_even_below_one_wan_yuan():
    small = lead(revenue_prev_year=Decimal("0.5"), rd_expense_prev_year=Decimal("0.1"))
    assert outcome_and_message("LEAD_QUALIFICATION", filing(lead=small)) == (
        Outcome.PASS,
        "龙头企业牵头：上一年销售收入 0.5 万元，研发投入 0.1 万元。",
    )


@pytest.mark.parametrize(
    "revenue, rd, message",
    [
        (None, None, f"{LEAD}未填写上一年销售收入；{LEAD}未填写上一年研发投入。"),
        (Decimal(0), Decimal(0), f"{LEAD}的上一年销售收入应大于 0 万元；{LEAD}的上一年研发投入应大于 0 万元。"),
        (Decimal(0), Decimal(10), f"{LEAD}的上一年销售收入应大于 0 万元。"),
        (Decimal(100), Decimal(0), f"{LEAD}的上一年研发投入应大于 0 万元。"),
        (Decimal(100), None, f"{LEAD}未填写上一年研发投入。"),
        (None, Decimal(10), f"{LEAD}未填写上一年销售收入。"),
        (Decimal("0.5"), None, f"{LEAD}未填写上一年研发投入。"),
        (Decimal(-1), Decimal("0.5"), f"{LEAD}的上一年销售收入应大于 0 万元。"),
    ],
)
def test_an_enterprise_lead_is_blocked_naming_each_missing_or_zero_figure(revenue, rd, message):
    result = check("LEAD_QUALIFICATION", filing(lead=lead(revenue_prev_year=revenue, rd_expense_prev_year=rd)))
    assert (result.outcome, result.severity, result.message) == (Outcome.FAIL, Severity.BLOCK, message)


def platform_lead(level="provincial", category="manufacturing-innovation-centre"):
    return lead(name="江苏省碳化硅制造业创新中心", kind="platform", platform=Platform(level=level, category=category))


PLATFORM = "牵头单位“江苏省碳化硅制造业创新中心”"
CATEGORY_NAMES = {
    "laboratory": "实验室",
    "technology-innovation-centre": "技术创新中心",
    "manufacturing-innovation-centre": "制造业创新中心",
}


def test_a_platform_lead_passes_naming_its_level_and_category():
    named = context(platform_category_names=CATEGORY_NAMES)
    assert outcome_and_message("LEAD_QUALIFICATION", filing(lead=platform_lead()), named) == (
        Outcome.PASS,
        "重大科技平台牵头：省级制造业创新中心。",
    )
    national = platform_lead(level="national", category="future-industry-innovation-centre")
    assert outcome_and_message("LEAD_QUALIFICATION", filing(lead=national), named) == (
        Outcome.PASS,
        "重大科技平台牵头：国家级future-industry-innovation-centre。",
    )


@pytest.mark.parametrize(
    "platform, message",
    [
        (None, f"{PLATFORM}未填写平台级别（国家级或省级）；{PLATFORM}未填写平台类别。"),
        (Platform(level="city", category="laboratory"), f"{PLATFORM}未填写平台级别（国家级或省级）。"),
        (Platform(level="", category=" "), f"{PLATFORM}未填写平台级别（国家级或省级）；{PLATFORM}未填写平台类别。"),
        (Platform(level="national", category=""), f"{PLATFORM}未填写平台类别。"),
        (
            Platform(level="national", category="incubator"),
            f"{PLATFORM}的平台类别“incubator”不是重大科技平台类别"
            "（future-industry-innovation-centre、实验室、制造业创新中心、技术创新中心）之一。",
        ),
    ],
)
def test_a_platform_lead_is_blocked_naming_the_missing_or_unknown_platform_fact(platform, message):
    the_lead = lead(name="江苏省碳化硅制造业创新中心", kind="platform", platform=platform)
    result = check("LEAD_QUALIFICATION", filing(lead=the_lead), context(platform_category_names=CATEGORY_NAMES))
    assert (result.outcome, result.severity, result.message) == (Outcome.FAIL, Severity.BLOCK, message)


@pytest.mark.parametrize(
    "kind, words",
    [("other", "其他"), ("university", "高校"), ("institute", "科研院所"), ("society", "society")],
)
def test_a_lead_of_another_kind_is_asked_to_explain_its_standing(kind, words):
    result = check("LEAD_QUALIFICATION", filing(lead=lead(name="南京某研究会", kind=kind)))
    assert (result.outcome, result.severity) == (Outcome.FAIL, Severity.JUSTIFY)
    assert result.message == (
        f"牵头单位“南京某研究会”为{words}，不是指引优先支持的龙头企业或重大科技平台，需说明其牵头优势。"
        + ASK_FOR_JUSTIFICATION
    )


# --- FOCUS_FIELD -----------------------------------------------------------------------------------------------------


def test_focus_field_names_the_field_by_its_name_where_it_has_one():
    named = context(field_names={"third-gen-semiconductors": "第三代半导体"})
    assert outcome_and_message("FOCUS_FIELD", filing(), named) == (
        Outcome.PASS,
        "产业领域“第三代半导体”属于重点产业领域。",
    )
    assert outcome_and_message("FOCUS_FIELD", filing(field="robotics"), named) == (
        Outcome.PASS,
        "产业领域“robotics”属于重点产业领域。",
    )


@pytest.mark.parametrize(
    "field, message",
    [
        ("", "未填写产业领域。"),
        ("  ", "未填写产业领域。"),
        ("textiles", "产业领域“textiles”不是重点产业领域目录中的有效条目。"),
    ],
)
def test_focus_field_fails_for_a_blank_or_unlisted_field(field, message):
    assert outcome_and_message("FOCUS_FIELD", filing(field=field)) == (Outcome.FAIL, message)


# --- RESEARCH_TASKS --------------------------------------------------------------------------------------------------


def test_research_tasks_counts_the_tasks_when_they_pass():
    tasks = (task(), task(kind="first-mover"), task(kind="frontier"))
    assert outcome_and_message("RESEARCH_TASKS", filing(tasks=tasks)) == (
        Outcome.PASS,
        "共 3 项攻关任务，均有技术类型和攻关目标。",
    )


def test_research_tasks_without_any_task():
    assert outcome_and_message("RESEARCH_TASKS", filing(tasks=())) == (Outcome.FAIL, "未填写攻关任务：至少应有一项。")


def test_research_tasks_names_each_incomplete_task_by_number_and_title():
    tasks = (
        task(title="栅氧可靠性", kind="blue-sky"),
        task(),
        task(title="外延缺陷控制", kind="", objectives=None),
        task(title="异质集成", objectives="\t"),
    )
    assert outcome_and_message("RESEARCH_TASKS", filing(tasks=tasks)) == (
        Outcome.FAIL,
        "攻关任务 1“栅氧可靠性”未填写技术类型（“卡脖子”、先发优势或基础前沿）；"
        "攻关任务 3“外延缺陷控制”未填写技术类型（“卡脖子”、先发优势或基础前沿）、攻关目标；"
        "攻关任务 4“异质集成”未填写攻关目标。",
    )


# --- PERIOD and PERIOD_START -----------------------------------------------------------------------------------------


def test_period_passes_naming_the_period_and_its_latest_end():
    the_filing = filing(period=Period(start=date(2027, 1, 1), end=date(2028, 6, 30)))
    assert outcome_and_message("PERIOD", the_filing) == (
        Outcome.PASS,
        "建设周期 2027-01-01 至 2028-06-30，不超过 3 年（最迟 2029-12-31）。",
    )
    two = context(thresholds=thresholds(period_max_years=2))
    assert outcome_and_message("PERIOD", the_filing, two) == (
        Outcome.PASS,
        "建设周期 2027-01-01 至 2028-06-30，不超过 2 年（最迟 2028-12-31）。",
    )


@pytest.mark.parametrize(
    "start, end, message",
    [
        (None, None, "未填写建设周期的开始和结束日期。"),
        (date(2027, 1, 1), None, "未填写建设周期的开始和结束日期。"),
        (None, date(2029, 12, 31), "未填写建设周期的开始和结束日期。"),
        (date(2027, 1, 1), date(2027, 1, 1), "建设周期结束日期 2027-01-01 应晚于开始日期 2027-01-01。"),
        (date(2027, 1, 1), date(2026, 12, 31), "建设周期结束日期 2026-12-31 应晚于开始日期 2027-01-01。"),
        (
            date(2027, 1, 1),
            date(2030, 1, 1),
            "建设周期 2027-01-01 至 2030-01-01 超过 3 年：结束日期最迟为 2029-12-31。",
        ),
        (
            date(2024, 2, 29),
            date(2027, 3, 1),
            "建设周期 2024-02-29 至 2027-03-01 超过 3 年：结束日期最迟为 2027-02-28。",
        ),
    ],
)
def test_period_fails_naming_the_dates_and_the_latest_end(start, end, message):
    assert outcome_and_message("PERIOD", filing(period=Period(start=start, end=end))) == (Outcome.FAIL, message)


def test_a_period_of_one_day_passes():
    assert check("PERIOD", filing(period=Period(start=date(2027, 1, 1), end=date(2027, 1, 2)))).outcome == Outcome.PASS


@pytest.mark.parametrize(
    "start, outcome, message",
    [
        (None, Outcome.PASS, "尚未填写建设周期开始日期，填写后核验。"),
        (TODAY, Outcome.PASS, "建设周期开始日期 2026-11-25 不早于今天（2026-11-25）。"),
        (date(2027, 1, 1), Outcome.PASS, "建设周期开始日期 2027-01-01 不早于今天（2026-11-25）。"),
        (
            date(2026, 11, 24),
            Outcome.FAIL,
            "建设周期开始日期 2026-11-24 早于今天（2026-11-25）：批准备案后，建设期最早自批准之日起计算。",
        ),
    ],
)
def test_period_start_tells_the_applicant_when_the_period_will_begin(start, outcome, message):
    result = check("PERIOD_START", filing(period=Period(start=start, end=date(2029, 12, 31))))
    assert (result.outcome, result.severity, result.message) == (outcome, Severity.ADVISE, message)


# --- INTEGRITY -------------------------------------------------------------------------------------------------------


class RecordsByCode:
    """A dishonesty source as the portal's: records kept under normalised codes, asked with normalised codes."""

    def __init__(self, *records):
        self.records = records
        self.asked = []

    def active_records(self, usccs, *, on):
        self.asked.append((sorted(usccs), on))
        wanted = set(usccs)
        return [record for record in self.records if "".join(record.uscc.split()).upper() in wanted]


def test_integrity_passes_with_its_message():
    assert outcome_and_message("INTEGRITY", filing()) == (Outcome.PASS, "各单位均无有效的失信信息记录。")


def test_integrity_names_each_barred_unit_in_code_order_and_asks_with_the_normalised_codes_of_today():
    barred_later, barred_earlier = uscc(102), uscc(101)
    source = RecordsByCode(
        # As a source may keep them: spaced and in lower case; two records for one unit name it once.
        DishonestyRecord(uscc=" ".join([barred_later[:9], barred_later[9:]]).lower(), until=date(2028, 1, 1)),
        DishonestyRecord(uscc=barred_earlier),
        DishonestyRecord(uscc=barred_earlier, reason="第二条记录"),
    )
    members = (university(uscc=""), member(2, uscc=barred_later.lower()), member(1))
    result = check("INTEGRITY", filing(members=members), context(dishonesty=source))
    assert (result.outcome, result.severity) == (Outcome.FAIL, Severity.BLOCK)
    assert result.message == (
        f"{MEMBER_1}（统一社会信用代码 {barred_earlier}）{BARRED}；"
        f"{MEMBER_2}（统一社会信用代码 {barred_later}）{BARRED}。"
    )
    assert source.asked == [(sorted([uscc(1), barred_later, barred_earlier]), TODAY)]


def test_two_units_sharing_a_barred_code_are_both_named():
    code = uscc(101)
    source = RecordsByCode(DishonestyRecord(uscc=code))
    members = (university(), member(1), member(2, uscc=code))
    assert check("INTEGRITY", filing(members=members), context(dishonesty=source)).message == (
        f"{MEMBER_1}（统一社会信用代码 {code}）{BARRED}；{MEMBER_2}（统一社会信用代码 {code}）{BARRED}。"
    )


class EveryRecordInForce:
    """A source that answers with every record in force, whatever it was asked."""

    def __init__(self, *records):
        self.records = records

    def active_records(self, usccs, *, on):
        return list(self.records)


def test_records_of_units_outside_the_filing_are_not_counted_even_when_a_source_returns_them():
    source = EveryRecordInForce(DishonestyRecord(uscc=uscc(555)), DishonestyRecord(uscc=uscc(101)))
    assert check("INTEGRITY", filing(members=(university(), member(2))), context(dishonesty=source)).outcome == (
        Outcome.PASS
    )
    assert check("INTEGRITY", filing(), context(dishonesty=source)).message == (
        f"{MEMBER_1}（统一社会信用代码 {uscc(101)}）{BARRED}。"
    )


def test_a_barred_lead_is_named_as_the_lead():
    source = RecordsByCode(DishonestyRecord(uscc=uscc(1)))
    assert check("INTEGRITY", filing(), context(dishonesty=source)).message == (
        f"{LEAD}（统一社会信用代码 {uscc(1)}）{BARRED}。"
    )


# --- GOVERNANCE ------------------------------------------------------------------------------------------------------


def test_governance_passes_counting_the_experts_and_the_committee():
    assert outcome_and_message("GOVERNANCE", filing()) == (
        Outcome.PASS,
        "已设理事会（牵头单位负责人任理事长）、首席专家 1 名、专家咨询委员会 2 人。",
    )
    governance = Governance(
        council=True,
        council_chair_is_lead_head=True,
        chief_experts=("秦文博", " ", "顾敏"),
        advisory_committee=("周立衡", "", "沈浩然", "陆然"),
    )
    assert check("GOVERNANCE", filing(governance=governance)).message == (
        "已设理事会（牵头单位负责人任理事长）、首席专家 2 名、专家咨询委员会 3 人。"
    )


@pytest.mark.parametrize(
    "governance, missing",
    [
        (Governance(), "由牵头单位负责人担任理事长的理事会、首席专家、专家咨询委员会"),
        (
            Governance(council=False, council_chair_is_lead_head=True, chief_experts=("秦文博",)),
            "由牵头单位负责人担任理事长的理事会、专家咨询委员会",
        ),
        (
            Governance(council=True, chief_experts=(" ",), advisory_committee=("周立衡",)),
            "由牵头单位负责人担任理事会理事长、首席专家",
        ),
        (
            Governance(
                council=True, council_chair_is_lead_head=True, chief_experts=("秦文博",), advisory_committee=("",)
            ),
            "专家咨询委员会",
        ),
    ],
)
def test_governance_lists_what_the_guideline_encourages_and_is_missing(governance, missing):
    result = check("GOVERNANCE", filing(governance=governance))
    assert (result.outcome, result.severity, result.message) == (
        Outcome.FAIL,
        Severity.ADVISE,
        f"指引鼓励、尚未具备：{missing}。",
    )
