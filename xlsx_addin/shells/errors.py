"""What the clerk is told when a run fails: one mapping shared by the CLI, the window and the buttons.

- our errors (`RatingError` and its subclasses) → their own Chinese message;
- a file the system refused (`OSError`) → a Chinese message naming the file;
- anything else is a program fault: its traceback goes to a log file for the IT person, and the clerk reads
  a plain Chinese statement saying so and where the log is (never a traceback).

The log is the user's own (`log_dir`: %LOCALAPPDATA%\\xlsx-addin\\logs, ~/Library/Logs/xlsx-addin,
$XDG_STATE_HOME or ~/.local/state/xlsx-addin), never a shared file in the system temp folder, and it is written
only for a program fault.
"""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from xlsx_addin.model.errors import RatingError

APP = "xlsx-addin"
LOG_NAME = "xlsx-addin-error.log"


def log_dir() -> Path:
    """This user's log folder (XLSX_ADDIN_LOG_DIR wins: tests, portable installs)."""
    if os.environ.get("XLSX_ADDIN_LOG_DIR"):
        return Path(os.environ["XLSX_ADDIN_LOG_DIR"])
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / APP / "logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / APP
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / APP


def log_path() -> Path:
    return log_dir() / LOG_NAME


def write_log(text: str) -> Path | None:
    """Append text to the log for the IT person; None when even that cannot be written (disk full)."""
    log = log_path()
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
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
