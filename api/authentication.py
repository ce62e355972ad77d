"""``Authorization: Bearer <prefix>.<secret>``: a system account's API token (api/services.py issues them).

A request without that header falls through to the portal's session (SessionAuthentication, next in
REST_FRAMEWORK's list). A token that is unknown, wrong, expired or revoked, or whose account is inactive, is refused
with 401 and a ``WWW-Authenticate: Bearer`` challenge; what was tried (the prefix, never the secret) and why it was
refused is left on the request for the audit of every API request (api/audit.py).
"""

import hmac
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiToken
from .services import PREFIX_LENGTH, hash_secret, record_token_use

KEYWORD = b"bearer"
PREFIX = re.compile(rf"[0-9a-f]{{{PREFIX_LENGTH}}}")
# Why a token was refused: the code goes to the audit trail, the message to the client.
REFUSALS = {
    "malformed": _("请求头格式应为：Authorization: Bearer <令牌>。"),
    "invalid": _("API 令牌无效。"),
    "revoked": _("API 令牌已吊销。"),
    "expired": _("API 令牌已过期。"),
    "inactive": _("API 令牌所属账户已停用。"),
}


@dataclass
class TokenAttempt:
    """What a request presented, kept on the Django request as ``api_token_attempt`` for the audit."""

    prefix: str = ""
    refusal: str = ""


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        attempt = request._request.api_token_attempt = TokenAttempt()
        raw = parts[1].decode("latin-1") if len(parts) == 2 else ""
        prefix, _dot, secret = raw.partition(".")
        if not PREFIX.fullmatch(prefix) or not secret:
            self.refuse(attempt, "malformed")
        attempt.prefix = prefix
        token = ApiToken.objects.select_related("account").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
            self.refuse(attempt, "invalid")
        # Only someone holding the secret learns that it was revoked or has expired.
        if token.is_revoked:
            self.refuse(attempt, "revoked")
        if token.is_expired(timezone.localdate()):
            self.refuse(attempt, "expired")
        if not token.account.is_active:
            self.refuse(attempt, "inactive")
        record_token_use(token=token, now=timezone.now())
        return token.account, token

    @staticmethod
    def refuse(attempt: TokenAttempt, refusal: str):
        attempt.refusal = refusal
        raise exceptions.AuthenticationFailed(REFUSALS[refusal])

    def authenticate_header(self, request):
        # First in the list, so DRF answers any unauthenticated API request with 401 and this challenge (RFC 6750).
        if getattr(request._request, "api_token_attempt", None) is not None:
            return 'Bearer realm="api", error="invalid_token"'
        return 'Bearer realm="api"'
