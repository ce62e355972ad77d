import tomllib
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings

from .selectors import unread_count

DISTRIBUTION = "consortium-portal"


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}


@cache
def portal_version() -> str:
    """The installed package's version; from pyproject.toml when run from a checkout never installed, else empty."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        pass
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as pyproject:
            return tomllib.load(pyproject)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def release(request):
    return {"portal_version": portal_version()}
