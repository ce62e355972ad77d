"""The readable form of an evaluation, for ``check_eligibility`` and anyone else printing one on a terminal."""

import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .engine import Evaluation
from .filing import PLATFORM_LEVELS
from .outcomes import Outcome, Severity

SEVERITY_WORDS = {
    Severity.BLOCK: gettext_lazy("否决"),
    Severity.JUSTIFY: gettext_lazy("需说明"),
    Severity.ADVISE: gettext_lazy("提示"),
}
OUTCOME_WORDS = {
    Outcome.PASS: gettext_lazy("通过"),
    Outcome.FAIL: gettext_lazy("不通过"),
    Outcome.JUSTIFIED: gettext_lazy("已说明"),
}


def display_width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(display_width(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def _money(value) -> str:
    return "—" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def _percent(value) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def priority_line(evaluation: Evaluation) -> str:
    priority = evaluation.priority
    parts = [
        _("上一年销售收入 %(revenue)s 万元") % {"revenue": _money(priority.revenue_prev_year)},
        _("研发投入 %(rd)s 万元") % {"rd": _money(priority.rd_expense_prev_year)},
    ]
    if priority.rd_intensity_percent is None:
        parts.append(_("研发投入强度无法计算（缺少数据或销售收入为 0）"))
    else:
        parts.append(
            _("研发投入强度 %(intensity)s（所在档要求不低于 %(required)s，%(verdict)s）")
            % {
                "intensity": f"{priority.rd_intensity_percent:.2f}%",
                "required": _percent(priority.rd_band.min_percent),
                "verdict": _("达到") if priority.meets_rd_band else _("未达到"),
            }
        )
    if priority.platform_level or priority.platform_category:
        parts.append(
            _("平台 %(level)s %(category)s")
            % {
                "level": PLATFORM_LEVELS.get(priority.platform_level or "", "—"),
                "category": priority.platform_category or "—",
            }
        )
    return _("优先指标：") + _("；").join(parts)


def thresholds_line(evaluation: Evaluation) -> str:
    t = evaluation.thresholds
    return _(
        "所用阈值：参与单位不少于 %(members)d 家；建设周期不超过 %(years)d 年；书面说明不少于 %(length)d 字；"
        "研发投入强度 销售收入 ≤ %(small)s 万元 %(p1)s、≤ %(medium)s 万元 %(p2)s、以上 %(p3)s"
    ) % {
        "members": t.members_min,
        "years": t.period_max_years,
        "length": t.justification_min_length,
        "small": _money(t.rd_band_small_revenue_max),
        "medium": _money(t.rd_band_medium_revenue_max),
        "p1": _percent(t.rd_intensity_small_min),
        "p2": _percent(t.rd_intensity_medium_min),
        "p3": _percent(t.rd_intensity_large_min),
    }


def render_text(evaluation: Evaluation, *, title: str) -> str:
    verdict = _("符合备案条件") if evaluation.eligible else _("不符合备案条件")
    rows = [[_("规则"), _("条款"), _("类别"), _("结果"), _("说明")]]
    rows += [
        [
            result.code,
            result.clause_label,
            str(SEVERITY_WORDS[result.severity]),
            str(OUTCOME_WORDS[result.outcome]),
            result.message,
        ]
        for result in evaluation.results
    ]
    lines = [title, _("结论：%(verdict)s") % {"verdict": verdict}, "", *_table(rows), ""]
    lines += [priority_line(evaluation), thresholds_line(evaluation)]
    return "\n".join(lines)
