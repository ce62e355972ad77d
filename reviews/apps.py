from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("审核备案")

    def ready(self):
        # The opinion, approval and announcement steps of the review decisions register themselves on import.
        from . import services  # noqa: F401
