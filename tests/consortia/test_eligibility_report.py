"""The readable form of an evaluation that ``check_eligibility`` prints: the verdict, a table aligned for Chinese
characters on a terminal, the priority indicators and the thresholds used. Pure: no database."""

from decimal import Decimal

import pytest

from consortia.eligibility import Governance, Platform, Rule, Severity, evaluate
from consortia.eligibility.outcomes import passed
from consortia.eligibility.report import display_width, priority_line, render_text, thresholds_line
from consortia.eligibility.rules import RULES_BY_CODE

from .builders import context, filing, lead, member, thresholds

JUSTIFICATION = "本联合体攻关任务集中在量产工艺和用户产线验证，牵头单位已与高校签订长期技术合作协议。"
RULES = tuple(RULES_BY_CODE[code] for code in ("MEMBERS_MIN", "ACADEMIC_MEMBER", "GOVERNANCE"))
PRIORITY = (
    "优先指标：上一年销售收入 52,000.5 万元；研发投入 3,100 万元；研发投入强度 5.96%（所在档要求不低于 3%，达到）"
)
THRESHOLDS = (
    "所用阈值：参与单位不少于 2 家；建设周期不超过 3 年；书面说明不少于 20 字；"
    "研发投入强度 销售收入 ≤ 5,000 万元 5%、≤ 20,000 万元 4%、以上 3%"
)


def test_the_report_gives_the_verdict_a_table_aligned_in_terminal_columns_and_the_figures_used():
    the_filing = filing(
        members=(member(1), member(2)), governance=Governance(), justifications={"ACADEMIC_MEMBER": JUSTIFICATION}
    )
    evaluation = evaluate(the_filing, context(), rules=RULES)
    assert render_text(evaluation, title="filing.json — 南京市车规级碳化硅功率器件创新联合体").split("\n") == [
        "filing.json — 南京市车规级碳化硅功率器件创新联合体",
        "结论：符合备案条件",
        "",
        "规则" + " " * 13 + "条款" + " " * 6 + "类别" + " " * 4 + "结果" + " " * 4 + "说明",
        "MEMBERS_MIN"
        + " " * 6
        + "一"
        + " " * 8
        + "否决"
        + " " * 4
        + "通过"
        + " " * 4
        + "牵头单位和 2 家参与单位，共 3 家，不少于 3 家。",
        "ACADEMIC_MEMBER  三（五）  需说明  已说明  "
        + "牵头单位和参与单位中没有高校或科研院所（指引原则上要求至少一家）。已提交书面说明（42 字）。",
        "GOVERNANCE"
        + " " * 7
        + "三（三）  提示"
        + " " * 4
        + "不通过  "
        + "指引鼓励、尚未具备：由牵头单位负责人担任理事长的理事会、首席专家、专家咨询委员会。",
        "",
        PRIORITY,
        THRESHOLDS,
    ]


def test_an_ineligible_filing_is_said_to_be_so_and_an_empty_message_leaves_no_trailing_spaces():
    silent = Rule(
        code="SILENT",
        clause="§1.a",
        clause_label="一",
        severity=Severity.BLOCK,
        title="x",
        check=lambda f, c: passed(""),
    )
    evaluation = evaluate(filing(members=()), context(), rules=(RULES_BY_CODE["MEMBERS_MIN"], silent))
    lines = render_text(evaluation, title="t").split("\n")
    assert lines[:3] == ["t", "结论：不符合备案条件", ""]
    assert lines[3:6] == [
        "规则" + " " * 9 + "条款  类别  结果" + " " * 4 + "说明",
        "MEMBERS_MIN  一    否决  不通过  牵头单位和 0 家参与单位，共 1 家，少于 3 家：请再增加 2 家参与单位。",
        "SILENT       一    否决  通过",
    ]


@pytest.mark.parametrize(
    "text, width",
    [("", 0), ("MEMBERS_MIN", 11), ("规则", 4), ("三（五）", 8), ("一/五（一）", 11), ("—", 1), ("ｓ", 2)],
)
def test_chinese_and_fullwidth_characters_take_two_columns(text, width):
    assert display_width(text) == width


def priority_of(**changes):
    return priority_line(evaluate(filing(lead=lead(**changes)), context(), rules=()))


def test_the_priority_line_says_whether_the_intensity_meets_its_band():
    assert priority_of() == PRIORITY
    assert priority_of(revenue_prev_year=Decimal("12000"), rd_expense_prev_year=Decimal("450.25")) == (
        "优先指标：上一年销售收入 12,000 万元；研发投入 450.25 万元；研发投入强度 3.75%（所在档要求不低于 4%，未达到）"
    )
    assert priority_of(revenue_prev_year=Decimal("1000"), rd_expense_prev_year=Decimal("50")) == (
        "优先指标：上一年销售收入 1,000 万元；研发投入 50 万元；研发投入强度 5.00%（所在档要求不低于 5%，达到）"
    )


def test_without_figures_the_priority_line_says_the_intensity_cannot_be_worked_out():
    assert priority_of(revenue_prev_year=None, rd_expense_prev_year=Decimal("1234.567")) == (
        "优先指标：上一年销售收入 — 万元；研发投入 1,234.57 万元；研发投入强度无法计算（缺少数据或销售收入为 0）"
    )


@pytest.mark.parametrize(
    "platform, words",
    [
        (Platform(level="national", category="laboratory"), "平台 国家级 laboratory"),
        (Platform(level="provincial", category=""), "平台 省级 —"),
        (Platform(level="", category="laboratory"), "平台 — laboratory"),
    ],
)
def test_the_priority_line_names_the_platform(platform, words):
    line = priority_of(kind="platform", platform=platform, revenue_prev_year=None, rd_expense_prev_year=None)
    assert line == (
        "优先指标：上一年销售收入 — 万元；研发投入 — 万元；研发投入强度无法计算（缺少数据或销售收入为 0）；" + words
    )


def test_a_platform_without_level_or_category_is_not_mentioned():
    line = priority_of(kind="platform", platform=Platform(), revenue_prev_year=None, rd_expense_prev_year=None)
    assert line == "优先指标：上一年销售收入 — 万元；研发投入 — 万元；研发投入强度无法计算（缺少数据或销售收入为 0）"


def test_the_thresholds_line_gives_every_threshold_used():
    assert thresholds_line(evaluate(filing(), context(), rules=())) == THRESHOLDS
    changed = thresholds(
        members_min=4,
        period_max_years=5,
        justification_min_length=50,
        rd_band_small_revenue_max=Decimal("6000.5"),
        rd_band_medium_revenue_max=Decimal("30000"),
        rd_intensity_small_min=Decimal("6.5"),
        rd_intensity_medium_min=Decimal("4.25"),
        rd_intensity_large_min=Decimal("2"),
    )
    assert thresholds_line(evaluate(filing(), context(thresholds=changed), rules=())) == (
        "所用阈值：参与单位不少于 4 家；建设周期不超过 5 年；书面说明不少于 50 字；"
        "研发投入强度 销售收入 ≤ 6,000.5 万元 6.5%、≤ 30,000 万元 4.25%、以上 2%"
    )
