"""``manage.py import_filings``: consortia filed on paper before the portal, imported from ``consortium-filing/1``
documents with a ``record`` (issue 14 item 4)."""

import copy
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from consortia.models import Consortium, Membership, WorkflowEvent
from consortia.snapshots import filing_document, load_filing
from consortia.states import Status
from portal.models import AuditEvent, Organisation
from reviews.models import FilingNumberCounter
from reviews.numbers import allocate_filing_number
from tests.factories import complete_filing

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "enterprise-led-eligible.json"
RECORD = {
    "filing_number": "宁创联备〔2024〕012号",
    "status": "active",
    "filed_on": "2024-03-01",
    "period": {"start": "2024-03-01", "end": "2027-02-28"},
}
# The example's lead unit, a university among its members, and a code with a wrong check character.
EXAMPLE_LEAD_USCC = "91320115MA1W8KQ3XT"
BAD_USCC = "91320113MA1T6FD2PB"


def filing_part() -> dict:
    """The eligible example of docs/eligibility.md, as check_eligibility reads it."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def legacy(**record) -> dict:
    return {**filing_part(), "record": {**copy.deepcopy(RECORD), **record}}


def write(folder: Path, name: str, document) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args, by="city"):
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_filings", *map(str, args), "--by", by, stdout=stdout, stderr=stderr)
        status = 0
    except SystemExit as exit:
        status = exit.code
    except CommandError as error:
        status, stderr = error.returncode, io.StringIO(str(error))
    return status, stdout.getvalue(), stderr.getvalue()


def stored_rows() -> dict[str, int]:
    """Everything an import writes, counted."""
    return {
        "consortia": Consortium.objects.count(),
        "organisations": Organisation.objects.count(),
        "memberships": Membership.objects.count(),
        "counters": FilingNumberCounter.objects.count(),
        "events": WorkflowEvent.objects.count(),
        "audit": AuditEvent.objects.filter(event_type=AuditEvent.Type.RECORD_CHANGED).count(),
    }


@pytest.fixture
def city(demo_users):
    return demo_users["city"]


def view(user, consortium):
    client = Client()
    client.force_login(user)
    return client.get(reverse("consortia:detail", args=[consortium.pk]))


# --- What is stored ---------------------------------------------------------------------------------------------------


def test_the_imported_consortium_reads_back_as_the_document_it_came_from(city, tmp_path):
    status, stdout, stderr = run(write(tmp_path, "012.json", legacy()))
    assert (status, stderr) == (0, ""), stderr
    consortium = Consortium.objects.get(filing_number="宁创联备〔2024〕012号")
    expected = filing_part()
    # The paper agreement is a fact of the record, not a PDF in the portal: nothing is attached.
    expected["agreement"]["attached"] = False
    assert filing_document(load_filing(consortium.pk)) == expected
    assert (consortium.status, consortium.filed_on.isoformat()) == ("active", "2024-03-01")
    assert (consortium.start_date.isoformat(), consortium.end_date.isoformat()) == ("2024-03-01", "2027-02-28")
    assert consortium.lead.revenue_prev_year == Decimal("52000.5")
    assert consortium.created_by == city
    assert (
        "已导入 宁创联备〔2024〕012号“南京市车规级碳化硅功率器件创新联合体”（已备案（建设期内）），新建单位 5 家"
        in stdout
    )


def test_new_organisations_are_not_registered_and_known_ones_are_matched_by_uscc(city, demo_users, tmp_path):
    own = demo_users["lead-a"].organisation  # known to the portal, with its own name and district
    document = legacy()
    document["lead"]["uscc"] = own.uscc.lower()  # typed in lower case on paper
    document["lead"]["name"] = "南京示范半导体（旧名）"
    member_uscc = document["members"][0]["uscc"]
    Organisation.objects.create(uscc=member_uscc, name="江苏秦淮理工大学（已录入）", kind="university")
    known = set(Organisation.objects.values_list("uscc", flat=True))

    status, _, stderr = run(write(tmp_path, "a.json", document))

    assert status == 0, stderr
    consortium = Consortium.objects.get()
    assert consortium.lead_organisation == own
    own.refresh_from_db()
    assert own.name == "南京示范半导体科技有限公司"  # a file never renames a unit the portal knows
    assert consortium.memberships.get(organisation__uscc=member_uscc).organisation.name == "江苏秦淮理工大学（已录入）"
    new = Organisation.objects.exclude(uscc__in=known)
    assert sorted(new.values_list("uscc", flat=True)) == sorted(m["uscc"] for m in document["members"][1:])
    assert not new.filter(registered=True).exists()
    # The lead unit's own users see their consortium.
    assert Consortium.objects.visible_to(demo_users["lead-a"]).filter(pk=consortium.pk).exists()


def test_a_new_lead_unit_gets_the_district_of_its_document_and_that_district_sees_the_consortium(demo_users, tmp_path):
    assert run(write(tmp_path, "a.json", legacy()))[0] == 0
    consortium = Consortium.objects.get()
    lead = consortium.lead_organisation
    assert (lead.uscc, lead.jurisdiction.code, lead.registered) == (EXAMPLE_LEAD_USCC, "320115", False)
    assert Consortium.objects.visible_to(demo_users["jiangning"]).filter(pk=consortium.pk).exists()
    assert not Consortium.objects.visible_to(demo_users["xuanwu"]).filter(pk=consortium.pk).exists()


def test_milestones_and_responsible_units_of_a_task_are_kept(city, tmp_path):
    document = legacy()
    document["tasks"][0]["milestones"] = ["2024 年：完成栅氧工艺验证", "2025 年：小批量流片"]
    document["tasks"][0]["responsible_units"] = ["江苏秦淮理工大学", EXAMPLE_LEAD_USCC]
    assert run(write(tmp_path, "a.json", document))[0] == 0
    task = Consortium.objects.get().tasks.order_by("id").first()
    assert task.milestones.splitlines() == ["2024 年：完成栅氧工艺验证", "2025 年：小批量流片"]
    assert sorted(task.responsible_units.values_list("uscc", flat=True)) == sorted(
        ["123200004660012346", EXAMPLE_LEAD_USCC]
    )


def test_the_history_says_it_was_imported_by_the_system_from_which_file(city, tmp_path):
    run(write(tmp_path, "宁创联备2024-012.json", legacy()))
    consortium = Consortium.objects.get()
    event = consortium.events.get()
    assert (event.action, event.to_status, event.actor, event.role) == ("import", "active", None, "system")
    assert "宁创联备2024-012.json" in event.comment
    audit = AuditEvent.objects.get(event_type=AuditEvent.Type.RECORD_CHANGED, object_id=str(consortium.pk))
    assert audit.actor == city
    assert audit.changes["action"] == "import"
    assert audit.changes["file"] == "宁创联备2024-012.json"
    assert audit.changes["filing_number"] == "宁创联备〔2024〕012号"

    page = view(city, consortium)
    assert page.status_code == 200
    history = page.content.decode().split('data-testid="history"', 1)[1].split("</ul>", 1)[0]
    assert "自纸质备案导入（文件 宁创联备2024-012.json）" in history
    assert "系统" in history
    assert "<strong>导入纸质备案</strong>（已备案（建设期内））" in history  # no state it came from
    # Filed on paper: no notice of the portal's to download.
    assert 'data-testid="notice"' not in page.content.decode()


@pytest.mark.parametrize("status", ["expired", "completed", "revoked"])
def test_an_ended_consortium_comes_in_a_state_the_state_machine_knows(city, tmp_path, status):
    code, stdout, _ = run(write(tmp_path, "a.json", legacy(status=status)))
    assert code == 0
    consortium = Consortium.objects.get()
    assert consortium.status == status
    assert str(Status(status).label) in stdout
    assert view(city, consortium).status_code == 200


# --- The acceptance test: one bad file among good ones, run twice, and a dry run -------------------------------------


def test_a_folder_with_one_bad_file_imports_the_others_and_a_second_run_nothing_new(city, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = Path("legacy")
    write(folder, "a.json", legacy())
    write(folder, "bad.json", legacy(filing_number="宁创联备〔2024〕014号", filed_on="2024/03/05"))
    write(folder, "c.json", legacy(filing_number="宁创联备〔2024〕013号", status="expired"))
    write(folder, "notes.txt", "not a filing")

    status, stdout, stderr = run("legacy")

    assert status == 1
    assert (
        "legacy/bad.json: $.record.filed_on: 不是有效的日期（应为 YYYY-MM-DD，例如 2026-01-01）" in stderr.splitlines()
    )
    assert "legacy/bad.json: 未导入。" in stderr
    assert "notes.txt" not in stdout + stderr
    numbers = sorted(Consortium.objects.values_list("filing_number", flat=True))
    assert numbers == ["宁创联备〔2024〕012号", "宁创联备〔2024〕013号"]
    assert stdout.splitlines()[0].startswith("legacy/a.json: 已导入 宁创联备〔2024〕012号")
    assert stdout.splitlines()[1].startswith("legacy/c.json: 已导入 宁创联备〔2024〕013号")
    assert "已导入 2 个，已导入过而跳过 0 个，未导入 1 个。" in stdout
    after_first = stored_rows()

    status, stdout, stderr = run("legacy")

    assert status == 1  # the bad file is still bad
    assert stored_rows() == after_first
    assert "legacy/a.json: 已导入过，跳过（宁创联备〔2024〕012号“南京市车规级碳化硅功率器件创新联合体”）。" in stdout
    assert "legacy/c.json: 已导入过，跳过" in stdout
    assert "已导入 0 个，已导入过而跳过 2 个，未导入 1 个。" in stdout

    (folder / "bad.json").unlink()
    assert run("legacy")[0] == 0  # already there counts as done
    assert stored_rows() == after_first


def test_the_same_filing_number_twice_in_one_run_is_imported_once(city, tmp_path):
    write(tmp_path, "a.json", legacy())
    write(tmp_path, "b.json", legacy())
    status, stdout, _ = run(tmp_path)
    assert status == 0
    assert Consortium.objects.count() == 1
    assert f"{tmp_path / 'b.json'}: 已导入过，跳过" in stdout


def test_a_dry_run_stores_nothing_and_says_what_it_would_import(city, tmp_path):
    write(tmp_path, "a.json", legacy())
    write(tmp_path, "b.json", legacy(filing_number="宁创联备〔2024〕013号"))
    before = stored_rows()

    status, stdout, stderr = run(tmp_path, "--dry-run")

    assert (status, stderr) == (0, "")
    assert stored_rows() == before
    assert f"{tmp_path / 'a.json'}: 将导入 宁创联备〔2024〕012号“南京市车规级碳化硅功率器件创新联合体”" in stdout
    assert f"{tmp_path / 'b.json'}: 将导入 宁创联备〔2024〕013号" in stdout
    assert "试运行，未保存任何内容：将导入 2 个" in stdout
    # … and the real run afterwards imports both.
    assert run(tmp_path)[0] == 0
    assert Consortium.objects.count() == 2


def test_a_dry_run_reports_problems_as_the_real_run_would(city, tmp_path):
    path = write(tmp_path, "a.json", legacy(status="archived"))
    before = stored_rows()
    status, _, stderr = run(path, "--dry-run")
    assert status == 1
    assert "$.record.status: 必须是 active、expired、completed、revoked 之一" in stderr
    assert stored_rows() == before


# --- One transaction per file ----------------------------------------------------------------------------------------


def test_a_file_refused_after_its_checks_began_in_the_database_leaves_nothing(city, tmp_path):
    """The field code is looked up inside the file's transaction, after the year's counter was created and locked:
    refusing then must take the counter row and everything else back."""
    document = legacy()
    document["field"] = "steam-engines"
    before = stored_rows()
    status, _, stderr = run(write(tmp_path, "a.json", document))
    assert status == 1
    assert "$.field: “steam-engines”不是重点产业领域目录中的代码" in stderr
    assert stored_rows() == before
    assert not FilingNumberCounter.objects.filter(year=2024).exists()


# --- Malformed records and documents ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, path, message",
    [
        ({"status": "archived"}, "$.record.status", "必须是 active、expired、completed、revoked 之一"),
        ({"status": "draft"}, "$.record.status", "必须是 active、expired、completed、revoked 之一"),
        ({"filing_number": "宁创联备[2024]012号"}, "$.record.filing_number", "应为“宁创联备〔年份〕序号号”的形式"),
        ({"filing_number": "宁创联备〔2024〕12号"}, "$.record.filing_number", "应为“宁创联备〔年份〕序号号”的形式"),
        ({"filing_number": "宁创联备〔2024〕0012号"}, "$.record.filing_number", "应为“宁创联备〔年份〕序号号”的形式"),
        ({"filing_number": "宁创联备〔2024〕000号"}, "$.record.filing_number", "应为“宁创联备〔年份〕序号号”的形式"),
        ({"filing_number": 12}, "$.record.filing_number", "应为“宁创联备〔年份〕序号号”的形式"),
        (
            {"period": {"start": "2024-03-01", "end": "2024-02-28"}},
            "$.record.period.end",
            "建设周期结束日期 2024-02-28 应晚于开始日期 2024-03-01。",
        ),
        ({"period": {"start": "2024-03-01"}}, "$.record.period.end", "缺少此项（必填）"),
        ({"period": "2024-2027"}, "$.record.period", "应为对象（{…}）"),
        ({"filed_on": "2024-02-30"}, "$.record.filed_on", "不是有效的日期（应为 YYYY-MM-DD，例如 2026-01-01）"),
        ({"filed_on": "2023-12-28"}, "$.record.filed_on", "备案日期 2023-12-28 不在备案编号的年度（2024 年）内"),
        ({"filed_on": "2999-01-01", "filing_number": "宁创联备〔2999〕001号"}, "$.record.filed_on", "晚于今天"),
        ({"approved_by": "市科技局"}, "$.record.approved_by", "不是导入记录（record）中的字段"),
    ],
)
def test_a_malformed_record_is_refused_at_its_path(city, tmp_path, change, path, message):
    before = stored_rows()
    status, _, stderr = run(write(tmp_path, "bad.json", legacy(**change)))
    assert status == 1
    assert f"{tmp_path / 'bad.json'}: {path}: " in stderr
    assert message in stderr
    assert stored_rows() == before


def test_a_missing_filing_date_is_refused(city, tmp_path):
    document = legacy()
    del document["record"]["filed_on"]
    status, _, stderr = run(write(tmp_path, "bad.json", document))
    assert status == 1
    assert f"{tmp_path / 'bad.json'}: $.record.filed_on: 缺少此项（必填）" in stderr.splitlines()
    assert not Consortium.objects.exists()


def test_a_document_without_a_record_is_refused(city, tmp_path):
    status, _, stderr = run(write(tmp_path, "bad.json", filing_part()))
    assert status == 1
    assert "$.record: 缺少此项（必填）" in stderr


def test_problems_of_the_document_and_of_the_record_are_named_together(city, tmp_path):
    document = legacy(status="archived")
    document["members"][2]["kind"] = "company"
    status, _, stderr = run(write(tmp_path, "bad.json", document))
    assert status == 1
    assert "$.members[2].kind: 必须是 enterprise、university、institute、platform、other 之一" in stderr
    assert "$.record.status: " in stderr


def test_an_invalid_uscc_is_an_error_at_its_path(city, tmp_path):
    document = legacy()
    document["members"][2]["uscc"] = BAD_USCC
    before = stored_rows()
    status, _, stderr = run(write(tmp_path, "bad.json", document))
    assert status == 1
    assert "$.members[2].uscc: 校验位不正确：按前 17 位计算，第 18 位应为“A”，而不是“B”。" in stderr
    assert stored_rows() == before


def test_the_lead_unit_listed_as_a_member_or_a_member_twice_is_refused(city, tmp_path):
    document = legacy()
    document["members"][1]["uscc"] = EXAMPLE_LEAD_USCC
    document["members"][3]["uscc"] = document["members"][2]["uscc"]
    status, _, stderr = run(write(tmp_path, "bad.json", document))
    assert status == 1
    assert "$.members[1].uscc: 该单位是本联合体的牵头单位，不能同时作为参与单位。" in stderr
    assert (
        "$.members[3].uscc: 统一社会信用代码 91320113MA1T6FD2PA（南京长江电子装备有限公司）已是本联合体的参与单位"
        in stderr
    )


def test_a_new_lead_unit_without_a_district_and_unknown_codes_are_refused(city, tmp_path):
    document = legacy()
    del document["lead"]["jurisdiction"]
    document["tasks"][0]["responsible_units"] = ["南京某某公司"]
    status, _, stderr = run(write(tmp_path, "a.json", document))
    assert status == 1
    assert "$.tasks[0].responsible_units[0]: “南京某某公司”不是本联合体的牵头单位或参与单位" in stderr
    document["tasks"][0]["responsible_units"] = []
    status, _, stderr = run(write(tmp_path, "a.json", document))
    assert "$.lead.jurisdiction: 缺少此项（必填）" in stderr
    document["lead"]["jurisdiction"] = "999999"
    status, _, stderr = run(write(tmp_path, "a.json", document))
    assert "$.lead.jurisdiction: “999999”不是属地主管部门目录中的代码" in stderr
    assert not Consortium.objects.exists()


def test_a_number_the_portal_already_issued_is_refused_not_skipped(demo_users, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    filed = complete_filing(lead_user=demo_users["lead-a"])
    Consortium.objects.filter(pk=filed.pk).update(status=Status.ACTIVE, filing_number="宁创联备〔2024〕012号")
    status, _, stderr = run(write(tmp_path, "a.json", legacy()))
    assert status == 1
    assert (
        "$.record.filing_number: 备案编号 宁创联备〔2024〕012号 已由平台发给“南京市第三代半导体功率器件创新联合体”"
        in stderr
    )
    assert Consortium.objects.count() == 1


# --- Exit statuses for what cannot be read ---------------------------------------------------------------------------


def test_unreadable_input_exits_2_and_the_readable_files_still_import(city, tmp_path):
    good = write(tmp_path / "in", "a.json", legacy())
    not_json = write(tmp_path / "in", "b.json", '{"format": "consortium-filing/1",')
    status, _, stderr = run(good, not_json, tmp_path / "missing.json")
    assert status == 2
    assert f"{not_json}: $: 不是有效的 JSON：第 1 行" in stderr
    assert f"{tmp_path / 'missing.json'}: 无法读取：文件不存在" in stderr
    assert Consortium.objects.count() == 1


def test_an_empty_folder_is_unreadable_input(city, tmp_path):
    (tmp_path / "empty").mkdir()
    status, _, stderr = run(tmp_path / "empty")
    assert status == 2
    assert "文件夹中没有 .json 文件" in stderr


@pytest.mark.parametrize("username", ["nobody", "lead-a", "jiangning"])
def test_only_city_staff_or_an_administrator_may_import(demo_users, tmp_path, username):
    status, _, stderr = run(write(tmp_path, "a.json", legacy()), by=username)
    assert status == 2
    assert "应为市科技局用户或系统管理员的有效用户名" in stderr
    assert not Consortium.objects.exists()


# --- The filing-number sequence ---------------------------------------------------------------------------------------


def test_the_next_approval_of_the_year_continues_after_the_highest_number_imported(city, tmp_path):
    write(tmp_path, "a.json", legacy())
    write(tmp_path, "b.json", legacy(filing_number="宁创联备〔2024〕005号"))
    assert run(tmp_path)[0] == 0
    with transaction.atomic():
        assert allocate_filing_number(year=2024) == "宁创联备〔2024〕013号"
        assert allocate_filing_number(year=2025) == "宁创联备〔2025〕001号"


def test_an_import_never_lowers_the_counter(city, tmp_path):
    FilingNumberCounter.objects.create(year=2024, last_number=20)
    assert run(write(tmp_path, "a.json", legacy()))[0] == 0
    assert FilingNumberCounter.objects.get(year=2024).last_number == 20
    with transaction.atomic():
        assert allocate_filing_number(year=2024) == "宁创联备〔2024〕021号"


# --- What the database can hold -------------------------------------------------------------------------------------

# Each name the database keeps in a column of fixed length, with that length.
LIMITED = [
    (("name",), 200),
    (("lead", "name"), 200),
    (("lead", "head"), 64),
    (("members", 0, "name"), 200),
    (("tasks", 0, "title"), 200),
]
LONG_TEXTS = [
    ("summary",),
    ("members", 0, "capability"),
    ("members", 0, "role"),
    ("tasks", 0, "objectives"),
    ("tasks", 0, "indicators"),
]


def put(document: dict, parts, value):
    node = document
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value


def text_of(length: int) -> str:
    return ("南京创新联合体" * length)[:length]


def test_names_at_their_maximum_length_and_long_texts_survive(city, tmp_path):
    document = legacy()
    for parts, limit in LIMITED:
        put(document, parts, text_of(limit))
    for parts in LONG_TEXTS:
        put(document, parts, text_of(20_000))
    status, _, stderr = run(write(tmp_path, "a.json", document))
    assert status == 0, stderr
    stored = filing_document(load_filing(Consortium.objects.get().pk))
    for parts, limit in LIMITED:
        node = stored
        for part in parts:
            node = node[part]
        assert node == text_of(limit), parts
    assert stored["summary"] == text_of(20_000)
    assert stored["members"][0]["capability"] == text_of(20_000)
    assert stored["tasks"][0]["indicators"] == text_of(20_000)


@pytest.mark.parametrize("parts, limit", LIMITED)
def test_a_name_over_its_maximum_length_is_an_error_at_its_path(city, tmp_path, parts, limit):
    document = legacy()
    put(document, parts, text_of(limit + 1))
    before = stored_rows()
    status, _, stderr = run(write(tmp_path, "a.json", document))
    path = "$." + ".".join(str(p) for p in parts).replace(".0.", "[0].")
    assert status == 1
    assert f"{path}: 不能超过 {limit} 个字符（当前 {limit + 1} 个）" in stderr
    assert stored_rows() == before


def test_a_nul_character_is_an_error_at_its_path_not_a_database_error(city, tmp_path):
    document = legacy()
    document["summary"] = "简介\u0000"
    document["members"][1]["role"] = "\u0000"
    status, _, stderr = run(write(tmp_path, "a.json", document))
    assert status == 1
    assert "$.summary: 不能包含空字符" in stderr
    assert "$.members[1].role: 不能包含空字符" in stderr
    assert not Consortium.objects.exists()


@pytest.mark.parametrize(
    "amount, message",
    [
        ("1000000000000", "金额过大：应小于 1000000000000 万元"),
        ("52000.505", "最多保留 2 位小数"),
    ],
)
def test_money_the_column_cannot_hold_is_an_error_at_its_path(city, tmp_path, amount, message):
    text = json.dumps(legacy(), ensure_ascii=False).replace(
        '"revenue_prev_year": 52000.5', f'"revenue_prev_year": {amount}'
    )
    status, _, stderr = run(write(tmp_path, "a.json", text))
    assert status == 1
    assert f"$.lead.revenue_prev_year: {message}" in stderr
    assert not Consortium.objects.exists()


def test_money_with_trailing_zeros_is_kept_exactly(city, tmp_path):
    text = json.dumps(legacy(), ensure_ascii=False).replace(
        '"revenue_prev_year": 52000.5', '"revenue_prev_year": 52000.500'
    )
    assert run(write(tmp_path, "a.json", text))[0] == 0
    assert Consortium.objects.get().lead.revenue_prev_year == Decimal("52000.50")
