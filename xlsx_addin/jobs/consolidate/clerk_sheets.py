"""What a summary writer adds besides its own tables: the sheets the clerk added to the previous summary, back
where they stood, and the program's hidden record of the rows it wrote (carryover.py). Shared by the rating
and the 双十星 writers."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable

from xlsx_addin.io.tables.table import Table
from xlsx_addin.io.tables.xlsx import Formats, write_any
from xlsx_addin.jobs.consolidate.carryover import RECORD, Carried
from xlsx_addin.jobs.consolidate.previous_book import PrevSheet


def write_sheets(wb: Any, order: list[str], carried: Carried | None, f: Formats, fill: Callable[[str, Any], None],
                 extra: Iterable[str] = ()) -> dict[str, Any]:
    """The summary's sheets in `order`, the clerk's own sheets back after the sheet each followed, then the `extra`
    sheets and the hidden record. `fill(name, ws)` writes each of the program's sheets; the clerk's and the record
    are written here. Every sheet by name."""
    clerk: dict[str, PrevSheet] = {}
    for after, sheet in (carried.sheets if carried else []):
        order.insert(order.index(after) + 1 if after in order else len(order), sheet.name)
        clerk[sheet.name] = sheet
    sheets = {name: wb.add_worksheet(name) for name in [*order, *extra]}
    if carried is not None and carried.record is not None:
        sheets[RECORD] = wb.add_worksheet(RECORD)
        write_record(sheets[RECORD], carried.record)
    for name in order:
        if name in clerk:
            write_clerk_sheet(sheets[name], clerk[name], f)
        else:
            fill(name, sheets[name])
    return sheets


def write_clerk_sheet(ws, sheet: PrevSheet, f: Formats) -> None:
    """A sheet the clerk added to the previous summary: values, formulas, number formats and notes back."""
    for r, row in enumerate(sheet.rows):
        for col, value in enumerate(row):
            fmt = sheet.formats.get((r, col))
            if value is None or value == "":
                if fmt:
                    ws.write_blank(r, col, None, f.plain_as(fmt))
                continue
            if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)) and not fmt:
                fmt = "yyyy-mm-dd" if isinstance(value, dt.date) else "hh:mm:ss"
            write_any(ws, r, col, value, f.plain_as(fmt), f.plain_as(fmt or "yyyy-mm-dd"))
    for col, width in sheet.widths.items():
        ws.set_column(col, col, width)
    for (r, col), (text, author) in sheet.comments.items():
        ws.write_comment(r, col, text, {"author": author, "x_scale": 1.5, "y_scale": 1.5})
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def write_record(ws, t: Table) -> None:
    """The program's hidden record of the rows it wrote (carryover.py): text only, never printed."""
    ws.write_row(0, 0, t.header)
    ws.freeze_panes(1, 0)
    for r, row in enumerate(t.rows, 1):
        for col, value in enumerate(row):
            ws.write_string(r, col, str(value))
    ws.hide()
