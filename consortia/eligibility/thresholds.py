"""The numbers the rules read, as a plain value: the database row (``consortia.models.EligibilityThresholds``) is
turned into one of these once per evaluation context, so the rules never touch the ORM and an evaluation can say
exactly which values it used."""

from dataclasses import asdict, dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class RdBand:
    """One band of R&D intensity by previous-year revenue (万元): revenue in (above, up_to] needs ``min_percent``."""

    above: Decimal | None
    up_to: Decimal | None
    min_percent: Decimal

    def as_dict(self) -> dict:
        return {
            "revenue_above": json_number(self.above),
            "revenue_up_to": json_number(self.up_to),
            "min_percent": json_number(self.min_percent),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    # Defaults are those of DESIGN §4; the data migration writes the same numbers to the database.
    members_min: int = 2
    period_max_years: int = 3
    justification_min_length: int = 20
    # The high-tech-enterprise bands (高新技术企业认定): revenue ≤ 5000万 → 5 %, ≤ 2亿 → 4 %, above → 3 %.
    rd_band_small_revenue_max: Decimal = Decimal("5000")
    rd_band_medium_revenue_max: Decimal = Decimal("20000")
    rd_intensity_small_min: Decimal = Decimal("5")
    rd_intensity_medium_min: Decimal = Decimal("4")
    rd_intensity_large_min: Decimal = Decimal("3")

    def rd_band_for(self, revenue: Decimal) -> RdBand:
        if revenue <= self.rd_band_small_revenue_max:
            return RdBand(above=None, up_to=self.rd_band_small_revenue_max, min_percent=self.rd_intensity_small_min)
        if revenue <= self.rd_band_medium_revenue_max:
            return RdBand(
                above=self.rd_band_small_revenue_max,
                up_to=self.rd_band_medium_revenue_max,
                min_percent=self.rd_intensity_medium_min,
            )
        return RdBand(above=self.rd_band_medium_revenue_max, up_to=None, min_percent=self.rd_intensity_large_min)

    def as_dict(self) -> dict:
        """JSON-ready, for stored results and the command's report."""
        return {name: json_number(value) for name, value in asdict(self).items()}


def json_number(value):
    """Decimals as JSON numbers: integral values as ints so that 5000 does not print as 5000.00."""
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)
