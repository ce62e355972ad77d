import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from .models import AuditEvent
from .services import record_audit

LAST_ACTIVITY_KEY = "portal_last_activity"
ACTIVITY_RESOLUTION_SECONDS = 60


class ChineseUnlessChosenMiddleware:
    """The portal speaks Simplified Chinese unless the user picks English with the language switch (a cookie).

    Placed before LocaleMiddleware: it hides the browser's Accept-Language so that an English-language browser on
    a bureau's desk still gets the Chinese portal.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class IdleSessionTimeoutMiddleware:
    """Ends a session that has been idle longer than ``SESSION_IDLE_TIMEOUT`` and sends the user back to login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT.total_seconds():
                user = request.user
                record_audit(event_type=AuditEvent.Type.SESSION_EXPIRED, actor=user, request=request)
                # Logging out here is the timeout, not the user's own logout: tell the logout signal so.
                request.session_expired = True
                logout(request)
                messages.warning(
                    request,
                    _("您已超过 %(minutes)d 分钟未操作，为保障账户安全，请重新登录。")
                    % {"minutes": settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60},
                )
                return redirect_to_login(request.get_full_path())
            # Recorded at most once a minute: writing the session on every request costs three queries a page.
            if last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)
