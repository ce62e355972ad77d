from html.parser import HTMLParser

import pytest
from django.urls import reverse

from consortia.models import Consortium, Document, Membership, Section
from consortia.selectors import section_checklist
from consortia.snapshots import load_filing
from portal.models import Organisation

from .conftest import MEMBERS

pytestmark = pytest.mark.django_db


def test_filling_every_section_completes_the_checklist(editor):
    editor.fill_everything()
    checklist = section_checklist(load_filing(editor.consortium.pk))
    assert [s.section for s in checklist if not s.complete] == []


def test_new_draft_starts_with_every_section_incomplete(editor):
    missing = {s.section for s in section_checklist(load_filing(editor.consortium.pk)) if not s.complete}
    assert missing == set(Section.values)


def test_section_save_keeps_other_sections(editor):
    editor.fill_basic()
    editor.sign_agreement()
    consortium = Consortium.objects.get(pk=editor.consortium.pk)
    assert consortium.planned_end.isoformat() == "2028-12-31"
    assert consortium.agreement_all_parties_signed


def test_member_found_by_uscc_reuses_the_registered_organisation(editor, demo_users):
    other = demo_users["lead-b"].organisation
    response = editor.add_member({**MEMBERS[1], "uscc": other.uscc.lower(), "name": "随便写的名字"})
    assert response.status_code == 302
    membership = Membership.objects.get(consortium=editor.consortium)
    assert membership.organisation == other
    assert Organisation.objects.filter(uscc=other.uscc).count() == 1


def test_member_entered_new_is_registered_with_the_given_name(editor):
    editor.add_member(MEMBERS[0])
    organisation = Organisation.objects.get(uscc=MEMBERS[0]["uscc"])
    assert organisation.name == "南京示范大学"
    assert organisation.kind == "university"
    assert organisation.jurisdiction is None


def test_lead_unit_cannot_be_added_as_a_member(editor, demo_users):
    response = editor.add_member({**MEMBERS[1], "uscc": demo_users["lead-a"].organisation.uscc})
    assert "牵头单位" in response.context["form"].errors["uscc"][0]
    assert not Membership.objects.exists()


class FormPage(HTMLParser):
    """What a page offers to fill in: its section heading (the ``h2``), the active checklist entry, and each form
    field's current value(s) by name — an input's value (a checkbox's only when checked), a textarea's text, a
    select's selected option."""

    IGNORED = {"csrfmiddlewaretoken", "next", "loaded_version"}

    def __init__(self, html: str):
        super().__init__()
        self.headings: list[str] = []
        self.active_sections: list[str] = []
        self.fields: dict[str, list[str]] = {}
        self._text_of: str | None = None  # "h2", or the name of the textarea being read
        self._text = ""
        self._select: str | None = None
        self.feed(html)

    def _field(self, name):
        return self.fields.setdefault(name, [])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if "active" in (attrs.get("class") or "").split() and "data-section" in attrs:
            self.active_sections.append(attrs["data-section"])
        if tag == "h2":
            self._text_of, self._text = "h2", ""
        elif name in self.IGNORED or (tag in ("input", "textarea", "select") and "__prefix__" in (name or "")):
            return
        elif tag == "input" and name:
            values = self._field(name)
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    values.append(attrs.get("value") or "on")
            elif attrs.get("type") != "file":
                values.append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._field(name)
            self._text_of, self._text = name, ""
        elif tag == "select" and name:
            self._field(name)
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select].append(attrs.get("value") or "")

    def handle_data(self, data):
        if self._text_of:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "h2" and self._text_of == "h2":
            self.headings.append(self._text.strip())
            self._text_of = None
        elif tag == "textarea" and self._text_of:
            self.fields[self._text_of].append(self._text.strip())
            self._text_of = None
        elif tag == "select":
            self._select = None


def test_editor_pages_render(editor):
    editor.fill_everything()
    consortium = editor.consortium
    lead = consortium.lead_organisation
    field_pk = str(editor._field_pk("third-gen-semiconductors"))
    pages = {section: editor.client.get(editor.url(section)) for section in Section.values}
    assert {section: response.status_code for section, response in pages.items()} == dict.fromkeys(Section.values, 200)
    forms = {section: FormPage(response.content.decode()) for section, response in pages.items()}
    for section, form in forms.items():
        assert form.headings[:1] == [str(Section(section).label)], section
        assert form.active_sections == [section], section

    # Each section's own form, filled with what was saved in it, and nothing of another section's.
    assert forms[Section.BASIC].fields == {
        "name": ["南京市第三代半导体功率器件创新联合体"],
        "field": [field_pk],
        "technology_kinds": ["choke-point", "frontier"],
        "summary": ["围绕碳化硅功率器件全链条开展联合攻关。"],
        "goals": ["三年内实现 1200V 碳化硅 MOSFET 量产，良率达 90% 以上。"],
        "planned_start": ["2026-01-01"],
        "planned_end": ["2028-12-31"],
    }
    assert forms[Section.LEAD].fields == {
        "head": ["王敏"],
        "revenue_prev_year": ["52000.50"],
        "rd_expense_prev_year": ["3100.00"],
    }
    assert forms[Section.GOVERNANCE].fields == {
        "has_council": ["on"],
        "council_chair": ["王敏"],
        "council_chair_is_lead_head": ["on"],
        "chief_experts": ["张三，南京示范大学，教授"],
        "advisory_committee": ["李四\n赵五"],
        "operating_mechanism": ["理事会每季度召开一次，成果收益按投入比例分配。"],
    }
    # The members page: an empty form to add one more, and the two added listed.
    member_fields = {"uscc", "name", "kind", "chain_position", "independent_legal_entity", "capability", "role"}
    assert set(forms[Section.MEMBERS].fields) == member_fields
    assert all(value in ([], [""]) for value in forms[Section.MEMBERS].fields.values())
    members_page = pages[Section.MEMBERS].content.decode()
    for member in MEMBERS:
        assert member["name"] in members_page and member["uscc"] in members_page
    # The formsets: the saved row first, then an empty one.
    tasks = forms[Section.TASKS].fields
    assert all(name.startswith("tasks-") for name in tasks)
    assert tasks["tasks-0-title"] == ["1200V 碳化硅 MOSFET 栅氧可靠性攻关"]
    assert tasks["tasks-0-kind"] == ["choke-point"]
    assert tasks["tasks-0-objectives"] == ["栅氧寿命达到车规要求。"]
    assert tasks["tasks-0-indicators"] == ["HTGB 1000 小时无失效。"]
    assert tasks["tasks-0-milestones"] == ["2026 年完成工艺验证；2027 年小批量。"]
    assert tasks["tasks-1-title"] == [""]
    funding = forms[Section.FUNDING].fields
    assert all(name.startswith("funding-") for name in funding)
    assert funding["funding-0-organisation"] == [str(lead.pk)]
    assert (funding["funding-0-year"], funding["funding-0-self_raised"]) == (["2026"], ["100.00"])
    assert (funding["funding-0-government"], funding["funding-0-financial"]) == (["0.00"], ["0.00"])
    assert funding["funding-1-year"] == [""]
    # The documents page: the upload form, the agreement as signed, and the uploaded agreement listed.
    assert forms[Section.DOCUMENTS].fields == {
        "upload-kind": [],
        "upload-file": [],
        "agreement-agreement_signed_on": ["2025-11-20"],
        "agreement-agreement_all_parties_signed": ["on"],
    }
    document = Document.objects.get(consortium=consortium)
    assert document.original_name in pages[Section.DOCUMENTS].content.decode()
    assert reverse("consortia:document", args=[consortium.pk, document.pk]) in pages[Section.DOCUMENTS].content.decode()

    detail = editor.client.get(reverse("consortia:detail", args=[consortium.pk]))
    eligibility = editor.client.get(reverse("consortia:eligibility", args=[consortium.pk]))
    listing = editor.client.get(reverse("consortia:list"))
    assert (detail.status_code, eligibility.status_code, listing.status_code) == (200, 200, 200)
    detail_page = detail.content.decode()
    assert "围绕碳化硅功率器件全链条开展联合攻关。" in detail_page
    assert all(member["name"] in detail_page for member in MEMBERS)
    assert FormPage(eligibility.content.decode()).headings[:1] == ["条件核验"]
    assert eligibility.context["evaluation"].eligible
    assert reverse("consortia:detail", args=[consortium.pk]) in listing.content.decode()
    assert consortium.name in listing.content.decode()


def test_filing_page_shows_each_tasks_milestones_and_responsible_units(editor):
    editor.fill_everything()
    lead = editor.consortium.lead_organisation
    editor.fill_tasks(responsible=[lead.pk])
    page = editor.client.get(reverse("consortia:detail", args=[editor.consortium.pk])).content.decode()
    assert f"承担单位：{lead.name}" in page
    assert "年度安排：2026 年完成工艺验证；2027 年小批量。" in page
