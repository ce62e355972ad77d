"""What changed between two versions of a filing, each a ``(document, details)`` pair as ``snapshots`` builds them
for the live filing and a ``Submission`` stores them: section by section, the fields with their old and new values,
and the rows of members, tasks, funding and documents that were added, removed or changed.

``compare_filings`` reads only the two pairs. The names behind reference codes (industry field, platform category)
are looked up when a value is shown, not when it is compared.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import IndustryField, PlatformCategory

from .eligibility.filing import CHAIN_POSITIONS, PLATFORM_LEVELS, TECHNOLOGY_KINDS, UNIT_KINDS
from .models import Document, Section

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


def _blank(value) -> bool:
    # An older snapshot may lack a key a newer one has empty: neither says anything, so they are the same.
    return value is None or value == "" or value == []


def _text(value) -> str:
    return "—" if _blank(value) else str(value)


def _either(yes, no) -> Callable[[bool], str]:
    return lambda value: str(yes if value else no)


_yes_no = _either(gettext_lazy("是"), gettext_lazy("否"))


# The ``show`` functions below are given only values that are not blank (``FieldChange._shown``).


def _coded(vocabulary: dict) -> Callable[[str], str]:
    return lambda code: str(vocabulary.get(code, code))


def _listed(separator: str, show: Callable = _text) -> Callable[[list], str]:
    return lambda values: separator.join(show(v) for v in values)


def _industry_field(code) -> str:
    entry = IndustryField.objects.filter(code=code).first()
    return entry.name if entry else code


def _platform_category(code) -> str:
    entry = PlatformCategory.objects.filter(code=code).first()
    return entry.name if entry else code


def _period(period) -> str:
    return f"{_text(period.get('start'))} {_('至')} {_text(period.get('end'))}"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: object
    new: object
    show: Callable = _text  # a value as users read it

    @property
    def old_text(self) -> str:
        return self._shown(self.old)

    @property
    def new_text(self) -> str:
        return self._shown(self.new)

    def _shown(self, value) -> str:
        # Nothing there (a row added or removed) reads the same in every field, not as "no" or an empty period.
        return "—" if _blank(value) else self.show(value)


@dataclass(frozen=True)
class RowChange:
    kind: str  # ADDED, REMOVED or CHANGED
    title: str  # the row as readers know it: the unit, the task, the unit and year
    fields: tuple[FieldChange, ...]  # a changed row: what changed; an added or removed one: what it holds


@dataclass(frozen=True)
class SectionChanges:
    section: str
    label: str
    fields: tuple[FieldChange, ...]
    rows: tuple[RowChange, ...]

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.rows)


@dataclass(frozen=True)
class _Field:
    label: str
    path: tuple[str, ...]  # from the version ({"document", "details"}) or, in a row, from the row
    show: Callable = _text

    def read(self, data):
        for key in self.path:
            data = (data or {}).get(key)
        return data


@dataclass(frozen=True)
class _Rows:
    """A list within a section, its rows matched across the versions by ``key``."""

    read: Callable[[dict], list[dict]]
    key: Callable[[dict], object]
    title: Callable[[dict], str]
    fields: tuple[_Field, ...]


def _tasks(version) -> list[dict]:
    # A task's milestones and responsible units travel in the details, in the same order (see ``snapshots``).
    extras = version["details"].get("tasks") or []
    tasks = version["document"].get("tasks") or []
    return [{**(extras[i] if i < len(extras) else {}), **task} for i, task in enumerate(tasks)]


def _funding_title(line) -> str:
    return _("%(unit)s（%(year)s 年度）") % {"unit": line.get("organisation"), "year": line.get("year")}


def _document_title(document) -> str:
    return f"{_coded(dict(Document.Kind.choices))(document.get('kind'))}：{document.get('name')}"


# Labels as the filing view and the editor name the fields.
_SECTIONS: dict[Section, tuple[tuple[_Field, ...], _Rows | None]] = {
    Section.BASIC: (
        (
            _Field(gettext_lazy("联合体名称"), ("document", "name")),
            _Field(gettext_lazy("产业领域"), ("document", "field"), _industry_field),
            _Field(
                gettext_lazy("攻关技术类型"), ("document", "technology_kinds"), _listed("；", _coded(TECHNOLOGY_KINDS))
            ),
            _Field(gettext_lazy("计划建设周期"), ("document", "period"), _period),
            _Field(gettext_lazy("联合体简介"), ("document", "summary")),
            _Field(gettext_lazy("建设目标"), ("details", "goals")),
        ),
        None,
    ),
    Section.LEAD: (
        (
            _Field(gettext_lazy("单位名称"), ("document", "lead", "name")),
            _Field(gettext_lazy("单位负责人"), ("document", "lead", "head")),
            _Field(gettext_lazy("上年度销售收入（万元）"), ("document", "lead", "revenue_prev_year")),
            _Field(gettext_lazy("上年度研发投入（万元）"), ("document", "lead", "rd_expense_prev_year")),
            _Field(gettext_lazy("平台级别"), ("document", "lead", "platform", "level"), _coded(PLATFORM_LEVELS)),
            _Field(gettext_lazy("平台类别"), ("document", "lead", "platform", "category"), _platform_category),
        ),
        None,
    ),
    Section.MEMBERS: (
        (),
        _Rows(
            read=lambda version: version["document"].get("members") or [],
            key=lambda member: member.get("uscc"),
            title=lambda member: f"{member.get('name')}（{member.get('uscc')}）",
            fields=(
                _Field(gettext_lazy("单位名称"), ("name",)),
                _Field(gettext_lazy("单位类型"), ("kind",), _coded(UNIT_KINDS)),
                _Field(gettext_lazy("产业链位置"), ("chain_position",), _coded(CHAIN_POSITIONS)),
                _Field(gettext_lazy("独立法人"), ("independent_legal_entity",), _yes_no),
                _Field(gettext_lazy("研发能力或科研团队与实验条件"), ("capability",)),
                _Field(gettext_lazy("承担的实质性研发工作"), ("role",)),
            ),
        ),
    ),
    Section.GOVERNANCE: (
        (
            _Field(
                gettext_lazy("理事会"),
                ("document", "governance", "council"),
                _either(gettext_lazy("已设立"), gettext_lazy("未设立")),
            ),
            _Field(gettext_lazy("理事长"), ("details", "council_chair")),
            _Field(
                gettext_lazy("理事长由牵头单位负责人担任"),
                ("document", "governance", "council_chair_is_lead_head"),
                _yes_no,
            ),
            _Field(gettext_lazy("首席专家"), ("document", "governance", "chief_experts"), _listed("；")),
            _Field(gettext_lazy("专家咨询委员会"), ("document", "governance", "advisory_committee"), _listed("；")),
            _Field(gettext_lazy("运行机制"), ("details", "operating_mechanism")),
        ),
        None,
    ),
    Section.TASKS: (
        (),
        _Rows(
            read=_tasks,
            key=lambda task: task.get("title"),
            title=lambda task: _text(task.get("title")),
            fields=(
                _Field(gettext_lazy("技术类型"), ("kind",), _coded(TECHNOLOGY_KINDS)),
                _Field(gettext_lazy("攻关目标"), ("objectives",)),
                _Field(gettext_lazy("考核指标"), ("indicators",)),
                _Field(gettext_lazy("年度进度安排"), ("milestones",)),
                _Field(gettext_lazy("承担单位"), ("responsible_units",), _listed("、")),
            ),
        ),
    ),
    Section.FUNDING: (
        (),
        _Rows(
            read=lambda version: version["details"].get("funding") or [],
            key=lambda line: (line.get("organisation"), line.get("year")),
            title=_funding_title,
            fields=(
                _Field(gettext_lazy("自筹（万元）"), ("self_raised",)),
                _Field(gettext_lazy("政府资金（万元）"), ("government",)),
                _Field(gettext_lazy("金融及基金（万元）"), ("financial",)),
            ),
        ),
    ),
    Section.DOCUMENTS: (
        (
            _Field(
                gettext_lazy("组建协议"),
                ("document", "agreement", "attached"),
                _either(gettext_lazy("已上传"), gettext_lazy("未上传")),
            ),
            _Field(gettext_lazy("签署日期"), ("document", "agreement", "signed_on")),
            _Field(gettext_lazy("各方均已签署"), ("document", "agreement", "all_parties_signed"), _yes_no),
        ),
        # A stored document never changes (``services.delete_document``): one is added or removed, by its id.
        _Rows(
            read=lambda version: version["details"].get("documents") or [],
            key=lambda document: document.get("id"),
            title=_document_title,
            fields=(),
        ),
    ),
}


def _field_changes(fields: tuple[_Field, ...], before, after) -> tuple[FieldChange, ...]:
    changes = []
    for field in fields:
        old, new = field.read(before), field.read(after)
        if old != new and not (_blank(old) and _blank(new)):
            changes.append(FieldChange(label=str(field.label), old=old, new=new, show=field.show))
    return tuple(changes)


def _keyed(rows: _Rows, version) -> dict:
    """The rows by key; a key that repeats (two tasks of one title) is told apart by its occurrence."""
    keyed, seen = {}, {}
    for row in rows.read(version):
        key = rows.key(row)
        seen[key] = seen.get(key, 0) + 1
        keyed[(key, seen[key])] = row
    return keyed


def _row_changes(rows: _Rows | None, before, after) -> tuple[RowChange, ...]:
    if rows is None:
        return ()
    old_rows, new_rows = _keyed(rows, before), _keyed(rows, after)
    changes = []
    for key, old in old_rows.items():
        new = new_rows.get(key)
        if new is None:
            changes.append(RowChange(kind=REMOVED, title=rows.title(old), fields=_field_changes(rows.fields, old, {})))
        elif fields := _field_changes(rows.fields, old, new):
            changes.append(RowChange(kind=CHANGED, title=rows.title(new), fields=fields))
    changes += [
        RowChange(kind=ADDED, title=rows.title(new), fields=_field_changes(rows.fields, {}, new))
        for key, new in new_rows.items()
        if key not in old_rows
    ]
    return tuple(changes)


def compare_filings(before: tuple[dict, dict], after: tuple[dict, dict]) -> list[SectionChanges]:
    """Every section, in editor order, with what changed from ``before`` to ``after`` (``(document, details)``
    pairs); an unchanged section has no fields and no rows."""
    versions = [{"document": document or {}, "details": details or {}} for document, details in (before, after)]
    return [
        SectionChanges(
            section=section.value,
            label=str(section.label),
            fields=_field_changes(fields, *versions),
            rows=_row_changes(rows, *versions),
        )
        for section, (fields, rows) in _SECTIONS.items()
    ]
