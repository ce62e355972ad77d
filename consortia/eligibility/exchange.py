"""The filing exchange format ``consortium-filing/1`` (DESIGN §9): parse, validate against the JSON Schema beside this
file, and build a ``Filing``.

Validation is about shape only. A well-formed document whose facts break a condition (a USCC with a wrong check
character, an unknown industry field, a period too long) is valid here and fails a rule later.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from jsonschema import Draft202012Validator

from .filing import Agreement, Filing, Governance, LeadUnit, Member, Period, Platform, ResearchTask
from .rules import JUSTIFIABLE_CODES

FORMAT = "consortium-filing/1"
SCHEMA_PATH = Path(__file__).with_name("consortium-filing-1.schema.json")
ROOT = "$"  # how the whole document is named in a problem's path


@dataclass(frozen=True, slots=True)
class Problem:
    path: str  # e.g. "members[2].kind"
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


class InvalidDocument(Exception):
    """The input is not a ``consortium-filing/1`` document; ``problems`` say where and why, in the user's language."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


# --- Parsing ---------------------------------------------------------------------------------------------------------


def _refuse_constant(name):
    raise ValueError(name)


STDIN = "-"


class Unreadable(Exception):
    """A file that could not be read as text (missing, a folder, not permitted, not UTF-8)."""


def read_text(name: str, stdin=None) -> str:
    """The text of an exchange-format file (``STDIN``: of ``stdin``) as UTF-8, a Windows byte-order mark allowed;
    ``Unreadable`` says why not, in the words the commands print."""
    try:
        if name == STDIN:
            # Bytes where there are any, so that the encoding is ours (UTF-8), not the terminal's.
            data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
        else:
            with open(name, "rb") as handle:
                data = handle.read()
    except FileNotFoundError:
        raise Unreadable(_("无法读取：文件不存在")) from None
    except IsADirectoryError:
        raise Unreadable(_("无法读取：这是一个文件夹，不是文件")) from None
    except PermissionError:
        raise Unreadable(_("无法读取：没有读取权限")) from None
    except OSError as error:
        raise Unreadable(_("无法读取：%(reason)s") % {"reason": error.strerror or error}) from None
    if isinstance(data, str):
        return data
    try:
        # utf-8-sig: files saved by Windows Notepad start with a byte-order mark.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable(_("无法读取：不是 UTF-8 编码的文本")) from None


def parse_document(text: str) -> object:
    """JSON text to Python, numbers as Decimal (money must not drift). NaN and Infinity are not JSON and are refused."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InvalidDocument(
            [
                Problem(
                    ROOT,
                    _("不是有效的 JSON：第 %(line)d 行第 %(column)d 列（%(detail)s）。")
                    % {"line": error.lineno, "column": error.colno, "detail": error.msg},
                )
            ]
        ) from None
    except ValueError as error:
        raise InvalidDocument([Problem(ROOT, _("不是有效的 JSON：不允许 %(value)s。") % {"value": error})]) from None


# --- Validation ------------------------------------------------------------------------------------------------------


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _inline_definitions(node, definitions: dict):
    """The schema with every local ``{"$ref": "#/$defs/…"}`` replaced by the definition itself.

    The file keeps ``$defs`` for its readers; resolving references through ``referencing`` was a third of the time of
    validating a document, and this schema has no recursive definitions.
    """
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/") and len(node) == 1:
            return _inline_definitions(definitions[ref.removeprefix("#/$defs/")], definitions)
        return {key: _inline_definitions(value, definitions) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [_inline_definitions(item, definitions) for item in node]
    return node


@cache
def _validator() -> Draft202012Validator:
    # Built once: compiling the schema costs far more than validating one document.
    inlined = _inline_definitions(schema(), schema().get("$defs", {}))
    return Draft202012Validator(inlined, format_checker=Draft202012Validator.FORMAT_CHECKER)


def format_path(parts) -> str:
    """``("members", 2, "kind")`` → ``members[2].kind``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or ROOT


_TYPE_WORDS = {
    "string": gettext_noop("文本"),
    "number": gettext_noop("数字"),
    "integer": gettext_noop("整数"),
    "boolean": gettext_noop("布尔值（true 或 false）"),
    "object": gettext_noop("对象（{…}）"),
    "array": gettext_noop("数组（[…]）"),
    "null": gettext_noop("空值（null）"),
}
_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _literal(value) -> str:
    return "null" if value is None else str(value)


def _problems_of(error) -> list[Problem]:
    """One schema error in plain Chinese, naming the JSON path of the offending value."""
    path = list(error.absolute_path)
    keyword, expected = error.validator, error.validator_value
    if keyword == "required":
        missing = [name for name in expected if name not in error.instance]
        return [Problem(format_path([*path, name]), _("缺少此项（必填）")) for name in missing]
    if keyword == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [name for name in error.instance if name not in known]
        message = _("不是 %(format)s 格式中的字段") % {"format": FORMAT}
        return [Problem(format_path([*path, name]), message) for name in extra]
    if keyword == "type":
        types = [expected] if isinstance(expected, str) else expected
        message = _("应为%(types)s") % {"types": _("或").join(_(_TYPE_WORDS[name]) for name in types)}
    elif keyword == "enum":
        message = _("必须是 %(values)s 之一") % {"values": _("、").join(_literal(value) for value in expected)}
    elif keyword == "const":
        message = _("必须是 %(value)s") % {"value": _literal(expected)}
    elif (keyword, expected) in {("format", "date"), ("pattern", _DATE_PATTERN)}:
        message = _("不是有效的日期（应为 YYYY-MM-DD，例如 2026-01-01）")
    elif keyword == "pattern" and expected == "\\S":
        message = _("不能为空")
    elif keyword == "minimum":
        message = _("不能小于 %(minimum)s") % {"minimum": expected}
    elif keyword == "uniqueItems":
        message = _("不能有重复项")
    else:  # a keyword this schema does not use yet: say at least where
        message = _("不符合格式要求（%(detail)s）") % {"detail": error.message}
    return [Problem(format_path(path), message)]


def validate_document(document: object) -> list[Problem]:
    """Every problem of shape, in path order; an empty list when the document is valid."""
    problems: list[Problem] = []
    for error in _validator().iter_errors(document):
        problems.extend(_problems_of(error))
    if not problems and document.get("justifications"):
        for code in document["justifications"]:
            if code not in JUSTIFIABLE_CODES:
                problems.append(
                    Problem(
                        format_path(["justifications", code]),
                        _("不是可以书面说明的规则代码（可说明的有 %(codes)s）")
                        % {"codes": _("、").join(JUSTIFIABLE_CODES)},
                    )
                )
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda problem: _path_key(problem.path))


def _path_key(path: str) -> tuple:
    # Order problems as they appear in the path, with indices compared as numbers (members[10] after members[9]).
    parts = []
    for segment in path.replace("[", ".[").split("."):
        if segment.startswith("["):
            parts.append((0, int(segment[1:-1]), ""))
        elif segment:
            parts.append((1, 0, segment))
    return tuple(parts)


# --- Building the plain description ----------------------------------------------------------------------------------


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def filing_from_document(document: dict) -> Filing:
    """A ``Filing`` from a document that ``validate_document`` accepted."""
    lead = document["lead"]
    platform = lead.get("platform")
    governance = document.get("governance") or {}
    agreement = document["agreement"]
    return Filing(
        name=document["name"],
        field=document["field"],
        technology_kinds=tuple(document.get("technology_kinds", ())),
        summary=document.get("summary", ""),
        period=Period(start=_date(document["period"]["start"]), end=_date(document["period"]["end"])),
        lead=LeadUnit(
            name=lead["name"],
            uscc=lead["uscc"],
            kind=lead["kind"],
            jurisdiction=lead.get("jurisdiction", ""),
            head=lead.get("head", ""),
            revenue_prev_year=_money(lead.get("revenue_prev_year")),
            rd_expense_prev_year=_money(lead.get("rd_expense_prev_year")),
            platform=Platform(level=platform["level"], category=platform["category"]) if platform else None,
        ),
        members=tuple(
            Member(
                name=member["name"],
                uscc=member["uscc"],
                kind=member["kind"],
                chain_position=member.get("chain_position", "n/a"),
                independent_legal_entity=member["independent_legal_entity"],
                capability=member.get("capability", ""),
                role=member.get("role", ""),
            )
            for member in document["members"]
        ),
        governance=Governance(
            council=governance.get("council", False),
            council_chair_is_lead_head=governance.get("council_chair_is_lead_head", False),
            chief_experts=tuple(governance.get("chief_experts", ())),
            advisory_committee=tuple(governance.get("advisory_committee", ())),
        ),
        tasks=tuple(
            ResearchTask(
                title=task["title"],
                kind=task.get("kind", ""),
                objectives=task.get("objectives", ""),
                indicators=task.get("indicators", ""),
            )
            for task in document["tasks"]
        ),
        agreement=Agreement(
            attached=agreement["attached"],
            signed_on=_date(agreement["signed_on"]),
            all_parties_signed=agreement["all_parties_signed"],
        ),
        justifications=MappingProxyType(dict(document.get("justifications") or {})),
    )


def read_filing(text: str) -> Filing:
    """JSON text to a ``Filing``, or ``InvalidDocument`` naming every problem."""
    document = parse_document(text)
    problems = validate_document(document)
    if problems:
        raise InvalidDocument(problems)
    return filing_from_document(document)
