"""The register workbook with XlsxWriter, written whole or not at all (io/tables/xlsx.py atomic_write: a temporary
file beside it, the previous register kept as a dated backup, then moved into place)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from xlsx_addin.contracts import register as reg
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.io.books.kit.page import report_page_setup
from xlsx_addin.io.books.kit.workbook import new_workbook
from xlsx_addin.io.files.outpath import writing
from xlsx_addin.io.tables.xlsx import Formats, atomic_write, write_any, write_table
from xlsx_addin.jobs.register.tables import Merged

WHAT = "星级管理台账"


def write_register(merged: Merged, clerk_rows: dict[str, list[list[Any]]], scheme: Scheme, out: Path,
                   keep_backups: int) -> Path | None:
    """Write the register to `out`; returns the dated backup of the previous one (None when there was none).
    RatingError (Chinese) on any OS error of the write; nothing at `out` changes then."""
    with writing(out, WHAT):
        return atomic_write(out, lambda tmp: render(tmp, merged, clerk_rows, scheme), keep_backups=keep_backups)


def render(path: Path, merged: Merged, clerk_rows: dict[str, list[list[Any]]], scheme: Scheme) -> None:
    wb = new_workbook(path, in_memory=False)
    try:
        wb.set_properties({"title": f"{scheme.name}星级管理台账", "subject": "星级管理台账(动态管理)",
                           "author": "xlsx-addin", "comments": f"评定方案 {scheme.id}"})
        f = Formats(wb)
        order = list(merged.tables)
        for after, name in merged.clerk_sheets:
            order.insert(order.index(after) + 1 if after in order else len(order), name)
        for name in order:
            ws = wb.add_worksheet(name)
            if name in merged.tables:
                t = merged.tables[name]
                write_table(ws, t, f)
                report_page_setup(ws, landscape=True, header=f"{scheme.name}{name}", repeat=(0, 0))  # A4, one page wide
                if name == reg.CHECKS:
                    _check_inputs(ws, t.header, scheme)
                if name == reg.LEVELS:
                    ws.activate()
            else:
                _clerk_sheet(ws, clerk_rows.get(name) or [], f)
    finally:
        wb.close()


def _check_inputs(ws, header: list[str], scheme: Scheme) -> None:
    """复验记录: 调整为 from the scheme's levels, 日期 as a date (Chinese prompts)."""
    if reg.CHECK_LEVEL in header:
        j = header.index(reg.CHECK_LEVEL)
        ws.data_validation(1, j, 2000, j, {"validate": "list", "source": [lv.name for lv in scheme.levels],
                                           "input_title": "调整为", "input_message": "复验降级后的层级;不降级的留空",
                                           "error_type": "warning", "error_title": "层级不在列表中",
                                           "error_message": f"请从列表选择本方案的{scheme.level_term}"})
    if reg.CHECK_DATE in header:
        j = header.index(reg.CHECK_DATE)
        ws.data_validation(1, j, 2000, j, {"validate": "date", "criteria": ">", "value": dt.date(2000, 1, 1),
                                           "input_title": "复验日期", "input_message": "如 2026-06-15;降级自该日期起生效",
                                           "error_type": "warning", "error_title": "日期",
                                           "error_message": "请填写日期,如 2026-06-15"})


def _clerk_sheet(ws, rows: list[list[Any]], f: Formats) -> None:
    """A sheet the clerk added to the register: its values back as they were."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and value != "":
                write_any(ws, r, c, value, None, f.date)
    ws.set_paper(9)
