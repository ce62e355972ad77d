"""The exchange format consortium-filing/1: shape errors name the JSON path in Chinese; broken facts are valid input."""

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from consortia.eligibility import InvalidDocument, Platform, parse_document, read_filing, validate_document
from consortia.eligibility.exchange import schema
from consortia.eligibility.filing import CHAIN_POSITIONS, PLATFORM_LEVELS, TECHNOLOGY_KINDS, UNIT_KINDS
from portal.models import Organisation

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def example(name: str) -> dict:
    return parse_document((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def document():
    return example("enterprise-led-eligible.json")


def problems(document) -> list[str]:
    return [str(problem) for problem in validate_document(document)]


def test_the_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(schema())


def test_the_schema_vocabularies_are_those_of_the_rules_and_the_organisation_model():
    defs = schema()["$defs"]
    assert defs["unitKind"]["enum"] == list(UNIT_KINDS) == list(Organisation.Kind.values)
    assert defs["technologyKind"]["enum"] == list(TECHNOLOGY_KINDS)
    member = schema()["properties"]["members"]["items"]["properties"]
    assert member["chain_position"]["enum"] == list(CHAIN_POSITIONS)
    assert schema()["properties"]["lead"]["properties"]["platform"]["properties"]["level"]["enum"] == list(
        PLATFORM_LEVELS
    )


@pytest.mark.parametrize(
    "name",
    [
        "enterprise-led-eligible.json",
        "platform-led-eligible.json",
        "no-academic-member-justified.json",
        "no-academic-member-unjustified.json",
        "bad-member-uscc.json",
        "period-too-long.json",
        "repeated-uscc.json",
    ],
)
def test_example_documents_are_valid_input_even_when_their_facts_fail_a_rule(name):
    assert problems(example(name)) == []


def test_a_wrong_check_character_an_unknown_field_and_a_long_period_are_still_valid_input(document):
    document["members"][0]["uscc"] = document["members"][0]["uscc"][:17] + "Z"
    document["field"] = "no-such-field"
    document["period"] = {"start": "2027-01-01", "end": "2035-12-31"}
    assert problems(document) == []


def test_an_unknown_member_kind_names_the_path_and_the_allowed_values(document):
    document["members"][2]["kind"] = "company"
    assert problems(document) == ["members[2].kind: 必须是 enterprise、university、institute、platform、other 之一"]


def test_a_missing_required_field_names_its_path(document):
    del document["members"][0]["name"]
    del document["agreement"]
    assert problems(document) == ["agreement: 缺少此项（必填）", "members[0].name: 缺少此项（必填）"]


def test_a_misspelt_field_is_named(document):
    document["members"][1]["capabilty"] = document["members"][1].pop("capability")
    assert problems(document) == ["members[1].capabilty: 不是 consortium-filing/1 格式中的字段"]


def test_wrong_types_are_named_in_plain_words(document):
    document["lead"]["revenue_prev_year"] = "52000"
    document["members"][0]["independent_legal_entity"] = "是"
    document["tasks"] = {"title": "x"}
    assert problems(document) == [
        "lead.revenue_prev_year: 应为数字或空值（null）",
        "members[0].independent_legal_entity: 应为布尔值（true 或 false）",
        "tasks: 应为数组（[…]）",
    ]


def test_an_impossible_date_is_invalid_input(document):
    document["period"]["end"] = "2027-02-29"
    document["agreement"]["signed_on"] = "2026/10/28"
    assert problems(document) == [
        "agreement.signed_on: 不是有效的日期（应为 YYYY-MM-DD，例如 2026-01-01）",
        "period.end: 不是有效的日期（应为 YYYY-MM-DD，例如 2026-01-01）",
    ]


def test_negative_money_blank_names_and_the_wrong_format_are_named(document):
    document["format"] = "consortium-filing/2"
    document["lead"]["rd_expense_prev_year"] = -1
    document["members"][3]["name"] = "  "
    assert problems(document) == [
        "format: 必须是 consortium-filing/1",
        "lead.rd_expense_prev_year: 不能小于 0",
        "members[3].name: 不能为空",
    ]


def test_problems_are_in_path_order_with_indices_compared_as_numbers(document):
    member = document["members"][0]
    document["members"] = [copy.deepcopy(member) for _ in range(11)]
    document["members"][10]["kind"] = "x"
    document["members"][9]["kind"] = "x"
    assert [p.split(":")[0] for p in problems(document)] == ["members[9].kind", "members[10].kind"]


def test_a_justification_for_a_rule_that_cannot_be_justified_is_named(document):
    document["justifications"] = {"PERIOD": "建设内容较多，需要四年时间完成全部攻关任务和产业化验证工作。"}
    assert problems(document) == [
        "justifications.PERIOD: 不是可以书面说明的规则代码（可说明的有 ACADEMIC_MEMBER、LEAD_QUALIFICATION）"
    ]


def test_a_document_that_is_not_an_object_is_named_as_a_whole():
    assert problems([1, 2]) == ["$: 应为对象（{…}）"]


def test_text_that_is_not_json_says_where():
    with pytest.raises(InvalidDocument) as caught:
        read_filing('{"format": "consortium-filing/1",\n "name": }')
    assert str(caught.value.problems[0]).startswith("$: 不是有效的 JSON：第 2 行第 10 列")


def test_nan_is_not_json():
    with pytest.raises(InvalidDocument):
        parse_document('{"revenue": NaN}')


def test_read_filing_builds_the_plain_description_with_exact_money_and_dates():
    filing = read_filing((EXAMPLES / "platform-led-eligible.json").read_text(encoding="utf-8"))
    assert filing.lead.kind == "platform"
    assert filing.lead.platform == Platform(level="provincial", category="manufacturing-innovation-centre")
    assert filing.lead.revenue_prev_year == Decimal("8600")
    assert filing.period.start == date(2027, 3, 1)
    assert [m.kind for m in filing.members] == ["university", "institute", "enterprise", "enterprise"]
    assert filing.agreement.signed_on == date(2026, 11, 6)
    assert len(filing.tasks) == 2


def test_money_keeps_its_decimals():
    filing = read_filing((EXAMPLES / "enterprise-led-eligible.json").read_text(encoding="utf-8"))
    assert filing.lead.revenue_prev_year == Decimal("52000.5")


def test_optional_parts_may_be_left_out(document):
    for key in ("technology_kinds", "summary", "governance", "justifications"):
        document.pop(key, None)
    for unit in document["members"]:
        unit.pop("capability")
        unit.pop("role")
    assert problems(document) == []
    filing = read_filing(json.dumps(document, default=float))
    assert filing.governance.council is False
    assert filing.members[0].capability == ""


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["members"][2].update(kind="company"),
        lambda d: d["period"].update(end="2027-02-29"),
        lambda d: d["lead"].update(platform={"level": "city", "category": 3}),
        lambda d: d["tasks"][0].pop("title"),
        lambda d: d["agreement"].update(signed_on=None),
    ],
)
def test_inlining_the_schema_definitions_finds_exactly_what_the_schema_file_finds(document, change):
    from consortia.eligibility.exchange import _validator

    change(document)
    as_written = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)

    def found(validator):
        return sorted((list(error.absolute_path), error.validator) for error in validator.iter_errors(document))

    assert found(_validator()) == found(as_written)
    assert "$ref" not in json.dumps(_validator().schema)
