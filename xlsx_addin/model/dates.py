"""A date as clerks type it in a cell: a date cell, an Excel day number, or text (2026-06-30, 2026/6/30, 2026.6.30,
2026年6月30日, with or without a time after it). One reading for the ledgers, the register and the 公示."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from xlsx_addin.model.values import is_blank

EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIALS = range(20000, 80001)  # Excel day numbers taken as dates: 1954 … 2119 (a score or a count is not a date)
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:[ T]\d.*)?$")


def cell_date(value: Any) -> dt.date | None:
    """The date a cell holds; None for a blank cell; ValueError for anything else (2026-02-30 included)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if int(value) in SERIALS:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(value)
    m = _DATE.match(str(value))
    if not m:
        raise ValueError(value)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
