import pytest
from django.urls import reverse

from consortia.models import Consortium, Membership, Section
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


def test_editor_pages_render(editor):
    editor.fill_everything()
    for section in Section.values:
        response = editor.client.get(editor.url(section))
        assert response.status_code == 200, section
    assert editor.client.get(reverse("consortia:detail", args=[editor.consortium.pk])).status_code == 200
    assert editor.client.get(reverse("consortia:eligibility", args=[editor.consortium.pk])).status_code == 200
    assert editor.client.get(reverse("consortia:list")).status_code == 200


def test_filing_page_shows_each_tasks_milestones_and_responsible_units(editor):
    editor.fill_everything()
    lead = editor.consortium.lead_organisation
    editor.fill_tasks(responsible=[lead.pk])
    page = editor.client.get(reverse("consortia:detail", args=[editor.consortium.pk])).content.decode()
    assert f"承担单位：{lead.name}" in page
    assert "年度安排：2026 年完成工艺验证；2027 年小批量。" in page
