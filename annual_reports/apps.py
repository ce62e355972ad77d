from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualReportsConfig(AppConfig):
    name = "annual_reports"
    verbose_name = _("年度报告")

    def ready(self):
        # The report's workflow steps and the home page's report panels register themselves on import.
        from . import selectors, workflow  # noqa: F401
