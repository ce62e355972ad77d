"""/healthz answers without the database; /readyz names the part that is down (database, cache, broker, worker)."""

import socket
import time
from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.utils import ConnectionHandler
from django.urls import reverse
from django.utils import timezone

from portal import health
from portal.celery import app as celery_app
from portal.models import WorkerHeartbeat
from portal.tasks import record_worker_heartbeat


def closed_port():
    """A local port that nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def readyz(client):
    response = client.get(reverse("readyz"))
    assert response["Cache-Control"].count("no-store") == 1
    return response.status_code, response.json()


def failing(body):
    return sorted(name for name, part in body["checks"].items() if not part["ok"])


@pytest.fixture
def fresh_heartbeat(db):
    health.record_heartbeat()


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, demo_users, django_assert_num_queries):
    # Signed in: the session and the user would each cost a query if the probe went through their middleware.
    client.force_login(demo_users["city"])
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"), HTTP_HOST="not-an-allowed-host.example")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_probes_need_no_login_and_no_allowed_host(client, fresh_heartbeat, settings):
    # The container's probe asks http://127.0.0.1:8000 whatever ALLOWED_HOSTS and the HTTPS redirect say.
    settings.ALLOWED_HOSTS = ["portal.example.gov.cn"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("readyz"), HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert client.get(reverse("home"), HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_readyz_is_ok_when_every_part_is_up(client, fresh_heartbeat):
    status, body = readyz(client)
    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}
    assert failing(body) == []
    assert 0 <= body["checks"]["worker"]["age_seconds"] < 5


def test_readyz_names_an_unreachable_database(client, fresh_heartbeat, monkeypatch):
    broken = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        broken["NAME"] = "/nonexistent-folder/portal.sqlite3"
    else:
        broken.update(HOST="127.0.0.1", PORT=str(closed_port()), OPTIONS={"connect_timeout": 2})
    unreachable = ConnectionHandler({DEFAULT_DB_ALIAS: broken})
    monkeypatch.setattr(health, "connections", unreachable)
    try:
        status, body = readyz(client)
    finally:
        unreachable.close_all()
    assert status == 503
    assert body["status"] == "fail"
    assert "database" in failing(body)
    assert body["checks"]["database"]["error"].startswith("OperationalError")


def test_readyz_names_an_unreachable_broker_without_hanging(client, fresh_heartbeat, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_url", f"redis://127.0.0.1:{closed_port()}/0")
    monkeypatch.setitem(celery_app.conf, "broker_transport", None)  # the URL's own (the embedded one names its own)
    started = time.monotonic()
    status, body = readyz(client)
    assert time.monotonic() - started < 10
    assert status == 503
    assert failing(body) == ["broker"]
    assert body["checks"]["broker"]["error"]


@pytest.mark.django_db
def test_readyz_names_the_worker_when_no_heartbeat_was_ever_recorded(client):
    status, body = readyz(client)
    assert status == 503
    assert failing(body) == ["worker"]
    assert body["checks"]["worker"]["age_seconds"] is None


@pytest.mark.django_db
def test_readyz_names_the_worker_when_its_heartbeat_is_stale(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 180
    WorkerHeartbeat.objects.create(pk=health.HEARTBEAT_ID, beat_at=timezone.now() - timedelta(seconds=181))
    status, body = readyz(client)
    assert status == 503
    assert failing(body) == ["worker"]
    assert 181 <= body["checks"]["worker"]["age_seconds"] < 190

    WorkerHeartbeat.objects.filter(pk=health.HEARTBEAT_ID).update(beat_at=timezone.now() - timedelta(seconds=170))
    assert readyz(client)[0] == 200


def test_the_beat_schedules_the_heartbeat_often_enough(settings):
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == record_worker_heartbeat.name]
    assert entry["schedule"] * 2 < settings.WORKER_HEARTBEAT_MAX_AGE


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_running_the_heartbeat_makes_readyz_ready(client, celery_worker):
    assert failing(readyz(client)[1]) == ["worker"]
    record_worker_heartbeat.delay()
    deadline = time.monotonic() + 20
    while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    status, body = readyz(client)
    assert status == 200, body
    assert body["checks"]["worker"]["ok"] is True
