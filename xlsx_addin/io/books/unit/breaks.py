"""Manual page breaks of a planned sheet that keep blocks of rows together (an item with its sub-items, the
results with the signatures): a block that does not fit what is left of a page starts the next page.

The page's capacity is in the sheet's own points (row heights): an A4 portrait page of the 自评表, printed one
page wide, holds about 1,260 pt of rows in LibreOffice (measured on the committed workbooks); 1,200 leaves room
for Excel's and WPS's slightly different scaling. Pages after the first also carry the repeated header row.
"""
from __future__ import annotations

from typing import Sequence

from xlsx_addin.io.books.unit.layout import SheetPlan

PAGE_ROWS_PT = 1200.0
DEFAULT_ROW_PT = 15.0


def row_heights(sp: SheetPlan) -> dict[int, float]:
    """The heights the plan sets (set_row), by row."""
    return {args[0]: float(args[1]) for method, args, _ in sp.calls if method == "set_row" and len(args) > 1}


def keep_together(sp: SheetPlan, blocks: Sequence[tuple[int, int]], last_row: int, repeated: float = 0.0,
                  capacity: float = PAGE_ROWS_PT) -> list[int]:
    """Plan horizontal page breaks so that each block (first row, last row) stays on one page when it fits one;
    `repeated` is the height of the rows printed again at the top of every further page. The breaks (rows that
    start a page)."""
    heights = row_heights(sp)
    starts = {first: last for first, last in blocks}
    breaks: list[int] = []
    used, room = 0.0, capacity
    r = 0
    while r <= last_row:
        end = starts.get(r, r)
        need = sum(heights.get(k, DEFAULT_ROW_PT) for k in range(r, end + 1))
        if used + need > room and used > 0:
            breaks.append(r)
            used, room = repeated, capacity
        if need > room:  # a block taller than a page: its rows flow
            end = r
            need = heights.get(r, DEFAULT_ROW_PT)
            if used + need > room and used > repeated:
                breaks.append(r)
                used = repeated
        used += need
        r = end + 1
    if breaks:
        sp.call("set_h_pagebreaks", breaks)
    return breaks
