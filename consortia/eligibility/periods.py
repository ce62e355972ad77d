"""Dates of a construction period (guideline §1.c, §5.1: in principle three years)."""

from datetime import date, timedelta


def anniversary(start: date, years: int) -> date:
    """The same day ``years`` later; 29 February in a common year falls on 1 March (it has not come round before)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def latest_end(start: date, years: int) -> date:
    """The last day of ``years`` from ``start``: the day before the anniversary (2024-02-29 → 2027-02-28)."""
    return anniversary(start, years) - timedelta(days=1)
