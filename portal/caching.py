"""Figures that take a scan of thousands of rows to count and change only when those rows do (a campaign's progress,
the dashboard): kept in the cache under a *version* — a few numbers one small query reads, such as how many rows
there are and when one last changed — so that any change gives a new key and the figures are counted again, while a
page read again after nothing changed costs only that query. The time limit bounds what a version cannot see."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
SECONDS = 300


def under_version(name: str, version: tuple, compute: Callable[[], T], *, seconds: int = SECONDS) -> T:
    """``compute()``, or what it gave for the same ``name`` and ``version`` within ``seconds``."""
    # Only characters every cache backend takes in a key (no spaces: a timestamp's is replaced).
    key = ":".join([name, *(str(part).replace(" ", "T") for part in version)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
