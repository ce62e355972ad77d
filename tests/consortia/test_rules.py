"""Each condition of the guideline (DESIGN §4): what passes, what fails, and the edges. Pure: no database."""

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest

from consortia.eligibility import DishonestyRecord, Governance, Period, Platform, evaluate
from consortia.eligibility.engine import apply_rule
from consortia.eligibility.outcomes import Outcome, Severity
from consortia.eligibility.periods import latest_end
from consortia.eligibility.rules import RULES_BY_CODE

from .builders import TODAY, context, filing, lead, member, task, thresholds, university, uscc

JUSTIFICATION = "本联合体攻关任务集中在量产工艺和用户产线验证，牵头单位已与高校签订长期技术合作协议。"


def check(code, the_filing, the_context=None):
    return apply_rule(RULES_BY_CODE[code], the_filing, the_context or context())


def test_the_baseline_filing_passes_every_rule():
    evaluation = evaluate(filing(), context())
    assert [(r.code, r.outcome) for r in evaluation.results if r.outcome != Outcome.PASS] == []
    assert evaluation.eligible


# --- MEMBERS_MIN (一, §1.a) -------------------------------------------------------------------------------------------


def test_lead_and_two_members_pass_members_min_with_the_default():
    result = check("MEMBERS_MIN", filing(members=(university(), member(1))))
    assert result.outcome == Outcome.PASS
    assert "共 3 家" in result.message


def test_lead_and_one_member_fails_members_min_and_says_how_many_are_missing():
    result = check("MEMBERS_MIN", filing(members=(university(),)))
    assert result.outcome == Outcome.FAIL
    assert result.severity == Severity.BLOCK
    assert "共 2 家，少于 3 家" in result.message
    assert "再增加 1 家参与单位" in result.message


def test_members_min_reads_its_threshold_from_the_context():
    three_members = context(thresholds=thresholds(members_min=3))
    assert check("MEMBERS_MIN", filing(), three_members).outcome == Outcome.FAIL
    assert check("MEMBERS_MIN", filing(members=(university(), member(1), member(2))), three_members).outcome == (
        Outcome.PASS
    )


# --- LEGAL_ENTITY (三（五）) -----------------------------------------------------------------------------------------


def test_units_with_valid_distinct_codes_and_attestations_pass_legal_entity():
    assert check("LEGAL_ENTITY", filing()).outcome == Outcome.PASS


def test_a_member_code_with_a_wrong_check_character_fails_naming_the_member():
    code = uscc(101)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    result = check("LEGAL_ENTITY", filing(members=(university(), member(1, uscc=wrong))))
    assert result.outcome == Outcome.FAIL
    assert "参与单位“成员企业1有限公司”" in result.message
    assert wrong in result.message
    assert f"应为“{code[17]}”" in result.message


def test_the_lead_code_is_checked_too():
    result = check("LEGAL_ENTITY", filing(lead=lead(uscc="91320115MA1W8KQ3X")))
    assert result.outcome == Outcome.FAIL
    assert "牵头单位“南京芯源半导体科技有限公司”" in result.message
    assert "18 位" in result.message


def test_a_member_without_a_code_fails_legal_entity():
    result = check("LEGAL_ENTITY", filing(members=(university(), member(1, uscc="  "))))
    assert result.outcome == Outcome.FAIL
    assert "参与单位“成员企业1有限公司”未填写统一社会信用代码" in result.message


def test_a_member_not_attested_as_an_independent_legal_entity_fails():
    result = check("LEGAL_ENTITY", filing(members=(university(), member(1, independent_legal_entity=False))))
    assert result.outcome == Outcome.FAIL
    assert "参与单位“成员企业1有限公司”未确认为独立法人单位" in result.message


def test_a_code_in_lower_case_with_spaces_is_normalised_before_the_repeat_check():
    code = uscc(101)
    typed = " ".join([code[:4], code[4:8], code[8:12], code[12:]]).lower()
    members = (university(), member(1), member(2, uscc=typed))
    result = check("LEGAL_ENTITY", filing(members=members))
    assert result.outcome == Outcome.FAIL
    assert f"统一社会信用代码 {code} 重复出现 2 次" in result.message
    assert "参与单位“成员企业1有限公司”、参与单位“成员企业2有限公司”" in result.message


def test_a_member_repeating_the_lead_code_fails_naming_both():
    result = check("LEGAL_ENTITY", filing(members=(university(), member(1, uscc=uscc(1)))))
    assert result.outcome == Outcome.FAIL
    assert "牵头单位“南京芯源半导体科技有限公司”、参与单位“成员企业1有限公司”" in result.message


# --- ACADEMIC_MEMBER (三（五）, justify) ------------------------------------------------------------------------------


def test_a_university_member_passes_academic_member():
    result = check("ACADEMIC_MEMBER", filing())
    assert result.outcome == Outcome.PASS
    assert "江苏秦淮理工大学" in result.message


def test_an_institute_member_passes_academic_member():
    institute = university(name="南京紫峰第三代半导体研究院", kind="institute")
    assert check("ACADEMIC_MEMBER", filing(members=(institute, member(1)))).outcome == Outcome.PASS


def test_a_lead_that_is_itself_a_university_satisfies_academic_member():
    university_lead = lead(name="江苏秦淮理工大学", kind="university")
    result = check("ACADEMIC_MEMBER", filing(lead=university_lead, members=(member(1), member(2))))
    assert result.outcome == Outcome.PASS
    assert "牵头单位“江苏秦淮理工大学”" in result.message


def test_no_university_or_institute_without_a_justification_fails_and_asks_for_one():
    result = check("ACADEMIC_MEMBER", filing(members=(member(1), member(2))))
    assert result.outcome == Outcome.FAIL
    assert result.severity == Severity.JUSTIFY
    assert "没有高校或科研院所" in result.message
    assert "请提交书面说明（至少 20 字）" in result.message


def test_no_university_or_institute_with_a_written_justification_is_justified():
    result = check(
        "ACADEMIC_MEMBER", filing(members=(member(1), member(2)), justifications={"ACADEMIC_MEMBER": JUSTIFICATION})
    )
    assert result.outcome == Outcome.JUSTIFIED
    assert result.justification == JUSTIFICATION
    assert not result.blocks


def test_a_justification_of_exactly_the_minimum_length_passes_and_one_character_less_fails():
    exactly = "甲" * 10 + " \n " + "乙" * 10  # whitespace does not count
    short = "甲" * 19
    no_academic = {"members": (member(1), member(2))}
    assert (
        check("ACADEMIC_MEMBER", filing(**no_academic, justifications={"ACADEMIC_MEMBER": exactly})).outcome
        == Outcome.JUSTIFIED
    )
    result = check("ACADEMIC_MEMBER", filing(**no_academic, justifications={"ACADEMIC_MEMBER": short}))
    assert result.outcome == Outcome.FAIL
    assert "书面说明仅 19 字，至少需要 20 字" in result.message


def test_the_minimum_justification_length_is_a_threshold():
    longer = context(thresholds=thresholds(justification_min_length=60))
    result = check(
        "ACADEMIC_MEMBER",
        filing(members=(member(1), member(2)), justifications={"ACADEMIC_MEMBER": JUSTIFICATION}),
        longer,
    )
    assert result.outcome == Outcome.FAIL
    assert "至少需要 60 字" in result.message


def test_a_justification_filed_under_another_rule_does_not_justify_academic_member():
    result = check(
        "ACADEMIC_MEMBER",
        filing(members=(member(1), member(2)), justifications={"LEAD_QUALIFICATION": JUSTIFICATION}),
    )
    assert result.outcome == Outcome.FAIL


# --- MEMBER_CAPABILITY (三（五）) ------------------------------------------------------------------------------------


def test_members_stating_their_capability_and_work_pass():
    assert check("MEMBER_CAPABILITY", filing()).outcome == Outcome.PASS


def test_an_enterprise_member_without_its_rd_capability_fails_naming_it():
    result = check("MEMBER_CAPABILITY", filing(members=(university(), member(1), member(2, capability=" \n"))))
    assert result.outcome == Outcome.FAIL
    assert "参与单位“成员企业2有限公司”未说明研发和技术配套能力" in result.message
    assert "成员企业1" not in result.message


def test_an_enterprise_member_without_its_substantive_work_fails():
    result = check("MEMBER_CAPABILITY", filing(members=(university(), member(1, role=""))))
    assert result.outcome == Outcome.FAIL
    assert "参与单位“成员企业1有限公司”未说明围绕攻关目标承担的实质性研究工作" in result.message


def test_a_university_member_without_its_team_and_lab_conditions_fails():
    result = check("MEMBER_CAPABILITY", filing(members=(university(capability=""), member(1))))
    assert result.outcome == Outcome.FAIL
    assert "参与单位“江苏秦淮理工大学”未说明研究团队和科研实验条件" in result.message


def test_a_university_member_needs_no_separate_role_statement():
    # §3.5.b asks universities for team and lab conditions; the substantive-work statement is §3.5.a's, for enterprises.
    assert check("MEMBER_CAPABILITY", filing(members=(university(role=""), member(1)))).outcome == Outcome.PASS


# --- AGREEMENT (三（二）) --------------------------------------------------------------------------------------------


def agreement(**changes):
    return dataclasses.replace(filing().agreement, **changes)


def test_an_attached_agreement_signed_by_all_in_the_past_passes():
    assert check("AGREEMENT", filing()).outcome == Outcome.PASS


def test_an_agreement_signed_today_passes_and_tomorrow_fails():
    assert check("AGREEMENT", filing(agreement=agreement(signed_on=TODAY))).outcome == Outcome.PASS
    result = check("AGREEMENT", filing(agreement=agreement(signed_on=TODAY + timedelta(days=1))))
    assert result.outcome == Outcome.FAIL
    assert "签署日期 2026-11-26 晚于今天（2026-11-25）" in result.message


def test_an_agreement_not_attached_or_not_signed_by_all_fails_listing_each_gap():
    result = check("AGREEMENT", filing(agreement=agreement(attached=False, all_parties_signed=False, signed_on=None)))
    assert result.outcome == Outcome.FAIL
    assert "未上传组建协议（PDF）" in result.message
    assert "未确认各方均已签署组建协议" in result.message
    assert "未填写组建协议签署日期" in result.message


# --- LEAD_QUALIFICATION (三（四）, block / justify) -------------------------------------------------------------------


def test_an_enterprise_lead_with_revenue_and_rd_expense_passes():
    result = check("LEAD_QUALIFICATION", filing())
    assert result.outcome == Outcome.PASS
    assert result.severity == Severity.BLOCK


def test_an_enterprise_lead_with_zero_revenue_or_missing_rd_expense_is_blocked():
    result = check("LEAD_QUALIFICATION", filing(lead=lead(revenue_prev_year=Decimal(0), rd_expense_prev_year=None)))
    assert result.outcome == Outcome.FAIL
    assert result.severity == Severity.BLOCK
    assert "上一年销售收入应大于 0 万元" in result.message
    assert "未填写上一年研发投入" in result.message


def test_a_justification_does_not_lift_a_block():
    result = check(
        "LEAD_QUALIFICATION",
        filing(lead=lead(revenue_prev_year=None), justifications={"LEAD_QUALIFICATION": JUSTIFICATION}),
    )
    assert result.outcome == Outcome.FAIL


def test_a_provincial_manufacturing_innovation_centre_lead_passes():
    platform_lead = lead(
        kind="platform", platform=Platform(level="provincial", category="manufacturing-innovation-centre")
    )
    result = check("LEAD_QUALIFICATION", filing(lead=platform_lead))
    assert result.outcome == Outcome.PASS
    assert "省级" in result.message


def test_a_platform_lead_without_level_and_category_fails():
    result = check("LEAD_QUALIFICATION", filing(lead=lead(kind="platform", platform=None)))
    assert result.outcome == Outcome.FAIL
    assert "未填写平台级别" in result.message
    assert "未填写平台类别" in result.message


def test_a_platform_lead_of_an_unknown_category_fails_naming_it():
    platform_lead = lead(kind="platform", platform=Platform(level="national", category="incubator"))
    result = check("LEAD_QUALIFICATION", filing(lead=platform_lead))
    assert result.outcome == Outcome.FAIL
    assert "平台类别“incubator”不是重大科技平台类别（" in result.message
    assert "manufacturing-innovation-centre" in result.message


def test_a_lead_of_another_kind_must_justify_itself():
    other = filing(lead=lead(name="南京某研究会", kind="other"))
    result = check("LEAD_QUALIFICATION", other)
    assert (result.outcome, result.severity) == (Outcome.FAIL, Severity.JUSTIFY)
    assert "牵头单位“南京某研究会”为其他" in result.message
    justified = check(
        "LEAD_QUALIFICATION", dataclasses.replace(other, justifications={"LEAD_QUALIFICATION": JUSTIFICATION})
    )
    assert (justified.outcome, justified.severity) == (Outcome.JUSTIFIED, Severity.JUSTIFY)


# --- FOCUS_FIELD (三（一）/二) -------------------------------------------------------------------------------------


def test_an_active_industry_field_passes():
    assert check("FOCUS_FIELD", filing(field="integrated-circuits")).outcome == Outcome.PASS


def test_an_unknown_or_inactive_industry_field_fails_naming_it():
    result = check("FOCUS_FIELD", filing(field="textiles"))
    assert result.outcome == Outcome.FAIL
    assert "“textiles”" in result.message
    # Deactivated fields are simply absent from the context's active codes.
    without_robotics = context(active_field_codes=frozenset({"integrated-circuits"}))
    assert check("FOCUS_FIELD", filing(field="robotics"), without_robotics).outcome == Outcome.FAIL


# --- RESEARCH_TASKS (二) --------------------------------------------------------------------------------------------


def test_tasks_with_a_technology_kind_and_objectives_pass():
    assert check("RESEARCH_TASKS", filing(tasks=(task(), task(kind="frontier")))).outcome == Outcome.PASS


def test_no_research_task_fails():
    result = check("RESEARCH_TASKS", filing(tasks=()))
    assert result.outcome == Outcome.FAIL
    assert "至少应有一项" in result.message


def test_a_task_without_kind_or_objectives_fails_naming_the_task():
    result = check("RESEARCH_TASKS", filing(tasks=(task(), task(title="外延缺陷控制", kind="", objectives=" "))))
    assert result.outcome == Outcome.FAIL
    assert "攻关任务 2“外延缺陷控制”未填写技术类型" in result.message
    assert "攻关目标" in result.message
    assert "攻关任务 1" not in result.message


# --- PERIOD (一/五（一）) -------------------------------------------------------------------------------------------


def period_result(start, end, the_context=None):
    return check("PERIOD", filing(period=Period(start=start, end=end)), the_context)


def test_a_period_of_exactly_three_years_minus_one_day_passes():
    assert period_result(date(2027, 1, 1), date(2029, 12, 31)).outcome == Outcome.PASS


def test_a_period_one_day_longer_fails_and_names_the_latest_end():
    result = period_result(date(2027, 1, 1), date(2030, 1, 1))
    assert result.outcome == Outcome.FAIL
    assert "结束日期最迟为 2029-12-31" in result.message


def test_a_period_starting_on_29_february_may_end_on_28_february_three_years_later():
    assert latest_end(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert period_result(date(2024, 2, 29), date(2027, 2, 28)).outcome == Outcome.PASS
    assert period_result(date(2024, 2, 29), date(2027, 3, 1)).outcome == Outcome.FAIL


def test_the_day_before_29_february_and_the_day_after_keep_their_own_anniversaries():
    assert latest_end(date(2024, 2, 28), 3) == date(2027, 2, 27)
    assert latest_end(date(2024, 3, 1), 3) == date(2027, 2, 28)
    # Four years on, 29 February exists again.
    assert latest_end(date(2024, 2, 29), 4) == date(2028, 2, 28)


def test_an_end_not_after_the_start_fails():
    assert period_result(date(2027, 1, 1), date(2027, 1, 1)).outcome == Outcome.FAIL
    result = period_result(date(2027, 1, 1), date(2026, 12, 31))
    assert result.outcome == Outcome.FAIL
    assert "应晚于开始日期 2027-01-01" in result.message


def test_a_period_without_dates_fails():
    assert period_result(None, date(2029, 12, 31)).outcome == Outcome.FAIL


def test_the_maximum_period_is_a_threshold():
    two_years = context(thresholds=thresholds(period_max_years=2))
    result = period_result(date(2027, 1, 1), date(2029, 12, 31), two_years)
    assert result.outcome == Outcome.FAIL
    assert "超过 2 年：结束日期最迟为 2028-12-31" in result.message


# --- PERIOD_START (一/五（一）, advise) -------------------------------------------------------------------------------


def period_start_result(start):
    return check("PERIOD_START", filing(period=Period(start=start, end=latest_end(start, 3) if start else None)))


def test_a_planned_start_today_or_later_passes_period_start():
    assert period_start_result(TODAY).outcome == Outcome.PASS
    assert period_start_result(TODAY + timedelta(days=1)).outcome == Outcome.PASS


def test_a_planned_start_in_the_past_is_advised_on_and_does_not_block():
    yesterday = TODAY - timedelta(days=1)
    result = period_start_result(yesterday)
    assert (result.outcome, result.severity) == (Outcome.FAIL, Severity.ADVISE)
    assert f"建设周期开始日期 {yesterday.isoformat()} 早于今天（{TODAY.isoformat()}）" in result.message
    assert "建设期最早自批准之日起计算" in result.message
    evaluation = evaluate(filing(period=Period(start=yesterday, end=latest_end(yesterday, 3))), context())
    assert evaluation.eligible
    assert not any(r.blocks for r in evaluation.results)


def test_a_start_not_yet_given_is_left_to_period():
    evaluation = evaluate(filing(period=Period(start=None, end=date(2029, 12, 31))), context())
    outcomes = {r.code: r.outcome for r in evaluation.results}
    assert (outcomes["PERIOD"], outcomes["PERIOD_START"]) == (Outcome.FAIL, Outcome.PASS)


# --- INTEGRITY (五（三）) -------------------------------------------------------------------------------------------


class FakeDishonestySource:
    def __init__(self, *records):
        self.records = records
        self.asked = []

    def active_records(self, usccs, *, on):
        self.asked.append((set(usccs), on))
        return [record for record in self.records if record.uscc in usccs]


def test_no_dishonesty_record_passes_integrity():
    # The context's default source is the empty one the portal has until revocations keep records.
    assert check("INTEGRITY", filing()).outcome == Outcome.PASS


def test_a_member_under_an_active_dishonesty_record_fails_naming_it():
    source = FakeDishonestySource(DishonestyRecord(uscc=uscc(101), name="成员企业1有限公司", until=date(2028, 6, 30)))
    typed_lower = member(1, uscc=uscc(101).lower())
    result = check("INTEGRITY", filing(members=(university(), typed_lower)), context(dishonesty=source))
    assert result.outcome == Outcome.FAIL
    assert result.severity == Severity.BLOCK
    assert f"参与单位“成员企业1有限公司”（统一社会信用代码 {uscc(101)}）列入失信信息记录" in result.message
    # The applicant is told whom to ask, not the record's term or reason (reviewers read those beside the results).
    assert "详情请联系市科技局" in result.message and "2028-06-30" not in result.message
    asked_codes, asked_on = source.asked[0]
    assert asked_on == TODAY
    assert asked_codes == {uscc(1), uscc(900, category="12"), uscc(101)}


def test_a_record_of_a_unit_outside_the_filing_does_not_count():
    source = FakeDishonestySource(DishonestyRecord(uscc=uscc(555)))
    assert check("INTEGRITY", filing(), context(dishonesty=source)).outcome == Outcome.PASS


# --- GOVERNANCE (三（三）, advise) ----------------------------------------------------------------------------------


def test_council_chief_expert_and_advisory_committee_pass_governance():
    assert check("GOVERNANCE", filing()).outcome == Outcome.PASS


def test_missing_governance_is_listed_but_does_not_block():
    bare = filing(governance=Governance())
    result = check("GOVERNANCE", bare)
    assert (result.outcome, result.severity) == (Outcome.FAIL, Severity.ADVISE)
    assert "由牵头单位负责人担任理事长的理事会、首席专家、专家咨询委员会" in result.message
    assert evaluate(bare, context()).eligible


def test_a_council_chaired_by_someone_else_is_listed():
    governance = Governance(
        council=True, council_chair_is_lead_head=False, chief_experts=("秦文博",), advisory_committee=("周立衡",)
    )
    result = check("GOVERNANCE", filing(governance=governance))
    assert result.outcome == Outcome.FAIL
    assert "尚未具备：由牵头单位负责人担任理事会理事长。" in result.message


@pytest.mark.parametrize(
    "changes",
    [
        {"members": (university(),)},
        {"field": "textiles"},
        {"tasks": ()},
        {"period": Period(start=date(2027, 1, 1), end=date(2030, 1, 1))},
        {"members": (member(1), member(2))},
    ],
    ids=["members_min", "focus_field", "research_tasks", "period", "academic_member_unjustified"],
)
def test_a_failed_block_or_unjustified_condition_makes_the_filing_ineligible(changes):
    assert not evaluate(filing(**changes), context()).eligible
