"""Reading an earlier summary workbook: last year's levels (--previous) and the clerk's columns.

Sheets are read with python-calamine by header names, so a clerk who moved or added columns
does not break anything; nothing in the file is executed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import RatingError
from .sheets import CODE, CLERK_COLUMNS, LEDGER, NAME, OVERVIEW, Kept, Records, records_from_rows, text_key, unit_key

FINAL_HEADERS = ("最终星级", "最终等次")


def read_sheet_rows(path: Path | str, sheet: str) -> list[list[Any]] | None:
    """All rows of one sheet (None when the workbook has no such sheet). RatingError when unreadable.

    Read with the reader's bounds in an isolated worker process (consolidate/pool.py): a damaged or
    oversized summary is a message, never a crash of the run."""
    from .pool import run_isolated

    path = Path(path)
    kind, value = run_isolated([(str(path), sheet)], SheetReader(), 1, 1)[0]
    if kind == "rows":
        return value
    raise RatingError(f"无法读取汇总表 {path}:{value}")


class SheetReader:
    """reader.sheet_rows as an isolated task: ("rows", rows or None) or ("refused", Chinese reason)."""

    def __call__(self, path: str, sheet: str) -> tuple[str, Any]:
        from ..reader import sheet_rows

        return self.guarded("rows", lambda: sheet_rows(path, sheet))

    @staticmethod
    def guarded(kind: str, read) -> tuple[str, Any]:
        """(kind, read()) or ("refused", the Chinese reason): a refusal never escapes the worker."""
        from ..package import Refused

        try:
            return kind, read()
        except Refused as why:
            return "refused", str(why)
        except MemoryError:
            return "refused", "文件过大,读取时内存不足"
        except Exception as exc:  # noqa: BLE001
            return "refused", f"读取时发生意外错误({type(exc).__name__})"

    @staticmethod
    def failed(path: str, sheet: str, reason: str) -> tuple[str, Any]:
        return "refused", f"工作表“{sheet}”{reason}"


def read_all_sheets(path: Path | str) -> dict[str, list[list[Any]]]:
    """Every sheet's rows of an earlier summary (the carry-over's source), bounded and isolated as
    read_sheet_rows: RatingError when it cannot be read safely."""
    from .pool import run_isolated

    path = Path(path)
    kind, value = run_isolated([(str(path), "")], AllSheetsReader(), 1, 1)[0]
    if kind == "sheets":
        return value
    raise RatingError(f"无法读取汇总表 {path}:{value}")


class AllSheetsReader(SheetReader):
    """Every sheet of a workbook through reader.sheet_rows: ("sheets", {name: rows}) or ("refused", reason)."""

    def __call__(self, path: str, _unused: str) -> tuple[str, Any]:
        from ..reader import sheet_names, sheet_rows

        return self.guarded("sheets", lambda: {name: sheet_rows(path, name) or [] for name in sheet_names(path)})

    @staticmethod
    def failed(path: str, sheet: str, reason: str) -> tuple[str, Any]:
        return "refused", f"文件{reason}"


def _records(path: Path | str, sheet: str) -> Records:
    rows = read_sheet_rows(path, sheet)
    return records_from_rows(_from_header(rows or []))


def _from_header(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows from the header row on: the first row that holds 党组织名称 (title rows above are skipped)."""
    for i, row in enumerate(rows[:20]):
        if any(text_key(v) == NAME for v in row):
            return rows[i:]
    return []


def read_ledger(path: Path | str) -> Records:
    """The 整改台账 of an earlier summary: {unit key: {header: value}} (key = org_code, else org_name).

    `Records.find(code, name)` looks a unit up by code, then by name."""
    return _records(path, LEDGER)


def read_kept(path: Path | str) -> Kept:
    """The clerk's columns of every sheet that has them (整改台账, 晋星减星)."""
    return Kept({sheet: _records(path, sheet) for sheet in CLERK_COLUMNS})


def read_previous_levels(path: Path | str) -> dict[str, str]:
    """Last year's final levels from the 一览表 of an earlier summary: {key: level name}.

    Keys are the units' keys (org_code, else org_name); every org_name is a key as well unless
    it is already taken, so a unit that gained a code this year is still found by its name."""
    rows = read_sheet_rows(path, OVERVIEW)
    if rows is None:
        raise RatingError(f"{path} 不是汇总表:没有“{OVERVIEW}”工作表")
    rows = _from_header(rows)
    if not rows:
        raise RatingError(f"{path} 的“{OVERVIEW}”工作表没有“{NAME}”列")
    header = [text_key(h) for h in rows[0]]
    col = next((header.index(h) for h in FINAL_HEADERS if h in header), None)
    if col is None:
        raise RatingError(f"{path} 的“{OVERVIEW}”工作表没有“最终星级”或“最终等次”列")
    name_at = header.index(NAME)
    code_at = header.index(CODE) if CODE in header else None
    out: dict[str, str] = {}
    names: dict[str, str] = {}
    for row in rows[1:]:
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


__all__ = ["read_kept", "read_ledger", "read_previous_levels", "read_sheet_rows"]
