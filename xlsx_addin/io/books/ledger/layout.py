"""Shared by the ledger workbook's builder (ledger.py) and its live checks (ledger_checks.py): sheet
positions, the live counts, A1 ranges of the tables' columns."""
from __future__ import annotations

from typing import Any, Mapping

from xlsxwriter.utility import xl_col_to_name

import datetime as dt

from xlsx_addin.contracts.ledger import ROWS, TableSpec
from xlsx_addin.io.books.kit.page import abs_ref, page_setup
from xlsx_addin.io.tables.xlsx import write_any

CREATED = dt.datetime(2026, 1, 1)

GUIDE = "填表说明"

INFO = "基本信息"

HEAD_ROW = 4  # 0-based row of every table's header: title, subtitle, live counts above it

FIRST = HEAD_ROW + 1

DATE_FORMAT = "yyyy-mm-dd"

TABLE_STYLE = "Table Style Light 9"

OVERDUE_FILL, LATE_FILL = "#F8CBAD", "#FFE699"


# the live counts (defined names on 基本信息): what the job counts, for the clerk to see while typing
LIVE = {
    "live_commitments": "承诺事项数",
    "live_done": "已完成",
    "live_done_late": "其中逾期完成",
    "live_overdue": "逾期未完成",
    "live_members": "党员名单人数",
    "live_no_commitment": "未作承诺的党员",
    "live_not_reviewed": "本期未被点评的党员",
    "live_mass_present": "群众评议参加人数",
    "live_mass_satisfaction": "群众评议满意率",
    "live_rect_total": "整改事项数",
    "live_rect_open": "未销号",
    "live_rect_overdue": "其中逾期未销号",
    "live_rect_closed": "已销号",
}


class Layout:
    """Where each table's columns sit: A1 ranges of data rows for the formulas."""

    def __init__(self, specs: Mapping[str, TableSpec]):
        self.specs = specs

    def col(self, table: str, header: str) -> str:
        spec = self.specs[table]
        c = spec.headers.index(header)
        return abs_ref(spec.sheet, FIRST, c, FIRST + spec.rows - 1, c)

    def local(self, table: str, header: str) -> str:
        """The same range without the sheet (formulas on the table's own sheet)."""
        spec = self.specs[table]
        c = xl_col_to_name(spec.headers.index(header))
        return f"${c}${FIRST + 1}:${c}${FIRST + spec.rows}"

    def cell(self, table: str, header: str, row: int) -> str:
        """A relative cell of a data row (0-based sheet row) on the table's own sheet."""
        c = xl_col_to_name(self.specs[table].headers.index(header))
        return f"${c}{row + 1}"


def put_input(ws, r: int, c: int, value: Any, fmt) -> None:
    """One input cell, styled even when blank; text stays text, dates are dates."""
    write_any(ws, r, c, value, fmt, fmt)


def date_rule(what: str) -> dict:
    return {"validate": "date", "criteria": "between", "minimum": MIN_DATE, "maximum": MAX_DATE,
            "error_title": what, "error_message": "请填写日期,例如 2026-06-30",
            "input_title": what, "input_message": "日期,例如 2026-06-30"}


# 附件三至六 and 整改台账 are reported to the upper level signed and sealed: on every printed page
SIGNED_FOOTER = "&L&9填表人:________    党支部书记(签字):________&C&9第 &P 页,共 &N 页&R&9党支部(盖章)    ____年__月__日"


def print_setup(ws, *, landscape: bool, last_col: int, rows: int = ROWS, last_row: int | None = None) -> None:
    """A4, one page wide; a table repeats its header row and prints the signature/seal/date footer;
    `last_row` ends the printed rows of a sheet that is not a table (the guide's part for IT staff is not printed)."""
    table = ws.name not in (GUIDE, INFO)
    area = (0, 0, FIRST + rows - 1, last_col) if table else ((0, 0, last_row, last_col) if last_row is not None else None)
    page_setup(ws, landscape=landscape, margins=(0.4, 0.4, 0.7, 0.6), title="创先争优半年台账",
               footer=SIGNED_FOOTER if table and ws.name != "党员名单" else "&C第 &P 页,共 &N 页",
               repeat=(HEAD_ROW, HEAD_ROW) if table else None, print_area=area)
    # no password: the grey formulas are kept from slips, the yellow cells stay open; filter, sort, widths allowed
    ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True, "autofilter": True, "sort": True})

MIN_DATE, MAX_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
