"""gettext for the rules' messages, with the active catalogue resolved once per evaluation.

Django's gettext finds the active language in an asgiref ``Local`` on every call (about 6 µs) and then searches the
merged catalogues; an evaluation writes a dozen or more messages, which made translation the largest single cost of an
evaluation. Inside ``translating()`` the catalogue is found once, and each message template's translation is
remembered per catalogue (the templates are a fixed, small set). Outside it this is Django's gettext. Either way the
text comes from the same catalogues, in the language active at the time.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from weakref import WeakKeyDictionary

from django.conf import settings
from django.utils import translation

_resolved: ContextVar[Callable[[str], str] | None] = ContextVar("eligibility_gettext", default=None)
# Catalogue → {template: translation}. Weak keys: a catalogue reloaded in development takes its memo with it.
_memos: WeakKeyDictionary = WeakKeyDictionary()


def gettext(message: str) -> str:
    resolved = _resolved.get()
    return resolved(message) if resolved is not None else translation.gettext(message)


def _identity(message: str) -> str:
    return message


@contextmanager
def translating() -> Iterator[None]:
    if settings.USE_I18N:
        from django.utils.translation import trans_real

        catalogue = trans_real.catalog()
        memo = _memos.get(catalogue)
        if memo is None:
            memo = _memos[catalogue] = {}

        def resolved(message: str) -> str:
            try:
                return memo[message]
            except KeyError:
                memo[message] = text = catalogue.gettext(message)
                return text

    else:
        resolved = _identity
    token = _resolved.set(resolved)
    try:
        yield
    finally:
        _resolved.reset(token)
