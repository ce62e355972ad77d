import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from portal.celery import app as celery_app
from portal.services import load_reference_data


@pytest.fixture(scope="session", autouse=True)
def _isolated_task_queue(tmp_path_factory):
    """Tasks published by tests go to a queue of this run's own, never to the one a developer's worker reads."""
    celery_app.conf.task_default_queue = f"portal-tests-{uuid.uuid4().hex[:8]}"
    if celery_app.conf.broker_url.startswith("filesystem://"):
        folder = tmp_path_factory.mktemp("celery-broker")
        celery_app.conf.broker_transport_options = {
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),
            "store_processed": False,
            # The transport polls its folder; the default second per message makes a backlog slow to drain.
            "polling_interval": 0.05,
        }
    yield


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker in a thread, on this run's queue. Tasks published by earlier tests (their rows long gone)
    are purged first, so the worker starts on what this test queues."""
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture(autouse=True)
def _fast_hashing_and_outbox(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _no_second_factor_required(settings):
    """Most tests sign city staff and admins in without a second factor; tests/portal/test_two_factor.py and the
    two-factor journey turn it on. The settings fixture changes the process's settings, so a live server sees it too."""
    settings.TWO_FACTOR_REQUIRED_ROLES = []


@pytest.fixture
def reference_data(db):
    load_reference_data()


@pytest.fixture
def demo_users(reference_data):
    from portal.demo import seed_demo

    return {user.username: user for user in seed_demo()}
