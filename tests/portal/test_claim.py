"""An organisation a lead unit typed in as a member is unregistered: the first registration of its USCC takes it over,
so typing someone's USCC first locks nobody out."""

import pytest
from django.test import Client
from django.urls import reverse

from consortia.models import Consortium, Membership, Section
from consortia.services import section_version
from portal.models import AuditEvent, Authority, Organisation, Role, User
from tests.portal.test_registration import PASSWORD, registration_data

pytestmark = pytest.mark.django_db

USCC = "91320214745555318W"  # the USCC registration_data types, with spaces and in lower case
TYPED = {
    "uscc": USCC,
    "name": "紫金山新材料（牵头单位填写）",
    "kind": "institute",
    "chain_position": "upstream",
    "independent_legal_entity": "on",
    "capability": "新材料研发团队 20 人。",
    "role": "负责材料制备。",
}


@pytest.fixture
def typed_member(client, demo_users, settings, tmp_path):
    """Lead unit A adds USCC as a member of its draft through the editor, as a user does."""
    settings.MEDIA_ROOT = tmp_path / "private-media"
    client.force_login(demo_users["lead-a"])
    assert client.post(reverse("consortia:new"), {"name": "南京市新材料创新联合体"}).status_code == 302
    consortium = Consortium.objects.get(lead_organisation=demo_users["lead-a"].organisation)
    version = section_version(consortium, Section.MEMBERS).number
    response = client.post(
        reverse("consortia:edit", args=[consortium.pk, Section.MEMBERS]), {"loaded_version": version, **TYPED}
    )
    assert response.status_code == 302
    client.logout()
    return Membership.objects.select_related("organisation").get(consortium=consortium).organisation


def claim_events(organisation):
    return AuditEvent.objects.filter(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        object_type="portal.organisation",
        object_id=str(organisation.pk),
        changes__action="claim_organisation",
    )


def test_a_member_typed_in_is_unregistered(typed_member):
    typed_member.refresh_from_db()
    assert typed_member.uscc == USCC
    assert typed_member.name == TYPED["name"]
    assert not typed_member.registered
    assert not typed_member.users.exists()


def test_registration_takes_over_the_typed_in_organisation(client, typed_member):
    response = client.post(reverse("register"), registration_data())
    assert response.status_code == 302

    user = User.objects.get(username="zhaolei")
    assert user.role == Role.LEAD_UNIT
    assert user.check_password(PASSWORD)
    assert user.organisation_id == typed_member.pk  # the same row: the membership still points at it
    assert Organisation.objects.filter(uscc=USCC).count() == 1
    assert Membership.objects.get(organisation_id=typed_member.pk).organisation.name == "南京紫金山新材料有限公司"

    claimed = Organisation.objects.get(pk=typed_member.pk)
    assert claimed.registered
    assert claimed.name == "南京紫金山新材料有限公司"
    assert claimed.kind == Organisation.Kind.ENTERPRISE
    assert claimed.jurisdiction == Authority.objects.get(code="320115")
    assert claimed.address == "南京市江宁区紫金路 9 号"
    assert (claimed.contact_name, claimed.contact_phone, claimed.contact_email) == (
        "赵磊",
        "025-5100 0000",
        "zhaolei@example.com",
    )

    event = claim_events(claimed).get()
    assert event.actor == user
    assert event.changes["before"] == {
        "name": TYPED["name"],
        "kind": "institute",
        "jurisdiction": None,
        "address": "",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
    }
    assert event.changes["after"] == {
        "name": "南京紫金山新材料有限公司",
        "kind": "enterprise",
        "jurisdiction": "320115",
        "address": "南京市江宁区紫金路 9 号",
        "contact_name": "赵磊",
        "contact_phone": "025-5100 0000",
        "contact_email": "zhaolei@example.com",
    }


def test_once_taken_over_the_uscc_is_refused(client, typed_member):
    assert client.post(reverse("register"), registration_data()).status_code == 302
    second = Client()
    response = second.post(
        reverse("register"),
        registration_data(
            **{
                "org-name": "后来者公司",
                "org-contact_name": "钱七",
                "org-contact_phone": "025-6600 0000",
                "org-contact_email": "qianqi@example.com",
                "account-username": "late",
                "account-last_name": "钱七",
                "account-email": "qianqi@example.com",
            }
        ),
    )
    assert response.status_code == 200
    error = response.context["organisation_form"].errors["uscc"][0]
    assert "已注册为单位“南京紫金山新材料有限公司”" in error
    page = response.content.decode()
    assert "赵磊" not in page and "025-5100 0000" not in page and "zhaolei@example.com" not in page
    assert not User.objects.filter(username="late").exists()
    assert Organisation.objects.get(pk=typed_member.pk).name == "南京紫金山新材料有限公司"
    assert claim_events(typed_member).count() == 1


def test_a_refused_take_over_leaves_the_organisation_as_typed(client, typed_member):
    response = client.post(reverse("register"), registration_data(**{"account-username": "lead-b"}))
    assert "已被使用" in response.context["account_form"].errors["username"][0]
    typed_member.refresh_from_db()
    assert not typed_member.registered
    assert typed_member.name == TYPED["name"]
    assert not typed_member.users.exists()
    assert not claim_events(typed_member).exists()


def test_an_organisation_with_users_is_registered_even_without_the_flag(client, demo_users):
    organisation = demo_users["lead-b"].organisation
    Organisation.objects.filter(pk=organisation.pk).update(registered=False)
    response = client.post(reverse("register"), registration_data(**{"org-uscc": organisation.uscc}))
    assert "不能重复注册" in response.context["organisation_form"].errors["uscc"][0]
    organisation.refresh_from_db()
    assert organisation.name == "南京示范智能装备股份有限公司"
    assert list(organisation.users.values_list("username", flat=True)) == ["lead-b"]
