"""Two colleagues load the same section and both save: the second is refused and the first one's data stays."""

import pytest
from django.test import Client

from consortia.models import Consortium, Section

from .conftest import Editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_editor(editor, demo_users):
    from portal.models import User

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


def test_saves_of_different_sections_do_not_conflict(editor, colleague_editor):
    basic_version = editor.version(Section.BASIC)
    assert colleague_editor.fill_lead().status_code == 302
    response = editor.post(
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


def test_stale_member_addition_is_refused(editor, colleague_editor):
    from .conftest import MEMBERS

    loaded = editor.version(Section.MEMBERS)
    assert editor.add_member(MEMBERS[0]).status_code == 302
    response = colleague_editor.post(Section.MEMBERS, MEMBERS[1], version=loaded)
    assert response.status_code == 409
    assert editor.consortium.memberships.count() == 1
