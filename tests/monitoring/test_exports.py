"""Exports of the list on screen (issue 14 item 3): the same rows in the same order, for the same reader; the
consortia, their members or their annual reports; CSV in UTF-8 with BOM and XLSX that opens; text that looks like a
formula kept as text; every export audited with its row count; a fixed number of queries whatever the rows."""

import csv
import io
from datetime import date, datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from annual_reports.jobs import create_reports
from annual_reports.models import ReportTaskProgress
from consortia.models import Consortium, Membership, ResearchTask
from consortia.states import Status
from monitoring.audit import EXPORT_ACTION
from portal.models import AuditEvent
from tests.annual_reports.factories import campaign, first_submission, reports_of_the_year
from tests.factories import organisation, submitted_filing
from tests.lifecycle import factories

pytestmark = pytest.mark.django_db

URL = reverse("monitoring:portfolio")
BOM = b"\xef\xbb\xbf"


def download(client, params) -> bytes:
    response = client.get(URL, params)
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def csv_rows(client, params) -> list[list[str]]:
    content = download(client, {**params, "export": "csv"})
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content.decode("utf-8").removeprefix("\ufeff"))))


def xlsx_rows(client, params) -> tuple[list, list[list]]:
    workbook = load_workbook(io.BytesIO(download(client, {**params, "export": "xlsx"})))
    (sheet,) = workbook.worksheets
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return sheet, rows


def on_screen(client, params) -> list[str]:
    return [row.name for row in client.get(URL, params).context["page"].object_list]


def exports_audited():
    return AuditEvent.objects.filter(changes__action=EXPORT_ACTION)


# --- The rows of the list on screen ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": ["active", "expired"], "ordering": "-end_date"},
        {"q": "示范智能装备股份", "ordering": "name"},
        {"dishonest": "false", "ordering": "-status"},
    ],
)
def test_an_export_has_exactly_the_rows_of_the_list_on_screen(portfolio, demo_users, login, params):
    client = login(demo_users["city"])
    names = on_screen(client, params)
    assert names  # every case lists something
    assert [row[1] for row in csv_rows(client, params)[1:]] == names
    _sheet, rows = xlsx_rows(client, params)
    assert [row[1] for row in rows[1:]] == names


def test_the_lists_export_links_keep_its_filters_and_leave_its_page(portfolio, demo_users, login):
    page = login(demo_users["city"]).get(URL, {"status": "active", "ordering": "name", "page": 1}).content.decode()
    for sheet in ("consortia", "members", "reports"):
        for file_format in ("xlsx", "csv"):
            link = f"?status=active&amp;ordering=name&amp;export={file_format}&amp;sheet={sheet}"
            assert f'href="{link}" data-testid="export-{sheet}-{file_format}"' in page


def test_the_consortia_sheet_has_a_row_per_consortium_with_its_facts(portfolio, demo_users, login):
    client = login(demo_users["city"])
    header, *rows = csv_rows(client, {"q": "碳化硅功率"})
    assert header == [
        "备案编号",
        "联合体名称",
        "产业领域",
        "攻关技术类型",
        "牵头单位",
        "牵头单位统一社会信用代码",
        "属地主管部门",
        "参与单位数",
        "建设期开始",
        "建设期结束",
        "状态",
        "省级认定日期",
    ]
    lead = demo_users["lead-a"].organisation
    assert rows == [
        [
            portfolio.silicon.filing_number,
            "南京市碳化硅功率器件创新联合体",
            "第三代半导体",
            "“卡脖子”技术",
            lead.name,
            lead.uscc,
            "江宁区",
            "1",
            "2025-01-01",
            "2027-12-31",
            "已备案（建设期内）",
            "2026-03-01",
        ]
    ]
    # The workbook holds numbers as numbers and dates as dates.
    _sheet, (_header, row) = xlsx_rows(client, {"q": "碳化硅功率"})
    assert row[7] == 1
    assert row[8:10] == [datetime(2025, 1, 1), datetime(2027, 12, 31)] and row[11] == datetime(2026, 3, 1)
    # Several technology kinds in one cell; no period and no recognition are empty cells.
    _header, medicine = csv_rows(client, {"q": "生物医药"})
    assert medicine[3] == "具有先发优势的关键技术、引领未来发展的基础前沿技术"
    _header, materials = csv_rows(client, {"status": "city_review"})
    assert (materials[0], materials[8], materials[9], materials[11]) == ("", "", "", "")


def test_the_members_sheet_is_the_membership_history_of_the_listed_consortia(portfolio, demo_users, login):
    silicon = portfolio.silicon
    # Removed while the filing was revised, before it was filed: never a member of the filed consortium.
    revised_away = organisation(7400, name="备案前移除的单位")
    Membership.objects.create(consortium=silicon, organisation=revised_away, left_on=date(2024, 12, 1))
    joined = organisation(7401, kind="institute", name="新加入的研究所")
    Membership.objects.create(consortium=silicon, organisation=joined, joined_on=date(2026, 5, 1), role="负责测试")

    header, *rows = csv_rows(login(demo_users["city"]), {"status": "active", "ordering": "name", "sheet": "members"})
    assert header == [
        "备案编号",
        "联合体名称",
        "参与单位",
        "统一社会信用代码",
        "单位类型",
        "承担的实质性研发工作",
        "加入日期",
        "退出日期",
    ]
    listed = sorted([portfolio.equipment, silicon], key=lambda consortium: consortium.name)
    assert [row[1] for row in rows] == [c.name for c in listed for _m in range(3 if c == silicon else 1)]
    uscc = dict(Membership.objects.filter(consortium=silicon).values_list("organisation__name", "organisation__uscc"))
    # In the order they joined, members of the filing (no date) first; the one that left keeps its date.
    assert [row[2:] for row in rows if row[1] == silicon.name] == [
        ["南京碳化硅研究院", uscc["南京碳化硅研究院"], "高校", "", "", ""],
        ["已退出的失信公司", uscc["已退出的失信公司"], "企业", "", "", "2026-03-01"],
        ["新加入的研究所", joined.uscc, "科研院所", "负责测试", "2026-05-01", ""],
    ]
    assert revised_away.name not in {row[2] for row in rows}


def test_the_members_of_a_filing_being_revised_are_those_submitted(demo_users, login):
    returned = submitted_filing(lead_user=demo_users["lead-a"], name="修改中的联合体", seed=7500)
    submitted = list(returned.memberships.values_list("organisation__name", flat=True))
    Consortium.objects.filter(pk=returned.pk).update(status=Status.RETURNED)
    Membership.objects.create(consortium=returned, organisation=organisation(7510, name="尚未提交的成员"))

    _header, *rows = csv_rows(login(demo_users["city"]), {"sheet": "members"})
    assert sorted(row[2] for row in rows) == sorted(submitted)
    assert all(row[1] == "修改中的联合体" and row[6:] == ["", ""] for row in rows)


def test_the_reports_sheet_has_each_listed_consortiums_reports_with_their_figures(portfolio, demo_users, login):
    silicon = portfolio.silicon
    for title in ("栅氧可靠性", "衬底缺陷"):
        ResearchTask.objects.create(consortium=silicon, title=title, kind="choke-point", objectives="达标")
    reports = reports_of_the_year()  # the consortia running in 2026: silicon and equipment
    assert set(reports) == {silicon.pk, portfolio.equipment.pk}
    for progress, patents in zip(
        ReportTaskProgress.objects.filter(report=reports[silicon.pk]).order_by("pk"), (2, 3), strict=True
    ):
        progress.patents, progress.papers = patents, 1
        progress.save()
    first_submission(reports[silicon.pk], demo_users["lead-a"])

    header, *rows = csv_rows(login(demo_users["city"]), {"status": "active", "ordering": "name", "sheet": "reports"})
    assert header[:3] == ["报告年度", "联合体名称", "备案编号"] and header[-4:] == [
        "专利（项）",
        "标准（项）",
        "论文（篇）",
        "新产品（个）",
    ]
    assert [row[1] for row in rows] == sorted([silicon.name, portfolio.equipment.name])
    (submitted,) = [row for row in rows if row[1] == silicon.name]
    figures = dict(zip(header, submitted, strict=True))
    assert figures["报告年度"] == "2026" and figures["状态"] == "待填报" and figures["提交次数"] == "1"
    assert figures["运营团队人数"] == "12"
    assert (figures["专利（项）"], figures["论文（篇）"], figures["标准（项）"]) == ("5", "2", "0")
    # A report never submitted: who it is about and where it stands, no figures.
    (to_fill,) = [row for row in rows if row[1] == portfolio.equipment.name]
    assert to_fill[0] == "2026" and len(to_fill) == header.index("运营团队人数")
    # The list narrowed, the reports with it.
    _header, *jiangning = csv_rows(login(demo_users["jiangning"]), {"sheet": "reports"})
    assert [row[1] for row in jiangning] == [silicon.name]


# --- Who sees what -------------------------------------------------------------------------------------------------


def test_a_district_officers_exports_hold_only_their_jurisdiction(portfolio, demo_users, login):
    client = login(demo_users["jiangning"])
    _header, *consortia = csv_rows(client, {})
    assert {row[1] for row in consortia} == portfolio.names(portfolio.silicon, portfolio.medicine)
    assert {row[6] for row in consortia} == {"江宁区"}
    _header, *members = csv_rows(client, {"sheet": "members", "authority": "320102"})
    assert {row[1] for row in members} == portfolio.names(portfolio.silicon, portfolio.medicine)


def test_lead_units_cannot_export(portfolio, demo_users, login):
    assert login(demo_users["lead-a"]).get(URL, {"export": "xlsx"}).status_code == 403
    assert not exports_audited().exists()


# --- The files -----------------------------------------------------------------------------------------------------


def test_the_csv_starts_with_the_bom_and_keeps_the_chinese(portfolio, demo_users, login):
    content = download(login(demo_users["city"]), {"export": "csv", "q": "碳化硅功率"})
    assert content.startswith(BOM + "备案编号,联合体名称".encode())
    assert "南京市碳化硅功率器件创新联合体,第三代半导体,“卡脖子”技术".encode() in content


def test_text_that_looks_like_a_formula_is_exported_as_text(demo_users, login):
    name = '=HYPERLINK("http://evil.example","点击")联合体'
    member = factories.organisation(name="+成员单位")
    factories.active_consortium(lead=demo_users["lead-a"], end_date=date(2028, 1, 1), name=name, members=[member])
    client = login(demo_users["city"])

    (_header, row) = csv_rows(client, {})
    assert row[1] == "'" + name
    (_header, member_row) = csv_rows(client, {"sheet": "members"})
    assert member_row[2] == "'+成员单位"
    sheet, _rows = xlsx_rows(client, {})
    cell = sheet["B2"]
    assert (cell.value, cell.data_type) == (name, "s")  # a string, never a formula
    assert xlsx_rows(client, {"sheet": "members"})[0]["C2"].data_type == "s"


def test_the_xlsx_opens_with_its_sheet_and_header(portfolio, demo_users, login):
    client = login(demo_users["city"])
    for sheet, title, first in [
        ("consortia", "联合体清单", "备案编号"),
        ("members", "参与单位", "备案编号"),
        ("reports", "年度报告", "报告年度"),
    ]:
        response = client.get(URL, {"export": "xlsx", "sheet": sheet})
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
        assert response["Cache-Control"] == "private, no-store"
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert workbook.sheetnames == [title]
        assert workbook[title]["A1"].value == first


def test_every_export_is_audited_with_its_filters_and_row_count(portfolio, demo_users, login):
    client = login(demo_users["city"])
    csv_rows(client, {"status": "active", "sheet": "members"})
    xlsx_rows(client, {"q": "南京"})
    members = Membership.objects.filter(consortium__status=Status.ACTIVE).count()
    events = list(exports_audited().order_by("pk"))
    assert [event.changes for event in events] == [
        {"action": EXPORT_ACTION, "filters": "status=active", "sheet": "members", "format": "csv", "rows": members},
        {"action": EXPORT_ACTION, "filters": "q=%E5%8D%97%E4%BA%AC", "sheet": "consortia", "format": "xlsx", "rows": 4},
    ]
    assert {event.actor for event in events} == {demo_users["city"]}
    assert all(event.ip_address == "127.0.0.1" for event in events)


@pytest.mark.parametrize(
    "params", [{"export": "pdf"}, {"export": "csv", "sheet": "secrets"}, {"export": "csv", "status": "bogus"}]
)
def test_a_bad_export_request_is_refused_with_a_message_and_writes_nothing(portfolio, demo_users, login, params):
    response = login(demo_users["city"]).get(URL, params)
    assert response.status_code == 302
    assert response.url == URL + ("?status=bogus" if "status" in params else "")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["无法导出：导出参数或筛选条件有误，请修正后重试。"]
    assert not exports_audited().exists()


@pytest.mark.parametrize("sheet", ["consortia", "members", "reports"])
def test_the_number_of_queries_of_an_export_does_not_grow_with_the_rows(demo_users, login, sheet):
    lead, client = demo_users["lead-a"], login(demo_users["city"])

    def add(count):
        for _number in range(count):
            factories.active_consortium(
                lead=lead, end_date=date(2027, 1, 1), members=[factories.organisation(), factories.organisation()]
            )

    def export():
        with CaptureQueriesContext(connection) as queries:
            content = download(client, {"export": "csv", "sheet": sheet})
        return len(queries), content.count(b"\n") - 1

    opened = campaign()
    add(5)
    create_reports(campaign=opened)
    client.get(URL)  # what the first request of a session reads once
    few, rows = export()
    assert rows == {"consortia": 5, "members": 10, "reports": 5}[sheet]
    add(195)
    create_reports(campaign=opened)
    many, rows = export()
    assert rows == {"consortia": 200, "members": 400, "reports": 200}[sheet]
    assert many == few
