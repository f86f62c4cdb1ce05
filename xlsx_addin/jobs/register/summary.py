"""A rating summary as the register reads it: its scheme, its date (设置's 汇总日期) and each unit's final level.

From the summary's sheets as rows: the CLI reads them from the file (bounded, isolated: io/tables/previous.py),
the button from the open book."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsx_addin.contracts.summary import CODE, NAME, OVERVIEW, PARENT, RULES, RUN_DATE, SET, SETTINGS
from xlsx_addin.engine.scheme.keys import SCHEME_KEY
from xlsx_addin.engine.scheme.loader import load_scheme, resolve_scheme
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.overrides import rows_to_table
from xlsx_addin.io.register_book import Unit, to_date
from xlsx_addin.io.tables.previous import from_header, read_all_sheets
from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.identity import text_key

SCHEME_ROW = "评定方案"  # 设置's row naming the scheme (the 规则 sheet's scheme row wins)


@dataclass
class SummaryYear:
    """What one summary gives the register."""

    file: str
    scheme: Scheme
    date: dt.date | None  # 设置's 汇总日期 (None: a summary made before it was recorded)
    levels: list[tuple[Unit, str]] = field(default_factory=list)  # (unit, final level name), in the summary's order
    path: Path | None = None  # the summary's file (登记记录 names it: `consolidate --register` knows its own year)


def read_summary_file(path: Path | str) -> SummaryYear:
    path = Path(path)
    if not path.is_file():
        raise RatingError(f"汇总表 {path} 不存在")
    return from_sheets(read_all_sheets(path), path.name, path)


def from_sheets(sheets: dict[str, list[list[Any]]], file: str, path: Path | None = None) -> SummaryYear:
    """The summary's scheme, date and levels from its sheets' rows; RatingError when it is no rating summary."""
    if OVERVIEW not in sheets:
        raise RatingError(f"{file} 不是星级评定汇总表:没有“{OVERVIEW}”工作表")
    settings = {text_key(r[0]): r[1] for r in sheets.get(SETTINGS, []) if len(r) > 1 and text_key(r[0])}
    scheme = _scheme(sheets.get(RULES) or [], settings.get(SCHEME_ROW), file)
    try:
        date = to_date(settings.get(RUN_DATE))
    except ValueError:
        date = None
    rows = from_header(sheets[OVERVIEW])
    if not rows:
        raise RatingError(f"{file} 的“{OVERVIEW}”工作表没有“{NAME}”列")
    header = [text_key(h) for h in rows[0]]
    final = f"最终{scheme.level_term}"
    if final not in header:
        raise RatingError(f"{file} 的“{OVERVIEW}”工作表没有“{final}”列(汇总表的评定方案为“{scheme.name}”)")
    at = {h: header.index(h) for h in (NAME, CODE, PARENT, SET, final) if h in header}
    out = SummaryYear(file, scheme, date, path=Path(path).resolve() if path is not None else None)
    for row in rows[1:]:
        cells = list(row) + [None] * len(header)
        if sum(1 for v in cells if text_key(v)) <= 1:
            if out.levels:  # a title row (the carried 已移出单位 block) ends the units
                break
            continue
        name, level = text_key(cells[at[NAME]]), text_key(cells[at[final]])
        if not name or not level:
            continue
        parent = text_key(cells[at[PARENT]]) if PARENT in at else text_key(cells[at[SET]]) if SET in at else ""
        out.levels.append((Unit(name, text_key(cells[at[CODE]]) if CODE in at else "", parent), level))
    if not out.levels:
        raise RatingError(f"{file} 的“{OVERVIEW}”中没有已评定的单位,没有可登记的{scheme.level_term}")
    return out


def _scheme(rules: list[list[Any]], named: Any, file: str) -> Scheme:
    """The 规则 sheet's scheme row, else 设置's 评定方案."""
    try:
        table = rows_to_table(rules, f"{file} 的“{RULES}”工作表") if rules else {}
    except Exception:  # noqa: BLE001 - a damaged 规则 sheet: 设置 names the scheme
        table = {}
    source = text_key(table.get(SCHEME_KEY)) or text_key(named)
    if not source:
        raise RatingError(f"{file} 的“{RULES}”和“{SETTINGS}”工作表都没有写明评定方案")
    try:
        return load_scheme(resolve_scheme(source))
    except Exception as exc:  # noqa: BLE001
        raise RatingError(f"{file} 的评定方案“{source}”无法载入:{exc}") from None
