"""The exchange format consortium-filing/1, from the bytes of a file to the plain description of a filing: reading
the text, parsing it, naming each problem of shape at its JSON path in Chinese, and building the ``Filing`` field by
field (docs/eligibility.md, ``check_eligibility`` and ``import_filings``)."""

import errno
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator

from consortia.eligibility import (
    Agreement,
    Filing,
    Governance,
    InvalidDocument,
    LeadUnit,
    Member,
    Period,
    Platform,
    Problem,
    ResearchTask,
    filing_from_document,
    parse_document,
    read_filing,
    validate_document,
)
from consortia.eligibility.exchange import (
    FORMAT,
    ROOT,
    STDIN,
    Unreadable,
    _inline_definitions,
    _problems_of,
    format_path,
    read_text,
)
from tests.consortia.test_exchange import EXAMPLES, example, problems


@pytest.fixture
def document():
    return example("enterprise-led-eligible.json")


def unreadable(name, stdin=None) -> str:
    with pytest.raises(Unreadable) as caught:
        read_text(name, stdin)
    return str(caught.value)


# --- Reading the text ------------------------------------------------------------------------------------------------


class BinaryStdin:
    """Standard input as a terminal or a pipe gives it: text on top of a byte buffer."""

    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)

    def read(self):  # the text layer, in the terminal's encoding: never to be used
        raise AssertionError("read the bytes, not the terminal's text")


class FailingStdin:
    def __init__(self, error: OSError):
        self.error = error

    def read(self):
        raise self.error


def test_a_file_is_read_as_utf8_with_or_without_a_byte_order_mark(tmp_path):
    plain, notepad = tmp_path / "plain.json", tmp_path / "notepad.json"
    plain.write_bytes('{"name": "南京"}'.encode())
    notepad.write_bytes(b"\xef\xbb\xbf" + '{"name": "南京"}'.encode())
    assert read_text(str(plain)) == read_text(str(notepad)) == '{"name": "南京"}'


def test_standard_input_is_read_as_utf8_bytes_where_it_has_a_buffer():
    assert STDIN == "-"
    assert read_text(STDIN, BinaryStdin(b"\xef\xbb\xbf" + '["南京"]'.encode())) == '["南京"]'
    assert read_text("-", io.StringIO('["南京"]')) == '["南京"]'  # a text stream (tests, call_command) as it is


def test_a_file_named_dash_is_standard_input_not_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text("a file", encoding="utf-8")
    assert read_text("-", io.StringIO("standard input")) == "standard input"


def test_unreadable_input_says_why_in_the_words_the_commands_print(tmp_path):
    assert unreadable(str(tmp_path / "nowhere.json")) == "无法读取：文件不存在"
    assert unreadable(str(tmp_path)) == "无法读取：这是一个文件夹，不是文件"
    assert unreadable("-", FailingStdin(PermissionError(errno.EACCES, "Permission denied"))) == "无法读取：没有读取权限"
    assert unreadable(str(tmp_path / ("x" * 300))) == "无法读取：File name too long"
    assert unreadable("-", FailingStdin(OSError("设备已断开"))) == "无法读取：设备已断开"
    (tmp_path / "gbk.json").write_bytes("南京".encode("gbk"))
    assert unreadable(str(tmp_path / "gbk.json")) == "无法读取：不是 UTF-8 编码的文本"
    assert unreadable("-", BinaryStdin("南京".encode("gbk"))) == "无法读取：不是 UTF-8 编码的文本"


def test_unreadable_input_does_not_chain_the_system_error(tmp_path):
    with pytest.raises(Unreadable) as caught:
        read_text(str(tmp_path / "nowhere.json"))
    assert caught.value.__suppress_context__ is True
    assert caught.value.__cause__ is None


# --- Parsing ---------------------------------------------------------------------------------------------------------


def test_numbers_are_parsed_as_exact_decimals_and_integers_stay_integers():
    assert parse_document('{"a": 0.1, "b": 3100, "c": [52000.50]}') == {
        "a": Decimal("0.1"),
        "b": 3100,
        "c": [Decimal("52000.50")],
    }
    assert isinstance(parse_document("0.1"), Decimal)


def test_text_that_is_not_json_names_the_line_the_column_and_the_fault():
    with pytest.raises(InvalidDocument) as caught:
        parse_document('{\n  "name": \n}')
    assert caught.value.problems == [Problem(ROOT, "不是有效的 JSON：第 3 行第 1 列（Expecting value）。")]
    assert str(caught.value) == "$: 不是有效的 JSON：第 3 行第 1 列（Expecting value）。"
    assert caught.value.__suppress_context__ is True


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_by_name(constant):
    with pytest.raises(InvalidDocument) as caught:
        parse_document(f'{{"revenue_prev_year": {constant}}}')
    assert [str(problem) for problem in caught.value.problems] == [f"$: 不是有效的 JSON：不允许 {constant}。"]


def test_an_invalid_document_lists_every_problem_one_a_line():
    error = InvalidDocument([Problem("format", "必须是 consortium-filing/1"), Problem("members[0].name", "不能为空")])
    assert str(error) == "format: 必须是 consortium-filing/1\nmembers[0].name: 不能为空"
    assert [problem.path for problem in error.problems] == ["format", "members[0].name"]


# --- Problems of shape -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts, path",
    [
        ((), "$"),
        (("members", 2, "kind"), "members[2].kind"),
        (("lead", "platform", "level"), "lead.platform.level"),
        (("tasks", 0), "tasks[0]"),
        ((3, "name"), "[3].name"),
        (("justifications", "PERIOD"), "justifications.PERIOD"),
    ],
)
def test_paths_are_written_as_in_javascript(parts, path):
    assert format_path(parts) == path


def test_missing_fields_of_the_whole_document_are_named_at_the_top_level():
    assert problems({"format": FORMAT, "name": "联合体"}) == [
        "agreement: 缺少此项（必填）",
        "field: 缺少此项（必填）",
        "lead: 缺少此项（必填）",
        "members: 缺少此项（必填）",
        "period: 缺少此项（必填）",
        "tasks: 缺少此项（必填）",
    ]


def test_unknown_fields_are_each_named_and_known_ones_are_not(document):
    document["remarks"] = "备注"
    document["lead"]["website"] = "https://example.cn"
    document["lead"]["fax"] = "025-1234"
    assert problems(document) == [
        "lead.fax: 不是 consortium-filing/1 格式中的字段",
        "lead.website: 不是 consortium-filing/1 格式中的字段",
        "remarks: 不是 consortium-filing/1 格式中的字段",
    ]


def test_wrong_types_are_named_in_plain_words_for_every_kind_of_value(document):
    document["name"] = 3
    document["members"] = "四家"
    document["governance"] = []
    document["lead"]["platform"] = "省级"
    document["agreement"]["signed_on"] = 20261028
    document["agreement"]["attached"] = None
    document["period"] = [1]
    document["justifications"] = {"ACADEMIC_MEMBER": 1}
    assert problems(document) == [
        "agreement.attached: 应为布尔值（true 或 false）",
        "agreement.signed_on: 应为文本或空值（null）",
        "governance: 应为对象（{…}）",
        "justifications.ACADEMIC_MEMBER: 应为文本",
        "lead.platform: 应为对象（{…}）或空值（null）",
        "members: 应为数组（[…]）",
        "name: 应为文本",
        "period: 应为对象（{…}）",
    ]


def type_problem(expected, value):
    """A problem of a type this schema does not ask for yet, as the same words would name it."""
    error = next(Draft202012Validator({"type": expected}).iter_errors(value))
    return [str(problem) for problem in _problems_of(error)]


def test_every_json_type_has_its_words():
    assert type_problem("integer", 1.5) == ["$: 应为整数"]
    assert type_problem("null", 1) == ["$: 应为空值（null）"]
    assert type_problem("number", "1") == ["$: 应为数字"]
    assert type_problem(["integer", "array"], "1") == ["$: 应为整数或数组（[…]）"]


def test_enum_const_extra_fields_and_unknown_keywords_are_named_with_their_values():
    def found(schema, value):
        return [str(p) for error in Draft202012Validator(schema).iter_errors(value) for p in _problems_of(error)]

    assert found({"enum": ["national", None, 3]}, "city") == ["$: 必须是 national、null、3 之一"]
    assert found({"const": None}, 1) == ["$: 必须是 null"]
    assert found({"additionalProperties": False}, {"b": 1, "a": 2}) == [
        "b: 不是 consortium-filing/1 格式中的字段",
        "a: 不是 consortium-filing/1 格式中的字段",
    ]
    assert found({"maxLength": 2}, "南京市") == ["$: 不符合格式要求（'南京市' is too long）"]
    assert found({"pattern": "^[A-Z]+$"}, "a") == ["$: 不符合格式要求（'a' does not match '^[A-Z]+$'）"]


def test_enum_values_are_listed_in_the_schemas_order(document):
    document["lead"]["platform"] = {"level": "city", "category": "laboratory"}
    document["members"][0]["chain_position"] = "sideways"
    document["tasks"][1]["kind"] = "moonshot"
    document["technology_kinds"] = ["frontier", "frontier"]
    assert problems(document) == [
        "lead.platform.level: 必须是 national、provincial 之一",
        "members[0].chain_position: 必须是 upstream、midstream、downstream、n/a 之一",
        "tasks[1].kind: 必须是 choke-point、first-mover、frontier 之一",
        "technology_kinds: 不能有重复项",
    ]


def test_dates_blank_names_and_negative_money_are_named(document):
    document["period"]["start"] = "2027-1-1"
    document["period"]["end"] = "2027-13-01"
    document["tasks"][0]["title"] = "\n"
    document["lead"]["revenue_prev_year"] = Decimal("-0.01")
    document["lead"]["name"] = ""
    assert problems(document) == [
        "lead.name: 不能为空",
        "lead.revenue_prev_year: 不能小于 0",
        "period.end: 不是有效的日期（应为 YYYY-MM-DD，例如 2026-01-01）",
        "period.start: 不是有效的日期（应为 YYYY-MM-DD，例如 2026-01-01）",
        "tasks[0].title: 不能为空",
    ]


def test_problems_are_sorted_by_path_with_indices_as_numbers_and_each_named_once(document):
    member = document["members"][0]
    document["members"] = [dict(member) for _ in range(12)]
    for index in (11, 2, 10, 1):
        document["members"][index]["kind"] = "x"
    document["members"][10]["name"] = " "
    document["agreement"]["signed_on"] = "2026/10/28"  # fails both the pattern and the format: one problem
    assert [p.split(":")[0] for p in problems(document)] == [
        "agreement.signed_on",
        "members[1].kind",
        "members[2].kind",
        "members[10].kind",
        "members[10].name",
        "members[11].kind",
    ]


def test_justifications_are_checked_against_the_rules_that_may_be_justified(document):
    document["justifications"] = {"PERIOD": "甲" * 30, "ACADEMIC_MEMBER": "乙" * 30, "GOVERNANCE": ""}
    codes = "（可说明的有 ACADEMIC_MEMBER、LEAD_QUALIFICATION）"
    assert problems(document) == [
        f"justifications.GOVERNANCE: 不是可以书面说明的规则代码{codes}",
        f"justifications.PERIOD: 不是可以书面说明的规则代码{codes}",
    ]


def test_justification_codes_are_checked_only_once_the_shape_is_right(document):
    document["justifications"] = {"PERIOD": "甲" * 30}
    document["name"] = ""
    assert problems(document) == ["name: 不能为空"]
    assert problems([{"justifications": {"PERIOD": "x"}}]) == ["$: 应为对象（{…}）"]


def test_a_valid_document_has_no_problems(document):
    assert validate_document(document) == []
    document["justifications"] = {"LEAD_QUALIFICATION": "甲" * 30}
    assert validate_document(document) == []


def test_the_schema_definitions_are_inlined_where_they_are_referred_to():
    definitions = {"name": {"type": "string"}, "names": {"type": "array", "items": {"$ref": "#/$defs/name"}}}
    node = {
        "$defs": definitions,
        "properties": {"a": {"$ref": "#/$defs/names"}, "b": {"$ref": "#/$defs/name", "description": "kept"}},
        "required": ["a"],
        "anyOf": [{"$ref": "#/$defs/name"}, {"type": "null"}],
    }
    assert _inline_definitions(node, definitions) == {
        "properties": {
            "a": {"type": "array", "items": {"type": "string"}},
            "b": {"$ref": "#/$defs/name", "description": "kept"},
        },
        "required": ["a"],
        "anyOf": [{"type": "string"}, {"type": "null"}],
    }


# --- Building the filing ---------------------------------------------------------------------------------------------


def test_a_complete_document_is_built_field_for_field():
    text = (EXAMPLES / "platform-led-eligible.json").read_text(encoding="utf-8")
    document = json.loads(text)
    built = read_filing(text)
    lead = document["lead"]
    assert built == Filing(
        name="南京市晶圆级先进封装创新联合体",
        field="integrated-circuits",
        technology_kinds=("choke-point", "first-mover"),
        summary=document["summary"],
        period=Period(start=date(2027, 3, 1), end=date(2030, 2, 28)),
        lead=LeadUnit(
            name="江苏省晶圆级先进封装制造业创新中心有限公司",
            uscc="91320191MA1Y2B7H4A",
            kind="platform",
            jurisdiction="JBXQ",
            head="林书航",
            revenue_prev_year=Decimal(8600),
            rd_expense_prev_year=Decimal(2150),
            platform=Platform(level="provincial", category="manufacturing-innovation-centre"),
        ),
        members=tuple(
            Member(
                name=m["name"],
                uscc=m["uscc"],
                kind=m["kind"],
                chain_position=m["chain_position"],
                independent_legal_entity=True,
                capability=m["capability"],
                role=m["role"],
            )
            for m in document["members"]
        ),
        governance=Governance(
            council=True,
            council_chair_is_lead_head=True,
            chief_experts=tuple(document["governance"]["chief_experts"]),
            advisory_committee=tuple(document["governance"]["advisory_committee"]),
        ),
        tasks=tuple(
            ResearchTask(title=t["title"], kind=t["kind"], objectives=t["objectives"], indicators=t["indicators"])
            for t in document["tasks"]
        ),
        agreement=Agreement(attached=True, signed_on=date(2026, 11, 6), all_parties_signed=True),
        justifications={},
    )
    assert lead["platform"] == {"level": "provincial", "category": "manufacturing-innovation-centre"}
    assert [m.chain_position for m in built.members] == ["n/a", "upstream", "upstream", "midstream"]


def minimal_document() -> dict:
    return {
        "format": FORMAT,
        "name": "联合体",
        "field": "robotics",
        "period": {"start": "2027-01-01", "end": "2029-12-31"},
        "lead": {"name": "牵头单位", "uscc": "91320115MA1W8KQ3XT", "kind": "other"},
        "members": [{"name": "成员", "uscc": "", "kind": "enterprise", "independent_legal_entity": False}],
        "tasks": [{"title": "任务"}],
        "agreement": {"attached": False, "signed_on": None, "all_parties_signed": False},
    }


def test_what_a_document_leaves_out_is_built_as_nothing_given():
    document = minimal_document()
    assert validate_document(document) == []
    assert filing_from_document(document) == Filing(
        name="联合体",
        field="robotics",
        technology_kinds=(),
        summary="",
        period=Period(start=date(2027, 1, 1), end=date(2029, 12, 31)),
        lead=LeadUnit(
            name="牵头单位",
            uscc="91320115MA1W8KQ3XT",
            kind="other",
            jurisdiction="",
            head="",
            revenue_prev_year=None,
            rd_expense_prev_year=None,
            platform=None,
        ),
        members=(
            Member(
                name="成员",
                uscc="",
                kind="enterprise",
                chain_position="n/a",
                independent_legal_entity=False,
                capability="",
                role="",
            ),
        ),
        governance=Governance(council=False, council_chair_is_lead_head=False, chief_experts=(), advisory_committee=()),
        tasks=(ResearchTask(title="任务", kind="", objectives="", indicators=""),),
        agreement=Agreement(attached=False, signed_on=None, all_parties_signed=False),
        justifications={},
    )


def test_null_money_null_platform_and_empty_governance_are_nothing_given():
    document = minimal_document()
    document["lead"] |= {"revenue_prev_year": None, "rd_expense_prev_year": 0, "platform": None}
    document["governance"] = {}
    document["justifications"] = {"LEAD_QUALIFICATION": "甲" * 20}
    built = read_filing(json.dumps(document))
    assert (built.lead.revenue_prev_year, built.lead.rd_expense_prev_year, built.lead.platform) == (
        None,
        Decimal(0),
        None,
    )
    assert isinstance(built.lead.rd_expense_prev_year, Decimal)
    assert built.governance == Governance()
    assert dict(built.justifications) == {"LEAD_QUALIFICATION": "甲" * 20}


def test_governance_given_in_part_keeps_what_is_given():
    document = minimal_document()
    document["governance"] = {"council_chair_is_lead_head": True, "advisory_committee": ["周立衡"]}
    assert filing_from_document(document).governance == Governance(
        council=False, council_chair_is_lead_head=True, chief_experts=(), advisory_committee=("周立衡",)
    )
    document["governance"] = {"council": True, "chief_experts": ["秦文博"]}
    assert filing_from_document(document).governance == Governance(
        council=True, council_chair_is_lead_head=False, chief_experts=("秦文博",), advisory_committee=()
    )


def test_read_filing_refuses_an_invalid_document_naming_every_problem():
    document = minimal_document()
    document["members"][0]["kind"] = "company"
    del document["tasks"]
    with pytest.raises(InvalidDocument) as caught:
        read_filing(json.dumps(document))
    assert [str(problem) for problem in caught.value.problems] == [
        "members[0].kind: 必须是 enterprise、university、institute、platform、other 之一",
        "tasks: 缺少此项（必填）",
    ]
