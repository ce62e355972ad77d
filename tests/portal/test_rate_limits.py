"""Failed logins and registrations limited per client address, beside django-axes' lock per account."""

import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.demo import DEMO_PASSWORD
from portal.models import AuditEvent, Authority, Organisation, User
from portal.throttle import login_failures
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db

OFFICE = "198.51.100.20"
ELSEWHERE = "198.51.100.21"
PASSWORD = "Zhongshan-Road-2026"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def fail_from(address, count, usernames):
    """``count`` failed logins from ``address``, spread over ``usernames`` in turn; the responses."""
    client = Client(REMOTE_ADDR=address)
    return [login(client, usernames[n % len(usernames)], "wrong-password") for n in range(count)]


# Ten usernames, demo accounts and unknown ones: three failures each stay below the account's limit of five.
SPRAYED = ["lead-a", "lead-b", "city", "jiangning", "xuanwu", "admin", "zhang", "wang", "li", "zhao"]


def lock_the_office(settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    responses = fail_from(OFFICE, limit, SPRAYED)
    assert [r.status_code for r in responses] == [200] * (limit - 1) + [429]
    return responses[-1]


def age_events(event_type, address, by):
    """Move the clock forward for the limits: the address's events are made older (the model refuses updates only
    through ``save``)."""
    AuditEvent.objects.filter(event_type=event_type, ip_address=address).update(occurred_at=F("occurred_at") - by)


def test_thirty_failures_over_several_usernames_lock_the_address_and_say_for_how_long(demo_users, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 30
    locking = lock_the_office(settings)
    assert "从您所在的网络地址登录失败次数过多（15 分钟内 30 次），该地址已暂停登录。请 15 分钟后再试" in (
        locking.content.decode()
    )
    # No account reached its own limit: the address is what is locked.
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.LOCKED_OUT, changes={}).exists()
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.LOGIN_FAILED, ip_address=OFFICE).count() == 30

    # Another address still logs in, with an account the office tried three times.
    elsewhere = Client(REMOTE_ADDR=ELSEWHERE)
    assert login(elsewhere, "lead-a", DEMO_PASSWORD).status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(demo_users["lead-a"].pk)


def test_the_right_password_from_a_locked_address_is_refused_and_changes_nothing(demo_users, settings):
    lock_the_office(settings)
    attempts_before = list(AccessAttempt.objects.order_by("id").values("username", "failures_since_start"))
    failures_before = AuditEvent.objects.filter(event_type=AuditEvent.Type.LOGIN_FAILED).count()

    client = Client(REMOTE_ADDR=OFFICE)
    response = login(client, "lead-b", DEMO_PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "该地址已暂停登录。请 15 分钟后再试" in page
    assert 'value="lead-b"' in page  # the username typed is kept
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.LOGIN, username="lead-b").exists()
    # The refusal is audited, and neither counted as a failure nor against any account.
    refusal = AuditEvent.objects.filter(event_type=AuditEvent.Type.LOCKED_OUT).latest("id")
    assert (refusal.actor, refusal.username, refusal.ip_address) == (demo_users["lead-b"], "lead-b", OFFICE)
    assert refusal.changes == {"address_limit": "login", "limit": 30, "minutes": 15, "wait_minutes": 15}
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.LOGIN_FAILED).count() == failures_before
    assert list(AccessAttempt.objects.order_by("id").values("username", "failures_since_start")) == attempts_before


def test_axes_and_the_audit_log_see_the_same_address(demo_users):
    login(Client(REMOTE_ADDR=OFFICE), "lead-a", "wrong-password")
    assert AccessAttempt.objects.get(username="lead-a").ip_address == OFFICE
    assert AuditEvent.objects.get(event_type=AuditEvent.Type.LOGIN_FAILED, username="lead-a").ip_address == OFFICE


def test_the_account_lock_still_works_as_before_and_does_not_lock_the_address(demo_users, settings):
    responses = fail_from(OFFICE, settings.AXES_FAILURE_LIMIT, ["lead-a"])
    assert [r.status_code for r in responses] == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [403]
    client = Client(REMOTE_ADDR=OFFICE)
    response = login(client, "lead-a", DEMO_PASSWORD)
    assert response.status_code == 403
    assert "账户已被锁定 15 分钟" in response.content.decode()
    # A colleague at the same address is not held up by lead-a's lock.
    assert login(client, "lead-b", DEMO_PASSWORD).status_code == 302


def test_the_address_may_log_in_again_once_the_failures_are_older_than_the_cool_off(demo_users, settings):
    lock_the_office(settings)
    cool_off = settings.AXES_COOLOFF_TIME

    age_events(AuditEvent.Type.LOGIN_FAILED, OFFICE, cool_off - timedelta(minutes=5))
    response = login(Client(REMOTE_ADDR=OFFICE), "lead-b", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "请 5 分钟后再试" in response.content.decode()

    age_events(AuditEvent.Type.LOGIN_FAILED, OFFICE, timedelta(minutes=5))
    client = Client(REMOTE_ADDR=OFFICE)
    assert login(client, "lead-b", DEMO_PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(demo_users["lead-b"].pk)


def test_a_successful_login_does_not_clear_the_address_s_failures(demo_users, settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    fail_from(OFFICE, limit - 1, SPRAYED)
    assert login(Client(REMOTE_ADDR=OFFICE), "city", DEMO_PASSWORD).status_code == 302
    assert login(Client(REMOTE_ADDR=OFFICE), "no-such-user", "guess").status_code == 429


# --- Registration --------------------------------------------------------------------------------------------------


def registration_data(seed):
    return {
        "org-name": f"南京测试新材料有限公司{seed}",
        "org-uscc": make_uscc(seed),
        "org-kind": Organisation.Kind.ENTERPRISE,
        "org-jurisdiction": Authority.objects.get(code="320115").pk,
        "org-address": f"南京市江宁区紫金路 {seed} 号",
        "org-contact_name": "赵磊",
        "org-contact_phone": "025-5100 0000",
        "org-contact_email": f"unit{seed}@example.com",
        "account-username": f"registrant-{seed}",
        "account-last_name": "赵磊",
        "account-email": f"registrant{seed}@example.com",
        "account-phone": "13900000000",
        "account-password1": PASSWORD,
        "account-password2": PASSWORD,
    }


def register_from(address, seed):
    # A fresh browser each time: a registration logs its registrant in.
    return Client(REMOTE_ADDR=address).post(reverse("register"), registration_data(seed))


def register_up_to_the_limit(settings, address=OFFICE):
    for seed in range(settings.REGISTRATION_ADDRESS_LIMIT):
        assert register_from(address, seed).status_code == 302
    assert User.objects.filter(username__startswith="registrant-").count() == settings.REGISTRATION_ADDRESS_LIMIT


def test_the_sixth_registration_within_the_hour_is_refused_with_nothing_created_and_the_form_kept(
    reference_data, settings
):
    assert settings.REGISTRATION_ADDRESS_LIMIT == 5
    register_up_to_the_limit(settings)
    organisations, users = Organisation.objects.count(), User.objects.count()

    response = register_from(OFFICE, 99)

    assert response.status_code == 429
    assert response.context["organisation_form"].non_field_errors() == [
        "从您所在的网络地址注册过于频繁（60 分钟内最多 5 次）。请 60 分钟后再试。"
    ]
    page = response.content.decode()
    typed = registration_data(99)
    for name in ("org-name", "org-uscc", "org-address", "account-username", "account-email"):
        assert f'value="{typed[name]}"' in page
    assert PASSWORD not in page
    assert (Organisation.objects.count(), User.objects.count()) == (organisations, users)
    assert not Organisation.objects.filter(uscc=typed["org-uscc"]).exists()
    refusal = AuditEvent.objects.get(event_type=AuditEvent.Type.LOCKED_OUT)
    assert (refusal.actor, refusal.username, refusal.ip_address) == (None, "registrant-99", OFFICE)
    assert refusal.changes == {"address_limit": "registration", "limit": 5, "minutes": 60, "wait_minutes": 60}

    # Another address registers.
    assert register_from(ELSEWHERE, 99).status_code == 302
    assert User.objects.get(username="registrant-99").organisation.uscc == typed["org-uscc"]


def test_a_registration_that_takes_over_a_typed_in_organisation_counts_too(reference_data, settings):
    settings.REGISTRATION_ADDRESS_LIMIT = 1
    Organisation.objects.create(uscc=make_uscc(7), name="成员单位", kind=Organisation.Kind.ENTERPRISE)
    assert register_from(OFFICE, 7).status_code == 302
    assert Organisation.objects.get(uscc=make_uscc(7)).registered
    assert register_from(OFFICE, 8).status_code == 429


def test_mistakes_in_the_form_and_refused_usccs_do_not_count(demo_users, settings):
    settings.REGISTRATION_ADDRESS_LIMIT = 1
    client = Client(REMOTE_ADDR=OFFICE)
    mistyped = {**registration_data(1), "account-password2": "something-else"}
    registered = {**registration_data(1), "org-uscc": demo_users["lead-a"].organisation.uscc}
    for data in (mistyped, registered, mistyped, registered):
        assert client.post(reverse("register"), data).status_code == 200
    assert register_from(OFFICE, 1).status_code == 302
    assert register_from(OFFICE, 2).status_code == 429


def test_the_address_may_register_again_once_the_hour_has_passed(reference_data, settings):
    register_up_to_the_limit(settings)
    assert register_from(OFFICE, 99).status_code == 429
    age_events(AuditEvent.Type.RECORD_CHANGED, OFFICE, settings.REGISTRATION_ADDRESS_WINDOW)
    assert register_from(OFFICE, 99).status_code == 302
    assert User.objects.filter(username="registrant-99").exists()


# --- Settings ------------------------------------------------------------------------------------------------------


def settings_read_from(environment, monkeypatch, tmp_path):
    """The settings module as the portal reads it at start-up with ``environment`` set."""
    monkeypatch.setenv("VAR_DIR", str(tmp_path))  # the module makes the Celery folders there
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(django_settings.BASE_DIR) / "portal" / "settings.py"))


def test_the_limits_are_settings_from_the_environment(demo_users, settings, monkeypatch, tmp_path):
    configured = settings_read_from(
        {"LOGIN_ADDRESS_FAILURE_LIMIT": "4", "REGISTRATION_ADDRESS_LIMIT": "2", "REGISTRATION_ADDRESS_MINUTES": "90"},
        monkeypatch,
        tmp_path,
    )
    assert configured["REGISTRATION_ADDRESS_WINDOW"] == timedelta(minutes=90)
    for name in ("LOGIN_ADDRESS_FAILURE_LIMIT", "REGISTRATION_ADDRESS_LIMIT", "REGISTRATION_ADDRESS_WINDOW"):
        setattr(settings, name, configured[name])

    assert [r.status_code for r in fail_from(OFFICE, 4, SPRAYED)] == [200, 200, 200, 429]
    register_up_to_the_limit(settings)
    response = register_from(OFFICE, 99)
    assert response.status_code == 429
    assert "90 分钟内最多 2 次" in response.content.decode()


def test_a_limit_of_zero_turns_the_address_limit_off(reference_data, settings):
    settings.REGISTRATION_ADDRESS_LIMIT = 0
    for seed in range(6):
        assert register_from(OFFICE, seed).status_code == 302


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is read on PostgreSQL")
def test_an_address_count_reads_its_index_not_the_whole_audit_log():
    """Every login asks how often its address failed lately; on a log of years that must be an index range, not a
    scan (sequential scans priced out, so the plan shows whether the SQL matches the index at all)."""
    query = login_failures().recent("10.0.0.1", now=timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "audit_address_time" in plan
