"""The 台账汇总 button of the summary workbook: the half-year ledgers' job from inside the open book.

`workbooks/huizong.py` hands the calling xlwings Book to `run_ledgers_in_book` (duck-typed, as excel.py:
`book.sheets[name].used_range.value`, `range(...).value`, `book.app.status_bar`, `book.fullname`). The
设置 sheet's 台账文件夹 / 期间 / 截止日期 rows are read; the ledgers job (ledgers/job.py run_ledgers) runs
and the CLI's writer (ledgers/writer.py) writes 台账汇总.xlsx beside the summary; where it went and how
many problems it lists go into the 台账汇总文件 / 台账问题数 rows and a message box.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable, Sequence

from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.identity import text_key
from xlsx_addin.contracts.ledger import parse_period
from xlsx_addin.jobs.ledgers.job import run_ledgers, settings_for
from xlsx_addin.jobs.ledgers.read import to_date
from xlsx_addin.jobs.ledgers.report import summary_lines
from xlsx_addin.jobs.ledgers.writer import write_ledger_summary
from xlsx_addin.contracts.summary import SETTINGS
from xlsx_addin.shells.buttons.book import MessageBox, Status, book_path, run_button, used_range
from xlsx_addin.shells.buttons.consolidate import progress_callback
from xlsx_addin.jobs.consolidate.settings_sheet import (
    S_AS_OF,
    S_LEDGER_DIR,
    S_LEDGER_OUT,
    S_LEDGER_PROBLEMS,
    S_PERIOD,
    resolve,
)

TITLE = "台账汇总"
OUT_NAME = "台账汇总.xlsx"  # written beside the summary workbook


def ledger_settings_from_rows(rows: Sequence[Sequence[Any]], base_dir: Path | None = None):
    """(ledger folder, Period, 截止日期 or None) from the 设置 rows; RatingError with a Chinese message."""
    values: dict[str, Any] = {}
    for row in rows:
        row = list(row) + [None, None]
        key = text_key(row[0])
        if key in (S_LEDGER_DIR, S_PERIOD, S_AS_OF) and key not in values:
            values[key] = row[1]
    folder = text_key(values.get(S_LEDGER_DIR))
    if not folder:
        raise RatingError(f"请在“设置”工作表填写“{S_LEDGER_DIR}”(各支部半年台账所在文件夹)")
    raw_period = values.get(S_PERIOD)
    if not text_key(raw_period):
        raise RatingError(f"请在“设置”工作表填写“{S_PERIOD}”,例如 2026H1(上半年)或 2026H2(下半年)")
    period = parse_period(text_key(raw_period))
    if period is None:
        raise RatingError(f"“设置”工作表中“{S_PERIOD}”的值“{text_key(raw_period)}”无效,应为 年份+H1(上半年)或 H2(下半年),"
                         "例如 2026H1")
    raw_day = values.get(S_AS_OF)
    try:
        day = to_date(raw_day)
    except ValueError:
        raise RatingError(f"“设置”工作表中“{S_AS_OF}”的值“{text_key(raw_day)}”不是日期,应为如 2026-07-20(不填为今天)") from None
    if isinstance(day, dt.datetime):
        day = day.date()
    return resolve(folder, base_dir), period, day


def run_ledgers_in_book(book, *, message_box: MessageBox | None = None, run: Callable[..., Any] | None = None,
                        write: Callable[..., Any] | None = None) -> Path | None:
    """Read the ledger rows of 设置, run the ledgers job, write 台账汇总.xlsx beside the book. None when refused."""
    run = run or run_ledgers
    write = write or write_ledger_summary

    def work(status: Status) -> tuple[Path, Callable[[float], str]]:
        path = book_path(book)
        if path is None:
            raise RatingError("请先把汇总表保存到本机文件夹,再点“台账汇总”(台账汇总表写在汇总表旁边)")
        status("台账汇总:正在读取设置……")
        folder, period, as_of = ledger_settings_from_rows(used_range(book.sheets[SETTINGS]), path.parent)
        if not folder.is_dir():
            raise RatingError(f"“设置”工作表中的“{S_LEDGER_DIR}” {folder} 不存在或不是文件夹")
        out = path.parent / OUT_NAME
        settings = settings_for(folder, period, as_of, exclude=(out, path),
                                previous=out if out.is_file() else None)
        result = run(settings, progress=progress_callback(status))
        status("台账汇总:正在写入台账汇总表……")
        write(result, out)
        _report(book, out, len(result.problems))
        lines = summary_lines(result, out)
        return out, lambda seconds: "\n".join(lines) + f"\n用时 {seconds:.1f} 秒。"

    return run_button(book, message_box, TITLE, work)


def _report(book, out: Path, problems: int) -> None:
    """台账汇总文件 / 台账问题数 in 设置 (the rows the template has; nothing when the clerk removed them)."""
    sheet = book.sheets[SETTINGS]
    for r, row in enumerate(used_range(sheet), 1):
        key = text_key(row[0]) if row else ""
        if key == S_LEDGER_OUT:
            sheet.range((r, 2)).value = [[str(out)]]
        elif key == S_LEDGER_PROBLEMS:
            sheet.range((r, 2)).value = [[problems]]
