"""The second half year's 台账汇总 as evidence for the year-end rating: 承诺完成率 and 整改销号率 per branch.

Read by header names (python-calamine, nothing executed); shown in the rating summary's 一览表, it
changes no score. A summary of the first half year is used too, with a 提示.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from xlsx_addin.io.tables.previous import from_header, read_sheet_rows
from xlsx_addin.model.problems import Problem
from xlsx_addin.io.tables.table import Records, records_from_rows
from xlsx_addin.model.identity import text_key
from xlsx_addin.model.errors import RatingError
from xlsx_addin.contracts.ledger import parse_period
from xlsx_addin.contracts.ledger import ABOUT, CLOSED_RATE, DONE_RATE, PERIOD_LABEL, SUMMARY, TOTAL
from xlsx_addin.model.problems import HINT

COLUMNS = (DONE_RATE, CLOSED_RATE)


def read_evidence(path: Path | str) -> tuple[Records, list[Problem]]:
    """{branch key: {header: value}} of the 汇总 sheet, and 提示 rows for the rating's 问题清单."""
    path = Path(path)
    if not path.is_file():
        raise RatingError(f"台账汇总 {path} 不存在")
    rows = read_sheet_rows(path, SUMMARY)
    rows = from_header(rows or [])
    if not rows or not all(c in [text_key(h) for h in rows[0]] for c in COLUMNS):
        raise RatingError(f"{path} 不是台账汇总(没有“{SUMMARY}”工作表或其中没有{'、'.join(COLUMNS)}列)")
    recs = records_from_rows(rows)
    recs = Records((k, v) for k, v in recs.items() if k != TOTAL)
    notes = []
    period = _period(path)
    if period is None or period.half != 2:
        what = f"为{period.label}" if period else "未注明台账期间"
        notes.append(Problem(path.name, ABOUT, "", period.code if period else "",
                             f"台账汇总{what},年度评定一般参考下半年(H2)的台账汇总;承诺完成率、整改销号率仅供参考,不影响评定",
                             HINT))
    return recs, notes


def _period(path: Path):
    return parse_period(summary_period(path))


def rates(recs: Records, code: Any, name: Any) -> list[Any]:
    """[承诺完成率, 整改销号率] of a rated unit (blank when its ledger is not in the summary)."""
    rec = recs.find(code, name)
    if rec is None:
        return [None, None]
    return [v if isinstance(v, (int, float)) and not isinstance(v, bool) else None for v in (rec.get(c) for c in COLUMNS)]


def summary_period(path: Path) -> str | None:
    """The 台账期间 a 台账汇总 states on its 说明 sheet (None when it states none)."""
    try:
        rows = read_sheet_rows(path, ABOUT) or []
    except Exception:  # noqa: BLE001
        return None
    for row in rows:
        if row and text_key(row[0]) == PERIOD_LABEL and len(row) > 1:
            return text_key(row[1]) or None
    return None
