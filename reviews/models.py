from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingNumberCounter(models.Model):
    """The last filing number issued in a year (DESIGN §3). One row per year, locked while a number is taken, so
    numbers are sequential, never repeated, and a rolled-back approval gives its number back."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    last_number = models.PositiveIntegerField(_("已发最大序号"), default=0)

    class Meta:
        verbose_name = _("备案编号计数器")
        verbose_name_plural = _("备案编号计数器")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}: {self.last_number}"
