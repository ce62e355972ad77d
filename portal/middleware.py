import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext as _

from .logging import request_id
from .models import AuditEvent
from .services import record_audit
from .views import health

LAST_ACTIVITY_KEY = "portal_last_activity"
ACTIVITY_RESOLUTION_SECONDS = 60
REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy is kept only if it is a plain token: it goes into every log line and back out in a header.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
request_log = logging.getLogger("portal.request")


class RequestIdMiddleware:
    """Gives each request an id (the proxy's ``X-Request-ID`` if sane), logs it with every line, and logs the request.

    First in MIDDLEWARE, so that the request log times everything and lines of every middleware carry the id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        current = offered if SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware returns, and those lines need
        # the id too. The next request on this thread sets its own.
        request_id.set(current)
        started = time.monotonic()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = current
        # Probes come every few seconds: at INFO they would drown the requests of people.
        level = logging.DEBUG if getattr(request, "is_health_probe", False) else logging.INFO
        request_log.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response


class HealthProbeMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before host validation, the HTTPS redirect, sessions and login.

    The container's probe asks ``http://127.0.0.1:8000/readyz``: that host is not in ALLOWED_HOSTS and the scheme is
    not HTTPS, and a probe must cost no session or user query.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.probes = {reverse("healthz"): health.healthz, reverse("readyz"): health.readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        request.is_health_probe = True
        return probe(request)


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
