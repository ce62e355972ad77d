"""System checks of the portal's settings, run by every management command (``migrate`` when the web container
starts, ``check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .jobs import MINIMUM_RETENTION_DAYS


@register()
def audit_retention(app_configs, **kwargs) -> list[Error]:
    """A retention shorter than six months (网络安全等级保护 2.0) would let the daily purge remove audit events the
    law asks to keep."""
    days = settings.AUDIT_RETENTION_DAYS
    if days >= MINIMUM_RETENTION_DAYS:
        return []
    return [
        Error(
            f"AUDIT_RETENTION_DAYS is {days}: audit events must be kept at least {MINIMUM_RETENTION_DAYS} days "
            "(网络安全等级保护 2.0 asks for six months).",
            hint=f"Set AUDIT_RETENTION_DAYS to {MINIMUM_RETENTION_DAYS} or more, or leave it unset.",
            id="portal.E001",
        )
    ]


# Whom 网络安全等级保护 2.0 expects to sign in with a second factor: the bureau's staff and the administrators.
TWO_FACTOR_EXPECTED = ("city_staff", "admin")


@register(Tags.security, deploy=True)
def two_factor_roles(app_configs, **kwargs) -> list[Warning]:
    missing = [role for role in TWO_FACTOR_EXPECTED if role not in settings.TWO_FACTOR_REQUIRED_ROLES]
    if not missing:
        return []
    return [
        Warning(
            f"TWO_FACTOR_REQUIRED_ROLES leaves out {', '.join(missing)}: they sign in with a password alone.",
            hint="Set TWO_FACTOR_REQUIRED_ROLES=city_staff,admin (or unset it with DEBUG=0).",
            id="portal.W002",
        )
    ]


@register()
def pdf_fonts(app_configs, **kwargs) -> list[Error]:
    """Without the vendored faces every PDF the portal issues would refuse to render (``portal.pdf``)."""
    from .pdf import missing_font_files  # here, not at the top: WeasyPrint is loaded by the first PDF, not at start

    if not (missing := missing_font_files()):
        return []
    return [
        Error(
            f"PDF font files missing from PDF_FONT_DIR ({settings.PDF_FONT_DIR}): "
            f"{', '.join(path.name for path in missing)}. No notice, form or report can be rendered without them.",
            hint="Run bin/vendor-fonts.py (see portal/fonts/README.md), or point PDF_FONT_DIR at the vendored fonts.",
            id="portal.E002",
        )
    ]
