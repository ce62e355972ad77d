"""Two-factor sign-in (issue 16, item 4): TOTP with backup codes, required for city staff and administrators."""

import runpy
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import DEMO_PASSWORD
from portal.models import AuditEvent
from portal.two_factor import secret_text

pytestmark = pytest.mark.django_db

LOCKOUT = "登录失败次数过多（连续 5 次），账户已被锁定 15 分钟。"
WRONG = "验证码不正确，请重新输入。"


@pytest.fixture(autouse=True)
def required(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["city_staff", "admin"]


def code_for(device, *, steps_ahead=0):
    """The code an authenticator app shows, ``steps_ahead`` periods from now (a fresh one after a code was used)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def signed_in(username):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def enrol(username):
    """Signs in with the password and enrols through the pages: the client (verified), its device and backup codes."""
    client = signed_in(username)
    assert client.get(reverse("two_factor_enrol")).status_code == 200
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    response = client.post(reverse("two_factor_enrol"), {"code": code_for(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    return client, device, response.context["codes"]


def verify(client, code, next_url=""):
    return client.post(reverse("two_factor_verify"), {"code": code, "next": next_url})


def second_factor_events(username):
    return list(
        AuditEvent.objects.filter(username=username, changes__has_key="second_factor")
        .order_by("id")
        .values_list("event_type", "changes")
    )


PAGES = [reverse("home"), reverse("reviews:queue"), reverse("monitoring:portfolio"), reverse("admin:index")]


def test_after_the_password_city_staff_without_a_device_reach_only_the_enrolment(demo_users):
    client = signed_in("city")
    for page in PAGES:
        response = client.get(page)
        assert (response.status_code, response.url) == (302, f"{reverse('two_factor_enrol')}?next={page}")


def test_after_the_password_an_enrolled_user_reaches_only_the_verification(demo_users):
    enrol("city")
    client = signed_in("city")
    for page in PAGES:
        response = client.get(page)
        assert (response.status_code, response.url) == (302, f"{reverse('two_factor_verify')}?next={page}")
    # Signing in with the password alone does not open the enrolment of another device either.
    assert client.get(reverse("two_factor_enrol")).url.startswith(reverse("two_factor_verify"))


def test_the_pages_anyone_may_read_and_the_api_with_a_session(demo_users):
    client = signed_in("admin")
    assert client.get(reverse("help")).status_code == 200
    assert client.get(reverse("help_guide", args=["city"])).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": "/help/"}).url == "/help/"
    response = client.get("/api/")
    assert response.status_code == 403
    # In the language the user just chose (请先完成两步验证。 in Chinese).
    assert response.json() == {"detail": "Please complete two-factor sign-in first."}
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_enrolment_shows_the_secret_as_a_qr_code_and_text_and_a_wrong_code_confirms_nothing(demo_users):
    client = signed_in("city")
    page = client.get(reverse("two_factor_enrol")).content.decode()
    device = TOTPDevice.objects.get(user=demo_users["city"])
    assert '<svg viewBox="0 0 ' in page and 'class="qrline"' in page  # drawn here: the markup, no image to fetch
    assert secret_text(device) in page
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("two_factor_enrol"), {"code": wrong})

    assert response.status_code == 200
    assert "验证码不正确，请按身份验证器当前显示的 6 位数字重新输入。" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=demo_users["city"], confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=demo_users["city"]).exists()
    assert client.get(reverse("home")).status_code == 302
    # The same secret is offered again: an app already set up with it still works.
    assert client.get(reverse("two_factor_enrol")).context["secret"] == secret_text(device)


def test_enrolment_with_the_right_code_confirms_the_device_and_shows_ten_backup_codes_once(demo_users):
    client, device, codes = enrol("city")

    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(
        StaticToken.objects.filter(device__user=demo_users["city"]).values_list("token", flat=True)
    ) == sorted(codes)
    assert client.get(reverse("home")).status_code == 200  # verified for this session
    # Afterwards the page says it is set up, and shows no code again.
    page = client.get(reverse("two_factor_enrol")).content.decode()
    assert "两步验证已启用" in page and "尚有 10 个备用码可用" in page
    assert not any(code in page for code in codes)
    event = AuditEvent.objects.get(changes__action="two_factor_enrolled")
    assert (event.actor, event.event_type, event.object_id) == (
        demo_users["city"],
        AuditEvent.Type.RECORD_CHANGED,
        str(device.pk),
    )


def test_the_right_code_lets_the_user_through_for_the_session(demo_users):
    _enrolled, device, _codes = enrol("city")
    client = signed_in("city")

    response = verify(client, code_for(device, steps_ahead=1), next_url=reverse("monitoring:portfolio"))

    assert response.url == reverse("monitoring:portfolio")
    for page in PAGES[:-1]:
        assert client.get(page).status_code == 200
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin_login"))  # not staff: the admin's answer
    assert second_factor_events("city") == [(AuditEvent.Type.LOGIN, {"second_factor": "totp"})]
    # A code is accepted once: the same one again, in another session, is refused.
    other = signed_in("city")
    assert WRONG in verify(other, code_for(device, steps_ahead=1)).content.decode()


def test_five_wrong_codes_lock_the_account_like_five_wrong_passwords(demo_users):
    _enrolled, device, _codes = enrol("city")
    client = signed_in("city")
    wrong = f"{(int(code_for(device, steps_ahead=1)) + 7) % 1_000_000:06d}"

    responses = [verify(client, wrong) for _attempt in range(5)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 403]
    assert all(WRONG in r.content.decode() for r in responses[:4])
    assert LOCKOUT in responses[-1].content.decode()
    assert client.get(reverse("home")).url.startswith(reverse("login"))  # the half-finished sign-in ended
    assert AccessAttempt.objects.get(username="city").failures_since_start == 5
    # The password no longer opens the account, as after five wrong passwords.
    refused = Client().post(reverse("login"), {"username": "city", "password": DEMO_PASSWORD})
    assert refused.status_code == 403 and LOCKOUT in refused.content.decode()
    # Nor does the right code, in a session opened without the password.
    other = Client()
    other.force_login(demo_users["city"])
    response = verify(other, code_for(device, steps_ahead=1))
    assert response.status_code == 403 and LOCKOUT in response.content.decode()
    assert AuditEvent.objects.filter(username="city", event_type=AuditEvent.Type.LOCKED_OUT).exists()
    assert second_factor_events("city") == [(AuditEvent.Type.LOGIN_FAILED, {"second_factor": "totp"})] * 5
    failure = AuditEvent.objects.filter(event_type=AuditEvent.Type.LOGIN_FAILED).first()
    assert (failure.actor, failure.ip_address) == (demo_users["city"], "127.0.0.1")


def test_signing_in_again_with_the_password_does_not_clear_the_wrong_codes(demo_users):
    _enrolled, device, _codes = enrol("city")
    wrong = f"{(int(code_for(device, steps_ahead=1)) + 7) % 1_000_000:06d}"
    client = signed_in("city")
    assert [verify(client, wrong).status_code for _attempt in range(4)] == [200] * 4
    client.post(reverse("logout"))

    client = signed_in("city")  # axes forgets the account's failures here

    assert verify(client, wrong).status_code == 403
    locked = signed_in("city")
    response = verify(locked, code_for(device, steps_ahead=1))
    assert response.status_code == 403 and LOCKOUT in response.content.decode()


def test_wrong_codes_count_towards_the_addresss_limit_on_failed_logins(demo_users, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    _enrolled, device, _codes = enrol("city")
    client = signed_in("city")
    wrong = f"{(int(code_for(device, steps_ahead=1)) + 7) % 1_000_000:06d}"
    assert [verify(client, wrong).status_code for _attempt in range(3)] == [200] * 3

    response = verify(client, code_for(device, steps_ahead=1))

    assert response.status_code == 429
    assert "从您所在的网络地址登录失败次数过多，该地址已暂停登录。请 15 分钟后再试" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # the right code was not even tried
    refusal = AuditEvent.objects.get(event_type=AuditEvent.Type.LOCKED_OUT)
    assert (refusal.actor, refusal.changes["address_limit"]) == (demo_users["city"], "login")


def test_each_backup_code_works_once(demo_users):
    _enrolled, _device, codes = enrol("city")
    client = signed_in("city")

    assert verify(client, codes[0].upper()).url == reverse("home")
    assert client.get(reverse("home")).status_code == 200

    again = signed_in("city")
    response = verify(again, codes[0])
    assert response.status_code == 200 and WRONG in response.content.decode()
    assert again.get(reverse("home")).status_code == 302
    assert verify(again, codes[1]).url == reverse("home")
    assert StaticToken.objects.filter(device__user=demo_users["city"]).count() == 8
    assert second_factor_events("city") == [
        (AuditEvent.Type.LOGIN, {"second_factor": "backup", "backup_codes_left": 9}),
        (AuditEvent.Type.LOGIN_FAILED, {"second_factor": "backup"}),
        (AuditEvent.Type.LOGIN, {"second_factor": "backup", "backup_codes_left": 8}),
    ]


def test_an_optional_role_is_asked_only_once_it_enrols(demo_users):
    client = signed_in("lead-a")
    assert client.get(reverse("home")).status_code == 200
    assert reverse("two_factor_enrol") in client.get(reverse("home")).content.decode()  # the account menu's link

    _enrolled, device, _codes = enrol("lead-a")

    client = signed_in("lead-a")
    assert client.get(reverse("home")).url == f"{reverse('two_factor_verify')}?next=/"
    assert verify(client, code_for(device, steps_ahead=1)).url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_an_administrator_resets_a_users_second_factor_and_the_user_enrols_again(demo_users, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["city_staff"]  # the administrator signs in with the password alone
    enrol("city")
    city = demo_users["city"]
    admin = signed_in("admin")

    response = admin.post(
        reverse("admin:portal_user_changelist"), {"action": "reset_two_factor", "_selected_action": [city.pk]}
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=city).exists()
    assert not StaticDevice.objects.filter(user=city).exists()
    event = AuditEvent.objects.get(changes__action="two_factor_reset")
    assert (event.actor, event.object_type, event.object_id, event.changes) == (
        demo_users["admin"],
        "portal.user",
        str(city.pk),
        {"action": "two_factor_reset", "user": "city"},
    )
    assert signed_in("city").get(reverse("home")).url == f"{reverse('two_factor_enrol')}?next=/"


def test_nobody_is_asked_when_no_role_requires_it(demo_users, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    assert signed_in("city").get(reverse("home")).status_code == 200


def test_the_required_roles_are_a_setting_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))  # the module makes the Celery folders there
    settings_file = str(Path(django_settings.BASE_DIR) / "portal" / "settings.py")
    monkeypatch.delenv("TWO_FACTOR_REQUIRED_ROLES", raising=False)
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", "a-production-like-secret-key-of-the-two-factor-test-0123456789")
    monkeypatch.setenv("ALLOWED_HOSTS", "portal.example.gov.cn")
    assert runpy.run_path(settings_file)["TWO_FACTOR_REQUIRED_ROLES"] == ["city_staff", "admin"]
    # The demo (make run, DEBUG on) asks nobody, so its accounts open without an authenticator app.
    monkeypatch.setenv("DEBUG", "1")
    assert runpy.run_path(settings_file)["TWO_FACTOR_REQUIRED_ROLES"] == []
    monkeypatch.setenv("TWO_FACTOR_REQUIRED_ROLES", "city_staff,district_officer")
    assert runpy.run_path(settings_file)["TWO_FACTOR_REQUIRED_ROLES"] == ["city_staff", "district_officer"]
