"""Two colleagues load the same section and both save: the second is refused and the first one's data stays."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from consortia.models import Consortium, LeadUnit, Section
from consortia.services import section_version
from portal.models import User

from .conftest import Editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_editor(editor, demo_users):
    colleague = User.objects.create_user(
        username="colleague-a",
        password="x",
        role="lead_unit",
        organisation=demo_users["lead-a"].organisation,
        last_name="孙丽",
    )
    client = Client()
    client.force_login(colleague)
    return Editor(client, editor.consortium)


def test_second_save_of_a_stale_section_is_refused(editor, colleague_editor):
    loaded = editor.version(Section.BASIC)  # both open the page at this version

    first = editor.fill_basic(summary="第一位同事写的简介。")
    assert first.status_code == 302

    second = colleague_editor.post(
        Section.BASIC,
        {
            "name": "另一个名称",
            "field": editor._field_pk("integrated-circuits"),
            "technology_kinds": ["frontier"],
            "summary": "第二位同事写的简介。",
            "goals": "目标",
            "planned_start": "2026-01-01",
            "planned_end": "2027-12-31",
        },
        version=loaded,
    )

    assert second.status_code == 409
    page = second.content.decode()
    assert "保存未成功" in page
    assert "王敏" in page  # who saved in between
    assert "第一位同事写的简介。" in page  # what they saved is shown
    assert "第二位同事写的简介。" in page  # and the refused input is kept in the form, not lost
    consortium = Consortium.objects.get(pk=editor.consortium.pk)
    assert consortium.summary == "第一位同事写的简介。"
    assert consortium.name == "南京市第三代半导体功率器件创新联合体"


def test_saves_of_different_sections_do_not_conflict(editor, colleague_editor, demo_users):
    basic_version = editor.version(Section.BASIC)  # the lead user opens 基本信息 ...
    lead_version = editor.version(Section.LEAD)
    assert colleague_editor.fill_lead().status_code == 302  # ... a colleague saves 牵头单位 meanwhile ...
    response = editor.post(  # ... and the lead user saves 基本信息 as loaded before that
        Section.BASIC,
        {
            "name": "南京市第三代半导体功率器件创新联合体",
            "field": editor._field_pk("third-gen-semiconductors"),
            "technology_kinds": ["frontier"],
            "summary": "s",
            "goals": "g",
            "planned_start": "2026-01-01",
            "planned_end": "2027-12-31",
        },
        version=basic_version,
    )
    assert response.status_code == 302

    # Both saves are in the database, neither undid the other ...
    consortium = Consortium.objects.get(pk=editor.consortium.pk)
    assert (consortium.summary, consortium.goals, consortium.technology_kinds) == ("s", "g", ["frontier"])
    assert (consortium.planned_start, consortium.planned_end) == (date(2026, 1, 1), date(2027, 12, 31))
    assert consortium.field.code == "third-gen-semiconductors"
    lead = LeadUnit.objects.get(consortium=consortium)
    assert (lead.head, lead.revenue_prev_year) == ("王敏", Decimal("52000.50"))
    assert lead.rd_expense_prev_year == Decimal(3100)
    # ... and each section's version went up by one, marked with who saved it.
    colleague = User.objects.get(username="colleague-a")
    basic, lead_saved = section_version(consortium, Section.BASIC), section_version(consortium, Section.LEAD)
    assert (basic.number, basic.saved_by) == (basic_version + 1, str(demo_users["lead-a"]))
    assert (lead_saved.number, lead_saved.saved_by) == (lead_version + 1, str(colleague))


def test_stale_member_addition_is_refused(editor, colleague_editor):
    from .conftest import MEMBERS

    loaded = editor.version(Section.MEMBERS)
    assert editor.add_member(MEMBERS[0]).status_code == 302
    response = colleague_editor.post(Section.MEMBERS, MEMBERS[1], version=loaded)
    assert response.status_code == 409
    assert editor.consortium.memberships.count() == 1
