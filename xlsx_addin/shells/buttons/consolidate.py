"""The 一键汇总 button's work inside the open summary workbook, on a duck-typed xlwings Book.

`workbooks/huizong.py` gets the calling book from xlwings and hands it to `run_in_book`; this
module never imports xlwings (it only uses `book.sheets[name].range(...).value`, `used_range`,
`clear_contents`, `number_format`, `charts` and `book.app.status_bar`), so it is tested with a
fake book. The rows come from sheets.summary_tables — the same rows write_summary formats.
"""
from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path
from typing import Any, Callable

from xlsxwriter.utility import xl_col_to_name

from xlsx_addin.io.files import backups
from xlsx_addin.engine.scheme.overrides import rows_to_table
from xlsx_addin.io.tables.table import Table, records_from_rows
from xlsx_addin.contracts.summary import (
    CATEGORY,
    CHANGES_GRADES,
    CLERK_COLUMNS,
    DATA_SHEETS,
    OVERVIEW,
    PROBLEMS,
    RAW,
    RULES,
    SETTINGS,
    STATS,
)
from xlsx_addin.jobs.consolidate import carryover
from xlsx_addin.model.problems import Problem
from xlsx_addin.jobs.consolidate.model import Consolidation, Settings
from xlsx_addin.jobs.consolidate.sheets import QUOTA_CHART_COLUMNS, Kept
from xlsx_addin.jobs.consolidate.settings_sheet import RESULT_KEYS, RESULT_TITLE, settings_from_rows
from xlsx_addin.jobs.consolidate.job import consolidate as run_consolidation
from xlsx_addin.shells.errors import clerk_message

MessageBox = Callable[[Any, str, str], Any]
TITLE = "一键汇总"
_NUMBER_LIKE = re.compile(r"^\s*[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?%?\s*$|^\d{1,4}[-/]\d{1,2}([-/]\d{1,4})?$")


def run_in_book(book, *, message_box: MessageBox | None = None,
                consolidate: Callable[..., Consolidation] | None = None) -> Consolidation | None:
    """Read 设置 and 规则 of `book`, consolidate, write every sheet's rows back. None when refused."""
    start = time.perf_counter()
    status, tell = status_bar(book), teller(book, message_box, TITLE)
    try:
        status("一键汇总:正在读取设置……")
        settings = read_settings(book)
        prev = read_previous_from_book(book)
        c = (consolidate or run_consolidation)(settings, progress=progress_callback(status))
        status("一键汇总:正在写入汇总表……")
        path = book_path(book)
        backup = None
        if path is not None and path.is_file():  # the book as last saved, before this run changes it
            backup = backups.keep(path, settings.keep_backups)
        edits = len(write_into_book(book, c, prev=prev))
    except Exception as exc:  # never a traceback for a clerk (shells/errors.py)
        status(False)
        tell(f"汇总未完成:{clerk_message(exc)}")
        return None
    status(False)
    tell(summary_message(c, time.perf_counter() - start, backup, edits))
    return c


def status_bar(book) -> Callable[[str | bool], None]:
    """Show a text in Excel's status bar (False gives it back to Excel); never fails (it is a nicety)."""
    def status(text: str | bool) -> None:
        try:
            book.app.status_bar = text
        except Exception:
            pass

    return status


def teller(book, message_box: MessageBox | None, title: str) -> Callable[[str], None]:
    """Tell the clerk in a message box, when the caller gave one."""
    def tell(text: str) -> None:
        if message_box is not None:
            message_box(book, title, text)

    return tell


@contextlib.contextmanager
def screen_paused(book):
    """No screen updates while the sheets are written (best effort: an old Excel may refuse)."""
    try:
        book.app.screen_updating = False
    except Exception:
        pass
    try:
        yield
    finally:
        try:
            book.app.screen_updating = True
        except Exception:
            pass


def summary_message(c: Consolidation, seconds: float, backup: Path | None = None, edits: int = 0) -> str:
    """The message after a run (edits: computed cells the clerk had changed, now in 问题清单)."""
    rectify = sum(1 for u in c.units if u.result.rectify)
    text = (f"汇总完成:读取文件 {c.files_seen} 个,评定单位 {len(c.units)} 个,"
            f"需整改 {rectify} 个,问题 {len(c.problems) + edits} 条,用时 {seconds:.1f} 秒。")
    if edits:
        text += f"\n汇总表中有{edits}处计算结果被手工改动,已按规则重新计算,原值列在“问题清单”中。"
    if c.problems or edits:
        text += "\n请查看“问题清单”工作表。"
    if backup is not None:
        text += f"\n上次保存的汇总表已备份为:{backup}"
    return text


def progress_callback(status: Callable[[str], None]) -> Callable[..., None]:
    """A progress callback that accepts (done, total[, text]), (text) or keyword forms."""
    last = [0.0]

    def progress(*args: Any, **kw: Any) -> None:
        now = time.perf_counter()
        if now - last[0] < 0.2:
            return
        last[0] = now
        numbers = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
        texts = [a for a in args if isinstance(a, str)] + [str(v) for v in kw.values() if isinstance(v, str)]
        done = kw.get("done", numbers[0] if numbers else None)
        total = kw.get("total", numbers[1] if len(numbers) > 1 else None)
        text = "一键汇总:" + (texts[0] if texts else "正在读取填报表")
        if done is not None and total:
            text += f" {int(done)}/{int(total)}"
        status(text)

    return progress


# --- reading the book ----------------------------------------------------------------------
def _rows(value: Any) -> list[list[Any]]:
    """A range's value as rows (xlwings gives a scalar for one cell and a flat list for one row)."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if value and not isinstance(value[0], (list, tuple)):
        return [list(value)]
    return [list(r) for r in value]


def used_range(sheet) -> list[list[Any]]:
    return _rows(sheet.used_range.value)


def book_path(book) -> Path | None:
    full = getattr(book, "fullname", None)
    if not full or "://" in str(full):
        return None
    return Path(str(full))


def read_settings(book) -> Settings:
    """The 设置 sheet and the summary's own 规则 sheet, by the precedence of consolidate/settings.py."""
    path = book_path(book)
    try:
        table = rows_to_table(used_range(book.sheets[RULES]), "汇总表“规则”工作表")
    except Exception:  # no 规则 sheet, or an unreadable one: the scheme's own numbers apply
        table = {}
    return settings_from_rows(used_range(book.sheets[SETTINGS]), path.parent if path else None, rules=table or None,
                              out=path)


def read_previous_from_book(book) -> carryover.Previous:
    """Every sheet of the open book as it stands (the previous run's rows and whatever the clerk typed)."""
    sheets: dict[str, list[list[Any]]] = {}
    try:
        every = list(book.sheets)
    except Exception:
        every = []
    for sheet in every:
        try:
            if isinstance(sheet, str):  # a mapping of sheets by name
                sheet = book.sheets[sheet]
            sheets[sheet.name] = used_range(sheet)
        except Exception:  # a chart sheet or the like: nothing to carry by rows
            continue
    path = book_path(book)
    return carryover.from_rows(sheets, file=path.name if path else "")


def read_kept_from_book(book) -> Kept:
    kept = Kept()
    for name in CLERK_COLUMNS:
        try:
            kept.sheets[name] = records_from_rows(used_range(book.sheets[name]))
        except Exception:  # a sheet the clerk deleted: nothing to keep
            continue
    return kept


# --- writing the book ----------------------------------------------------------------------
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
    if not all(name in tables for name in DATA_SHEETS):  # 双十星: its own sheets, as the CLI writes them
        write_sheets_into_book(book, tables)
        _record_into_book(book, carried)
        return carried.edits
    with screen_paused(book):
        for name in list(DATA_SHEETS) + [RULES]:
            _replace(book.sheets[name], table_block(tables[name]))
        for name in (CATEGORY, CHANGES_GRADES):  # written when the scheme has it, else emptied (an earlier run's)
            try:
                _replace(_sheet(book, name, after=STATS) if name in tables else book.sheets[name],
                         table_block(tables[name]) if name in tables else [])
            except Exception:  # not there: nothing to empty
                pass
        if RAW in tables:
            _replace(_sheet(book, RAW, after=PROBLEMS), table_block(tables[RAW]))
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
        for name in DATA_SHEETS:
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
