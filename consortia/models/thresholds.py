"""The numbers the eligibility rules read, edited by admins (DESIGN §4)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def _percent_field(verbose_name, default):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("百分比，例如 5 表示 5%。"),
    )


class EligibilityThresholds(models.Model):
    """The numbers the eligibility rules read (DESIGN §4), one row that admins edit without a deploy.

    A single row rather than one row per number, so that the form can check numbers against each other
    (the revenue bands must be in order) and every evaluation reads one consistent set.
    """

    SINGLETON_PK = 1

    members_min = models.PositiveSmallIntegerField(
        _("参与单位最少数量"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("不含牵头单位。默认 2，即牵头单位加参与单位不少于 3 家。"),
    )
    period_max_years = models.PositiveSmallIntegerField(
        _("建设周期最长年数"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("结束日期最迟为开始日期满该年数的前一天。"),
    )
    justification_min_length = models.PositiveSmallIntegerField(
        _("情况说明最少字数"),
        default=20,
        validators=[MinValueValidator(1)],
        help_text=_("“原则上”条件未满足时，书面说明至少应有的字数（不计空白字符）。"),
    )
    rd_band_small_revenue_max = models.DecimalField(
        _("第一档销售收入上限（万元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("5000"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("上一年销售收入不超过此数的企业适用第一档研发投入强度。"),
    )
    rd_band_medium_revenue_max = models.DecimalField(
        _("第二档销售收入上限（万元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("20000"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("超过第一档上限、不超过此数的企业适用第二档；超过此数的适用第三档。"),
    )
    rd_intensity_small_min = _percent_field(_("第一档研发投入强度下限（%）"), "5")
    rd_intensity_medium_min = _percent_field(_("第二档研发投入强度下限（%）"), "4")
    rd_intensity_large_min = _percent_field(_("第三档研发投入强度下限（%）"), "3")
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("资格条件阈值")
        verbose_name_plural = _("资格条件阈值")
        constraints = [
            models.CheckConstraint(name="eligibility_thresholds_singleton", condition=Q(pk=1)),
            models.CheckConstraint(
                name="eligibility_revenue_bands_in_order",
                condition=Q(rd_band_small_revenue_max__lt=F("rd_band_medium_revenue_max")),
            ),
        ]

    def __str__(self):
        return str(_("资格条件阈值"))

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        small, medium = self.rd_band_small_revenue_max, self.rd_band_medium_revenue_max
        if small is not None and medium is not None and small >= medium:
            raise ValidationError(
                {
                    "rd_band_medium_revenue_max": _("第二档销售收入上限应大于第一档上限（%(small)s 万元）。")
                    % {"small": small}
                }
            )

    @classmethod
    def load(cls) -> "EligibilityThresholds":
        """The row, created with DESIGN §4's defaults when missing (the data migration normally made it)."""
        row, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return row

    def as_thresholds(self):
        from ..eligibility.thresholds import Thresholds

        return Thresholds(
            members_min=self.members_min,
            period_max_years=self.period_max_years,
            justification_min_length=self.justification_min_length,
            rd_band_small_revenue_max=self.rd_band_small_revenue_max,
            rd_band_medium_revenue_max=self.rd_band_medium_revenue_max,
            rd_intensity_small_min=self.rd_intensity_small_min,
            rd_intensity_medium_min=self.rd_intensity_medium_min,
            rd_intensity_large_min=self.rd_intensity_large_min,
        )
