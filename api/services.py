"""System accounts and API tokens: creating an account, issuing, using and revoking a token, each audited."""

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.models import AuditEvent, Authority, Role, User
from portal.services import record_audit

from .models import ApiToken, SystemAccount

# The roles a system account may have: the API serves what the city's and the districts' own systems read.
SYSTEM_ACCOUNT_ROLES = (Role.CITY_STAFF, Role.DISTRICT_OFFICER)
PREFIX_LENGTH = 12
# A token is "<prefix>.<secret>": 6 random bytes in hex name it, 32 random bytes (URL-safe base64) prove it.
PREFIX_BYTES = PREFIX_LENGTH // 2
SECRET_BYTES = 32
# last_used_at is written at most this often, so a busy client does not write the row on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """SHA-256 suffices, unsalted and fast: the secret is 256 random bits, so there is no dictionary to guess from."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_system_account(
    *, username: str, name: str, role: str, authority: Authority | None, actor: User, purpose: str = ""
) -> User:
    """A user with the role (and a district's authority) whose password can never match: it signs in to no page."""
    if role not in SYSTEM_ACCOUNT_ROLES:
        raise DomainError(_("系统账户只能是市科技局或区（园区）科技局角色。"), field="role")
    if role == Role.DISTRICT_OFFICER and authority is None:
        raise DomainError(_("区（园区）科技局的系统账户须选择所属主管部门。"), field="authority")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("该用户名已被使用。"), field="username")
    user = User(
        username=username,
        last_name=name,
        role=role,
        authority=authority if role == Role.DISTRICT_OFFICER else None,
    )
    user.set_unusable_password()
    user.save()
    SystemAccount.objects.create(user=user, purpose=purpose, created_by=actor)
    record_audit(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        actor=actor,
        obj=user,
        changes={
            "action": "system_account_created",
            "username": user.username,
            "role": user.role,
            "authority": user.authority.code if user.authority else None,
        },
    )
    return user


def expiry_refusal(expires_on: date, *, today: date) -> str | None:
    """Why a token may not expire on that day, or ``None``: from today up to ``API_TOKEN_MAX_DAYS`` ahead."""
    latest = today + timedelta(days=settings.API_TOKEN_MAX_DAYS)
    if expires_on < today:
        return _("有效期不能早于今天。")
    if expires_on > latest:
        return _("有效期最长 %(days)s 天，即不晚于 %(latest)s。") % {
            "days": settings.API_TOKEN_MAX_DAYS,
            "latest": latest.isoformat(),
        }
    return None


@transaction.atomic
def issue_token(*, account: User, name: str, expires_on: date, actor: User) -> tuple[ApiToken, str]:
    """Issue a token to a system account. Returns the token and its raw value, which exists nowhere else afterwards:
    the database keeps only the secret's hash."""
    if not SystemAccount.objects.filter(user=account).exists():
        raise DomainError(_("只能向系统账户签发令牌。"), field="account")
    if not account.is_active:
        raise DomainError(_("该系统账户已停用。"), field="account")
    if not name.strip():
        raise DomainError(_("请填写令牌名称。"), field="name")
    if refusal := expiry_refusal(expires_on, today=timezone.localdate()):
        raise DomainError(refusal, field="expires_on")
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(
        account=account,
        name=name.strip(),
        prefix=prefix,
        secret_hash=hash_secret(secret),
        created_by=actor,
        expires_on=expires_on,
    )
    record_audit(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        actor=actor,
        obj=token,
        changes={
            "action": "api_token_issued",
            "token": prefix,
            "account": account.username,
            "name": token.name,
            "expires_on": expires_on.isoformat(),
        },
    )
    return token, f"{prefix}.{secret}"


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token for good: nothing un-revokes it (a new one is issued instead)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.is_revoked:
        raise DomainError(_("该令牌已吊销。"))
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    record_audit(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        actor=actor,
        obj=token,
        changes={"action": "api_token_revoked", "token": token.prefix, "account": token.account.username},
    )
    return token


def record_token_use(*, token: ApiToken, now: datetime) -> None:
    """Note when the token was last used, at most once a minute (the request itself is audited per request)."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
