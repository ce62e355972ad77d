"""Priority indicators of the lead unit (§3.4): revenue, R&D intensity against its band, platform. They never block."""

from decimal import Decimal

import pytest

from consortia.eligibility import Platform, Thresholds, evaluate, priority_indicators
from consortia.eligibility.priority import rd_intensity_percent

from .builders import context, filing, lead, thresholds


def test_rd_intensity_is_expenditure_over_revenue_in_per_cent():
    indicators = priority_indicators(lead(), Thresholds())
    assert indicators.rd_intensity_percent.quantize(Decimal("0.01")) == Decimal("5.96")  # 3100 / 52000.5
    assert indicators.rd_band.min_percent == 3  # above 2亿
    assert indicators.meets_rd_band is True


def test_zero_revenue_gives_no_intensity_and_no_crash():
    indicators = priority_indicators(lead(revenue_prev_year=Decimal(0)), Thresholds())
    assert indicators.rd_intensity_percent is None
    assert indicators.meets_rd_band is None
    assert indicators.as_dict()["rd_intensity_percent"] is None
    assert indicators.as_dict()["rd_intensity_meets_band"] is None


@pytest.mark.parametrize("revenue, expense", [(None, Decimal(10)), (Decimal(100), None), (None, None)])
def test_missing_figures_give_no_intensity(revenue, expense):
    assert rd_intensity_percent(revenue, expense) is None
    indicators = priority_indicators(lead(revenue_prev_year=revenue, rd_expense_prev_year=expense), Thresholds())
    assert indicators.meets_rd_band is None


@pytest.mark.parametrize(
    "revenue, expense, required, meets",
    [
        (Decimal(5000), Decimal(250), 5, True),  # exactly 5 % at the top of the first band (≤ 5000万, inclusive)
        (Decimal(5000), Decimal("249.99"), 5, False),
        (Decimal("5000.01"), Decimal("200.01"), 4, True),  # just over 5000万: the 4 % band
        (Decimal(20000), Decimal(799), 4, False),
        (Decimal("20000.01"), Decimal("600.01"), 3, True),  # over 2亿: 3 %
    ],
)
def test_the_intensity_is_compared_with_the_band_its_revenue_falls_in(revenue, expense, required, meets):
    indicators = priority_indicators(lead(revenue_prev_year=revenue, rd_expense_prev_year=expense), Thresholds())
    assert indicators.rd_band.min_percent == required
    assert indicators.meets_rd_band is meets


def test_bands_are_thresholds():
    stricter = thresholds(rd_intensity_large_min=Decimal(8))
    assert priority_indicators(lead(), stricter).meets_rd_band is False


def test_a_low_intensity_ranks_lower_but_never_blocks():
    weak = filing(lead=lead(revenue_prev_year=Decimal(60000), rd_expense_prev_year=Decimal(60)))
    evaluation = evaluate(weak, context())
    assert evaluation.eligible
    assert evaluation.priority.meets_rd_band is False


def test_platform_level_and_category_are_reported():
    platform_lead = lead(kind="platform", platform=Platform(level="national", category="laboratory"))
    data = priority_indicators(platform_lead, Thresholds()).as_dict()
    assert (data["platform_level"], data["platform_category"]) == ("national", "laboratory")


def test_rank_puts_national_platforms_first_then_intensity_meeting_its_band_then_higher_intensity():
    national = priority_indicators(
        lead(kind="platform", platform=Platform(level="national", category="laboratory"), revenue_prev_year=None),
        Thresholds(),
    )
    strong = priority_indicators(lead(rd_expense_prev_year=Decimal(6000)), Thresholds())
    meets = priority_indicators(lead(), Thresholds())
    misses = priority_indicators(lead(rd_expense_prev_year=Decimal(100)), Thresholds())
    no_figures = priority_indicators(lead(revenue_prev_year=Decimal(0)), Thresholds())
    ranked = sorted([no_figures, misses, meets, national, strong], key=lambda p: p.rank_key())
    assert ranked == [national, strong, meets, misses, no_figures]


def test_priority_as_json_uses_plain_numbers():
    data = priority_indicators(lead(), Thresholds()).as_dict()
    assert data == {
        "lead_kind": "enterprise",
        "revenue_prev_year": 52000.5,
        "rd_expense_prev_year": 3100,
        "rd_intensity_percent": 5.96,
        "rd_intensity_band": {"revenue_above": 20000, "revenue_up_to": None, "min_percent": 3},
        "rd_intensity_meets_band": True,
        "platform_level": None,
        "platform_category": None,
    }
