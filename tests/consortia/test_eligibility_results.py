"""What an evaluation hands on: each rule's result (its code, clause, severity, outcome, message, the justification
that made it pass) and the evaluation as DESIGN §9 prints it. Pure: no database."""

from datetime import date
from decimal import Decimal

import pytest

from consortia.eligibility import RULES, Governance, Period, Rule, Severity, evaluate
from consortia.eligibility.engine import RuleResult, apply_rule, justification_length
from consortia.eligibility.outcomes import Check, Outcome, failed, passed
from consortia.eligibility.rules import RULES_BY_CODE

from .builders import RULE_ORDER, TODAY, context, filing, member, thresholds

NO_ACADEMIC = "牵头单位和参与单位中没有高校或科研院所（指引原则上要求至少一家）。"


def academic(justification=None, the_context=None):
    changes = {} if justification is None else {"justifications": {"ACADEMIC_MEMBER": justification}}
    return apply_rule(
        RULES_BY_CODE["ACADEMIC_MEMBER"], filing(members=(member(1), member(2)), **changes), the_context or context()
    )


def test_a_justification_long_enough_is_kept_stripped_and_counted_without_whitespace():
    text = "  本联合体攻关任务集中在量产工艺，\n 牵头单位已与高校签订长期合作协议。 \n"
    result = academic(text)
    assert result == RuleResult(
        RULES_BY_CODE["ACADEMIC_MEMBER"],
        Severity.JUSTIFY,
        Outcome.JUSTIFIED,
        NO_ACADEMIC + "已提交书面说明（33 字）。",
        "本联合体攻关任务集中在量产工艺，\n 牵头单位已与高校签订长期合作协议。",
    )
    assert justification_length(text) == 33


def test_a_short_justification_says_how_short_it_is_and_keeps_nothing():
    result = academic("因地制宜。")
    assert (result.outcome, result.justification) == (Outcome.FAIL, "")
    assert result.message == NO_ACADEMIC + "书面说明仅 5 字，至少需要 20 字。"
    stricter = context(thresholds=thresholds(justification_min_length=30))
    assert academic("甲" * 29, stricter).message == NO_ACADEMIC + "书面说明仅 29 字，至少需要 30 字。"


@pytest.mark.parametrize("blank", [None, "", " \n\t "])
def test_an_empty_or_blank_justification_is_asked_for_with_the_minimum(blank):
    result = academic(blank)
    assert (result.outcome, result.justification) == (Outcome.FAIL, "")
    assert result.message == NO_ACADEMIC + "确有理由的，请提交书面说明（至少 20 字）。"


def test_a_passing_or_blocking_result_carries_no_justification():
    justification = {"justifications": {"ACADEMIC_MEMBER": "甲" * 30, "LEAD_QUALIFICATION": "乙" * 30}}
    passing = apply_rule(RULES_BY_CODE["ACADEMIC_MEMBER"], filing(**justification), context())
    assert (passing.outcome, passing.justification) == (Outcome.PASS, "")
    blocked = apply_rule(RULES_BY_CODE["MEMBERS_MIN"], filing(members=(), **justification), context())
    assert (blocked.outcome, blocked.severity, blocked.justification) == (Outcome.FAIL, Severity.BLOCK, "")


def test_justification_length_counts_characters_that_are_not_whitespace():
    assert justification_length(None) == 0
    assert justification_length("") == 0
    assert justification_length(" 甲 乙\n丙\t") == 3


def test_a_result_answers_for_its_rule():
    result = academic()
    rule = RULES_BY_CODE["ACADEMIC_MEMBER"]
    assert (result.code, result.clause, result.clause_label, result.title) == (
        "ACADEMIC_MEMBER",
        "§3.5",
        "三（五）",
        rule.title,
    )
    assert str(result.title) == "原则上包含高校或科研院所"
    assert result.as_dict() == {
        "code": "ACADEMIC_MEMBER",
        "clause": "三（五）",
        "severity": "justify",
        "outcome": "fail",
        "message": NO_ACADEMIC + "确有理由的，请提交书面说明（至少 20 字）。",
    }


def always(check):
    return Rule(
        code="X", clause="§1.a", clause_label="一", severity=Severity.BLOCK, title="x", check=lambda f, c: check
    )


@pytest.mark.parametrize(
    "check, outcome, severity, message, blocks",
    [
        (passed("好。"), Outcome.PASS, Severity.BLOCK, "好。", False),
        (failed("坏。"), Outcome.FAIL, Severity.BLOCK, "坏。", True),
        (failed("提示。", severity=Severity.ADVISE), Outcome.FAIL, Severity.ADVISE, "提示。", False),
        (
            failed("需说明。", severity=Severity.JUSTIFY),
            Outcome.FAIL,
            Severity.JUSTIFY,
            "需说明。确有理由的，请提交书面说明（至少 20 字）。",
            True,
        ),
        (Check(True, "好。", Severity.ADVISE), Outcome.PASS, Severity.ADVISE, "好。", False),
    ],
)
def test_only_a_failed_block_or_justify_condition_blocks(check, outcome, severity, message, blocks):
    """A check's own severity overrides the rule's; a justify failure without a justification asks for one."""
    result = apply_rule(always(check), filing(), context())
    assert (result.outcome, result.severity, result.message, result.blocks) == (outcome, severity, message, blocks)


def test_a_justified_result_does_not_block():
    assert academic("甲" * 20).blocks is False
    assert academic("甲" * 19).blocks is True


def test_checks_report_only_pass_or_fail_and_an_override_of_the_severity():
    assert passed("好。") == Check(True, "好。", None)
    assert failed("坏。") == Check(False, "坏。", None)
    assert failed("坏。", severity=Severity.JUSTIFY) == Check(False, "坏。", Severity.JUSTIFY)


def test_the_evaluation_as_json_is_the_verdict_the_results_in_order_and_the_priority():
    the_filing = filing(governance=Governance(), period=Period(start=date(2026, 11, 1), end=date(2029, 10, 31)))
    evaluation = evaluate(the_filing, context())
    assert evaluation.evaluated_on == TODAY
    data = evaluation.as_dict()
    assert list(data) == ["eligible", "results", "priority"]
    assert data["eligible"] is True
    assert data["results"] == [result.as_dict() for result in evaluation.results]
    assert [(r["code"], r["clause"], r["severity"], r["outcome"]) for r in data["results"]] == [
        ("MEMBERS_MIN", "一", "block", "pass"),
        ("LEGAL_ENTITY", "三（五）", "block", "pass"),
        ("ACADEMIC_MEMBER", "三（五）", "justify", "pass"),
        ("MEMBER_CAPABILITY", "三（五）", "block", "pass"),
        ("AGREEMENT", "三（二）", "block", "pass"),
        ("LEAD_QUALIFICATION", "三（四）", "block", "pass"),
        ("FOCUS_FIELD", "三（一）/二", "block", "pass"),
        ("RESEARCH_TASKS", "二", "block", "pass"),
        ("PERIOD", "一/五（一）", "block", "pass"),
        ("PERIOD_START", "一/五（一）", "advise", "fail"),
        ("INTEGRITY", "五（三）", "block", "pass"),
        ("GOVERNANCE", "三（三）", "advise", "fail"),
    ]
    assert data["results"][0]["message"] == "牵头单位和 2 家参与单位，共 3 家，不少于 3 家。"
    assert data["priority"] == evaluation.priority.as_dict()
    assert data["priority"]["revenue_prev_year"] == 52000.5


def test_the_evaluation_measures_priority_against_the_thresholds_of_its_context():
    stricter = context(thresholds=thresholds(rd_intensity_large_min=Decimal(7)))
    evaluation = evaluate(filing(), stricter)
    assert evaluation.priority.rd_band.min_percent == 7
    assert evaluation.priority.meets_rd_band is False
    assert evaluation.eligible is True


def test_a_filing_failing_every_block_rule_is_ineligible_with_every_result_reported():
    evaluation = evaluate(filing(members=(), tasks=(), field=""), context())
    assert evaluation.eligible is False
    assert [r.code for r in evaluation.results if r.blocks] == [
        "MEMBERS_MIN",
        "ACADEMIC_MEMBER",
        "FOCUS_FIELD",
        "RESEARCH_TASKS",
    ]
    assert [r.code for r in evaluation.results] == RULE_ORDER
    assert len(RULES) == len(RULE_ORDER)
