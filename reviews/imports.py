"""Consortia filed on paper before the portal existed (issue 14): each comes as one ``consortium-filing/1`` document
(DESIGN §9) with a ``record`` of its filing — filing number, status, filing date and construction period — and is
stored as the filed consortium it is, with a history that says it was imported and from which file.

This lives in reviews because the filing numbers do: an imported number takes its place in the year's sequence
(``numbers.locked_counter``), and consortia may not import reviews. The document is read and checked by the
exchange format's own code (``consortia.eligibility``); this module adds the record, what the database needs of the
facts (USCCs, reference codes, lengths), and the mapping from document to rows, written here once.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.eligibility import Filing, InvalidDocument, Problem, filing_from_document, validate_document
from consortia.eligibility.exchange import ROOT, format_path
from consortia.models import Consortium, Governance, LeadUnit, ResearchTask, WorkflowEvent
from consortia.services import add_member, find_or_create_member_organisation
from consortia.states import FILED, Status
from consortia.workflow.transitions import IMPORTED, SYSTEM
from portal.models import AuditEvent, Authority, IndustryField, Organisation, PlatformCategory, User
from portal.services import record_audit
from portal.uscc import normalise_uscc, uscc_problem

from .numbers import locked_counter

RECORD = "record"  # the key beside the exchange format's own
# The form paper filings were numbered in (the portal's default FILING_NUMBER_PATTERN): three digits, a fourth only
# past 999, so that one number has one spelling and the unique filing number catches a repeat.
FILING_NUMBER = re.compile(r"宁创联备〔(?P<year>[0-9]{4})〕(?P<number>[0-9]{3,4})号")
IMPORTED_STATUSES = [status for status in Status if status in FILED]
RECORD_KEYS = ("filing_number", "status", "filed_on", "period")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class LegacyRecord:
    """The ``record`` of a paper filing, checked."""

    filing_number: str
    year: int
    number: int
    status: str
    filed_on: date
    start: date
    end: date


@dataclass(frozen=True)
class ImportedFiling:
    """What importing one document did, or (a dry run) would do."""

    filing_number: str
    name: str
    status: str
    already_imported: bool = False
    new_organisations: int = 0

    @property
    def status_label(self) -> str:
        return Status(self.status).label


def json_path(*parts) -> str:
    """``("members", 2, "uscc")`` → ``$.members[2].uscc``: where a problem is, as JSONPath."""
    return _rooted(format_path(parts))


def _rooted(path: str) -> str:
    return path if path == ROOT else f"{ROOT}.{path}"


def import_filing(*, document: object, file_name: str, actor: User, dry_run: bool = False) -> ImportedFiling:
    """Store one paper filing, in one transaction: the consortium with its lead unit, members, governance and tasks,
    in the record's status with its filing number, dates and period, and a history event and an audit event saying
    it was imported from ``file_name`` by the system on ``actor``'s command (``actor`` becomes ``created_by``).

    A filing number already imported is skipped (``already_imported``), so running the same files again changes
    nothing. Anything wrong raises ``InvalidDocument``, every problem at its JSON path, and nothing is stored.
    ``dry_run`` does all of it and rolls it back."""
    filing, raw, record = _checked(document)
    with transaction.atomic():
        # The year's counter is locked first: an approval taking a number, or another import of this one, waits.
        counter = locked_counter(record.year)
        existing = Consortium.objects.filter(filing_number=record.filing_number).first()
        if existing is not None:
            return _already_there(existing, record)
        references, problems = _references(filing)
        if problems:
            raise InvalidDocument(problems)
        consortium, new_organisations = _store(filing, raw, record, references, actor=actor)
        if counter.last_number < record.number:
            # Raised, never lowered: the next approval of the year continues after the highest number imported.
            counter.last_number = record.number
            counter.save(update_fields=["last_number"])
        WorkflowEvent.objects.create(
            consortium=consortium,
            action=IMPORTED,
            from_status="",  # it was filed on paper: the portal never held it in another state
            to_status=record.status,
            actor=None,
            role=SYSTEM,
            comment=_("自纸质备案导入（文件 %(file)s）：备案编号 %(number)s，备案日期 %(filed_on)s。")
            % {"file": file_name, "number": record.filing_number, "filed_on": record.filed_on.isoformat()},
        )
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=consortium,
            changes={
                "action": IMPORTED,
                "file": file_name,
                "filing_number": record.filing_number,
                "status": record.status,
                "new_organisations": new_organisations,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return ImportedFiling(
        filing_number=record.filing_number,
        name=consortium.name,
        status=record.status,
        new_organisations=new_organisations,
    )


def _already_there(existing: Consortium, record: LegacyRecord) -> ImportedFiling:
    if not existing.events.filter(action=IMPORTED).exists():
        raise InvalidDocument(
            [
                Problem(
                    json_path(RECORD, "filing_number"),
                    _("备案编号 %(number)s 已由平台发给“%(name)s”，不能再导入。请核对纸质备案的编号。")
                    % {"number": record.filing_number, "name": existing.name},
                )
            ]
        )
    return ImportedFiling(
        filing_number=record.filing_number,
        name=existing.name,
        status=existing.status,
        already_imported=True,
    )


# --- Checks that need no database ------------------------------------------------------------------------------------


def _checked(document: object) -> tuple[Filing, dict, LegacyRecord]:
    """The document as a ``Filing`` (and as given, for what the exchange format's ``Filing`` leaves out), and its
    record; or ``InvalidDocument`` with every problem of shape, of the record and of what the database can hold."""
    if not isinstance(document, dict):
        raise InvalidDocument([Problem(ROOT, _("应为%(types)s") % {"types": _("对象（{…}）")})])
    raw = {key: value for key, value in document.items() if key != RECORD}
    problems = [Problem(_rooted(problem.path), problem.message) for problem in validate_document(raw)]
    record, record_problems = _read_record(document.get(RECORD))
    problems += record_problems
    if problems:  # the facts below are read only from a document of the right shape
        raise InvalidDocument(problems)
    problems = _unstorable(document) + _unit_problems(raw)
    if problems:
        raise InvalidDocument(problems)
    return filing_from_document(raw), raw, record


def _read_record(record: object) -> tuple[LegacyRecord | None, list[Problem]]:
    if record is None:
        return None, [Problem(json_path(RECORD), _("缺少此项（必填）"))]
    if not isinstance(record, dict):
        return None, [Problem(json_path(RECORD), _("应为%(types)s") % {"types": _("对象（{…}）")})]
    problems = [
        Problem(json_path(RECORD, key), _("不是导入记录（record）中的字段")) for key in record if key not in RECORD_KEYS
    ]
    problems += [Problem(json_path(RECORD, key), _("缺少此项（必填）")) for key in RECORD_KEYS if key not in record]

    number = record.get("filing_number")
    match = FILING_NUMBER.fullmatch(number) if isinstance(number, str) else None
    if "filing_number" in record and (match is None or not _canonical(match["number"])):
        problems.append(
            Problem(
                json_path(RECORD, "filing_number"),
                _("应为“宁创联备〔年份〕序号号”的形式，序号至少三位、从 001 起，例如 宁创联备〔2024〕012号"),
            )
        )
        match = None

    status = record.get("status")
    if "status" in record and status not in IMPORTED_STATUSES:
        problems.append(
            Problem(
                json_path(RECORD, "status"),
                _("必须是 %(values)s 之一") % {"values": _("、").join(IMPORTED_STATUSES)},
            )
        )

    filed_on = _date_at(record, ("filed_on",), problems)
    today = timezone.localdate()
    if filed_on is not None and filed_on > today:
        problems.append(
            Problem(
                json_path(RECORD, "filed_on"),
                _("备案日期 %(date)s 晚于今天（%(today)s）")
                % {"date": filed_on.isoformat(), "today": today.isoformat()},
            )
        )
        filed_on = None
    if filed_on is not None and match is not None and filed_on.year != int(match["year"]):
        problems.append(
            Problem(
                json_path(RECORD, "filed_on"),
                _("备案日期 %(date)s 不在备案编号的年度（%(year)s 年）内")
                % {"date": filed_on.isoformat(), "year": match["year"]},
            )
        )

    start = end = None
    period = record.get("period")
    if "period" in record:
        if isinstance(period, dict):
            problems += [
                Problem(json_path(RECORD, "period", key), _("不是导入记录（record）中的字段"))
                for key in period
                if key not in ("start", "end")
            ]
            start = _date_at(record, ("period", "start"), problems)
            end = _date_at(record, ("period", "end"), problems)
            if start is not None and end is not None and end <= start:
                problems.append(
                    Problem(
                        json_path(RECORD, "period", "end"),
                        _("建设周期结束日期 %(end)s 应晚于开始日期 %(start)s。")
                        % {"start": start.isoformat(), "end": end.isoformat()},
                    )
                )
        else:
            problems.append(Problem(json_path(RECORD, "period"), _("应为%(types)s") % {"types": _("对象（{…}）")}))

    if problems:
        return None, problems
    return (
        LegacyRecord(
            filing_number=number,
            year=int(match["year"]),
            number=int(match["number"]),
            status=status,
            filed_on=filed_on,
            start=start,
            end=end,
        ),
        [],
    )


def _canonical(digits: str) -> bool:
    number = int(digits)
    return number >= 1 and f"{number:03d}" == digits


def _date_at(record: dict, keys: tuple[str, ...], problems: list[Problem]) -> date | None:
    """The date at ``record[keys…]``, or None with the problem added (a missing one too)."""
    holder, key = record, keys[-1]
    for part in keys[:-1]:
        holder = holder[part]
    path = json_path(RECORD, *keys)
    if key not in holder:
        if len(keys) > 1:  # a missing top-level key was already named with the others
            problems.append(Problem(path, _("缺少此项（必填）")))
        return None
    value = holder[key]
    try:
        if isinstance(value, str) and _DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    problems.append(Problem(path, _("不是有效的日期（应为 YYYY-MM-DD，例如 2026-01-01）")))
    return None


def _strings(node, parts=()):
    """Every text in the document with the path to it."""
    if isinstance(node, str):
        yield parts, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*parts, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*parts, index))


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _unstorable(document: dict) -> list[Problem]:
    """What the database cannot hold: a NUL character (PostgreSQL refuses it in any text), a name longer than its
    column, money with more digits than its column."""
    nul = _("不能包含空字符（\\u0000）")
    problems = [Problem(json_path(*parts), nul) for parts, text in _strings(document) if "\x00" in text]
    limits = [
        (("name",), _max_length(Consortium, "name")),
        (("lead", "name"), _max_length(Organisation, "name")),
        (("lead", "head"), _max_length(LeadUnit, "head")),
        *((("members", i, "name"), _max_length(Organisation, "name")) for i in range(len(document["members"]))),
        *((("tasks", i, "title"), _max_length(ResearchTask, "title")) for i in range(len(document["tasks"]))),
    ]
    for parts, limit in limits:
        text = _at(document, parts)
        if text is not None and len(text) > limit:
            problems.append(
                Problem(
                    json_path(*parts),
                    _("不能超过 %(limit)d 个字符（当前 %(length)d 个）") % {"limit": limit, "length": len(text)},
                )
            )
    for key in ("revenue_prev_year", "rd_expense_prev_year"):
        value = document["lead"].get(key)
        if value is not None:
            problem = _money_problem(Decimal(value), LeadUnit._meta.get_field(key))
            if problem:
                problems.append(Problem(json_path("lead", key), problem))
    return problems


def _at(document: dict, parts):
    node = document
    for part in parts:
        node = node.get(part) if isinstance(node, dict) else node[part]
        if node is None:
            return None
    return node


def _money_problem(value: Decimal, field) -> str | None:
    if value.as_tuple().exponent < -field.decimal_places and value != round(value, field.decimal_places):
        return _("最多保留 %(places)d 位小数") % {"places": field.decimal_places}
    limit = Decimal(10) ** (field.max_digits - field.decimal_places)
    if value >= limit:
        return _("金额过大：应小于 %(limit)s 万元") % {"limit": limit}
    return None


def _unit_problems(document: dict) -> list[Problem]:
    """Every USCC valid, and each unit once: the lead not also a member, no member twice."""
    problems = []
    lead = normalise_uscc(document["lead"]["uscc"])
    fault = uscc_problem(lead)
    if fault:
        problems.append(Problem(json_path("lead", "uscc"), fault))
    seen: dict[str, str] = {}
    for index, member in enumerate(document["members"]):
        uscc = normalise_uscc(member["uscc"])
        path = json_path("members", index, "uscc")
        fault = uscc_problem(uscc)
        if fault:
            problems.append(Problem(path, fault))
        elif uscc == lead:
            problems.append(Problem(path, _("该单位是本联合体的牵头单位，不能同时作为参与单位。")))
        elif uscc in seen:
            problems.append(
                Problem(
                    path,
                    _("统一社会信用代码 %(uscc)s（%(name)s）已是本联合体的参与单位，不能重复添加。")
                    % {"uscc": uscc, "name": seen[uscc]},
                )
            )
        seen.setdefault(uscc, member["name"])
    names = {document["lead"]["name"], lead, *(m["name"] for m in document["members"]), *seen}
    for index, task in enumerate(document["tasks"]):
        for position, unit in enumerate(task.get("responsible_units", ())):
            if unit not in names and normalise_uscc(unit) not in names:
                problems.append(
                    Problem(
                        json_path("tasks", index, "responsible_units", position),
                        _("“%(unit)s”不是本联合体的牵头单位或参与单位：请填写其名称或统一社会信用代码")
                        % {"unit": unit},
                    )
                )
    return problems


# --- Reference data and the rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _References:
    field: IndustryField
    jurisdiction: Authority | None
    platform_category: PlatformCategory | None
    lead: Organisation | None  # None: a new organisation


def _references(filing: Filing) -> tuple[_References | None, list[Problem]]:
    """The reference entries the document's codes name, and the lead organisation if the portal knows its USCC.
    Entries no longer active are accepted: a filing of years ago may be in a field since retired."""
    problems = []
    field = IndustryField.objects.filter(code=filing.field).first()
    if field is None:
        message = _("“%(code)s”不是重点产业领域目录中的代码") % {"code": filing.field}
        problems.append(Problem(json_path("field"), message))
    lead = Organisation.objects.filter(uscc=normalise_uscc(filing.lead.uscc)).first()
    jurisdiction = None
    if filing.lead.jurisdiction:
        jurisdiction = Authority.objects.filter(code=filing.lead.jurisdiction).first()
        if jurisdiction is None:
            problems.append(
                Problem(
                    json_path("lead", "jurisdiction"),
                    _("“%(code)s”不是属地主管部门目录中的代码") % {"code": filing.lead.jurisdiction},
                )
            )
    elif lead is None or lead.jurisdiction_id is None:
        # The district pre-screens and follows its lead units' consortia: a lead unit needs one.
        problems.append(Problem(json_path("lead", "jurisdiction"), _("缺少此项（必填）")))
    category = None
    if filing.lead.platform is not None:
        category = PlatformCategory.objects.filter(code=filing.lead.platform.category).first()
        if category is None:
            problems.append(
                Problem(
                    json_path("lead", "platform", "category"),
                    _("“%(code)s”不是重大科技平台类别目录中的代码") % {"code": filing.lead.platform.category},
                )
            )
    if problems:
        return None, problems
    return _References(field=field, jurisdiction=jurisdiction, platform_category=category, lead=lead), []


def _store(
    filing: Filing, raw: dict, record: LegacyRecord, references: _References, *, actor: User
) -> tuple[Consortium, int]:
    """The rows of one filing; returns the consortium and how many organisations were new."""
    new_organisations = 0
    lead = references.lead
    if lead is None:
        # Not registered: whoever of the unit registers its USCC first takes it over (portal.services).
        lead = Organisation.objects.create(
            uscc=filing.lead.uscc,
            name=filing.lead.name.strip(),
            kind=filing.lead.kind,
            jurisdiction=references.jurisdiction,
            registered=False,
        )
        new_organisations += 1
    elif lead.jurisdiction_id is None:
        # A unit first typed in as somebody's member has no district yet; the paper filing names it. One it has is
        # never changed here.
        lead.jurisdiction = references.jurisdiction
        lead.save(update_fields=["jurisdiction"])
    consortium = Consortium.objects.create(
        name=filing.name.strip(),
        field=references.field,
        technology_kinds=list(filing.technology_kinds),
        summary=filing.summary,
        planned_start=filing.period.start,
        planned_end=filing.period.end,
        status=record.status,
        lead_organisation=lead,
        created_by=actor,
        justifications=dict(filing.justifications),
        agreement_signed_on=filing.agreement.signed_on,
        agreement_all_parties_signed=filing.agreement.all_parties_signed,
        # Officers see what was ever submitted. A paper filing was submitted before the day it was filed, the
        # nearest date its record gives.
        submitted_at=timezone.make_aware(datetime.combine(record.filed_on, time.min)),
        filing_number=record.filing_number,
        filed_on=record.filed_on,
        start_date=record.start,
        end_date=record.end,
    )
    platform = filing.lead.platform
    LeadUnit.objects.create(
        consortium=consortium,
        head=filing.lead.head,
        revenue_prev_year=filing.lead.revenue_prev_year,
        rd_expense_prev_year=filing.lead.rd_expense_prev_year,
        platform_level=platform.level if platform else "",
        platform_category=references.platform_category,
    )
    Governance.objects.create(
        consortium=consortium,
        has_council=filing.governance.council,
        council_chair_is_lead_head=filing.governance.council_chair_is_lead_head,
        chief_experts="\n".join(filing.governance.chief_experts),
        advisory_committee="\n".join(filing.governance.advisory_committee),
    )
    units = {lead.uscc: lead, filing.lead.name: lead}
    for member in filing.members:
        if not Organisation.objects.filter(uscc=normalise_uscc(member.uscc)).exists():
            new_organisations += 1
        organisation = find_or_create_member_organisation(uscc=member.uscc, name=member.name, kind=member.kind)
        add_member(
            consortium=consortium,
            organisation=organisation,
            details={
                "chain_position": member.chain_position,
                "independent_legal_entity": member.independent_legal_entity,
                "capability": member.capability,
                "role": member.role,
            },
        )
        units[organisation.uscc] = units[member.name] = organisation
    for task, given in zip(filing.tasks, raw["tasks"], strict=True):
        stored = ResearchTask.objects.create(
            consortium=consortium,
            title=task.title.strip(),
            kind=task.kind,
            objectives=task.objectives,
            indicators=task.indicators,
            milestones="\n".join(given.get("milestones", ())),
        )
        responsible = [units.get(unit) or units[normalise_uscc(unit)] for unit in given.get("responsible_units", ())]
        stored.responsible_units.set(responsible)
    return consortium, new_organisations
