import pytest

from portal.services import load_reference_data


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
