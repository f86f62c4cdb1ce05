"""The open summary workbook as the buttons see it: a duck-typed xlwings Book (`sheets[name].used_range.value`,
`fullname`, `app.status_bar`, `app.screen_updating`); this module never imports xlwings."""
from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

from xlsx_addin.shells.errors import clerk_message

MessageBox = Callable[[Any, str, str], Any]
Status = Callable[[str | bool], None]
T = TypeVar("T")


def run_button(book, message_box: MessageBox | None, title: str,
               work: Callable[[Status], tuple[T, Callable[[float], str]]], failed: str | None = None) -> T | None:
    """One button's run: `work(status)` does the job and returns its result and the message for the seconds it
    took. Any failure is told in Chinese (shells/errors.py) and gives None, never a traceback; the status bar is
    given back to Excel either way. `failed` begins the message of a failure (default: `<title>未完成`)."""
    start = time.perf_counter()
    status, tell = status_bar(book), teller(book, message_box, title)
    try:
        result, message = work(status)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the clerk reads why
        status(False)
        tell(f"{failed or title + '未完成'}:{clerk_message(exc)}")
        return None
    status(False)
    tell(message(time.perf_counter() - start))
    return result


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


def rows_of(value: Any) -> list[list[Any]]:
    """A range's value as rows (xlwings gives a scalar for one cell and a flat list for one row)."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if value and not isinstance(value[0], (list, tuple)):
        return [list(value)]
    return [list(r) for r in value]


def used_range(sheet) -> list[list[Any]]:
    return rows_of(sheet.used_range.value)


def book_path(book) -> Path | None:
    full = getattr(book, "fullname", None)
    if not full or "://" in str(full):
        return None
    return Path(str(full))
