"""一键汇总: read every unit workbook of a folder tree, re-score from the raw inputs, apply quotas per set.

The summary's rules (settings.scheme_source + settings.overrides) apply to every unit; a unit's own
规则 sheet and its stored results are only compared and reported. Nothing in the input folder is
ever written. A bad file or value becomes a row of 问题清单; everything else goes on.
"""
from __future__ import annotations

import time
from pathlib import Path

from xlsx_addin.io.files.dedupe import dedupe
from xlsx_addin.io.files.discover import find_files
from xlsx_addin.io.files.pool import map_files
from xlsx_addin.model.progress import Progress
from xlsx_addin.engine.scoring import UnitResult
from xlsx_addin.jobs.consolidate.candidates import Candidate
from xlsx_addin.jobs.consolidate.model import Consolidation, Settings
from xlsx_addin.jobs.consolidate.scorer import UnitScorer
from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.files.outpath import check_summary_out
from xlsx_addin.jobs.consolidate.sets import rate_sets, check_settings, previous_levels, summary_scheme
from xlsx_addin.jobs.consolidate.double_ten.job import consolidate_stars
from xlsx_addin.io.ledger_summary import read_evidence



def consolidate(settings: Settings, progress: Progress | None = None, workers: int | None = None, *,
                out: Path | None = None) -> Consolidation:
    """Read, re-score and rate every unit workbook under settings.input_dir (see the module notes).

    Settings are checked first, and `out` (the summary to be written, when given) before anything is read;
    its folder is made. RatingError with a Chinese message for either."""
    check_settings(settings)
    if out is not None:
        check_summary_out(Path(out), Path(settings.input_dir), settings.previous)
        try:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RatingError(f"无法建立输出文件夹 {Path(out).parent}:{exc.strerror or exc}") from None
    scheme = summary_scheme(settings)
    if scheme.stars is not None:  # 双十星 workbooks: a branch and its members per file
        return consolidate_stars(settings, progress=progress, workers=workers)
    prev = previous_levels(Path(settings.previous), scheme) if settings.previous is not None else None
    c = Consolidation(scheme=scheme, settings=settings)

    t0 = time.perf_counter()
    files, problems = find_files(Path(settings.input_dir), settings.exclude)
    if progress is not None:
        progress(0, len(files))
    done = map_files(files, UnitScorer(scheme), workers=workers, progress=progress)
    c.files_seen = len(files)
    t1 = time.perf_counter()
    c.seconds["read"] = t1 - t0  # reading and scoring every unit (in the worker processes)

    cands: list[Candidate] = []
    for file_problems, file_cands in done:
        problems.extend(file_problems)
        cands.extend(file_cands)
    rated: list[tuple[Candidate, UnitResult]] = []
    for cand in dedupe(cands, problems):
        problems.extend(cand.findings)
        if cand.result is not None:
            rated.append((cand, cand.result))

    c.units, c.sets = rate_sets(rated, scheme, settings, prev, problems)
    c.files_rated = len({cand.file.rel for cand, _ in rated})
    if settings.ledgers is not None:  # the half-year ledgers as evidence (issue 15): shown, no score changed

        c.evidence, notes = read_evidence(settings.ledgers)
        problems.extend(notes)
    c.problems = problems
    c.seconds["score"] = time.perf_counter() - t1  # dedupe, quotas per set, last year's levels
    return c
