import uuid

import pytest

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
        }
    yield


@pytest.fixture(autouse=True)
def _fast_hashing_and_outbox(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def reference_data(db):
    load_reference_data()


@pytest.fixture
def demo_users(reference_data):
    from portal.demo import seed_demo

    return {user.username: user for user in seed_demo()}
