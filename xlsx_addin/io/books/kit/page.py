"""Cell references and page set-up shared by the workbook builders."""
from __future__ import annotations

from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

A4 = 9  # XlsxWriter's paper index
PAGE_FOOTER = "&C&9第 &P 页,共 &N 页"
MARGINS = (0.5, 0.5, 0.7, 0.7)  # left, right, top, bottom (inches)


def abs_ref(sheet: str, r1: int, c1: int, r2: int | None = None, c2: int | None = None, *,
            collapse: bool = False) -> str:
    """'sheet'!$A$1, or the range 'sheet'!$A$1:$B$2 when (r2, c2) is given; `collapse` writes a one-cell range
    as its cell. No leading "=" (a defined name's formula adds it)."""
    ref = xl_rowcol_to_cell(r1, c1, row_abs=True, col_abs=True)
    if r2 is not None and c2 is not None and not (collapse and (r2, c2) == (r1, c1)):
        ref += ":" + xl_rowcol_to_cell(r2, c2, row_abs=True, col_abs=True)
    return f"'{sheet}'!{ref}"


def page_calls(*, landscape: bool = False, fit_height: int = 0, margins: tuple[float, ...] = MARGINS,
               repeat: tuple[int, int] | None = None, title: str | None = None, footer: str = PAGE_FOOTER,
               print_area: tuple[int, int, int, int] | None = None) -> list[tuple[str, tuple]]:
    """The XlsxWriter calls of a printed sheet: A4, the orientation, one page wide (`fit_height` pages high,
    0 = as many as needed), centred, `repeat` rows on every page, the sheet's `title` and name in the header
    (None: no header), page numbers in the footer."""
    calls: list[tuple[str, tuple]] = [("set_paper", (A4,)), ("set_landscape" if landscape else "set_portrait", ()),
                                      ("fit_to_pages", (1, fit_height)), ("set_margins", margins),
                                      ("center_horizontally", ())]
    if repeat is not None:
        calls.append(("repeat_rows", repeat))
    if print_area is not None:
        calls.append(("print_area", print_area))
    if title is not None:
        calls.append(("set_header", (f"&L&9{title}&R&9&A",)))
    calls.append(("set_footer", (footer,)))
    return calls


def page_setup(ws: Any, **options: Any) -> None:
    """Apply page_calls(**options) to a worksheet."""
    for method, args in page_calls(**options):
        getattr(ws, method)(*args)
