from datetime import timedelta

import pytest
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


def test_lock_out_is_per_account(client, demo_users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "lead-a", "wrong-password")
    assert login(client, "lead-b", DEMO_PASSWORD).status_code == 302


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


def test_timeout_is_a_setting(client, demo_users, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=5)
    login(client, "city", DEMO_PASSWORD)
    client.get(reverse("home"))
    session = client.session
    session[LAST_ACTIVITY_KEY] -= 6
    session.save()
    assert client.get(reverse("home")).status_code == 302


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
