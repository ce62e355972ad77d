from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("平台基础")

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers the system checks, connects the audit receivers)
