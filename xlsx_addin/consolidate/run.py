"""一键汇总 to a file: check the output, consolidate, write the summary whole or not at all.

The CLI (`xlsx-addin consolidate`) and the window (`xlsx-addin gui`) run exactly this; the summary
workbook's button runs the same job inside Excel (excel.py).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import RatingError
from ..files.outpath import check_output, writing
from ..progress import Progress
from .job import consolidate
from .model import Consolidation
from .report import backup_lines, summary_lines
from .sets import check_settings
from .settings import Settings
from .writer import write_summary


@dataclass
class Run:
    consolidation: Consolidation
    out: Path  # the summary written
    lines: list[str]  # the Chinese report


def check_out(out: Path, settings: Settings) -> None:
    """Refuse an output that would be read, that is a folder, or of another type (before anything is read)."""
    check_output(out, settings.input_dir, settings.previous)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise RatingError(f"输出文件 {out} 的扩展名须为 .xlsx 或 .xlsm")
    if out.exists() and out.is_dir():
        raise RatingError(f"输出文件 {out} 是一个文件夹,请给出文件名(如 汇总表.xlsx)")


def consolidate_to(settings: Settings, out: Path, *, workers: int | None = None,
                   progress: Progress | None = None) -> Run:
    """Consolidate settings.input_dir into `out`; RatingError (Chinese) for bad settings or a failed write."""
    started = time.perf_counter()
    out = Path(out)
    check_settings(settings)
    check_out(out, settings)
    if workers is not None and workers < 1:
        raise RatingError("读取进程数(--workers)须至少为1")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RatingError(f"无法建立输出文件夹 {out.parent}:{exc.strerror or exc}") from None
    c = consolidate(settings, progress=progress, workers=workers)
    t = time.perf_counter()
    with writing(out):  # an OS error on writing: one Chinese message, nothing at `out` changed
        written = write_summary(c, out, keep_from=out if out.exists() else None)
    c.seconds["write"] = time.perf_counter() - t
    out_file = Path(written) if written else out
    return Run(c, out_file, summary_lines(c, out_file, time.perf_counter() - started) + backup_lines(c))
