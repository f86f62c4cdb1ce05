"""The 登记台账 button of the summary workbook: the open book's levels added to the 星级管理台账.

`workbooks/huizong.py` hands the calling xlwings Book to `run_register_in_book` (duck-typed, as the other
buttons: `book.sheets[name].used_range.value`, `range(...).value`, `book.fullname`). The book's 一览表, 设置 and
规则 are read as they stand in the open book; 设置's 星级管理台账 names the register (blank: 星级管理台账.xlsx beside
the summary, then written into that row) and 台账年度 the year (blank: the year of 汇总日期). The register job
(jobs/register/job.py) writes it whole or not at all, as the CLI's `xlsx-addin register` does.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from xlsx_addin.contracts.summary import OVERVIEW, RULES, SETTINGS
from xlsx_addin.io.files.backups import DEFAULT_KEEP
from xlsx_addin.jobs.consolidate.settings_sheet import S_KEEP, S_REGISTER, S_REGISTER_YEAR, resolve
from xlsx_addin.jobs.register.job import Registered, register_to
from xlsx_addin.jobs.register.summary import from_sheets
from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.identity import text_key
from xlsx_addin.shells.buttons.book import MessageBox, Status, book_path, run_button, used_range

TITLE = "登记台账"
OUT_NAME = "星级管理台账.xlsx"  # beside the summary when 设置 names none


def register_settings(rows: list[list[Any]], base_dir: Path) -> tuple[Path, int | None, int, bool]:
    """(the register's path, the year or None, backups kept, whether 设置 named the register) from 设置's rows."""
    cells: dict[str, tuple[int, Any]] = {}
    for number, row in enumerate(rows, 1):
        row = list(row) + [None, None]
        key = text_key(row[0])
        if key in (S_REGISTER, S_REGISTER_YEAR, S_KEEP) and key not in cells and text_key(row[1]):
            cells[key] = (number, row[1])
    named = S_REGISTER in cells
    out = resolve(text_key(cells[S_REGISTER][1]), base_dir) if named else base_dir / OUT_NAME
    year = None
    if S_REGISTER_YEAR in cells:
        number, value = cells[S_REGISTER_YEAR]
        text = text_key(value)
        if not (text.isdigit() and len(text) == 4):
            raise RatingError(f"“{SETTINGS}”工作表第{number}行“{S_REGISTER_YEAR}”的值“{text}”无效,应为年份,如 2026(不填为汇总日期所在年度)")
        year = int(text)
    keep = DEFAULT_KEEP
    if S_KEEP in cells:
        text = text_key(cells[S_KEEP][1])
        keep = int(text) if text.isdigit() else DEFAULT_KEEP
    return out, year, keep, named


def run_register_in_book(book, *, message_box: MessageBox | None = None) -> Registered | None:
    """Add the open book's levels to the register; None when refused (the message box says why)."""
    def work(status: Status) -> tuple[Registered, Callable[[float], str]]:
        path = book_path(book)
        if path is None:
            raise RatingError("请先把汇总表保存到本机文件夹,再点“登记台账”(台账默认写在汇总表旁边)")
        status("登记台账:正在读取汇总表……")
        settings_rows = used_range(book.sheets[SETTINGS])
        out, year, keep, named = register_settings(settings_rows, path.parent)
        sheets = {SETTINGS: settings_rows, OVERVIEW: used_range(book.sheets[OVERVIEW])}
        try:
            sheets[RULES] = used_range(book.sheets[RULES])
        except Exception:  # noqa: BLE001 - no 规则 sheet: 设置's 评定方案 names the scheme
            pass
        summary = from_sheets(sheets, path.name, path)
        status("登记台账:正在写入星级管理台账……")
        done = register_to(summary, out, year=year, keep_backups=keep)
        note = []
        if not named:
            _name_register(book, out)
            note = [f"已在“{SETTINGS}”工作表的“{S_REGISTER}”中填入该台账:下一年度一键汇总时以它比较"
                    f"{'/'.join(summary.scheme.change_words)}。"]
        return done, lambda seconds: "\n".join(done.lines + note) + f"\n用时 {seconds:.1f} 秒。"

    return run_button(book, message_box, TITLE, work)


def _name_register(book, out: Path) -> None:
    """Write the register's file name into 设置's 星级管理台账 row (the row the template has)."""
    sheet = book.sheets[SETTINGS]
    for r, row in enumerate(used_range(sheet), 1):
        if row and text_key(row[0]) == S_REGISTER:
            sheet.range((r, 2)).value = [[out.name]]
            return
