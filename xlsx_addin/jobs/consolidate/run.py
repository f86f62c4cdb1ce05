"""一键汇总 to a file: check the output, consolidate, write the summary whole or not at all.

The CLI (`xlsx-addin consolidate`) and the window (`xlsx-addin gui`) run exactly this; the summary
workbook's button runs the same job inside Excel (excel.py).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.files.outpath import writing
from xlsx_addin.model.progress import Progress
from xlsx_addin.jobs.consolidate.job import consolidate
from xlsx_addin.jobs.consolidate.model import Consolidation
from xlsx_addin.jobs.consolidate.report import backup_lines, summary_lines
from xlsx_addin.jobs.consolidate.settings import Settings
from xlsx_addin.jobs.consolidate.writer import write_summary


@dataclass
class Run:
    consolidation: Consolidation
    out: Path  # the summary written
    lines: list[str]  # the Chinese report


def consolidate_to(settings: Settings, out: Path, *, workers: int | None = None,
                   progress: Progress | None = None) -> Run:
    """Consolidate settings.input_dir into `out`; RatingError (Chinese) for bad settings or a failed write."""
    started = time.perf_counter()
    out = Path(out)
    if workers is not None and workers < 1:
        raise RatingError("读取进程数(--workers)须至少为1")
    c = consolidate(settings, progress=progress, workers=workers, out=out)  # settings and `out` checked first
    with writing(out):  # an OS error on writing: one Chinese message, nothing at `out` changed
        written = write_summary(c, out, keep_from=out if out.exists() else None)
    out_file = Path(written) if written else out
    return Run(c, out_file, summary_lines(c, out_file, time.perf_counter() - started) + backup_lines(c))
