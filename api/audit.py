"""Every request under /api/ audited once, after the answer: the account, the path, the status and the token.

A middleware rather than a hook in the views, so that refusals DRF answers before any view code runs (a bad token's
401, a 404, a throttled call) are audited too. It stands after AuthenticationMiddleware: ``request.user`` is then the
session's user, which DRF replaces with the token's account when a token authenticates (DRF sets it on this request).
"""

from portal.models import AuditEvent
from portal.services import record_audit

API_PATH = "/api/"


class ApiAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(API_PATH):
            record_api_request(request, response)
        return response


def record_api_request(request, response) -> AuditEvent:
    attempt = getattr(request, "api_token_attempt", None)
    changes = {
        "action": "api_request",
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "token": attempt.prefix if attempt else "",
    }
    if attempt and attempt.refusal:
        changes["refusal"] = attempt.refusal
    # Reads, like the exports, are audited under RECORD_CHANGED with the action named (AuditEvent.Type has no
    # access type, and adding one would change the core's table for one app).
    return record_audit(event_type=AuditEvent.Type.RECORD_CHANGED, actor=request.user, request=request, changes=changes)
