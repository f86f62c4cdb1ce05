"""The 一键汇总 button's work inside the open summary workbook, on a duck-typed xlwings Book.

`workbooks/huizong.py` gets the calling book from xlwings and hands it to `run_in_book`; this
module never imports xlwings (it only uses `book.sheets[name].range(...).value`, `used_range`,
`clear_contents`, `number_format`, `charts` and `book.app.status_bar`), so it is tested with a
fake book. The rows come from sheets.summary_tables — the same rows write_summary formats.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable


from xlsx_addin.io.files import backups
from xlsx_addin.engine.scheme.overrides import rows_to_table
from xlsx_addin.io.tables.table import records_from_rows
from xlsx_addin.contracts.review_sheet import REVIEW
from xlsx_addin.contracts.summary import (
    CLERK_COLUMNS,
    OVERVIEW,
    REPORTED,
    RULES,
    SETTINGS,
)
from xlsx_addin.jobs.consolidate import carryover
from xlsx_addin.jobs.consolidate.model import Consolidation, Settings
from xlsx_addin.jobs.consolidate.sheets import Kept
from xlsx_addin.jobs.consolidate.settings_sheet import settings_from_rows
from xlsx_addin.jobs.consolidate.job import consolidate as run_consolidation
from xlsx_addin.jobs.consolidate.roster import reporting_line
from xlsx_addin.jobs.consolidate.review_read import Reviews, reviews_from_rows
from xlsx_addin.jobs.consolidate.sets import summary_scheme
from xlsx_addin.shells.buttons.book import MessageBox, Status, book_path, run_button, used_range
from xlsx_addin.shells.buttons.book_sheets import write_into_book

TITLE = "一键汇总"


def run_in_book(book, *, message_box: MessageBox | None = None,
                consolidate: Callable[..., Consolidation] | None = None) -> Consolidation | None:
    """Read 设置 and 规则 of `book`, consolidate, write every sheet's rows back. None when refused."""
    def work(status: Status) -> tuple[Consolidation, Callable[[float], str]]:
        status("一键汇总:正在读取设置……")
        settings = read_settings(book)
        prev = read_previous_from_book(book)
        if consolidate is None:  # the typed 上级评分 of the book's 评分定级表 rate their units (review_read.py)
            c = run_consolidation(settings, progress=progress_callback(status), replacing=_replaced_rows(prev),
                                  reviews=book_reviews(book, prev, settings))
        else:
            c = consolidate(settings, progress=progress_callback(status))
        status("一键汇总:正在写入汇总表……")
        path = book_path(book)
        backup = None
        if path is not None and path.is_file():  # the book as last saved, before this run changes it
            backup = backups.keep(path, settings.keep_backups)
        edits = len(write_into_book(book, c, prev=prev))
        return c, lambda seconds: summary_message(c, seconds, backup, edits)

    return run_button(book, message_box, TITLE, work, failed="汇总未完成")


def _replaced_rows(prev: carryover.Previous) -> dict[str, Any]:
    """The open book's 一览表 and 上报情况 rows: the units this run replaces (the job's roster and its guard)."""
    return {name: prev.sheets[name].rows for name in (OVERVIEW, REPORTED) if name in prev.sheets}








def summary_message(c: Consolidation, seconds: float, backup: Path | None = None, edits: int = 0) -> str:
    """The message after a run (edits: computed cells the clerk had changed, now in 问题清单)."""
    rectify = sum(1 for u in c.units if u.result.rectify)
    text = (f"汇总完成:读取文件 {c.files_seen} 个,评定单位 {len(c.units)} 个,"
            f"需整改 {rectify} 个,问题 {len(c.problems) + edits} 条,用时 {seconds:.1f} 秒。")
    if c.reporting is not None:
        text += "\n" + reporting_line(c.reporting)
    if c.warnings:
        text += f"\n注意:{len(c.warnings)}个评定组单位太少,配额按比例计算已失去意义(详见“统计”表):" + c.warnings[0]
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


def book_reviews(book, prev: carryover.Previous, settings: Settings) -> Reviews:
    """The typed 上级评分 of the open book's 评分定级表 (as it stands, before this run rewrites it)."""
    scheme = summary_scheme(settings)
    sheet = prev.sheets.get(REVIEW)
    if sheet is None or scheme.stars is not None:
        return Reviews(prev.file)
    return reviews_from_rows(sheet.rows, len(scheme.items), prev.file)


def read_kept_from_book(book) -> Kept:
    kept = Kept()
    for name in CLERK_COLUMNS:
        try:
            kept.sheets[name] = records_from_rows(used_range(book.sheets[name]))
        except Exception:  # a sheet the clerk deleted: nothing to keep
            continue
    return kept


# --- writing the book ----------------------------------------------------------------------
