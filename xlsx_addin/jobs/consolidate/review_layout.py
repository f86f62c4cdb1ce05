"""How the upper level's sheets (评分定级表, 上级复审) sit in the summary and print: after 晋星减星, A4 landscape,
one page wide, the header row repeated; 评分定级表 as the official 上级党组织评分定级表 (title and 评定组 in the page
header, 制表单位(盖章), 签字 and date lines in the footer)."""
from __future__ import annotations

from typing import Any

from xlsx_addin.contracts.review_sheet import FORM_TITLE, RECHECK, RECHECK_TITLE, REVIEW, SIGN_FOOTER
from xlsx_addin.contracts.summary import CHANGE_SHEETS, UPPER_SHEETS
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.io.books.kit.page import A4
from xlsx_addin.io.tables.table import Table
from xlsx_addin.io.tables.xlsx import Formats, wrapped_lines


def with_upper_sheets(order: list[str], tables: dict[str, Table]) -> list[str]:
    """`order` with the upper level's sheets the tables hold, after 晋星减星."""
    upper = [name for name in UPPER_SHEETS if name in tables and name not in order]
    if not upper:
        return order
    at = next((order.index(n) + 1 for n in CHANGE_SHEETS if n in order), len(order))
    return order[:at] + upper + order[at:]


def sets_text(t: Table) -> str:
    """评定组 named in the page header: the one set, or how many."""
    col = 2
    names = sorted({str(r[col]) for r in t.rows if len(r) > col and r[col]})
    if len(names) == 1:
        return names[0]
    return f"共{len(names)}个(见表内)" if names else ""


def set_breaks(t: Table) -> list[int]:
    """Sheet rows (0-based) where a new rating set begins: each set's units start a page of the form."""
    out, last = [], None
    for i, row in enumerate(t.rows):
        name = row[2] if len(row) > 2 and isinstance(row[0], str) and row[2] else None
        if name is None:
            continue
        if last is not None and name != last:
            out.append(i + 1)
        last = name
    return out


def upper_page_setup(ws: Any, t: Table, scheme: Scheme, f: Formats) -> None:
    """Print set-up of 评分定级表 / 上级复审 (after write_table has written the rows)."""
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.3, right=0.3, top=0.9, bottom=0.8)
    ws.hide_gridlines(0)
    height = max(wrapped_lines(h, w) for h, w in zip(t.header, t.widths)) if t.header else 2
    ws.set_row(0, 15 * max(height, 2), f.header)
    if t.name == REVIEW:
        ws.set_header(f"&L&10评定组:{_header_text(sets_text(t))}&C&16&B{FORM_TITLE}&R&10{_header_text(scheme.name)}",
                      {"margin": 0.3})
        ws.set_footer(SIGN_FOOTER, {"margin": 0.3})
        breaks = set_breaks(t)
        if breaks:
            ws.set_h_pagebreaks(breaks)
    elif t.name == RECHECK:
        ws.set_header(f"&C&14&B{RECHECK_TITLE}&R&10{_header_text(scheme.name)}", {"margin": 0.3})
        ws.set_footer("&L&10报送单位(盖章):____________&C&10第 &P 页,共 &N 页&R&10日期:____年__月__日",
                      {"margin": 0.3})


def _header_text(text: str) -> str:
    """Text safe inside a page header (& starts a code there)."""
    return text.replace("&", "&&")[:60]
