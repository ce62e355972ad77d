"""The figures behind the rules and the priority indicators: the thresholds and their R&D bands, the intensity and its
ranking, the last day of a construction period. Pure: no database."""

from datetime import date
from decimal import Decimal

import pytest

from consortia.eligibility import Platform, PriorityIndicators, Thresholds, priority_indicators
from consortia.eligibility.periods import anniversary, latest_end, period_fault
from consortia.eligibility.priority import rd_intensity_percent
from consortia.eligibility.thresholds import RdBand, json_number

from .builders import lead, thresholds

# Bands with distinct numbers everywhere, so that each figure can only come from its own field.
ODD_BANDS = thresholds(
    rd_band_small_revenue_max=Decimal(100),
    rd_band_medium_revenue_max=Decimal(300),
    rd_intensity_small_min=Decimal(9),
    rd_intensity_medium_min=Decimal(8),
    rd_intensity_large_min=Decimal(7),
)


# --- Thresholds ------------------------------------------------------------------------------------------------------


def test_the_default_thresholds_as_stored_with_a_result():
    data = Thresholds().as_dict()
    assert data == {
        "members_min": 2,
        "period_max_years": 3,
        "justification_min_length": 20,
        "rd_band_small_revenue_max": 5000,
        "rd_band_medium_revenue_max": 20000,
        "rd_intensity_small_min": 5,
        "rd_intensity_medium_min": 4,
        "rd_intensity_large_min": 3,
    }
    assert {type(value) for value in data.values()} == {int}


@pytest.mark.parametrize(
    "revenue, band",
    [
        (Decimal("0.01"), RdBand(above=None, up_to=Decimal(100), min_percent=Decimal(9))),
        (Decimal(100), RdBand(above=None, up_to=Decimal(100), min_percent=Decimal(9))),
        (Decimal("100.01"), RdBand(above=Decimal(100), up_to=Decimal(300), min_percent=Decimal(8))),
        (Decimal(300), RdBand(above=Decimal(100), up_to=Decimal(300), min_percent=Decimal(8))),
        (Decimal("300.01"), RdBand(above=Decimal(300), up_to=None, min_percent=Decimal(7))),
    ],
)
def test_each_revenue_falls_in_one_band_whose_upper_limit_is_inclusive(revenue, band):
    assert ODD_BANDS.rd_band_for(revenue) == band


def test_a_band_as_json():
    assert RdBand(above=Decimal(100), up_to=Decimal(300), min_percent=Decimal("8.5")).as_dict() == {
        "revenue_above": 100,
        "revenue_up_to": 300,
        "min_percent": 8.5,
    }
    assert RdBand(above=None, up_to=None, min_percent=Decimal(3)).as_dict() == {
        "revenue_above": None,
        "revenue_up_to": None,
        "min_percent": 3,
    }


@pytest.mark.parametrize(
    "value, number, kind",
    [
        (None, None, type(None)),
        (3, 3, int),
        (Decimal("5000.00"), 5000, int),
        (Decimal("0"), 0, int),
        (Decimal("52000.5"), 52000.5, float),
        (Decimal("-1.25"), -1.25, float),
    ],
)
def test_decimals_become_plain_json_numbers(value, number, kind):
    assert json_number(value) == number
    assert type(json_number(value)) is kind


# --- Priority indicators ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "revenue, expense, percent",
    [
        (Decimal(5000), Decimal(250), Decimal(5)),
        (Decimal("0.5"), Decimal("0.1"), Decimal(20)),
        (Decimal(200), Decimal(0), Decimal(0)),
        (Decimal(0), Decimal(10), None),
        (Decimal(-100), Decimal(10), None),
    ],
)
def test_rd_intensity_is_expenditure_over_positive_revenue_in_per_cent(revenue, expense, percent):
    assert rd_intensity_percent(revenue, expense) == percent


def test_an_enterprise_lead_is_measured_against_its_band():
    indicators = priority_indicators(lead(revenue_prev_year=Decimal(200), rd_expense_prev_year=Decimal(16)), ODD_BANDS)
    assert indicators == PriorityIndicators(
        lead_kind="enterprise",
        revenue_prev_year=Decimal(200),
        rd_expense_prev_year=Decimal(16),
        rd_intensity_percent=Decimal(8),
        rd_band=RdBand(above=Decimal(100), up_to=Decimal(300), min_percent=Decimal(8)),
        meets_rd_band=True,
        platform_level=None,
        platform_category=None,
    )
    below = priority_indicators(lead(revenue_prev_year=Decimal(200), rd_expense_prev_year=Decimal("15.99")), ODD_BANDS)
    assert below.meets_rd_band is False


@pytest.mark.parametrize("revenue", [None, Decimal(0), Decimal(-5)])
def test_without_a_positive_revenue_there_is_no_band_to_meet(revenue):
    indicators = priority_indicators(lead(revenue_prev_year=revenue, rd_expense_prev_year=Decimal(10)), Thresholds())
    assert (indicators.rd_intensity_percent, indicators.rd_band, indicators.meets_rd_band) == (None, None, None)
    assert indicators.as_dict()["rd_intensity_band"] is None


def test_any_positive_revenue_has_a_band_even_below_one_wan_yuan():
    indicators = priority_indicators(
        lead(revenue_prev_year=Decimal("0.5"), rd_expense_prev_year=Decimal("0.1")), ODD_BANDS
    )
    assert indicators.rd_band == RdBand(above=None, up_to=Decimal(100), min_percent=Decimal(9))
    assert (indicators.rd_intensity_percent, indicators.meets_rd_band) == (Decimal(20), True)


def test_a_revenue_without_an_expenditure_has_a_band_but_nothing_to_compare():
    indicators = priority_indicators(lead(revenue_prev_year=Decimal(50), rd_expense_prev_year=None), ODD_BANDS)
    assert indicators.rd_band == RdBand(above=None, up_to=Decimal(100), min_percent=Decimal(9))
    assert (indicators.rd_intensity_percent, indicators.meets_rd_band) == (None, None)


def test_a_platform_lead_reports_its_level_and_category_and_blanks_as_none():
    platform_lead = lead(
        kind="platform",
        platform=Platform(level="provincial", category="laboratory"),
        revenue_prev_year=None,
        rd_expense_prev_year=None,
    )
    assert priority_indicators(platform_lead, Thresholds()).as_dict() == {
        "lead_kind": "platform",
        "revenue_prev_year": None,
        "rd_expense_prev_year": None,
        "rd_intensity_percent": None,
        "rd_intensity_band": None,
        "rd_intensity_meets_band": None,
        "platform_level": "provincial",
        "platform_category": "laboratory",
    }
    blank = priority_indicators(lead(kind="platform", platform=Platform(level="", category="")), Thresholds())
    assert (blank.platform_level, blank.platform_category) == (None, None)


def test_the_intensity_is_given_to_two_decimals_in_json():
    indicators = priority_indicators(lead(revenue_prev_year=Decimal(300), rd_expense_prev_year=Decimal(10)), ODD_BANDS)
    assert indicators.as_dict()["rd_intensity_percent"] == 3.33
    assert indicators.as_dict()["rd_intensity_band"] == {"revenue_above": 100, "revenue_up_to": 300, "min_percent": 8}
    assert indicators.as_dict()["rd_intensity_meets_band"] is False


@pytest.mark.parametrize(
    "changes, key",
    [
        ({"kind": "platform", "platform": Platform(level="national", category="laboratory")}, (0, 0, -5, -200)),
        ({"kind": "platform", "platform": Platform(level="provincial", category="laboratory")}, (1, 0, -5, -200)),
        ({}, (2, 0, -5, -200)),
        ({"rd_expense_prev_year": Decimal(2)}, (2, 1, -1, -200)),
        ({"rd_expense_prev_year": None}, (2, 1, 0, -200)),
        ({"revenue_prev_year": None}, (2, 1, 0, 0)),
    ],
)
def test_the_rank_key_orders_platform_level_then_band_then_intensity_then_revenue(changes, key):
    values = {"revenue_prev_year": Decimal(200), "rd_expense_prev_year": Decimal(10)} | changes
    assert priority_indicators(lead(**values), Thresholds()).rank_key() == key


# --- Construction period ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, years, day",
    [
        (date(2023, 5, 31), 3, date(2026, 5, 31)),
        (date(2024, 2, 29), 1, date(2025, 3, 1)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2027, 1, 1), 0, date(2027, 1, 1)),
    ],
)
def test_the_anniversary_of_29_february_in_a_common_year_is_1_march(start, years, day):
    assert anniversary(start, years) == day


def test_the_latest_end_is_the_day_before_the_anniversary():
    assert latest_end(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert latest_end(date(2027, 3, 1), 3) == date(2030, 2, 28)


def test_the_period_fault_is_none_for_a_period_within_the_limit():
    assert period_fault(date(2027, 1, 1), date(2029, 12, 31), years=3) is None
    assert period_fault(date(2027, 1, 1), date(2031, 12, 31), years=5) is None
    assert period_fault(date(2027, 1, 1), date(2032, 1, 1), years=5) == (
        "建设周期 2027-01-01 至 2032-01-01 超过 5 年：结束日期最迟为 2031-12-31。"
    )
