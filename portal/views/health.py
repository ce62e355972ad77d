"""Probes for the container's health checks: no login, no session, never cached.

``RequestIdMiddleware``'s neighbour ``HealthProbeMiddleware`` answers them ahead of host validation, the HTTPS redirect
and sessions, so that a probe from inside the container reaches them on any host name and costs no query.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .. import health


@never_cache
def healthz(request):
    """The process answers: nothing else is touched."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Database, cache, broker and worker heartbeat, each named; 503 when any one fails."""
    report = health.readiness()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
