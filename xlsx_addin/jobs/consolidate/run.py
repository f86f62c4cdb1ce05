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
from xlsx_addin.jobs.consolidate.model import Consolidation, Written
from xlsx_addin.jobs.consolidate.report import backup_lines, summary_lines
from xlsx_addin.jobs.consolidate.settings import Settings
from xlsx_addin.jobs.consolidate.writer import write_summary


@dataclass
class Run:
    consolidation: Consolidation
    written: Written  # the summary written (its path, the backup of the previous one, the clerk's edits)
    lines: list[str]  # the Chinese report

    @property
    def out(self) -> Path:
        return self.written.path


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
    lines = summary_lines(c, written.path, time.perf_counter() - started, written) + backup_lines(written)
    return Run(c, written, lines)
