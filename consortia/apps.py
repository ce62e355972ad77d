from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsortiaConfig(AppConfig):
    name = "consortia"
    verbose_name = _("创新联合体")

    def ready(self):
        # The workflow steps of filing and of the end of a consortium's life register themselves on import.
        from . import services  # noqa: F401
        from .lifecycle import services as lifecycle_services  # noqa: F401
        from .organisations import jurisdiction_change_refusal  # noqa: F401  (asked by the admin via portal.hooks)
