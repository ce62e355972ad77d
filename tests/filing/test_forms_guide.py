"""Forms that guide (issue 12, items 4 and 5): a refused form says in the filing's words what is wrong at each field,
sums it up at the top with a link to each field, keeps the rows as typed; the funding plan shows its totals; a USCC
registered with other facts than typed says so."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from consortia.models import Consortium, FundingLine, LeadUnit, Membership, ResearchTask, Section
from portal.models import Organisation

from .conftest import MEMBERS

pytestmark = pytest.mark.django_db

F = Section.FUNDING


class Refusal(HTMLParser):
    """What a refused page shows: each field's value by id, the message under each field (crispy's
    ``<div id="<field id>_error">``), the error summary's links (href, text), the rows' headings and the text of
    each table cell by the table's ``data-testid``."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self.summary_links: list[tuple[str, str]] = []
        self.row_headings: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._open: list[tuple[str, str, str]] = []  # (what, key, text so far) being read
        self._select = None
        self._in_summary = self._in_row_header = False
        self._table = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-error-summary" in attrs:
            self._in_summary = True
        if tag == "input" and attrs.get("type") not in ("hidden", "checkbox"):
            self.values[attrs.get("id")] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("id")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value")
        elif tag == "div" and attrs.get("id", "").endswith("_error"):
            self._open.append(("error", attrs["id"].removesuffix("_error"), ""))
        elif tag == "a" and self._in_summary:
            self._open.append(("link", attrs["href"], ""))
        elif tag == "div" and "card-header" in attrs.get("class", ""):
            self._in_row_header = True
            self._open.append(("heading", "", ""))
        elif tag == "table":
            self._table = self.tables.setdefault(attrs.get("data-testid"), [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._open.append(("cell", "", ""))

    def handle_data(self, data):
        if self._open:
            what, key, text = self._open[-1]
            self._open[-1] = (what, key, text + data)

    def handle_endtag(self, tag):
        ends = {"error": "div", "link": "a", "cell": ("td", "th")}
        if tag == "select":
            self._select = None
        elif tag == "table":
            self._table = None
        elif tag == "ul" and self._in_summary:
            self._in_summary = False
        if not self._open:
            return
        what, key, text = self._open[-1]
        if what == "heading" and tag == "div":
            self._open.pop()
            self.row_headings.append(" ".join(text.split()))
        elif what != "heading" and tag in ends[what]:
            self._open.pop()
            text = " ".join(text.split())
            if what == "error":
                self.errors[key] = text
            elif what == "link":
                self.summary_links.append((key, text))
            else:
                self._table[-1].append(text)


def funding_rows(*rows):
    """POST data for new funding rows, each (unit pk, year, self-raised, government, financial)."""
    data = {f"{F}-TOTAL_FORMS": str(len(rows)), f"{F}-INITIAL_FORMS": "0"}
    for i, (unit, year, self_raised, government, financial) in enumerate(rows):
        data.update(
            {
                f"{F}-{i}-organisation": str(unit),
                f"{F}-{i}-year": str(year),
                f"{F}-{i}-self_raised": self_raised,
                f"{F}-{i}-government": government,
                f"{F}-{i}-financial": financial,
            }
        )
    return data


def test_a_refused_funding_save_says_at_each_field_what_is_wrong_and_keeps_the_rows_as_typed(editor):
    editor.fill_basic()  # planned 2026-01-01 to 2028-12-31
    lead = editor.consortium.lead_organisation_id
    typed = [
        (lead, 2026, "120.5", "0", "30"),
        (lead, 2027, "-5", "0", "0"),
        (lead, 2028, "1e3", "0", "0"),
        (lead, 2031, "10", "0", "0"),
    ]
    version = editor.version(F)
    response = editor.post(F, funding_rows(*typed))

    assert response.status_code == 200
    page = Refusal(response.content.decode())
    assert page.errors == {
        "id_funding-1-self_raised": "自筹（万元）不能为负数。",
        "id_funding-2-self_raised": "请填写数字，例如 1200.50（单位：万元）。",
        "id_funding-3-year": "年度须在计划建设期 2026—2028 年之内。",
    }
    assert page.summary_links == [
        ("#id_funding-1-self_raised", "经费 2：自筹（万元）不能为负数。"),
        ("#id_funding-2-self_raised", "经费 3 · 自筹（万元）：请填写数字，例如 1200.50（单位：万元）。"),
        ("#id_funding-3-year", "经费 4：年度须在计划建设期 2026—2028 年之内。"),
    ]
    # Every row still a row, numbered, in the order typed, with what was typed (the valid one too), and can be left out.
    assert page.row_headings[:4] == [f"经费 {n} 尚未保存 删除" for n in range(1, 5)]
    for i, (unit, year, self_raised, government, financial) in enumerate(typed):
        assert page.values[f"id_funding-{i}-organisation"] == str(unit)
        shown = [page.values[f"id_funding-{i}-{name}"] for name in ("year", "self_raised", "government", "financial")]
        assert shown == [str(year), self_raised, government, financial]
    assert not FundingLine.objects.exists()
    assert editor.version(F) == version


@pytest.mark.parametrize("amount", ["1e3", "Infinity", "NaN", "1,000", "1 000", "+5", "0x10", "１e３"])
def test_an_amount_is_a_plain_decimal(editor, amount):
    response = editor.fill_funding(amount=amount)
    assert response.context["formset"].forms[0].errors["self_raised"] == ["请填写数字，例如 1200.50（单位：万元）。"]
    assert not FundingLine.objects.exists()


@pytest.mark.parametrize(
    ("amount", "saved"), [("1200.50", "1200.50"), (" 7 ", "7"), (".5", "0.5"), ("１２００．５", "1200.5")]
)
def test_plain_decimals_are_saved_full_width_digits_too(editor, amount, saved):
    assert editor.fill_funding(amount=amount).status_code == 302
    assert FundingLine.objects.get().self_raised == Decimal(saved)


@pytest.mark.parametrize(
    ("amount", "message"),
    [("1.005", "自筹（万元）最多保留 2 位小数。"), ("12345678901", "自筹（万元）最多 10 位整数。")],
)
def test_too_many_digits_are_refused_in_the_fields_words(editor, amount, message):
    response = editor.fill_funding(amount=amount)
    assert response.context["formset"].forms[0].errors["self_raised"] == [message]
    assert not FundingLine.objects.exists()


def test_the_lead_units_amounts_are_plain_decimals_too(editor):
    response = editor.fill_lead(revenue_prev_year="52,000.5")
    assert response.context["form"].errors["revenue_prev_year"] == ["请填写数字，例如 1200.50（单位：万元）。"]
    assert not LeadUnit.objects.filter(consortium=editor.consortium, head="王敏").exists()
    assert editor.fill_lead(revenue_prev_year="52000.5").status_code == 302
    assert LeadUnit.objects.get(consortium=editor.consortium).revenue_prev_year == Decimal("52000.50")


def test_a_one_year_period_names_its_year(editor):
    editor.fill_basic(planned_start="2026-03-01", planned_end="2026-12-31")
    response = editor.post(F, funding_rows((editor.consortium.lead_organisation_id, 2027, "1", "0", "0")))
    assert response.context["formset"].forms[0].errors["year"] == ["年度须为计划建设期所在的 2026 年。"]
    assert not FundingLine.objects.exists()


def test_without_a_planned_period_any_year_is_taken(editor):
    response = editor.post(F, funding_rows((editor.consortium.lead_organisation_id, 2031, "1", "0", "0")))
    assert response.status_code == 302
    assert FundingLine.objects.get().year == 2031


def test_messages_name_the_field_instead_of_djangos_defaults(editor):
    response = editor.fill_basic(name="联" * 201, field="")
    page = Refusal(response.content.decode())
    assert page.errors["id_name"] == "联合体名称最多 200 个字。"
    assert page.errors["id_field"] == "请选择产业领域。"
    assert ("#id_name", "联合体名称最多 200 个字。") in page.summary_links
    html = response.content.decode()
    assert "确保该变量" not in html and "这个字段是必填项" not in html
    assert Consortium.objects.get(pk=editor.consortium.pk).planned_start is None

    response = editor.fill_basic(name="", technology_kinds=[])
    page = Refusal(response.content.decode())
    assert page.errors["id_name"] == "请填写联合体名称。"
    # A group of checkboxes is reached through its first box.
    assert ("#id_technology_kinds_0", "请选择攻关技术类型。") in page.summary_links
    assert Consortium.objects.get(pk=editor.consortium.pk).name == "南京市第三代半导体功率器件创新联合体"


def test_every_section_sums_up_its_errors(editor):
    response = editor.add_member({**MEMBERS[0], "uscc": "12100000466007654M", "kind": ""})
    links = dict(Refusal(response.content.decode()).summary_links)
    assert set(links) == {"#id_uscc", "#id_kind"}
    assert "校验位不正确" in links["#id_uscc"]
    assert links["#id_kind"] == "请选择单位类型。"

    response = editor.sign_agreement(signed_on="")
    assert Refusal(response.content.decode()).summary_links == [
        ("#id_agreement-agreement_signed_on", "请填写组建协议签署日期。")
    ]


def test_a_refused_task_row_keeps_its_place_and_its_text(editor):
    p = Section.TASKS
    response = editor.post(
        p,
        {
            f"{p}-TOTAL_FORMS": "3",
            f"{p}-INITIAL_FORMS": "0",
            f"{p}-0-title": "外延缺陷控制",
            f"{p}-0-kind": "frontier",
            f"{p}-0-objectives": "缺陷密度降低一个数量级。",
            f"{p}-1-title": "模" * 201,
            f"{p}-1-kind": "choke-point",
            f"{p}-1-objectives": "",
        },
    )
    page = Refusal(response.content.decode())
    assert page.errors == {"id_tasks-1-title": "任务名称最多 200 个字。", "id_tasks-1-objectives": "请填写攻关目标。"}
    assert page.row_headings[:3] == ["任务 1 尚未保存 删除", "任务 2 尚未保存 删除", "新增一行（不填则忽略）"]
    assert page.values["id_tasks-0-title"] == "外延缺陷控制"
    assert not ResearchTask.objects.exists()


def test_the_funding_plan_shows_totals_per_year_source_and_unit(editor):
    editor.fill_basic()
    editor.add_member(MEMBERS[0])
    lead = editor.consortium.lead_organisation
    university = Organisation.objects.get(uscc=MEMBERS[0]["uscc"])
    saved = editor.post(
        F,
        funding_rows(
            (lead.pk, 2026, "100", "20", "0"),
            (lead.pk, 2027, "50.5", "0", "10"),
            (university.pk, 2026, "0", "1200.5", "5.25"),
        ),
    )
    assert saved.status_code == 302

    table = Refusal(editor.client.get(editor.url(F)).content.decode()).tables["totals"]
    assert table == [
        ["", "自筹", "政府资金", "金融及基金", "合计"],
        ["按年度"],
        ["2026", "100.00", "1220.50", "5.25", "1325.75"],
        ["2027", "50.50", "0.00", "10.00", "60.50"],
        ["按单位"],
        [lead.name, "150.50", "20.00", "10.00", "180.50"],
        ["南京示范大学", "0.00", "1200.50", "5.25", "1205.75"],
        ["合计", "150.50", "1220.50", "15.25", "1386.25"],
    ]

    # A refused save shows the totals of what is saved, not of what was typed.
    line = FundingLine.objects.get(year=2027)
    refused = editor.post(
        F,
        {
            f"{F}-TOTAL_FORMS": "1",
            f"{F}-INITIAL_FORMS": "1",
            f"{F}-0-id": str(line.pk),
            f"{F}-0-organisation": str(lead.pk),
            f"{F}-0-year": "2027",
            f"{F}-0-self_raised": "9000",
            f"{F}-0-government": "0",
            f"{F}-0-financial": "-1",
        },
    )
    assert refused.status_code == 200
    assert Refusal(refused.content.decode()).tables["totals"][3] == ["2027", "50.50", "0.00", "10.00", "60.50"]


def test_no_totals_before_anything_is_saved(editor):
    assert "funding-totals" not in editor.client.get(editor.url(F)).content.decode()


def member_notices(editor, response):
    """The warnings the members page shows after the add (reading them, so the next add starts with none)."""
    assert response.status_code == 302
    page = editor.client.get(response.url)
    return [str(m) for m in page.context["messages"] if m.level_tag == "warning"]


def remove_member(editor, membership):
    url = reverse("consortia:remove_member", args=[editor.consortium.pk, membership.pk])
    assert editor.post(Section.MEMBERS, {}, url=url).status_code == 302


def test_a_uscc_registered_with_other_facts_says_so_and_shows_them(editor, demo_users):
    other = demo_users["lead-b"].organisation
    response = editor.add_member(
        {**MEMBERS[1], "uscc": other.uscc.lower(), "name": "随便写的名字", "kind": "university"}
    )
    notice = (
        f"统一社会信用代码 {other.uscc} 已登记为“南京示范智能装备股份有限公司”（企业），已按登记信息添加；"
        "您填写的名称“随便写的名字”和单位类型“高校”未采用。"
    )
    assert response.status_code == 302
    assert notice in editor.client.get(response.url).content.decode()
    assert Membership.objects.get().organisation == other
    other.refresh_from_db()
    assert (other.name, other.kind) == ("南京示范智能装备股份有限公司", "enterprise")


def test_only_what_differs_is_said(editor, demo_users):
    other = demo_users["lead-b"].organisation
    response = editor.add_member({**MEMBERS[1], "uscc": other.uscc, "name": "示范装备"})
    assert member_notices(editor, response) == [
        f"统一社会信用代码 {other.uscc} 已登记为“南京示范智能装备股份有限公司”（企业），已按登记信息添加；"
        "您填写的名称“示范装备”未采用。"
    ]
    remove_member(editor, Membership.objects.get())
    response = editor.add_member({**MEMBERS[1], "uscc": other.uscc, "name": other.name, "kind": "institute"})
    assert member_notices(editor, response) == [
        f"统一社会信用代码 {other.uscc} 已登记为“南京示范智能装备股份有限公司”（企业），已按登记信息添加；"
        "您选择的单位类型“科研院所”未采用。"
    ]


def test_the_same_facts_or_a_new_unit_say_nothing_more(editor):
    response = editor.add_member(MEMBERS[0])
    assert member_notices(editor, response) == []
    assert Organisation.objects.get(uscc=MEMBERS[0]["uscc"]).registered is False
    # Another filing's lead unit types the same unit with half-width brackets and extra spaces: the same name.
    Organisation.objects.filter(uscc=MEMBERS[0]["uscc"]).update(name="南京示范大学（仙林校区）")
    remove_member(editor, Membership.objects.get())
    response = editor.add_member({**MEMBERS[0], "name": "南京示范大学 (仙林校区)"})
    assert response.status_code == 302
    assert member_notices(editor, response) == []
