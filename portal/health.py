"""The parts ``/readyz`` checks: database, cache, broker and the worker's heartbeat. Each answers a dict with ``ok``."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from .celery import app as celery_app
from .models import WorkerHeartbeat

HEARTBEAT_ID = 1


def record_heartbeat() -> None:
    WorkerHeartbeat.objects.update_or_create(pk=HEARTBEAT_ID, defaults={"beat_at": timezone.now()})


def _failure(error: Exception) -> dict:
    return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}


def check_database() -> dict:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means the part is down: the probe must still answer
        return _failure(error)
    return {"ok": True}


def check_cache() -> dict:
    # A key of its own per probe, so that two probes at once do not read each other's value.
    token = uuid.uuid4().hex
    key = f"portal:readyz:{token}"
    try:
        cache.set(key, token, timeout=30)
        read_back = cache.get(key)
        cache.delete(key)
        if read_back != token:
            return {"ok": False, "error": "value written was not read back"}
    except Exception as error:
        return _failure(error)
    return {"ok": True}


def check_broker() -> dict:
    # One attempt with the broker's connect timeout (CELERY_BROKER_CONNECTION_TIMEOUT): a probe must never hang.
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=5)
    except Exception as error:
        return _failure(error)
    return {"ok": True}


def check_worker() -> dict:
    try:
        beat_at = WorkerHeartbeat.objects.filter(pk=HEARTBEAT_ID).values_list("beat_at", flat=True).first()
    except Exception as error:
        return {**_failure(error), "age_seconds": None}
    if beat_at is None:
        return {"ok": False, "age_seconds": None, "error": "no heartbeat recorded"}
    age = round((timezone.now() - beat_at).total_seconds(), 1)
    if age > settings.WORKER_HEARTBEAT_MAX_AGE:
        return {"ok": False, "age_seconds": age, "error": f"older than {settings.WORKER_HEARTBEAT_MAX_AGE} s"}
    return {"ok": True, "age_seconds": age}


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker, "worker": check_worker}


def readiness() -> dict:
    checks = {name: check() for name, check in CHECKS.items()}
    return {"status": "ok" if all(part["ok"] for part in checks.values()) else "fail", "checks": checks}
