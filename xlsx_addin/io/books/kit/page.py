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


# the footer of every summary's printed sheet: who made it and when, page numbers
SIGNED_FOOTER = "&L制表单位:__________&C第 &P 页,共 &N 页&R制表日期:____年__月__日"


def report_page_setup(ws: Any, *, landscape: bool, header: str, repeat: tuple[int, int] | None = None,
                      pages_wide: int | None = 1, repeat_columns: tuple[int, int] | None = None,
                      print_area: tuple[int, int, int, int] | None = None,
                      margins: tuple[float, float, float, float] = (0.4, 0.4, 0.75, 0.6)) -> None:
    """A printed sheet of a summary (汇总表, 台账汇总): A4, `pages_wide` pages wide (None: full size), `repeat` rows
    and `repeat_columns` on every page, centred, gridlines printed, `header` in bold in the middle of the page
    header, SIGNED_FOOTER below. margins: left, right, top, bottom (inches)."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if repeat is not None:
        ws.repeat_rows(*repeat)
    if repeat_columns is not None:
        ws.repeat_columns(*repeat_columns)
    if pages_wide is not None:
        ws.fit_to_pages(pages_wide, 0)
    if print_area is not None:
        ws.print_area(*print_area)
    ws.center_horizontally()
    left, right, top, bottom = margins
    ws.set_margins(left=left, right=right, top=top, bottom=bottom)
    ws.hide_gridlines(0)  # gridlines on screen and on paper
    ws.set_header(f"&C&14&B{header}")
    ws.set_footer(SIGNED_FOOTER)
