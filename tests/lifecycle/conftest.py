import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def lead_a(demo_users):
    return demo_users["lead-a"]


@pytest.fixture
def city(demo_users):
    return demo_users["city"]


@pytest.fixture
def login(client):
    """``login(user)`` → the test client, logged in as that user."""

    def as_user(user):
        client.force_login(user)
        return client

    return as_user
