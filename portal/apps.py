from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("平台基础")

    def ready(self):
        # Registers the system checks, connects the audit receivers and the second factor's login receiver.
        from . import checks, signals, two_factor  # noqa: F401
