"""A roster of the organisations expected to hand in (`--expect`): read from a list the clerk keeps.

Shared by the ledgers (`ledgers --expect`) and the consolidation (`consolidate --expect`, and the previous
summary's units when no list is given). A roster is 党组织名称 (and 党组织代码, 上级党组织 when given) of an
earlier 台账汇总 (汇总 and 未按时报送), a rating 汇总表 (一览表), any workbook with a 党组织名称 column, or a
text/CSV list in UTF-8 or GBK (one name a line, or a header row).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from xlsx_addin.contracts.summary import CODE, NAME, PARENT, SET
from xlsx_addin.io.tables.previous import read_sheet_rows
from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.identity import dedupe_key, text_key

EXPECT_SHEETS = ("汇总", "未按时报送", "一览表")
ALIASES = {"org_name": NAME, "名称": NAME, "党组织": NAME, "单位名称": NAME, "org_code": CODE, "代码": CODE,
           "parent_org": PARENT}


@dataclass
class Expected:
    """An organisation the upper level expects to hand in (a ledger, a unit workbook)."""

    org_name: str
    org_code: str = ""
    parent_org: str = ""
    set_name: str = ""  # 评定组, when the list gives one (a rating summary's 一览表)


def same_unit(a: Any, b: Any) -> bool:
    """The same organisation: by code when both have one, else by name (and upper level when both name one)."""
    if a.org_code and b.org_code:
        return bool(a.org_code == b.org_code)
    if a.org_name != b.org_name:
        return False
    return not (a.parent_org and b.parent_org) or a.parent_org == b.parent_org


def read_expected(path: Path) -> list[Expected]:
    """The roster of `path` (see the module notes); RatingError (Chinese) when it lists nobody or is unreadable."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        tables = _workbook_rows(path)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RatingError(f"无法读取应报送党组织名单 {path}:{exc.strerror or exc}") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", "replace")  # a list saved by Excel on a Chinese Windows
        dialect = "excel-tab" if "\t" in text else "excel"
        rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in r)]
        if rows and _header(rows[0]).count(NAME) == 0:
            rows = [[NAME]] + [[r[0]] for r in rows]
        tables = [rows] if rows else []
    out = from_tables(tables)
    if not out:
        raise RatingError(f"应报送党组织名单 {path} 中没有“{NAME}”列或没有党组织")
    return out


def from_tables(tables: Iterable[Sequence[Sequence[Any]]]) -> list[Expected]:
    """The organisations of tables whose first row is a header naming 党组织名称 (合计 rows skipped), once each."""
    out, seen = [], set()
    for rows in tables:
        if not rows:
            continue
        header = _header(rows[0])
        at = {h: header.index(h) for h in (NAME, CODE, PARENT, SET) if h in header}
        if NAME not in at:
            continue
        for row in rows[1:]:
            def get(h: str) -> str:
                i = at.get(h)
                return text_key(row[i]) if i is not None and i < len(row) else ""

            name = get(NAME)
            if not name or name in ("合计", "总计"):
                continue
            e = Expected(name, get(CODE), get(PARENT), get(SET))
            key = dedupe_key(e.org_code, e.parent_org, e.org_name)
            if key not in seen:
                seen.add(key)
                out.append(e)
    return out


def header_at(rows: Sequence[Sequence[Any]], within: int = 20) -> int | None:
    """The index of the first row (of the first `within`) that names 党组织名称, else None."""
    for i, row in enumerate(rows[:within]):
        if NAME in _header(row):
            return i
    return None


def _header(row: Sequence[Any]) -> list[str]:
    return [ALIASES.get(text_key(h), text_key(h)) for h in row]


def _workbook_rows(path: Path) -> list[list[list]]:
    """The tables of the sheets that list branches: 汇总 and 未按时报送 of a 台账汇总, 一览表 of a rating summary,
    else the first sheet with a 党组织名称 (or org_name) column."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = list(wb.sheet_names)
        wb.close()
    except Exception:  # noqa: BLE001 - calamine's own error types
        raise RatingError(f"无法读取应报送党组织名单 {path}:文件已损坏或不是 Excel 工作簿") from None
    out = []
    for sheet in [s for s in sheets if s in EXPECT_SHEETS] + [s for s in sheets if s not in EXPECT_SHEETS]:
        rows = read_sheet_rows(path, sheet) or []
        at = header_at(rows)
        if at is not None:
            out.append(rows[at:])
        if out and sheet not in EXPECT_SHEETS:
            break
    return out


__all__ = ["Expected", "from_tables", "read_expected", "same_unit"]
