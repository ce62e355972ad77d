"""Questions the core asks of the apps built on it, answered by functions they register at start-up.

The core never imports those apps (DESIGN: ``portal`` ← ``consortia`` ← ``reviews``): ``consortia`` registers its
checks from ``ConsortiaConfig.ready`` and the core calls whatever is registered.
"""

from collections.abc import Callable

from .models import Organisation

JurisdictionChangeCheck = Callable[[Organisation], "str | None"]

_JURISDICTION_CHANGE_CHECKS: list[JurisdictionChangeCheck] = []


def register_jurisdiction_change_check(check: JurisdictionChangeCheck) -> JurisdictionChangeCheck:
    """Register ``check(organisation)``: the translated reason why its jurisdiction may not change now, or None."""
    if check not in _JURISDICTION_CHANGE_CHECKS:
        _JURISDICTION_CHANGE_CHECKS.append(check)
    return check


def jurisdiction_change_refusal(organisation: Organisation) -> str | None:
    """Why the organisation's jurisdiction (属地主管部门) may not change now, or None if it may."""
    for check in _JURISDICTION_CHANGE_CHECKS:
        refusal = check(organisation)
        if refusal:
            return refusal
    return None
