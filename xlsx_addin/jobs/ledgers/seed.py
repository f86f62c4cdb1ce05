"""The year joins up: the year-end rating summary's 整改台账 seeds each branch's next half-year ledger.

`xlsx-addin ledgers --seed-from 汇总表.xlsx --out DIR [--period 2026H1]` writes DIR/<上级党组织>/<党组织名称>.xlsx
for every branch of the summary's 一览表, its identity filled and its open 整改台账 items (no 销号日期)
in the rectification table, 来源 = 年度评定. A file that is already there is never overwritten.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from xlsx_addin.io.tables.previous import read_ledger
from xlsx_addin.contracts.summary import CODE, NAME, PARENT, SET
from xlsx_addin.io.tables.table import has_content
from xlsx_addin.model.identity import dedupe_key, text_key
from xlsx_addin.model.errors import RatingError
from xlsx_addin.contracts.ledger import RECT_FROM_RATING, Period, period_of
from xlsx_addin.jobs.ledgers.read import to_date
from xlsx_addin.io.tables.previous import overview_rows
from xlsx_addin.io.books.ledger.book import build_ledger_workbook

KEPT_PREFIX = "【本次汇总未标记整改,保留原记录】"  # consolidate/sheets.py ledger_table's note on old entries
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def default_period(today: dt.date) -> Period:
    """The half year a year-end rating leads into: run in November or December → next year's first half."""
    return Period(today.year + 1, 1) if today.month >= 11 else period_of(today)


def branches_of(summary: Path) -> list[dict[str, str]]:
    """Every rated branch of the summary's 一览表: name, code, upper level."""
    header, rows = overview_rows(summary)
    out, seen = [], set()
    for row in rows:
        rec = {h: text_key(row[i]) if i < len(row) else "" for i, h in enumerate(header) if h}
        name = rec.get(NAME, "")
        if not name:
            continue
        key = dedupe_key(rec.get(CODE), rec.get(PARENT) or rec.get(SET), name)
        if key in seen:
            continue
        seen.add(key)
        out.append({"org_name": name, "org_code": rec.get(CODE, ""), "parent_org": rec.get(PARENT) or rec.get(SET, "")})
    return out


def open_items(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """A 整改台账 row as rectification rows of the ledger: none when it is closed (销号日期 filled)."""
    if has_content(rec.get("销号日期")):
        return []
    problem = text_key(rec.get("问题")).removeprefix(KEPT_PREFIX)
    if not problem:
        return []
    due: Any = rec.get("时限")
    try:
        due = to_date(due)
    except ValueError:
        due = text_key(due)  # kept as the clerk wrote it; the ledger job will name it
    return [{"问题": problem, "来源": RECT_FROM_RATING, "整改措施": _t(rec.get("整改措施")), "责任人": _t(rec.get("责任人")),
             "时限": due, "进度": _t(rec.get("进度"))}]


def _t(v: Any) -> str | None:
    return text_key(v) or None


def safe_name(text: str) -> str:
    return _UNSAFE.sub("_", text).strip(" .") or "未命名"


def seed_ledgers(summary: Path, out_dir: Path, period: Period) -> tuple[list[Path], list[Path], int]:
    """(written, already there and kept, open items seeded)."""

    if not summary.is_file():
        raise RatingError(f"星级评定汇总表 {summary} 不存在")
    branches = branches_of(summary)
    ledger = read_ledger(summary)
    written, skipped, items = [], [], 0
    for b in branches:
        rec = ledger.find(b["org_code"], b["org_name"])
        rows = open_items(rec) if rec is not None else []
        path = out_dir / safe_name(b["parent_org"] or "未填写上级党组织") / f"{safe_name(b['org_name'])}.xlsx"
        if path.exists():
            skipped.append(path)
            continue
        build_ledger_workbook(path, {**b, "period": period.code, "rectification": rows})
        written.append(path)
        items += len(rows)
    return written, skipped, items


__all__ = ["default_period", "open_items", "seed_ledgers"]
