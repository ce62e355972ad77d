"""The registry and the evaluation: order, eligibility, the thresholds used, and rules as data."""

from consortia.eligibility import RULES, Governance, Rule, Severity, evaluate
from consortia.eligibility.outcomes import failed, passed
from consortia.eligibility.thresholds import Thresholds

from .builders import RULE_ORDER, context, filing, member, thresholds


def test_rules_are_registered_in_the_order_of_design_section_4_with_their_clauses_and_severities():
    assert [(rule.code, rule.clause_label, rule.severity) for rule in RULES] == [
        ("MEMBERS_MIN", "一", Severity.BLOCK),
        ("LEGAL_ENTITY", "三（五）", Severity.BLOCK),
        ("ACADEMIC_MEMBER", "三（五）", Severity.JUSTIFY),
        ("MEMBER_CAPABILITY", "三（五）", Severity.BLOCK),
        ("AGREEMENT", "三（二）", Severity.BLOCK),
        ("LEAD_QUALIFICATION", "三（四）", Severity.BLOCK),
        ("FOCUS_FIELD", "三（一）/二", Severity.BLOCK),
        ("RESEARCH_TASKS", "二", Severity.BLOCK),
        ("PERIOD", "一/五（一）", Severity.BLOCK),
        ("PERIOD_START", "一/五（一）", Severity.ADVISE),
        ("INTEGRITY", "五（三）", Severity.BLOCK),
        ("GOVERNANCE", "三（三）", Severity.ADVISE),
    ]


def test_every_rule_cites_a_clause_id_of_the_english_rendering():
    assert {rule.code: rule.clause for rule in RULES}["LEGAL_ENTITY"] == "§3.5"
    assert all(rule.clause.startswith("§") for rule in RULES)


def test_results_come_in_registry_order():
    assert [result.code for result in evaluate(filing(), context()).results] == RULE_ORDER


def test_the_evaluation_records_the_thresholds_it_used():
    used = thresholds(members_min=3, justification_min_length=40)
    evaluation = evaluate(filing(), context(thresholds=used))
    assert evaluation.thresholds == used
    assert evaluation.thresholds.as_dict()["members_min"] == 3
    assert evaluation.thresholds.as_dict()["rd_band_small_revenue_max"] == 5000
    assert not evaluation.eligible  # lead + 2 members no longer meets a minimum of 3 members


def test_an_advisory_failure_leaves_the_filing_eligible_but_a_justify_failure_does_not():
    assert evaluate(filing(governance=Governance()), context()).eligible
    assert not evaluate(filing(members=(member(1), member(2))), context()).eligible


def name_is_not_a_test(the_filing, the_context):
    return failed("名称中含有“测试”。") if "测试" in the_filing.name else passed("名称正常。")


def test_adding_a_rule_is_adding_one_entry_to_the_registry():
    extra = Rule(
        code="NAME_NOT_TEST",
        clause="§1.a",
        clause_label="一",
        severity=Severity.BLOCK,
        title="名称",
        check=name_is_not_a_test,
    )
    registry = (*RULES, extra)
    evaluation = evaluate(filing(name="测试联合体"), context(), rules=registry)
    assert [result.code for result in evaluation.results] == [*RULE_ORDER, "NAME_NOT_TEST"]
    assert evaluation.results[-1].blocks
    assert not evaluation.eligible
    assert evaluate(filing(), context(), rules=registry).eligible


def test_default_thresholds_are_those_of_design_section_4():
    defaults = Thresholds()
    assert (defaults.members_min, defaults.period_max_years) == (2, 3)
    bands = [defaults.rd_band_for(revenue).min_percent for revenue in (4999, 5000, 5001, 20000, 20001)]
    assert bands == [5, 5, 4, 4, 3]
