"""Reading an earlier summary workbook's sheets, bounded and in an isolated worker; its 整改台账 records.

Sheets are read with python-calamine by header names, so a clerk who moved or added columns
does not break anything; nothing in the file is executed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.files.pool import run_isolated
from xlsx_addin.model.identity import text_key
from xlsx_addin.io.package import Refused
from xlsx_addin.io.reader import sheet_names, sheet_rows
from xlsx_addin.io.tables.table import Records, records_from_rows
from xlsx_addin.contracts.summary import LEDGER, NAME, OVERVIEW


def read_sheet_rows(path: Path | str, sheet: str) -> list[list[Any]] | None:
    """All rows of one sheet (None when the workbook has no such sheet). RatingError when unreadable.

    Read with the reader's bounds in an isolated worker process (files/pool.py): a damaged or
    oversized summary is a message, never a crash of the run."""
    path = Path(path)
    kind, value = run_isolated([(str(path), sheet)], SheetReader(), 1, 1)[0]
    if kind == "rows":
        return value
    raise RatingError(f"无法读取汇总表 {path}:{value}")


def read_sheets_rows(path: Path | str, sheets: tuple[str, ...]) -> dict[str, list[list[Any]] | None]:
    """read_sheet_rows of several sheets, in one isolated worker (one process, not one per sheet)."""
    path = Path(path)
    done = run_isolated([(str(path), sheet) for sheet in sheets], SheetReader(), 1, len(sheets) or 1)
    out: dict[str, list[list[Any]] | None] = {}
    for sheet, (kind, value) in zip(sheets, done):
        if kind != "rows":
            raise RatingError(f"无法读取汇总表 {path}:{value}")
        out[sheet] = value
    return out


class SheetReader:
    """reader.sheet_rows as an isolated task: ("rows", rows or None) or ("refused", Chinese reason)."""

    def __call__(self, path: str, sheet: str) -> tuple[str, Any]:
        return self.guarded("rows", lambda: sheet_rows(path, sheet))

    @staticmethod
    def guarded(kind: str, read) -> tuple[str, Any]:
        """(kind, read()) or ("refused", the Chinese reason): a refusal never escapes the worker."""
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
    path = Path(path)
    kind, value = run_isolated([(str(path), "")], AllSheetsReader(), 1, 1)[0]
    if kind == "sheets":
        return value
    raise RatingError(f"无法读取汇总表 {path}:{value}")


class AllSheetsReader(SheetReader):
    """Every sheet of a workbook through reader.sheet_rows: ("sheets", {name: rows}) or ("refused", reason)."""

    def __call__(self, path: str, _unused: str) -> tuple[str, Any]:
        return self.guarded("sheets", lambda: {name: sheet_rows(path, name) or [] for name in sheet_names(path)})

    @staticmethod
    def failed(path: str, sheet: str, reason: str) -> tuple[str, Any]:
        return "refused", f"文件{reason}"


def records(path: Path | str, sheet: str) -> Records:
    rows = read_sheet_rows(path, sheet)
    return records_from_rows(from_header(rows or []))


def from_header(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows from the header row on: the first row that holds 党组织名称 (title rows above are skipped)."""
    for i, row in enumerate(rows[:20]):
        if any(text_key(v) == NAME for v in row):
            return rows[i:]
    return []


def read_ledger(path: Path | str) -> Records:
    """The 整改台账 of an earlier summary: {unit key: {header: value}} (key = org_code, else org_name).

    `Records.find(code, name)` looks a unit up by code, then by name."""
    return records(path, LEDGER)


__all__ = ["from_header", "overview_rows", "read_all_sheets", "read_ledger", "read_sheet_rows"]


def overview_rows(path: Path | str) -> tuple[list[str], list[list[Any]]]:
    """(header, data rows) of a rating summary's 一览表, from its header row on; RatingError when the file
    is no rating summary (the previous year's levels, the ledgers' seed and expected list read it)."""
    rows = read_sheet_rows(path, OVERVIEW)
    if rows is None:
        raise RatingError(f"{path} 不是星级评定汇总表:没有“{OVERVIEW}”工作表")
    rows = from_header(rows)
    if not rows:
        raise RatingError(f"{path} 的“{OVERVIEW}”工作表没有“{NAME}”列")
    return [text_key(h) for h in rows[0]], rows[1:]
