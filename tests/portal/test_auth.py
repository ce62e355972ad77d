import runpy
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from portal.demo import DEMO_PASSWORD
from portal.middleware import LAST_ACTIVITY_KEY
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def audit_types(username):
    return list(AuditEvent.objects.filter(username=username).order_by("id").values_list("event_type", flat=True))


def test_login_and_logout_are_audited(client, demo_users):
    response = login(client, "lead-a", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    client.post(reverse("logout"))
    assert audit_types("lead-a") == [AuditEvent.Type.LOGIN, AuditEvent.Type.LOGOUT]
    event = AuditEvent.objects.get(username="lead-a", event_type=AuditEvent.Type.LOGIN)
    assert event.actor == demo_users["lead-a"]
    assert event.ip_address == "127.0.0.1"


def test_failed_login_says_so_in_chinese_and_is_audited(client, demo_users):
    response = login(client, "lead-a", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert audit_types("lead-a") == [AuditEvent.Type.LOGIN_FAILED]


def test_failed_login_for_unknown_user_is_audited_with_the_name_typed(client, demo_users):
    login(client, "no-such-user", "whatever")
    event = AuditEvent.objects.get(username="no-such-user")
    assert event.event_type == AuditEvent.Type.LOGIN_FAILED
    assert event.actor is None


def test_sixth_attempt_is_locked_out_even_with_the_right_password(client, demo_users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "lead-a", "wrong-password").status_code == 200
    # The fifth failure reaches the limit and locks the account.
    assert login(client, "lead-a", "wrong-password").status_code == 403
    response = login(client, "lead-a", DEMO_PASSWORD)
    assert response.status_code == 403
    assert "账户已被锁定 15 分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.Type.LOCKED_OUT in audit_types("lead-a")
    assert AuditEvent.Type.LOGIN not in audit_types("lead-a")


def test_lock_out_is_per_account(demo_users, settings):
    # Two people behind the same government NAT: one address, two accounts.
    office = "203.0.113.7"
    mistyped, colleague = Client(REMOTE_ADDR=office), Client(REMOTE_ADDR=office)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(mistyped, "lead-a", "wrong-password").status_code == 200
    assert login(mistyped, "lead-a", "wrong-password").status_code == 403  # the limit: lead-a is locked

    # The colleague at the same address still logs in to their own account ...
    response = login(colleague, "lead-b", DEMO_PASSWORD)
    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(demo_users["lead-b"].pk)
    assert AuditEvent.objects.get(username="lead-b").ip_address == office

    # ... while lead-a stays locked, even with the right password and from a fresh browser at that address.
    for client in (mistyped, Client(REMOTE_ADDR=office)):
        response = login(client, "lead-a", DEMO_PASSWORD)
        assert response.status_code == 403
        assert "账户已被锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session
    assert AuditEvent.Type.LOGIN not in audit_types("lead-a")


def test_four_failures_then_the_right_password_logs_in(client, demo_users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "lead-a", "wrong-password")
    assert login(client, "lead-a", DEMO_PASSWORD).status_code == 302


def test_idle_session_is_sent_back_to_login_and_audited(client, demo_users, settings):
    login(client, "city", DEMO_PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] -= settings.SESSION_IDLE_TIMEOUT.total_seconds() + 1
    session.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert audit_types("city")[-1] == AuditEvent.Type.SESSION_EXPIRED
    # Back at the login page the user is told why.
    assert "请重新登录" in client.get(response.url).content.decode()


def test_active_session_within_the_timeout_stays(client, demo_users, settings):
    login(client, "city", DEMO_PASSWORD)
    client.get(reverse("home"))
    session = client.session
    session[LAST_ACTIVITY_KEY] -= settings.SESSION_IDLE_TIMEOUT.total_seconds() - 60
    session.save()
    assert client.get(reverse("home")).status_code == 200


def settings_read_from(environment, monkeypatch, tmp_path):
    """The settings module as the portal reads it at start-up with ``environment`` set."""
    monkeypatch.setenv("VAR_DIR", str(tmp_path))  # the module makes the Celery folders there
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(django_settings.BASE_DIR) / "portal" / "settings.py"))


def idle_for(client, seconds):
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - seconds
    session.save()


@pytest.mark.parametrize("minutes", [7, 45])  # shorter and longer than the default of 30
def test_timeout_is_a_setting(client, demo_users, settings, monkeypatch, tmp_path, minutes):
    configured = settings_read_from({"SESSION_IDLE_MINUTES": str(minutes)}, monkeypatch, tmp_path)
    assert configured["SESSION_IDLE_TIMEOUT"] == timedelta(minutes=minutes)
    settings.SESSION_IDLE_TIMEOUT = configured["SESSION_IDLE_TIMEOUT"]
    login(client, "city", DEMO_PASSWORD)
    assert client.get(reverse("home")).status_code == 200

    # Idle a little less than the setting: still logged in (with 45, that is longer than the default would allow).
    idle_for(client, minutes * 60 - 30)
    assert client.get(reverse("home")).status_code == 200
    assert client.session["_auth_user_id"] == str(demo_users["city"].pk)

    # Idle a little more (with 7, far less than the default): logged out, audited, and told after how long.
    idle_for(client, minutes * 60 + 30)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert audit_types("city")[-1] == AuditEvent.Type.SESSION_EXPIRED
    assert f"您已超过 {minutes} 分钟未操作" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "password, accepted",
    [("short1A!", False), ("alllowercaseletters", False), ("NoDigitsOrSymbols", False), ("Qinhuai-River-42", True)],
)
def test_password_rules(client, demo_users, password, accepted):
    client.force_login(demo_users["lead-a"])
    response = client.post(
        reverse("password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert (response.status_code == 302) is accepted
    demo_users["lead-a"].refresh_from_db()
    assert demo_users["lead-a"].check_password(password) is accepted
    if not accepted:
        assert "is-invalid" in response.content.decode()
    else:
        assert AuditEvent.objects.filter(event_type=AuditEvent.Type.PASSWORD_CHANGED).count() == 1


def test_audit_events_cannot_be_edited_or_deleted(demo_users):
    from portal.services import record_audit

    event = record_audit(event_type=AuditEvent.Type.LOGIN, actor=demo_users["city"])
    event.username = "someone-else"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_activity_is_recorded_at_most_once_a_minute(client, demo_users):
    login(client, "city", DEMO_PASSWORD)
    client.get(reverse("home"))
    first = client.session[LAST_ACTIVITY_KEY]
    client.get(reverse("home"))
    assert client.session[LAST_ACTIVITY_KEY] == first
    session = client.session
    session[LAST_ACTIVITY_KEY] -= 61
    session.save()
    client.get(reverse("home"))
    assert client.session[LAST_ACTIVITY_KEY] > first - 61


@pytest.mark.django_db
def test_the_admin_site_signs_in_through_the_portal_login_and_its_limits(client, demo_users, settings):
    """/admin/login/ would skip the portal's per-address limit; it sends to the portal's login, which returns to
    the admin page asked for, and tells a signed-in user without access so instead of sending them round."""
    response = client.get("/admin/consortia/consortium/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/consortia/consortium/"
    response = client.post(response["Location"], {"username": "admin", "password": DEMO_PASSWORD})
    assert response["Location"] == "/admin/consortia/consortium/"
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"
    client.force_login(demo_users["city"])
    assert client.get("/admin/login/?next=/admin/").status_code == 403
