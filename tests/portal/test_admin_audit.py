"""Changes made through the admin are audited, and an organisation whose filing is with its district keeps its
jurisdiction. The admin is driven over HTTP as the demo administrator."""

import datetime

import pytest
from django import forms
from django.urls import reverse

from consortia.models import Consortium
from consortia.states import Status
from portal.models import AuditEvent, Authority, Organisation, Role, User
from tests.factories import submitted_filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, demo_users):
    client.force_login(demo_users["admin"])
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _as_post(field, value):
    if isinstance(field, forms.ModelMultipleChoiceField):
        return [getattr(item, "pk", item) for item in value or ()]
    if isinstance(value, datetime.datetime):
        return None
    return "" if value is None else getattr(value, "pk", value)


def form_data(client, obj, **changes) -> dict:
    """The admin change form of ``obj`` as the page shows it, with ``changes`` typed over it."""
    form = client.get(change_url(obj)).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(field, forms.SplitDateTimeField):
            moment = value if isinstance(value, datetime.datetime) else None
            data[f"{name}_0"] = moment.strftime("%Y-%m-%d") if moment else ""
            data[f"{name}_1"] = moment.strftime("%H:%M:%S") if moment else ""
        else:
            data[name] = _as_post(field, value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def admin_changes(obj):
    return AuditEvent.objects.filter(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes__action="admin_change",
    )


def test_changing_a_users_role_is_audited_with_before_and_after(admin_client, demo_users):
    officer = demo_users["jiangning"]
    response = admin_client.post(change_url(officer), form_data(admin_client, officer, role=Role.CITY_STAFF))
    assert response.status_code == 302, response.context["adminform"].form.errors

    officer.refresh_from_db()
    assert officer.role == Role.CITY_STAFF
    event = admin_changes(officer).get()
    assert event.actor == demo_users["admin"]
    assert event.username == "admin"
    assert event.changes == {"action": "admin_change", "role": {"before": "district_officer", "after": "city_staff"}}


def test_moving_a_user_names_each_changed_field(admin_client, demo_users):
    lead = demo_users["lead-a"]
    other = demo_users["lead-b"].organisation
    xuanwu = Authority.objects.get(code="320102")
    data = form_data(admin_client, lead, organisation=other.pk, authority=xuanwu.pk, is_active=False)
    assert admin_client.post(change_url(lead), data).status_code == 302

    lead.refresh_from_db()
    assert (lead.organisation, lead.authority, lead.is_active) == (other, xuanwu, False)
    assert admin_changes(lead).get().changes == {
        "action": "admin_change",
        "organisation": {"before": "91320115MA1Q8W3R2D", "after": other.uscc},
        "authority": {"before": None, "after": "320102"},
        "is_active": {"before": True, "after": False},
    }


def test_saving_without_a_change_writes_no_audit_event(admin_client, demo_users):
    city = demo_users["city"]
    assert admin_client.post(change_url(city), form_data(admin_client, city, phone="025-0000 0000")).status_code == 302
    assert User.objects.get(pk=city.pk).phone == "025-0000 0000"
    assert not admin_changes(city).exists()


def test_changing_an_organisations_jurisdiction_is_audited(admin_client, demo_users):
    organisation = demo_users["lead-b"].organisation
    jiangning = Authority.objects.get(code="320115")
    data = form_data(admin_client, organisation, jurisdiction=jiangning.pk)
    assert admin_client.post(change_url(organisation), data).status_code == 302

    organisation.refresh_from_db()
    assert organisation.jurisdiction == jiangning
    event = admin_changes(organisation).get()
    assert event.actor == demo_users["admin"]
    assert event.changes == {"action": "admin_change", "jurisdiction": {"before": "320102", "after": "320115"}}


def test_jurisdiction_of_a_lead_unit_in_district_review_does_not_change(admin_client, demo_users, media):
    consortium = submitted_filing(lead_user=demo_users["lead-a"])
    assert Consortium.objects.get(pk=consortium.pk).status == Status.DISTRICT_REVIEW
    organisation = demo_users["lead-a"].organisation
    xuanwu = Authority.objects.get(code="320102")
    response = admin_client.post(
        change_url(organisation), form_data(admin_client, organisation, jurisdiction=xuanwu.pk, name="改名")
    )

    assert response.status_code == 200
    message = "该单位有正在区级初审中的备案，不能变更属地主管部门。请先由区级退回，或由市科技局明确改派。"
    assert response.context["adminform"].form.errors["jurisdiction"] == [message]
    assert message in response.content.decode()
    saved = Organisation.objects.get(pk=organisation.pk)
    assert (saved.jurisdiction.code, saved.name) == ("320115", "南京示范半导体科技有限公司")
    assert not admin_changes(organisation).exists()


def test_other_changes_of_a_lead_unit_in_district_review_are_saved(admin_client, demo_users, media):
    submitted_filing(lead_user=demo_users["lead-a"])
    organisation = demo_users["lead-a"].organisation
    data = form_data(admin_client, organisation, address="南京市江宁区新址 2 号", name="南京示范半导体股份有限公司")
    assert admin_client.post(change_url(organisation), data).status_code == 302
    organisation.refresh_from_db()
    assert organisation.jurisdiction.code == "320115"
    assert organisation.address == "南京市江宁区新址 2 号"
    assert admin_changes(organisation).get().changes == {
        "action": "admin_change",
        "name": {"before": "南京示范半导体科技有限公司", "after": "南京示范半导体股份有限公司"},
        "address": {"before": "南京市江宁区秣陵街道示范路 1 号", "after": "南京市江宁区新址 2 号"},
    }


def test_adding_an_account_in_the_admin_is_audited(admin_client, demo_users):
    response = admin_client.post(
        reverse("admin:portal_user_add"),
        {
            "username": "gulou",
            "password1": "Gulou-Tower-2026",
            "password2": "Gulou-Tower-2026",
            "usable_password": "true",
            "role": Role.DISTRICT_OFFICER,
            "authority": Authority.objects.get(code="320106").pk,
            "email": "gulou@example.com",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="gulou")
    event = AuditEvent.objects.get(object_type="portal.user", object_id=str(user.pk), changes__action="admin_add")
    assert event.actor == demo_users["admin"]
    assert event.changes["role"] == {"before": None, "after": "district_officer"}
    assert event.changes["authority"] == {"before": None, "after": "320106"}
