"""Dates of a construction period (guideline §1.c, §5.1: in principle three years)."""

from datetime import date, timedelta

from .context import Context
from .filing import Filing
from .i18n import gettext as _
from .outcomes import Check, failed, passed


def anniversary(start: date, years: int) -> date:
    """The same day ``years`` later; 29 February in a common year falls on 1 March (it has not come round before)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def latest_end(start: date, years: int) -> date:
    """The last day of ``years`` from ``start``: the day before the anniversary (2024-02-29 → 2027-02-28)."""
    return anniversary(start, years) - timedelta(days=1)


# --- The PERIOD and PERIOD_START rules' checks (registered in ``rules.RULES``) --------------------------------------


def period_fault(start: date | None, end: date | None, *, years: int) -> str | None:
    """What is wrong with a construction period from ``start`` to ``end``, or None: the PERIOD rule, which the
    basic-facts form and the approval form report as they are typed."""
    if start is None or end is None:
        return _("未填写建设周期的开始和结束日期。")
    figures = {"start": start.isoformat(), "end": end.isoformat(), "years": years}
    if end <= start:
        return _("建设周期结束日期 %(end)s 应晚于开始日期 %(start)s。") % figures
    figures["latest"] = latest_end(start, years).isoformat()
    if end > latest_end(start, years):
        return _("建设周期 %(start)s 至 %(end)s 超过 %(years)d 年：结束日期最迟为 %(latest)s。") % figures
    return None


def check_period(filing: Filing, context: Context) -> Check:
    start, end = filing.period.start, filing.period.end
    years = context.thresholds.period_max_years
    fault = period_fault(start, end, years=years)
    if fault:
        return failed(fault)
    figures = {"start": start.isoformat(), "end": end.isoformat(), "years": years}
    figures["latest"] = latest_end(start, years).isoformat()
    return passed(_("建设周期 %(start)s 至 %(end)s，不超过 %(years)d 年（最迟 %(latest)s）。") % figures)


def check_period_start(filing: Filing, context: Context) -> Check:
    # Advice only: the approval starts the construction period on the approval date at the earliest, so a start
    # already past is not wrong, but the applicant should know the period will not begin when planned.
    start = filing.period.start
    if start is None:
        return passed(_("尚未填写建设周期开始日期，填写后核验。"))
    figures = {"start": start.isoformat(), "today": context.today.isoformat()}
    if start < context.today:
        return failed(
            _("建设周期开始日期 %(start)s 早于今天（%(today)s）：批准备案后，建设期最早自批准之日起计算。") % figures
        )
    return passed(_("建设周期开始日期 %(start)s 不早于今天（%(today)s）。") % figures)
