"""What the clerk is told when a run fails: one mapping shared by the CLI, the window and the buttons.

- our errors (`RatingError` and its subclasses) → their own Chinese message;
- a file the system refused (`OSError`) → a Chinese message naming the file;
- anything else is a program fault: its traceback goes to a log file for the IT person, and the clerk reads
  a plain Chinese statement saying so and where the log is (never a traceback).
"""
from __future__ import annotations

import tempfile
import traceback
from pathlib import Path

from xlsx_addin.model.errors import RatingError

LOG_NAME = "xlsx-addin-error.log"


def log_path() -> Path:
    return Path(tempfile.gettempdir()) / LOG_NAME


def write_log(text: str) -> Path | None:
    """Append text to the log for the IT person; None when even that cannot be written (disk full)."""
    log = log_path()
    try:
        with open(log, "a", encoding="utf-8") as f:
            f.write(text + "\n")
        return log
    except OSError:
        return None


def is_program_fault(exc: BaseException) -> bool:
    """True for an exception the clerk cannot act on: neither our refusal nor a file the system refused."""
    return not isinstance(exc, (RatingError, OSError))


def clerk_message(exc: BaseException) -> str:
    """The Chinese message for `exc`; a program fault is logged (with its traceback) first."""
    if isinstance(exc, RatingError):
        return str(exc)
    if isinstance(exc, PermissionError):
        return f"文件无法写入(可能正在 Excel/WPS 中打开,请关闭后重试):{exc.filename or exc}"
    if isinstance(exc, OSError):
        return f"文件操作失败:{exc.strerror or exc}({exc.filename or ''})"
    log = write_log("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    where = f",详细信息已写入 {log}" if log else ""
    return f"程序内部错误{where},请发给技术支持人员。"
