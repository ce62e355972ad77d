"""Priority indicators of the lead unit (guideline §3.4): they rank filings for reviewers, they never block."""

from dataclasses import dataclass
from decimal import Decimal

from .filing import LeadUnit
from .thresholds import RdBand, Thresholds, json_number

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def rd_intensity_percent(revenue: Decimal | None, rd_expense: Decimal | None) -> Decimal | None:
    """R&D expenditure ÷ revenue, in per cent; None when either is missing or revenue is not positive."""
    if revenue is None or rd_expense is None or revenue <= 0:
        return None
    return rd_expense * _HUNDRED / revenue


@dataclass(frozen=True, slots=True, kw_only=True)
class PriorityIndicators:
    lead_kind: str
    revenue_prev_year: Decimal | None
    rd_expense_prev_year: Decimal | None
    rd_intensity_percent: Decimal | None
    rd_band: RdBand | None  # the band the revenue falls in
    meets_rd_band: bool | None  # None when there is no intensity to compare
    platform_level: str | None
    platform_category: str | None

    def rank_key(self) -> tuple:
        """Sort key, best first: national before provincial platforms, then intensity meeting its band, then
        intensity, then revenue. Missing figures rank last, never raise."""
        return (
            {"national": 0, "provincial": 1}.get(self.platform_level or "", 2),
            0 if self.meets_rd_band else 1,
            -(self.rd_intensity_percent or 0),
            -(self.revenue_prev_year or 0),
        )

    def as_dict(self) -> dict:
        intensity = self.rd_intensity_percent
        return {
            "lead_kind": self.lead_kind,
            "revenue_prev_year": json_number(self.revenue_prev_year),
            "rd_expense_prev_year": json_number(self.rd_expense_prev_year),
            "rd_intensity_percent": json_number(intensity.quantize(_CENT)) if intensity is not None else None,
            "rd_intensity_band": self.rd_band.as_dict() if self.rd_band else None,
            "rd_intensity_meets_band": self.meets_rd_band,
            "platform_level": self.platform_level,
            "platform_category": self.platform_category,
        }


def priority_indicators(lead: LeadUnit, thresholds: Thresholds) -> PriorityIndicators:
    revenue = lead.revenue_prev_year
    intensity = rd_intensity_percent(revenue, lead.rd_expense_prev_year)
    band = thresholds.rd_band_for(revenue) if revenue is not None and revenue > 0 else None
    platform = lead.platform
    return PriorityIndicators(
        lead_kind=lead.kind,
        revenue_prev_year=revenue,
        rd_expense_prev_year=lead.rd_expense_prev_year,
        rd_intensity_percent=intensity,
        rd_band=band,
        meets_rd_band=None if intensity is None or band is None else intensity >= band.min_percent,
        platform_level=(platform.level or None) if platform else None,
        platform_category=(platform.category or None) if platform else None,
    )
