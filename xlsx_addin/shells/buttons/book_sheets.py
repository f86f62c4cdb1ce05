"""The summary's sheets written into the open workbook (the button's half of write_summary): rows, print
areas, formats, charts, on a duck-typed xlwings Book; never imports xlwings."""
from __future__ import annotations

import re
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from xlsx_addin.io.tables.table import Table
from xlsx_addin.contracts.summary import (
    CATEGORY,
    CHANGES_GRADES,
    CHANGES,
    DATA_SHEETS,
    OVERVIEW,
    PROBLEMS,
    RAW,
    REPORTED,
    RULES,
    SETTINGS,
    STATS,
    UPPER_SHEETS,
)
from xlsx_addin.jobs.consolidate import carryover
from xlsx_addin.model.problems import Problem
from xlsx_addin.jobs.consolidate.model import Consolidation
from xlsx_addin.jobs.consolidate.sheets import QUOTA_CHART_COLUMNS, Kept
from xlsx_addin.jobs.consolidate.settings_sheet import RESULT_KEYS, RESULT_TITLE
from xlsx_addin.shells.buttons.book import book_path, screen_paused, used_range

_NUMBER_LIKE = re.compile(r"^\s*[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?%?\s*$|^\d{1,4}[-/]\d{1,2}([-/]\d{1,4})?$")


def cell_value(value: Any) -> Any:
    """What to assign through COM: text that Excel would turn into a formula, number or date gets a ' prefix
    (a formula the clerk typed in a column of their own stays a formula)."""
    if isinstance(value, carryover.Formula):
        return str(value)
    if isinstance(value, str) and value and (value[0] in "=+-@" or _NUMBER_LIKE.match(value)):
        return "'" + value
    return value


def table_block(t: Table) -> list[list[Any]]:
    """Header + rows, rectangular, safe to assign to a range."""
    width = max([len(t.header)] + [len(r) for r in t.rows])
    out = []
    for row in [t.header] + t.rows:
        out.append([cell_value(v) for v in row] + [None] * (width - len(row)))
    return out


def write_into_book(book, c: Consolidation, kept: Kept | None = None,
                    prev: carryover.Previous | None = None) -> list[Problem]:
    """Write every sheet's rows into the open book. With `prev` (the book as it stood), the clerk's columns,
    rows of units that left and the edits of computed cells are handled as by write_summary (carryover.py);
    the clerk's own sheets, notes and formats stay where Excel keeps them. Returns the clerk's edits of
    computed cells (listed in 问题清单)."""
    tables = c.kind.tables(c, carryover.kept_from(prev) if prev is not None else kept)
    carried = carryover.carry(c, tables, prev)
    carryover.record_folder(carried, c, book_path(book))
    if not all(name in tables for name in DATA_SHEETS):  # 双十星: its own sheets, as the CLI writes them
        write_sheets_into_book(book, tables)
        _record_into_book(book, carried)
        return carried.edits
    with screen_paused(book):
        for name in list(DATA_SHEETS) + [RULES]:
            _replace(book.sheets[name], table_block(tables[name]))
        for name in UPPER_SHEETS:  # the upper level's sheets, added after 晋星减星 to an older book
            if name in tables:
                _replace(_sheet(book, name, after=CHANGES), table_block(tables[name]))
        for name in (CATEGORY, CHANGES_GRADES):  # written when the scheme has it, else emptied (an earlier run's)
            try:
                _replace(_sheet(book, name, after=STATS) if name in tables else book.sheets[name],
                         table_block(tables[name]) if name in tables else [])
            except Exception:  # not there: nothing to empty
                pass
        if RAW in tables:
            raw = _sheet(book, RAW, after=PROBLEMS)
            _replace(raw, table_block(tables[RAW]))
            raw.visible = False  # the machine's sheet: not printed (as write_summary writes it)
        if REPORTED in tables:  # 上报情况: a run with a roster (roster.py)
            _replace(_sheet(book, REPORTED, after=STATS), table_block(tables[REPORTED]))
        _record_into_book(book, carried)
        _print_area(book.sheets[OVERVIEW], tables[OVERVIEW])
        _formats(book, tables)
        _settings_results(book.sheets[SETTINGS], tables[SETTINGS])
        _charts(book.sheets[STATS], tables[STATS])
        book.sheets[OVERVIEW].activate()
    return carried.edits


def _record_into_book(book, carried: carryover.Carried) -> None:
    """The program's hidden record of the rows it wrote (carryover.py), after 规则."""
    if carried.record is None:
        return
    record = _sheet(book, carryover.RECORD, after=RULES)
    _replace(record, table_block(carried.record))
    try:
        record.visible = False
    except Exception:  # noqa: BLE001 - an Excel that refuses hiding: the record still works
        pass


def write_sheets_into_book(book, tables: dict[str, Table]) -> None:
    """A consolidation of another kind (双十星) into the open book: every table of the kind (the rows the CLI
    writes), each on its sheet (added after the previous one when missing); 设置 gets its results only; the
    rating schemes' data sheets that it has no rows for are emptied (no stale rows of another scheme)."""
    names = list(tables)
    with screen_paused(book):
        for i, name in enumerate(names):
            if name == SETTINGS:
                _settings_results(book.sheets[SETTINGS], tables[SETTINGS])
                continue
            _replace(_sheet(book, name, after=names[i - 1] if i else SETTINGS), table_block(tables[name]))
        for name in (*DATA_SHEETS, *UPPER_SHEETS):
            if name not in tables:
                try:
                    _replace(book.sheets[name], [])
                except Exception:  # the clerk deleted it: nothing to empty
                    pass
        book.sheets[OVERVIEW].activate()


def _sheet(book, name: str, after: str):
    """The sheet `name`, added after `after` when the workbook has none yet."""
    try:
        return book.sheets[name]
    except Exception:
        return book.sheets.add(name, after=book.sheets[after])


def _replace(sheet, block: list[list[Any]]) -> None:
    old = used_range(sheet)
    rows = max(len(old), len(block), 1)
    cols = max(max((len(r) for r in old), default=1), len(block[0]) if block else 1)
    sheet.range((1, 1), (rows + 1, cols)).clear_contents()
    if block:
        sheet.range((1, 1)).value = block


def _print_area(sheet, t: Table) -> None:
    """一览表 prints every row just written, without 来源文件 (the template's area covers its header only)."""
    cols = t.print_setup.columns
    if not cols:
        return
    try:
        sheet.page_setup.print_area = f"$A$1:${xl_col_to_name(cols - 1)}${max(len(t.rows), 1) + 1}"
    except Exception:  # best effort: an old xlwings without page_setup
        pass


def _formats(book, tables: dict[str, Table]) -> None:
    """Number formats that follow the scheme (统计's columns depend on the number of levels)."""
    for name in (OVERVIEW, STATS):
        t = tables[name]
        last = max(len(t.rows) + 1, 2)
        for col, kind in enumerate(t.kinds):
            fmt = {"pct": "0.0%", "int": "0", "score": "General"}.get(kind)
            if fmt:
                try:
                    book.sheets[name].range((2, col + 1), (last, col + 1)).number_format = fmt
                except Exception:
                    pass


def _settings_results(sheet, t: Table) -> None:
    start = next(i for i, r in enumerate(t.rows) if r and r[0] == RESULT_TITLE)
    values = [[t.rows[start + 1 + k][1]] for k in range(len(RESULT_KEYS))]
    sheet.range((start + 3, 2)).value = values  # +1 header row, +1 one-based, +1 below the title


def _charts(sheet, t: Table) -> None:
    """Point the template's charts at the new rows and move them below the tables (best effort).

    Chart 1 shows the levels per set; charts 2… one cap/floor quota each (Table.stats)."""
    try:
        charts = list(sheet.charts)
    except Exception:
        return
    if not charts:
        return
    layout = t.stats
    if layout is None:
        return
    try:
        if layout.set_rows:
            last = layout.set_rows[1] + 2
            lo, hi = layout.level_cols
            charts[0].set_source_data(sheet.range(f"A1:A{last},{xl_col_to_name(lo)}1:{xl_col_to_name(hi)}{last}"))
        head = t.subheaders[0] + 2  # the quota table's header row (1-based)
        header = t.rows[t.subheaders[0]]
        for chart, group in zip(charts[1:], layout.quota_groups):
            g1, g2 = (x + 2 for x in group.rows)
            values = ",".join(f"{xl_col_to_name(header.index(n))}{g1}:{xl_col_to_name(header.index(n))}{g2}" for n in
                              QUOTA_CHART_COLUMNS)
            chart.set_source_data(sheet.range(f"A{g1}:A{g2},{values}"))
            _series_names(chart, [f"={_sheet_ref(t.name)}!${xl_col_to_name(header.index(n))}${head}"
                                  for n in QUOTA_CHART_COLUMNS])
        top = sheet.range((len(t.rows) + 4, 1)).top
        charts[0].top = top
        for k, chart in enumerate(charts[1:]):
            chart.top = top + (charts[0].height + 20) * (1 + k // 2)
    except Exception:
        pass


def _sheet_ref(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _series_names(chart, formulas: list[str]) -> None:
    """Series names after set_source_data (Windows Excel: chart.api is (ChartObject, Chart))."""
    try:
        com = chart.api[1]
        for i, formula in enumerate(formulas, 1):
            com.SeriesCollection(i).Name = formula
    except Exception:
        pass
