import pytest
from django.urls import reverse

from portal.models import AuditEvent, Authority, Organisation, Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "Zhongshan-Road-2026"


def registration_data(**overrides):
    data = {
        "org-name": "南京紫金山新材料有限公司",
        "org-uscc": "9132 0214 7455 5531 8w",
        "org-kind": Organisation.Kind.ENTERPRISE,
        "org-jurisdiction": Authority.objects.get(code="320115").pk,
        "org-address": "南京市江宁区紫金路 9 号",
        "org-contact_name": "赵磊",
        "org-contact_phone": "025-5100 0000",
        "org-contact_email": "zhaolei@example.com",
        "account-username": "zhaolei",
        "account-last_name": "赵磊",
        "account-email": "zhaolei@example.com",
        "account-phone": "13900000000",
        "account-password1": PASSWORD,
        "account-password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_registration_creates_the_organisation_and_a_logged_in_lead_user(client, reference_data):
    response = client.post(reverse("register"), registration_data())
    assert response.status_code == 302
    user = User.objects.get(username="zhaolei")
    assert user.role == Role.LEAD_UNIT
    assert user.organisation.uscc == "91320214745555318W"
    assert user.organisation.jurisdiction.code == "320115"
    assert user.organisation.registered
    assert user.check_password(PASSWORD)
    assert client.get(reverse("home")).context["user"] == user
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.RECORD_CHANGED, actor=user).exists()


def test_registered_uscc_is_refused_and_says_whom_to_ask(client, demo_users):
    existing = demo_users["lead-a"].organisation
    before = Organisation.objects.values().get(pk=existing.pk)
    organisations = Organisation.objects.count()
    events = AuditEvent.objects.count()
    response = client.post(reverse("register"), registration_data(**{"org-uscc": existing.uscc.lower()}))
    assert response.status_code == 200
    error = response.context["organisation_form"].errors["uscc"][0]
    assert existing.uscc in error and existing.name in error
    assert "请联系该单位已注册的用户" in error and "“本单位”页面" in error and "市科技局" in error
    assert Organisation.objects.count() == organisations
    assert Organisation.objects.values().get(pk=existing.pk) == before
    assert not User.objects.filter(username="zhaolei").exists()
    assert AuditEvent.objects.count() == events


def test_refusal_shows_an_anonymous_visitor_nobody_s_contact_details(client, demo_users):
    existing = demo_users["lead-a"].organisation
    assert existing.contact_name and existing.contact_phone
    response = client.post(reverse("register"), registration_data(**{"org-uscc": existing.uscc}))
    page = response.content.decode()
    assert "已注册为单位" in page
    for detail in (existing.contact_name, existing.contact_phone, existing.contact_email, existing.address):
        assert detail not in page
    for user in existing.users.all():
        assert user.last_name not in page and user.email not in page


def test_invalid_uscc_is_refused_at_the_field(client, reference_data):
    response = client.post(reverse("register"), registration_data(**{"org-uscc": "914403001922038217"}))
    assert "校验位不正确" in response.context["organisation_form"].errors["uscc"][0]
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


def test_weak_or_mismatched_password_changes_nothing(client, reference_data):
    response = client.post(
        reverse("register"), registration_data(**{"account-password1": "abc", "account-password2": "abc"})
    )
    assert response.context["account_form"].errors["password1"]
    response = client.post(reverse("register"), registration_data(**{"account-password2": PASSWORD + "x"}))
    assert "两次输入的密码不一致" in response.context["account_form"].errors["password2"][0]
    assert not Organisation.objects.exists()


def test_taken_username_changes_nothing(client, demo_users):
    response = client.post(reverse("register"), registration_data(**{"account-username": "LEAD-A"}))
    assert "已被使用" in response.context["account_form"].errors["username"][0]
    assert not Organisation.objects.filter(uscc="91320214745555318W").exists()


def test_lead_user_adds_a_colleague_to_their_organisation(client, demo_users):
    client.force_login(demo_users["lead-a"])
    response = client.post(
        reverse("organisation"),
        {
            "account-username": "colleague-a",
            "account-last_name": "孙丽",
            "account-email": "sunli@example.com",
            "account-password1": PASSWORD,
            "account-password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    colleague = User.objects.get(username="colleague-a")
    assert colleague.organisation == demo_users["lead-a"].organisation
    assert colleague.role == Role.LEAD_UNIT
    assert "孙丽" in client.get(reverse("organisation")).content.decode()


@pytest.mark.parametrize("username", ["city", "jiangning", "admin"])
def test_organisation_page_is_for_lead_users_only(client, demo_users, username):
    client.force_login(demo_users[username])
    assert client.get(reverse("organisation")).status_code == 403
