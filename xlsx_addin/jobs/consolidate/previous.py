"""Reading an earlier rating summary: last year's levels (--previous) and the clerk's columns."""
from __future__ import annotations

from pathlib import Path

from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.identity import text_key, unit_key
from xlsx_addin.io.tables.previous import records
from xlsx_addin.contracts.summary import CLERK_COLUMNS, CODE, NAME, OVERVIEW
from xlsx_addin.jobs.consolidate.sheets import Kept
from xlsx_addin.io.tables.previous import overview_rows

FINAL_HEADERS = ("最终星级", "最终等次")


def read_kept(path: Path | str) -> Kept:
    """The clerk's columns of every sheet that has them (整改台账, 晋星减星)."""
    return Kept({sheet: records(path, sheet) for sheet in CLERK_COLUMNS})


def read_previous_levels(path: Path | str) -> dict[str, str]:
    """Last year's final levels from the 一览表 of an earlier summary: {key: level name}.

    Keys are the units' keys (org_code, else org_name); every org_name is a key as well unless
    it is already taken, so a unit that gained a code this year is still found by its name."""
    header, rows = overview_rows(path)
    col = next((header.index(h) for h in FINAL_HEADERS if h in header), None)
    if col is None:
        raise RatingError(f"{path} 的“{OVERVIEW}”工作表没有“最终星级”或“最终等次”列")
    name_at = header.index(NAME)
    code_at = header.index(CODE) if CODE in header else None
    out: dict[str, str] = {}
    names: dict[str, str] = {}
    for row in rows:
        name = text_key(row[name_at]) if name_at < len(row) else ""
        level = text_key(row[col]) if col < len(row) else ""
        if not name or not level:
            continue
        code = text_key(row[code_at]) if code_at is not None and code_at < len(row) else ""
        out[unit_key(code, name)] = level
        names.setdefault(name, level)
    for name, level in names.items():
        out.setdefault(name, level)
    return out
