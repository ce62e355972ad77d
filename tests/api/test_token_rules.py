"""The rules of a token's life stated at their edges (issue 16, item 2): the days a token may be issued for, the exact
refusals an administrator reads, the secret's hash, and how often its last use is written."""

import hashlib
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken, SystemAccount
from api.services import create_system_account, expiry_refusal, hash_secret, issue_token, record_token_use, revoke_token
from portal.exceptions import DomainError
from portal.models import AuditEvent, Authority, Role

TODAY = date(2026, 5, 10)


@pytest.fixture
def max_days(settings):
    settings.API_TOKEN_MAX_DAYS = 30
    return 30


@pytest.mark.parametrize("expires_on", [TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=30)])
def test_a_token_may_expire_from_today_up_to_the_maximum_days_ahead(max_days, expires_on):
    assert expiry_refusal(expires_on, today=TODAY) is None


@pytest.mark.parametrize("expires_on", [TODAY - timedelta(days=1), date(2020, 1, 1)])
def test_a_token_may_not_expire_before_today(max_days, expires_on):
    assert expiry_refusal(expires_on, today=TODAY) == "有效期不能早于今天。"


@pytest.mark.parametrize("expires_on", [TODAY + timedelta(days=31), TODAY + timedelta(days=400)])
def test_a_token_beyond_the_maximum_is_refused_with_the_last_day_allowed(max_days, expires_on):
    assert expiry_refusal(expires_on, today=TODAY) == "有效期最长 30 天，即不晚于 2026-06-09。"


def test_the_maximum_follows_the_setting(settings):
    settings.API_TOKEN_MAX_DAYS = 365
    assert expiry_refusal(TODAY + timedelta(days=365), today=TODAY) is None
    assert expiry_refusal(TODAY + timedelta(days=366), today=TODAY) == "有效期最长 365 天，即不晚于 2027-05-10。"


def test_the_stored_hash_is_the_sha256_of_the_secret():
    assert hash_secret("abc") == hashlib.sha256(b"abc").hexdigest()
    assert hash_secret("abc") != hash_secret("abd")


# --- Issuing, revoking: the exact refusals ---------------------------------------------------------------------------


@pytest.fixture
def admin_user(demo_users):
    return demo_users["admin"]


@pytest.fixture
def city_account(admin_user):
    return create_system_account(
        username="city-data", name="市科技局数据平台", role=Role.CITY_STAFF, authority=None, actor=admin_user
    )


def refusal(call, **arguments) -> tuple[str, str | None]:
    with pytest.raises(DomainError) as refused:
        call(**arguments)
    return refused.value.message, refused.value.field


@pytest.mark.django_db
def test_a_system_account_is_refused_any_other_role_a_missing_authority_or_a_taken_name(admin_user, reference_data):
    def account(**fields):
        return {"username": "new", "name": "n", "authority": None, "actor": admin_user, **fields}

    create = create_system_account
    assert refusal(create, **account(role=Role.LEAD_UNIT)) == ("系统账户只能是市科技局或区（园区）科技局角色。", "role")
    assert refusal(create, **account(role=Role.DISTRICT_OFFICER)) == (
        "区（园区）科技局的系统账户须选择所属主管部门。",
        "authority",
    )
    assert refusal(create, **account(role=Role.CITY_STAFF, username="Jiangning")) == ("该用户名已被使用。", "username")
    assert not SystemAccount.objects.exists()


@pytest.mark.django_db
def test_a_city_system_account_has_no_authority_whatever_is_given(admin_user, reference_data):
    jiangning = Authority.objects.get(code="320115")
    user = create_system_account(
        username="city-sync", name="同步", role=Role.CITY_STAFF, authority=jiangning, actor=admin_user, purpose="对账"
    )
    user.refresh_from_db()
    assert (user.role, user.authority, user.last_name, user.has_usable_password()) == (
        Role.CITY_STAFF,
        None,
        "同步",
        False,
    )
    assert SystemAccount.objects.get(user=user).purpose == "对账"
    event = AuditEvent.objects.get(changes__action="system_account_created")
    assert event.changes == {
        "action": "system_account_created",
        "username": "city-sync",
        "role": Role.CITY_STAFF,
        "authority": None,
    }
    assert (event.actor, event.object_type, event.object_id) == (admin_user, "portal.user", str(user.pk))


@pytest.mark.django_db
def test_a_token_is_refused_to_a_person_an_inactive_account_a_blank_name_or_a_bad_day(
    demo_users, admin_user, city_account, max_days
):
    today = timezone.localdate()

    def token(**fields):
        return {"account": city_account, "name": "同步", "expires_on": today, "actor": admin_user, **fields}

    assert refusal(issue_token, **token(account=demo_users["city"])) == ("只能向系统账户签发令牌。", "account")
    assert refusal(issue_token, **token(name="   ")) == ("请填写令牌名称。", "name")
    assert refusal(issue_token, **token(expires_on=today - timedelta(days=1))) == ("有效期不能早于今天。", "expires_on")
    city_account.is_active = False
    city_account.save(update_fields=["is_active"])
    assert refusal(issue_token, **token()) == ("该系统账户已停用。", "account")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_an_issued_token_keeps_its_trimmed_name_and_a_fresh_prefix(admin_user, city_account, max_days):
    today = timezone.localdate()
    first, raw = issue_token(account=city_account, name="  夜间同步  ", expires_on=today, actor=admin_user)
    second, _raw = issue_token(account=city_account, name="备用", expires_on=today, actor=admin_user)
    stored = ApiToken.objects.get(pk=first.pk)
    assert (stored.name, stored.expires_on, stored.account, stored.created_by) == (
        "夜间同步",
        today,
        city_account,
        admin_user,
    )
    prefix, dot, secret = raw.partition(".")
    assert dot == "." and prefix == stored.prefix and len(prefix) == 12 and stored.prefix != second.prefix
    assert stored.secret_hash == hash_secret(secret)


@pytest.mark.django_db
def test_a_revoked_token_records_who_revoked_it_and_a_second_revocation_is_refused(admin_user, city_account):
    token, _raw = issue_token(account=city_account, name="同步", expires_on=timezone.localdate(), actor=admin_user)
    revoked = revoke_token(token=token, actor=admin_user)
    assert revoked.revoked_by == admin_user and revoked.revoked_at is not None
    assert refusal(revoke_token, token=token, actor=admin_user) == ("该令牌已吊销。", None)
    event = AuditEvent.objects.get(changes__action="api_token_revoked")
    assert event.changes == {"action": "api_token_revoked", "token": token.prefix, "account": "city-data"}
    assert (event.actor, event.object_type, event.object_id) == (admin_user, "api.apitoken", str(token.pk))


# --- The last use ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_use_of_a_token_is_written_on_its_row_and_on_the_token(admin_user, city_account):
    token, _raw = issue_token(account=city_account, name="同步", expires_on=timezone.localdate(), actor=admin_user)
    other, _raw = issue_token(account=city_account, name="备用", expires_on=timezone.localdate(), actor=admin_user)
    now = timezone.make_aware(datetime(2026, 5, 10, 9, 0))
    record_token_use(token=token, now=now)
    assert token.last_used_at == now
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now
    assert ApiToken.objects.get(pk=other.pk).last_used_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("later", "written"),
    [(timedelta(seconds=59), False), (timedelta(minutes=1), True), (timedelta(minutes=5), True)],
)
def test_a_later_use_is_written_once_a_minute_has_passed(admin_user, city_account, later, written):
    token, _raw = issue_token(account=city_account, name="同步", expires_on=timezone.localdate(), actor=admin_user)
    first = timezone.make_aware(datetime(2026, 5, 10, 9, 0))
    record_token_use(token=token, now=first)
    record_token_use(token=token, now=first + later)
    expected = first + later if written else first
    assert (token.last_used_at, ApiToken.objects.get(pk=token.pk).last_used_at) == (expected, expected)
