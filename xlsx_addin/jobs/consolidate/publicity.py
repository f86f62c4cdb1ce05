"""The 公示 (public notice) before approval: its dates, as 设置 gives them and 公示名单 states them.

One week by default (docs/RULES.md "The upper level's step"): a start without an end ends 6 days later (7 days in all).
Precedence and defaults are resolve_settings' (settings.py); here only the words, the parsing and the text."""
from __future__ import annotations

import datetime as dt
from typing import Any

from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.dates import cell_date

DEFAULT_DAYS = 7
S_START, S_END = "公示开始日期", "公示结束日期"
TITLE = "公示"
ROWS = (
    (S_START, "公示第一天,如 2026-12-07;不填时公示名单留出日期由手工填写"),
    (S_END, f"可不填:默认为开始日期后一周(共{DEFAULT_DAYS}天)"),
)


def to_date(value: Any, what: str) -> dt.date | None:
    """A date typed or given (model/dates.py); None when blank; RatingError naming `what` otherwise."""
    try:
        return cell_date(value)
    except ValueError:
        raise RatingError(f"{what}“{value}”不是日期,请按 2026-12-07 的格式填写") from None


def period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The 公示's first and last day: a start alone lasts one week; an end before the start is refused."""
    if start is None:
        return None, end
    end = end or start + dt.timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise RatingError(f"{S_END}{end:%Y-%m-%d}早于{S_START}{start:%Y-%m-%d}")
    return start, end


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    """公示名单's line: 公示期:2026年12月7日至2026年12月13日(共7天)…, or blanks to fill in by hand."""
    tail = "。公示期间如有异议,请向上级党组织反映。"
    if start is None or end is None:
        return f"公示期:____年__月__日至____年__月__日(不少于{DEFAULT_DAYS}天){tail}"
    days = (end - start).days + 1
    return f"公示期:{_cn(start)}至{_cn(end)}(共{days}天){tail}"


def _cn(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
