import pytest

from tests.factories import submitted_filing


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def submitted(demo_users, media):
    return submitted_filing(lead_user=demo_users["lead-a"])
