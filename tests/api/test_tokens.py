"""API tokens (issue 16, item 2): issued to a system account, shown once, stored hashed, refused with 401 when unknown,
expired, revoked or the account inactive; every API request audited with the account, path, status and token."""

import hashlib
from datetime import timedelta

import pytest
from django.test import RequestFactory, override_settings
from django.urls import path, reverse
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import ApiTokenAuthentication
from api.models import ApiToken, SystemAccount
from api.services import create_system_account, issue_token, revoke_token
from consortia.models import Consortium
from portal import urls as portal_urls
from portal.exceptions import DomainError
from portal.models import AuditEvent, Authority, Role
from tests.factories import submitted_filing
from tests.portal.test_csp import POLICY, directives, inline_code


class WhoAmI(APIView):
    """A probe for these tests only (this module is their URLconf): who DRF says is calling."""

    def get(self, request):
        return Response({"username": request.user.username, "token": getattr(request.auth, "prefix", None)})


# The portal's own URLs too: its middleware reverses some of them on every request.
urlpatterns = [path("api/test-whoami/", WhoAmI.as_view()), *portal_urls.urlpatterns]
PROBE = "/api/test-whoami/"
probe_urls = override_settings(ROOT_URLCONF=__name__)


@pytest.fixture
def jiangning(reference_data):
    return Authority.objects.get(code="320115")


@pytest.fixture
def admin_user(demo_users):
    return demo_users["admin"]


@pytest.fixture
def district_account(jiangning, admin_user):
    return create_system_account(
        username="jiangning-data",
        name="江宁区科技局数据中台",
        role=Role.DISTRICT_OFFICER,
        authority=jiangning,
        actor=admin_user,
    )


@pytest.fixture
def issued(district_account, admin_user):
    return issue_token(
        account=district_account,
        name="数据中台同步",
        expires_on=timezone.localdate() + timedelta(days=30),
        actor=admin_user,
    )


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def api_events():
    return AuditEvent.objects.filter(changes__action="api_request").order_by("id")


# --- Issuing --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_system_account_has_its_role_and_authority_and_cannot_sign_in(
    client, district_account, jiangning, admin_user
):
    district_account.refresh_from_db()
    assert district_account.role == Role.DISTRICT_OFFICER
    assert district_account.authority == jiangning
    assert not district_account.has_usable_password()
    assert SystemAccount.objects.get(user=district_account).created_by == admin_user
    for password in ("", "!", district_account.password):
        client.post(reverse("login"), {"username": "jiangning-data", "password": password})
        assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(changes__action="system_account_created")
    assert (event.actor, event.object_id) == (admin_user, str(district_account.pk))
    assert event.changes["authority"] == "320115"


@pytest.mark.django_db
def test_a_district_system_account_needs_an_authority_and_no_account_may_be_an_administrator(admin_user):
    with pytest.raises(DomainError, match="须选择所属主管部门") as missing:
        create_system_account(username="d", name="d", role=Role.DISTRICT_OFFICER, authority=None, actor=admin_user)
    assert missing.value.field == "authority"
    with pytest.raises(DomainError, match="只能是市科技局或区（园区）科技局角色"):
        create_system_account(username="a", name="a", role=Role.ADMIN, authority=None, actor=admin_user)
    with pytest.raises(DomainError, match="该用户名已被使用") as taken:
        create_system_account(username="CITY", name="c", role=Role.CITY_STAFF, authority=None, actor=admin_user)
    assert taken.value.field == "username"
    assert not SystemAccount.objects.exists()


@pytest.mark.django_db
def test_the_database_keeps_only_the_hash_of_the_secret(issued, district_account, admin_user):
    token, raw = issued
    prefix, _dot, secret = raw.partition(".")
    assert len(secret) >= 43  # 32 random bytes
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.prefix == prefix
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert (stored.account, stored.created_by, stored.last_used_at, stored.revoked_at) == (
        district_account,
        admin_user,
        None,
        None,
    )
    event = AuditEvent.objects.get(changes__action="api_token_issued")
    assert event.changes == {
        "action": "api_token_issued",
        "token": prefix,
        "account": "jiangning-data",
        "name": "数据中台同步",
        "expires_on": stored.expires_on.isoformat(),
    }
    assert secret not in str(event.changes)


@pytest.mark.django_db
def test_a_token_is_issued_only_to_a_system_account_and_for_at_most_the_maximum(
    demo_users, district_account, admin_user, settings
):
    settings.API_TOKEN_MAX_DAYS = 30
    today = timezone.localdate()
    with pytest.raises(DomainError, match="只能向系统账户签发令牌"):
        issue_token(account=demo_users["city"], name="x", expires_on=today, actor=admin_user)
    with pytest.raises(DomainError, match="有效期最长 30 天") as too_long:
        issue_token(account=district_account, name="x", expires_on=today + timedelta(days=31), actor=admin_user)
    assert too_long.value.field == "expires_on"
    with pytest.raises(DomainError, match="有效期不能早于今天"):
        issue_token(account=district_account, name="x", expires_on=today - timedelta(days=1), actor=admin_user)
    assert not ApiToken.objects.exists()
    issue_token(account=district_account, name="x", expires_on=today + timedelta(days=30), actor=admin_user)
    assert ApiToken.objects.count() == 1


# --- Using --------------------------------------------------------------------------------------------------------


@probe_urls
@pytest.mark.django_db
def test_a_request_with_the_token_is_the_account_and_is_audited(client, issued, district_account):
    token, raw = issued
    response = client.get(PROBE, **bearer(raw))
    assert response.status_code == 200
    assert response.json() == {"username": "jiangning-data", "token": token.prefix}
    event = api_events().get()
    assert event.actor == district_account
    assert event.username == "jiangning-data"
    assert event.changes == {
        "action": "api_request",
        "method": "GET",
        "path": PROBE,
        "status": 200,
        "token": token.prefix,
    }


@probe_urls
@pytest.mark.django_db
def test_last_used_is_written_at_most_once_a_minute(client, issued):
    token, raw = issued
    client.get(PROBE, **bearer(raw))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=10)
    client.get(PROBE, **bearer(raw))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(PROBE, **bearer(raw))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def refused(response, message: str, *, events) -> dict:
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert response.json() == {"detail": message}
    event = events.get()
    assert event.actor is None
    assert event.changes["status"] == 401
    return event.changes


@probe_urls
@pytest.mark.django_db
def test_an_expired_token_gets_401(client, issued):
    token, raw = issued
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    changes = refused(client.get(PROBE, **bearer(raw)), "API 令牌已过期。", events=api_events())
    assert (changes["token"], changes["refusal"]) == (token.prefix, "expired")


@probe_urls
@pytest.mark.django_db
def test_a_token_still_works_on_its_last_day(client, issued):
    token, raw = issued
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate())
    assert client.get(PROBE, **bearer(raw)).status_code == 200


@probe_urls
@pytest.mark.django_db
def test_a_revoked_token_gets_401_and_stays_revoked(client, issued, admin_user):
    token, raw = issued
    revoke_token(token=token, actor=admin_user)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.revoked_by == admin_user and stored.revoked_at is not None
    with pytest.raises(DomainError, match="该令牌已吊销"):
        revoke_token(token=token, actor=admin_user)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == stored.revoked_at
    event = AuditEvent.objects.get(changes__action="api_token_revoked")
    assert (event.actor, event.changes["token"]) == (admin_user, token.prefix)
    changes = refused(client.get(PROBE, **bearer(raw)), "API 令牌已吊销。", events=api_events())
    assert changes["refusal"] == "revoked"


@probe_urls
@pytest.mark.django_db
def test_an_unknown_token_or_a_wrong_secret_gets_401_and_the_secret_is_never_audited(client, issued):
    token, _raw = issued
    wrong_secret = f"{token.prefix}.{'x' * 43}"
    changes = refused(client.get(PROBE, **bearer(wrong_secret)), "API 令牌无效。", events=api_events())
    assert (changes["token"], changes["refusal"]) == (token.prefix, "invalid")
    unknown = "0123456789ab." + "y" * 43
    response = client.get(PROBE, **bearer(unknown))
    assert response.status_code == 401
    last = api_events().last()
    assert (last.changes["token"], last.changes["refusal"]) == ("0123456789ab", "invalid")
    assert not AuditEvent.objects.filter(changes__icontains="x" * 43).exists()
    assert not AuditEvent.objects.filter(changes__icontains="y" * 43).exists()


@probe_urls
@pytest.mark.django_db
def test_a_malformed_header_gets_401_without_recording_what_was_sent(client):
    response = client.get(PROBE, HTTP_AUTHORIZATION="Bearer not-a-token-at-all")
    changes = refused(response, "请求头格式应为：Authorization: Bearer <令牌>。", events=api_events())
    assert (changes["token"], changes["refusal"]) == ("", "malformed")
    assert "not-a-token" not in str(changes)


@probe_urls
@pytest.mark.django_db
def test_the_token_of_an_inactive_account_gets_401(client, issued, district_account):
    _token, raw = issued
    district_account.is_active = False
    district_account.save(update_fields=["is_active"])
    changes = refused(client.get(PROBE, **bearer(raw)), "API 令牌所属账户已停用。", events=api_events())
    assert changes["refusal"] == "inactive"


@probe_urls
@pytest.mark.django_db
def test_without_a_token_or_session_the_answer_is_401_with_the_bearer_challenge(client):
    response = client.get(PROBE)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert api_events().get().changes == {
        "action": "api_request",
        "method": "GET",
        "path": PROBE,
        "status": 401,
        "token": "",
    }


@probe_urls
@pytest.mark.django_db
def test_a_signed_in_portal_user_is_served_by_the_session(client, demo_users):
    client.force_login(demo_users["city"])
    response = client.get(PROBE)
    assert response.status_code == 200
    assert response.json() == {"username": "city", "token": None}
    event = api_events().get()
    assert event.actor == demo_users["city"]
    assert (event.changes["status"], event.changes["token"]) == (200, "")


@pytest.mark.django_db
def test_pages_outside_the_api_are_not_audited_as_api_requests(client, demo_users):
    client.force_login(demo_users["city"])
    assert client.get(reverse("home")).status_code == 200
    assert not api_events().exists()


# --- What a district token sees ----------------------------------------------------------------------------------


@pytest.fixture
def two_districts_filings(demo_users):
    """One submitted filing in 江宁区 (lead-a's organisation) and one in 玄武区 (lead-b's)."""
    ours = submitted_filing(lead_user=demo_users["lead-a"])
    theirs = submitted_filing(lead_user=demo_users["lead-b"], name="南京市玄武区某创新联合体", seed=2000)
    assert ours.lead_organisation.jurisdiction.code == "320115"
    assert theirs.lead_organisation.jurisdiction.code == "320102"
    return ours, theirs


@pytest.mark.django_db
def test_a_district_token_sees_only_its_jurisdictions_consortia(issued, two_districts_filings):
    _token, raw = issued
    ours, _theirs = two_districts_filings
    request = Request(RequestFactory().get(PROBE, **bearer(raw)))
    user, _auth = ApiTokenAuthentication().authenticate(request)
    assert list(Consortium.objects.visible_to(user)) == [ours]


@pytest.mark.django_db
def test_the_consortium_list_shows_a_district_token_only_its_jurisdiction(client, issued, two_districts_filings):
    _token, raw = issued
    ours, _theirs = two_districts_filings
    path = reverse("api:consortium_list")
    response = client.get(path, **bearer(raw))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [ours.pk]
    assert api_events().get().changes["path"] == path


def test_the_authentication_class_refuses_a_malformed_header_with_its_message():
    request = Request(RequestFactory().get(PROBE, HTTP_AUTHORIZATION="Bearer x"))
    with pytest.raises(AuthenticationFailed) as refusal:
        ApiTokenAuthentication().authenticate(request)
    assert str(refusal.value.detail) == "请求头格式应为：Authorization: Bearer <令牌>。"


# --- The admin pages -------------------------------------------------------------------------------------------------


def clean_page(response):
    assert response.status_code == 200
    assert directives(response) == POLICY
    assert inline_code(response) == []
    return response.content.decode()


@pytest.mark.django_db
def test_an_administrator_creates_an_account_issues_a_token_sees_it_once_and_revokes_it(client, admin_user, jiangning):
    client.force_login(admin_user)
    clean_page(client.get(reverse("admin:api_systemaccount_add")))
    response = client.post(
        reverse("admin:api_systemaccount_add"),
        {"username": "jn-sync", "name": "江宁区同步", "role": Role.DISTRICT_OFFICER, "authority": jiangning.pk},
    )
    account = SystemAccount.objects.get(user__username="jn-sync").user
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:api_apitoken_add") + f"?account={account.pk}"
    assert (account.role, account.authority) == (Role.DISTRICT_OFFICER, jiangning)

    form = clean_page(client.get(response["Location"]))
    assert f'<option value="{account.pk}" selected>' in form
    expires_on = timezone.localdate() + timedelta(days=10)
    response = client.post(
        reverse("admin:api_apitoken_add"), {"account": account.pk, "name": "同步", "expires_on": expires_on}
    )
    page = clean_page(response)
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(account=account)
    raw = page.split('data-testid="api-token">')[1].split("<")[0]
    assert raw.startswith(token.prefix + ".")
    assert "令牌只显示这一次" in page

    # Never again: neither the list nor the token's own page shows the secret.
    secret = raw.partition(".")[2]
    listing = clean_page(client.get(reverse("admin:api_apitoken_changelist")))
    detail = clean_page(client.get(reverse("admin:api_apitoken_change", args=[token.pk])))
    assert token.prefix in listing and secret not in listing and secret not in detail
    assert "有效" in listing

    # Revoking asks first, then revokes for good.
    selection = {"action": "revoke", "_selected_action": [token.pk]}
    confirmation = clean_page(client.post(reverse("admin:api_apitoken_changelist"), {**selection, "index": 0}))
    assert "不可撤回" in confirmation
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    response = client.post(reverse("admin:api_apitoken_changelist"), {**selection, "confirmed": "yes"})
    assert response.status_code == 302
    revoked = ApiToken.objects.get(pk=token.pk)
    assert revoked.revoked_by == admin_user
    assert "已吊销" in clean_page(client.get(reverse("admin:api_apitoken_changelist")))


@pytest.mark.django_db
def test_the_admin_shows_a_refusal_of_the_service_on_its_field(client, admin_user, district_account, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"account": district_account.pk, "name": "x", "expires_on": timezone.localdate() + timedelta(days=60)},
    )
    page = clean_page(response)
    assert "有效期最长 30 天" in page
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_account_list_and_its_page_carry_nothing_the_policy_refuses(client, admin_user, district_account):
    client.force_login(admin_user)
    listing = clean_page(client.get(reverse("admin:api_systemaccount_changelist")))
    assert "jiangning-data" in listing
    clean_page(client.get(reverse("admin:api_systemaccount_change", args=[district_account.system_account.pk])))


@pytest.mark.django_db
def test_only_administrators_reach_the_token_admin(client, demo_users):
    client.force_login(demo_users["city"])
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 302
    assert not ApiToken.objects.exists()
