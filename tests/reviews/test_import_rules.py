"""The rules of the paper-filing import (``reviews.imports.import_filing``), called directly: every problem of a
refused document exactly — path and message, and no other — and every row an accepted one leaves, read back.

``test_import_filings.py`` drives the same import through ``manage.py import_filings`` (files, folders, exit
statuses); this file states what the import itself decides. Documents are read as the command reads them
(``parse_document``: numbers as Decimal)."""

import json
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from consortia.eligibility import InvalidDocument, parse_document
from consortia.models import Consortium, WorkflowEvent
from consortia.states import Status
from portal.models import AuditEvent, IndustryField, Organisation
from reviews.imports import ImportedFiling, import_filing
from reviews.models import FilingNumberCounter
from tests.factories import complete_filing
from tests.reviews.test_import_filings import BAD_USCC, EXAMPLE_LEAD_USCC, filing_part, legacy, stored_rows

pytestmark = pytest.mark.django_db

NUMBER = "宁创联备〔2024〕012号"
NAME = "南京市车规级碳化硅功率器件创新联合体"
FORM = "应为“宁创联备〔年份〕序号号”的形式，序号至少三位、从 001 起，例如 宁创联备〔2024〕012号"
NOT_A_DATE = "不是有效的日期（应为 YYYY-MM-DD，例如 2026-01-01）"
MISSING = "缺少此项（必填）"
NOT_IN_RECORD = "不是导入记录（record）中的字段"
OBJECT = "应为对象（{…}）"
STATUSES = "必须是 active、expired、completed、revoked 之一"
OUTSIDE = "不是本联合体的牵头单位或参与单位：请填写其名称或统一社会信用代码"
# The example's members, in order: a university, an institute and two enterprises.
UNIVERSITY_USCC = "123200004660012346"
INSTITUTE_USCC = "52320100MJ5312684D"
EQUIPMENT_USCC = "91320113MA1T6FD2PA"
EQUIPMENT_NAME = "南京长江电子装备有限公司"


def paper(**record) -> dict:
    """The example as a paper filing, parsed as the command parses a file."""
    return parse_document(json.dumps(legacy(**record), ensure_ascii=False))


@pytest.fixture
def city(demo_users):
    return demo_users["city"]


def problems_of(document, actor) -> list[str]:
    """Every problem the import names for ``document``; and that nothing was stored."""
    before = stored_rows()
    with pytest.raises(InvalidDocument) as refused:
        import_filing(document=document, file_name="bad.json", actor=actor)
    assert stored_rows() == before
    return [str(problem) for problem in refused.value.problems]


# --- The record ------------------------------------------------------------------------------------------------------


def without(key: str) -> dict:
    document = paper()
    del document["record"][key]
    return document


@pytest.mark.parametrize(
    "document, problems",
    [
        pytest.param(filing_part(), ["$.record: 缺少此项（必填）"], id="no record"),
        pytest.param({**filing_part(), "record": NUMBER}, [f"$.record: {OBJECT}"], id="record not an object"),
        pytest.param(
            {**filing_part(), "record": {}},
            [f"$.record.{key}: {MISSING}" for key in ("filing_number", "status", "filed_on", "period")],
            id="empty record",
        ),
        pytest.param(without("status"), [f"$.record.status: {MISSING}"], id="no status"),
        pytest.param(without("period"), [f"$.record.period: {MISSING}"], id="no period"),
        pytest.param(without("filing_number"), [f"$.record.filing_number: {MISSING}"], id="no filing number"),
        pytest.param(
            paper(approved_by="市科技局", note="纸质档案"),
            [f"$.record.approved_by: {NOT_IN_RECORD}", f"$.record.note: {NOT_IN_RECORD}"],
            id="keys not of a record",
        ),
        pytest.param(paper(status="archived"), [f"$.record.status: {STATUSES}"], id="unknown status"),
        pytest.param(paper(status="city_review"), [f"$.record.status: {STATUSES}"], id="status before filing"),
        pytest.param(paper(status=None), [f"$.record.status: {STATUSES}"], id="null status"),
        pytest.param(paper(filed_on="2024/03/01"), [f"$.record.filed_on: {NOT_A_DATE}"], id="date with slashes"),
        pytest.param(paper(filed_on="2024-02-30"), [f"$.record.filed_on: {NOT_A_DATE}"], id="no such day"),
        pytest.param(paper(filed_on=20240301), [f"$.record.filed_on: {NOT_A_DATE}"], id="date as a number"),
        pytest.param(
            paper(filed_on="2023-12-28"),
            ["$.record.filed_on: 备案日期 2023-12-28 不在备案编号的年度（2024 年）内"],
            id="filed in another year",
        ),
        pytest.param(
            # The year cannot be compared with a number that is not one: the number alone is named.
            paper(filing_number="宁创联备〔2024〕12号", filed_on="2023-12-28"),
            [f"$.record.filing_number: {FORM}"],
            id="bad number and another year",
        ),
        pytest.param(paper(period="2024-2027"), [f"$.record.period: {OBJECT}"], id="period not an object"),
        pytest.param(
            paper(period={}),
            [f"$.record.period.start: {MISSING}", f"$.record.period.end: {MISSING}"],
            id="empty period",
        ),
        pytest.param(paper(period={"start": "2024-03-01"}), [f"$.record.period.end: {MISSING}"], id="no end"),
        pytest.param(paper(period={"end": "2027-02-28"}), [f"$.record.period.start: {MISSING}"], id="no start"),
        pytest.param(
            paper(period={"start": "2024-03-01", "end": "2027-02-28", "years": 3}),
            [f"$.record.period.years: {NOT_IN_RECORD}"],
            id="key not of a period",
        ),
        pytest.param(
            paper(period={"start": "2024-03-01", "end": "2024-03-01"}),
            ["$.record.period.end: 建设周期结束日期 2024-03-01 应晚于开始日期 2024-03-01。"],
            id="ends the day it starts",
        ),
        pytest.param(
            paper(period={"start": "2024-03-01", "end": "2024-02-29"}),
            ["$.record.period.end: 建设周期结束日期 2024-02-29 应晚于开始日期 2024-03-01。"],
            id="ends before it starts",
        ),
        pytest.param(
            paper(period={"start": "2024-13-01", "end": "2024-02-29"}),
            [f"$.record.period.start: {NOT_A_DATE}"],
            id="bad start",
        ),
        pytest.param(
            paper(period={"start": "2024-03-01", "end": "2027-02-29"}),
            [f"$.record.period.end: {NOT_A_DATE}"],
            id="bad end",
        ),
        pytest.param(
            {
                **filing_part(),
                "record": {"note": "", "filing_number": "012", "status": "draft", "period": {"start": "2024-03-01"}},
            },
            [
                f"$.record.note: {NOT_IN_RECORD}",
                f"$.record.filed_on: {MISSING}",
                f"$.record.filing_number: {FORM}",
                f"$.record.status: {STATUSES}",
                f"$.record.period.end: {MISSING}",
            ],
            id="everything wrong at once",
        ),
    ],
)
def test_a_malformed_record_is_refused_with_exactly_its_problems(city, document, problems):
    assert problems_of(document, city) == problems


@pytest.mark.parametrize(
    "number",
    [
        "宁创联备〔2024〕12号",
        "宁创联备〔2024〕0012号",
        "宁创联备〔2024〕000号",
        "宁创联备〔2024〕0000号",
        "宁创联备〔2024〕01000号",
        "宁创联备[2024]012号",
        "宁创联备〔24〕012号",
        "宁创联备〔2024〕012号（补）",
        12,
        None,
    ],
)
def test_a_filing_number_not_in_its_one_spelling_is_refused(city, number):
    assert problems_of(paper(filing_number=number), city) == [f"$.record.filing_number: {FORM}"]


@pytest.mark.parametrize("digits, last_number", [("001", 1), ("099", 99), ("999", 999), ("1000", 1000)])
def test_a_filing_number_of_three_digits_or_a_fourth_past_999_is_imported_and_moves_the_year_on(
    city, digits, last_number
):
    number = f"宁创联备〔2023〕{digits}号"
    outcome = import_filing(document=paper(filing_number=number, filed_on="2023-06-30"), file_name="a", actor=city)
    assert (outcome.filing_number, Consortium.objects.get().filing_number) == (number, number)
    assert list(FilingNumberCounter.objects.values_list("year", "last_number")) == [(2023, last_number)]


def test_a_filing_date_after_today_is_refused_and_today_is_not(city):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    document = paper(filing_number=f"宁创联备〔{tomorrow.year}〕001号", filed_on=tomorrow.isoformat())
    assert problems_of(document, city) == [
        f"$.record.filed_on: 备案日期 {tomorrow.isoformat()} 晚于今天（{today.isoformat()}）"
    ]
    # A future date is not compared with the number's year as well: one problem, not two.
    document = paper(filing_number="宁创联备〔2024〕012号", filed_on=tomorrow.isoformat())
    assert problems_of(document, city) == [
        f"$.record.filed_on: 备案日期 {tomorrow.isoformat()} 晚于今天（{today.isoformat()}）"
    ]

    number = f"宁创联备〔{today.year}〕001号"
    import_filing(document=paper(filing_number=number, filed_on=today.isoformat()), file_name="a", actor=city)
    assert Consortium.objects.get().filed_on == today


# --- The document's shape, and what the database can hold ------------------------------------------------------------


@pytest.mark.parametrize("document", [[legacy()], json.dumps(legacy(), ensure_ascii=False), None])
def test_a_document_that_is_not_an_object_is_refused_at_the_root(city, document):
    assert problems_of(document, city) == [f"$: {OBJECT}"]


def test_problems_of_the_document_come_at_their_json_path_before_those_of_the_record(city):
    document = paper(status="archived")
    document["members"][2]["kind"] = "company"
    document["tasks"][1]["title"] = " "
    assert problems_of(document, city) == [
        "$.members[2].kind: 必须是 enterprise、university、institute、platform、other 之一",
        "$.tasks[1].title: 不能为空",
        f"$.record.status: {STATUSES}",
    ]


def test_what_the_database_cannot_hold_is_looked_for_only_in_a_document_of_the_right_shape(city):
    """A NUL character or a bad USCC is named only once the shape is right: a document missing its members has
    no members to read."""
    document = paper()
    document["summary"] = "简介\u0000"
    document["lead"]["uscc"] = BAD_USCC
    del document["members"]
    assert problems_of(document, city) == [f"$.members: {MISSING}"]


def test_a_nul_character_anywhere_is_named_at_its_path(city):
    document = paper()
    document["summary"] = "简介\u0000"
    document["members"][1]["role"] = "\u0000"
    document["governance"]["advisory_committee"][2] = "沈浩然\u0000"
    document["tasks"][0]["milestones"] = ["2024 年", "2025 年\u0000"]
    nul = "不能包含空字符（\\u0000）"
    assert problems_of(document, city) == [
        f"$.summary: {nul}",
        f"$.members[1].role: {nul}",
        f"$.governance.advisory_committee[2]: {nul}",
        f"$.tasks[0].milestones[1]: {nul}",
    ]


def test_every_name_over_its_column_is_named_with_its_limit_and_length(city):
    document = paper()
    document["name"] = "联" * 201
    document["lead"]["name"] = "牵" * 202
    document["lead"]["head"] = "陈" * 65
    document["members"][3]["name"] = "栖" * 201
    document["tasks"][2]["title"] = "题" * 203
    assert problems_of(document, city) == [
        "$.name: 不能超过 200 个字符（当前 201 个）",
        "$.lead.name: 不能超过 200 个字符（当前 202 个）",
        "$.lead.head: 不能超过 64 个字符（当前 65 个）",
        "$.members[3].name: 不能超过 200 个字符（当前 201 个）",
        "$.tasks[2].title: 不能超过 200 个字符（当前 203 个）",
    ]


def test_money_the_column_cannot_hold_is_named_for_each_amount(city):
    document = paper()
    document["lead"]["revenue_prev_year"] = Decimal("1000000000000")
    document["lead"]["rd_expense_prev_year"] = Decimal("3100.001")
    assert problems_of(document, city) == [
        "$.lead.revenue_prev_year: 金额过大：应小于 1000000000000 万元",
        "$.lead.rd_expense_prev_year: 最多保留 2 位小数",
    ]


def test_the_largest_amounts_the_columns_hold_and_no_amounts_at_all_are_imported(city):
    document = paper()
    document["lead"]["revenue_prev_year"] = Decimal("999999999999.99")
    document["lead"]["rd_expense_prev_year"] = Decimal("3100.100")  # more places than kept, but only zeros
    import_filing(document=document, file_name="a.json", actor=city)
    lead = Consortium.objects.get().lead
    assert (lead.revenue_prev_year, lead.rd_expense_prev_year) == (Decimal("999999999999.99"), Decimal("3100.1"))

    document = paper(filing_number="宁创联备〔2024〕013号")
    document["lead"]["revenue_prev_year"] = None
    del document["lead"]["rd_expense_prev_year"]
    del document["lead"]["head"]
    import_filing(document=document, file_name="b.json", actor=city)
    lead = Consortium.objects.get(filing_number="宁创联备〔2024〕013号").lead
    assert (lead.revenue_prev_year, lead.rd_expense_prev_year, lead.head) == (None, None, "")


# --- The units -------------------------------------------------------------------------------------------------------


def test_an_invalid_uscc_is_named_at_its_path_for_the_lead_unit_and_each_member(city):
    document = paper()
    document["lead"]["uscc"] = EXAMPLE_LEAD_USCC[:-1] + "A"
    document["members"][0]["uscc"] = UNIVERSITY_USCC[:-1]
    document["members"][2]["uscc"] = "I" + EQUIPMENT_USCC[1:]
    assert problems_of(document, city) == [
        "$.lead.uscc: 校验位不正确：按前 17 位计算，第 18 位应为“T”，而不是“A”。请核对代码是否抄错。",
        "$.members[0].uscc: 统一社会信用代码应为 18 位，当前为 17 位。",
        "$.members[2].uscc: 第 1 位字符“I”不是统一社会信用代码允许的字符（不含 I、O、S、V、Z）。",
    ]


def test_the_lead_unit_as_a_member_and_a_member_twice_are_named_however_the_uscc_is_typed(city):
    """USCCs are compared as stored (spaces dropped, upper case); a repeated member is named with the name it
    first came under."""
    document = paper()
    document["members"][1]["uscc"] = EXAMPLE_LEAD_USCC.lower()
    document["members"][3]["uscc"] = EQUIPMENT_USCC[:9] + " " + EQUIPMENT_USCC[9:].lower()
    document["members"][3]["name"] = "长江电子装备（另一名称）"
    assert problems_of(document, city) == [
        "$.members[1].uscc: 该单位是本联合体的牵头单位，不能同时作为参与单位。",
        f"$.members[3].uscc: 统一社会信用代码 {EQUIPMENT_USCC}（{EQUIPMENT_NAME}）"
        "已是本联合体的参与单位，不能重复添加。",
    ]


def test_a_responsible_unit_outside_the_consortium_is_named_at_its_position(city):
    document = paper()
    document["tasks"][1]["responsible_units"] = ["南京某某公司", EQUIPMENT_NAME, "91320115MA1W8KQ3X"]
    document["tasks"][2]["responsible_units"] = [INSTITUTE_USCC, "南京芯源半导体"]
    assert problems_of(document, city) == [
        f"$.tasks[1].responsible_units[0]: “南京某某公司”{OUTSIDE}",
        f"$.tasks[1].responsible_units[2]: “91320115MA1W8KQ3X”{OUTSIDE}",
        f"$.tasks[2].responsible_units[1]: “南京芯源半导体”{OUTSIDE}",
    ]


def test_responsible_units_may_be_named_by_name_or_by_uscc_as_typed(city):
    document = paper()
    document["tasks"][0]["responsible_units"] = ["南京芯源半导体科技有限公司", "江苏秦淮理工大学"]
    document["tasks"][1]["responsible_units"] = [EXAMPLE_LEAD_USCC.lower(), " ".join(INSTITUTE_USCC.lower())]
    # A name is matched as written, even one that is not a USCC once spaces are dropped and letters raised.
    document["members"][3]["name"] = "南京栖霞 eDrive 电驱系统有限公司"
    document["tasks"][2]["responsible_units"] = [EQUIPMENT_USCC, "南京栖霞 eDrive 电驱系统有限公司"]
    import_filing(document=document, file_name="a.json", actor=city)
    tasks = Consortium.objects.get().tasks.order_by("id")
    assert [sorted(task.responsible_units.values_list("uscc", flat=True)) for task in tasks] == [
        sorted([EXAMPLE_LEAD_USCC, UNIVERSITY_USCC]),
        sorted([EXAMPLE_LEAD_USCC, INSTITUTE_USCC]),
        sorted([EQUIPMENT_USCC, "91320116MA1XH2K8R3"]),
    ]


# --- Reference data --------------------------------------------------------------------------------------------------


def test_codes_not_in_the_reference_lists_are_each_named(city):
    document = paper()
    document["field"] = "steam-engines"
    document["lead"]["jurisdiction"] = "999999"
    document["lead"]["platform"] = {"level": "national", "category": "observatory"}
    assert problems_of(document, city) == [
        "$.field: “steam-engines”不是重点产业领域目录中的代码",
        "$.lead.jurisdiction: “999999”不是属地主管部门目录中的代码",
        "$.lead.platform.category: “observatory”不是重大科技平台类别目录中的代码",
    ]


def test_a_lead_unit_with_no_district_anywhere_is_refused(city):
    """A new lead unit, or one the portal knows without a district (typed in as somebody's member), takes the
    district from the document; without one there, the import is refused."""
    document = paper()
    del document["lead"]["jurisdiction"]
    assert problems_of(document, city) == [f"$.lead.jurisdiction: {MISSING}"]
    Organisation.objects.create(uscc=EXAMPLE_LEAD_USCC, name="南京芯源半导体科技有限公司", kind="enterprise")
    assert problems_of(document, city) == [f"$.lead.jurisdiction: {MISSING}"]


def test_a_known_lead_unit_without_a_district_takes_the_documents(city):
    known = Organisation.objects.create(uscc=EXAMPLE_LEAD_USCC, name="南京芯源（已录入）", kind="enterprise")
    import_filing(document=paper(), file_name="a.json", actor=city)
    known.refresh_from_db()
    assert Consortium.objects.get().lead_organisation == known
    assert (known.name, known.jurisdiction.code) == ("南京芯源（已录入）", "320115")


@pytest.mark.parametrize("given", [None, "320102"])
def test_a_known_lead_unit_keeps_its_district_whatever_the_document_says(city, demo_users, given):
    own = demo_users["lead-a"].organisation  # in Jiangning (320115)
    document = paper()
    document["lead"]["uscc"] = own.uscc
    if given is None:
        del document["lead"]["jurisdiction"]
    else:
        document["lead"]["jurisdiction"] = given  # Xuanwu
    import_filing(document=document, file_name="a.json", actor=city)
    own.refresh_from_db()
    assert Consortium.objects.get().lead_organisation == own
    assert own.jurisdiction.code == "320115"


def test_a_platform_and_a_retired_field_are_taken_from_the_reference_lists(city):
    """A filing of years ago may be in a field since retired: its code is still accepted."""
    document = paper()
    document["lead"]["platform"] = {"level": "provincial", "category": "laboratory"}
    consortium_field = document["field"]
    IndustryField.objects.filter(code=consortium_field).update(is_active=False)
    import_filing(document=document, file_name="a.json", actor=city)
    consortium = Consortium.objects.get()
    lead = consortium.lead
    assert (consortium.field.code, lead.platform_level, lead.platform_category.code) == (
        consortium_field,
        "provincial",
        "laboratory",
    )


# --- What is stored --------------------------------------------------------------------------------------------------


def test_an_import_stores_the_documents_facts_row_by_row(city):
    document = paper()
    document["name"] = f"  {NAME}  "
    document["lead"]["uscc"] = EXAMPLE_LEAD_USCC.lower()
    document["lead"]["name"] = " 南京芯源半导体科技有限公司 "
    document["governance"]["chief_experts"] = ["秦文博（江苏秦淮理工大学教授）", "李青（研究员）"]
    document["tasks"][0]["title"] = " 栅氧可靠性提升 "
    document["tasks"][0]["milestones"] = ["2024 年：完成栅氧工艺验证", "2025 年：小批量流片"]
    document["justifications"] = {"ACADEMIC_MEMBER": "高校团队以技术顾问身份参与，纸质备案时已书面说明。"}

    outcome = import_filing(document=document, file_name="012.json", actor=city)

    assert outcome == ImportedFiling(
        filing_number=NUMBER, name=NAME, status="active", already_imported=False, new_organisations=5
    )
    consortium = Consortium.objects.get()
    assert (consortium.name, consortium.field.code, consortium.technology_kinds, consortium.summary) == (
        NAME,
        "third-gen-semiconductors",
        ["choke-point", "frontier"],
        document["summary"],
    )
    assert (consortium.planned_start.isoformat(), consortium.planned_end.isoformat()) == ("2027-01-01", "2029-12-31")
    assert (consortium.status, consortium.filing_number, consortium.filed_on.isoformat()) == (
        "active",
        NUMBER,
        "2024-03-01",
    )
    assert (consortium.start_date.isoformat(), consortium.end_date.isoformat()) == ("2024-03-01", "2027-02-28")
    assert (consortium.created_by, consortium.justifications) == (
        city,
        {"ACADEMIC_MEMBER": "高校团队以技术顾问身份参与，纸质备案时已书面说明。"},
    )
    assert (consortium.agreement_signed_on.isoformat(), consortium.agreement_all_parties_signed) == ("2026-10-28", True)
    # Submitted, as far as the record can tell, at the start of the day it was filed.
    assert consortium.submitted_at == timezone.make_aware(datetime.combine(consortium.filed_on, time.min))

    lead = consortium.lead_organisation
    assert (lead.uscc, lead.name, lead.kind, lead.jurisdiction.code, lead.registered) == (
        EXAMPLE_LEAD_USCC,
        "南京芯源半导体科技有限公司",
        "enterprise",
        "320115",
        False,
    )
    unit = consortium.lead
    assert (unit.head, unit.revenue_prev_year, unit.rd_expense_prev_year) == ("陈志远", Decimal("52000.5"), 3100)
    assert (unit.platform_level, unit.platform_category) == ("", None)
    governance = consortium.governance
    assert (governance.has_council, governance.council_chair_is_lead_head) == (True, True)
    assert governance.chief_experts == "秦文博（江苏秦淮理工大学教授）\n李青（研究员）"
    assert (
        governance.advisory_committee
        == "周立衡（中国科学院院士）\n顾敏（南京紫峰第三代半导体研究院研究员）\n沈浩然（正高级工程师）"
    )

    members = consortium.memberships.order_by("id")
    assert [
        (
            m.organisation.uscc,
            m.organisation.name,
            m.organisation.kind,
            m.organisation.registered,
            m.chain_position,
            m.independent_legal_entity,
            m.capability,
            m.role,
        )
        for m in members
    ] == [
        (
            given["uscc"],
            given["name"],
            given["kind"],
            False,
            given["chain_position"],
            True,
            given["capability"],
            given["role"],
        )
        for given in document["members"]
    ]
    tasks = consortium.tasks.order_by("id")
    assert [(t.title, t.kind, t.objectives, t.indicators, t.milestones) for t in tasks] == [
        (
            "栅氧可靠性提升",
            "choke-point",
            document["tasks"][0]["objectives"],
            document["tasks"][0]["indicators"],
            "2024 年：完成栅氧工艺验证\n2025 年：小批量流片",
        ),
        *((t["title"], t["kind"], t["objectives"], t["indicators"], "") for t in document["tasks"][1:]),
    ]


def test_the_history_and_the_audit_say_what_was_imported_from_which_file_on_whose_command(city):
    import_filing(document=paper(status="expired"), file_name="宁创联备2024-012.json", actor=city)
    consortium = Consortium.objects.get()
    event = WorkflowEvent.objects.get(consortium=consortium)
    assert (event.action, event.from_status, event.to_status, event.actor, event.role) == (
        "import",
        "",
        "expired",
        None,
        "system",
    )
    assert (
        event.comment
        == "自纸质备案导入（文件 宁创联备2024-012.json）：备案编号 宁创联备〔2024〕012号，备案日期 2024-03-01。"
    )
    audit = AuditEvent.objects.get(event_type=AuditEvent.Type.RECORD_CHANGED)
    assert (audit.actor, audit.object_type, audit.object_id) == (city, "consortia.consortium", str(consortium.pk))
    assert audit.changes == {
        "action": "import",
        "file": "宁创联备2024-012.json",
        "filing_number": NUMBER,
        "status": "expired",
        "new_organisations": 5,
    }


def test_units_the_portal_knows_are_not_counted_as_new(city, demo_users):
    own = demo_users["lead-a"].organisation
    Organisation.objects.create(uscc=UNIVERSITY_USCC, name="江苏秦淮理工大学", kind="university")
    document = paper()
    document["lead"]["uscc"] = own.uscc
    document["members"][0]["uscc"] = UNIVERSITY_USCC[:6] + " " + UNIVERSITY_USCC[6:]
    document["members"][2]["uscc"] = EQUIPMENT_USCC.lower()
    Organisation.objects.create(uscc=EQUIPMENT_USCC, name=EQUIPMENT_NAME, kind="enterprise")
    outcome = import_filing(document=document, file_name="a.json", actor=city)
    assert outcome.new_organisations == 2
    assert AuditEvent.objects.get(event_type=AuditEvent.Type.RECORD_CHANGED).changes["new_organisations"] == 2


def test_a_dry_run_says_what_it_would_import_and_stores_nothing(city):
    before = stored_rows()
    outcome = import_filing(document=paper(), file_name="a.json", actor=city, dry_run=True)
    assert outcome == ImportedFiling(filing_number=NUMBER, name=NAME, status="active", new_organisations=5)
    assert stored_rows() == before
    assert not FilingNumberCounter.objects.exists()


def test_a_filing_imported_before_is_reported_as_it_was_stored_and_not_changed(city):
    import_filing(document=paper(), file_name="a.json", actor=city)
    Consortium.objects.update(status=Status.COMPLETED)
    after_first = stored_rows()
    again = paper(status="revoked")
    again["name"] = "另一个名称"
    again["field"] = "steam-engines"  # not looked up: the number is already there
    outcome = import_filing(document=again, file_name="b.json", actor=city)
    assert outcome == ImportedFiling(
        filing_number=NUMBER, name=NAME, status="completed", already_imported=True, new_organisations=0
    )
    assert stored_rows() == after_first


def test_a_number_the_portal_issued_itself_is_refused_naming_its_consortium(city, demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    filed = complete_filing(lead_user=demo_users["lead-a"], name="南京市第三代半导体功率器件创新联合体")
    Consortium.objects.filter(pk=filed.pk).update(status=Status.ACTIVE, filing_number=NUMBER)
    assert problems_of(paper(), city) == [
        "$.record.filing_number: 备案编号 宁创联备〔2024〕012号 已由平台发给“南京市第三代半导体功率器件创新联合体”，"
        "不能再导入。请核对纸质备案的编号。"
    ]
