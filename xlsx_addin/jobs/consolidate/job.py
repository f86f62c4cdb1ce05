"""一键汇总: read every unit workbook of a folder tree, re-score from the raw inputs, apply quotas per set.

The summary's rules (settings.scheme_source + settings.overrides) apply to every unit; a unit's own
规则 sheet and its stored results are only compared and reported. Nothing in the input folder is
ever written. A bad file or value becomes a row of 问题清单; everything else goes on.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from xlsx_addin.io.files.dedupe import dedupe
from xlsx_addin.io.files.discover import find_files
from xlsx_addin.io.files.outpath import check_summary_out
from xlsx_addin.io.files.pool import map_files
from xlsx_addin.io.ledger_summary import read_evidence
from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.progress import Progress
from xlsx_addin.jobs.consolidate.kinds import kind_of
from xlsx_addin.jobs.consolidate.model import Consolidation, Settings
from xlsx_addin.jobs.consolidate.register_levels import last_levels
from xlsx_addin.jobs.consolidate.roster import find_roster, missing_problems, read_summary_rows, reporting, summary_units
from xlsx_addin.jobs.consolidate.review_read import Reviews, apply_reviews, reviews_in
from xlsx_addin.contracts.review_sheet import REVIEW
from xlsx_addin.jobs.consolidate.sets import check_settings, previous_levels, summary_scheme
from xlsx_addin.jobs.consolidate.small_sets import small_set_warnings
from xlsx_addin.contracts.summary import OVERVIEW
from xlsx_addin.jobs.consolidate.rule_notes import group_rule_notes


def consolidate(settings: Settings, progress: Progress | None = None, workers: int | None = None, *,
                out: Path | None = None, replacing: dict[str, Any] | None = None,
                reviews: Reviews | None = None) -> Consolidation:
    """Read, re-score and rate every unit workbook under settings.input_dir (see the module notes).

    Settings are checked first, and `out` (the summary to be written, when given) before anything is read;
    its folder is made. The upper level's typed 上级评分 (`reviews`; by default the 评分定级表 of the summary at
    `out`, the one being replaced) re-score their units (review_read.py). RatingError with a Chinese message for either. The scheme says the kind of rating
    (kinds.kind_of: item-scored units, or 双十星 organisations with their members); every step and option
    below is the same for every kind.

    The summary this run replaces (`out` as it stands, or `replacing`: the open book's 一览表 and 上报情况 rows,
    from the button) gives the roster when settings.expect does not (roster.py); a run that rates no unit
    never replaces a summary that holds units (RatingError naming the folder)."""
    check_settings(settings)
    if out is not None:
        check_summary_out(Path(out), Path(settings.input_dir), settings.previous)
        try:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RatingError(f"无法建立输出文件夹 {Path(out).parent}:{exc.strerror or exc}") from None
    kind = kind_of(summary_scheme(settings))
    prev = previous_levels(Path(settings.previous), kind.scheme) if settings.previous is not None else None
    prev, register_notes = last_levels(settings, kind.scheme, prev)  # a 星级管理台账's levels in force win
    if out is not None and Path(out).is_file() and (replacing is None or reviews is None):
        book = read_summary_rows(Path(out), also=(REVIEW,))  # the summary being replaced, read once
        replacing = book if replacing is None else replacing
        reviews = reviews_in(book.get(REVIEW), kind.scheme, Path(out).name) if reviews is None else reviews
    held = summary_units(replacing or {}, (OVERVIEW,))
    replaced_name = Path(out).name if out is not None else "本汇总表"
    roster = find_roster(settings, summary_units(replacing or {}), replaced_name)  # a bad --expect list: refused now

    t0 = time.perf_counter()
    roster_file = (Path(settings.expect),) if settings.expect is not None else ()  # a list kept in the folder: not a unit
    files, problems = find_files(Path(settings.input_dir), settings.exclude + roster_file)
    problems.extend(register_notes)
    if progress is not None:
        progress(0, len(files))
    done = map_files(files, kind.file_task(), workers=workers, progress=progress)
    t1 = time.perf_counter()  # reading and scoring every unit (in the worker processes)

    gathered = kind.gather(done, problems)
    kept = dedupe(gathered.candidates, problems)
    for cand in kept:
        problems.extend(cand.findings)
    apply_reviews(kept, reviews, kind.scheme, problems)  # the upper level's 评分定级表 (item-scored schemes)
    rating = kind.rate(kept, gathered, settings, prev, problems)
    if not rating.units and held:
        where = f"汇总表 {out} " if out is not None else "本汇总表"
        raise RatingError(f"单位填报表文件夹 {settings.input_dir} 中没有读到任何单位(找到文件{len(files)}个),"
                          f"而{where}中已有{len(held)}个单位:为免用空结果覆盖它,汇总表没有改写。"
                          "请检查文件夹是否选对、其中的文件是否为单位填报表;如确要重新开始,请先把原汇总表改名或移走")
    told = None
    if roster is not None:
        told = reporting(*roster, rating.units, settings.set_by, [s.name for s in rating.sets])
        problems.extend(missing_problems(told))
    evidence = None
    if settings.ledgers is not None:  # the half-year ledgers as evidence (issue 15): shown, no score changed
        evidence, notes = read_evidence(settings.ledgers)
        problems.extend(notes)
    problems[:] = group_rule_notes(problems)  # units whose rules differ alike: one 提示 row
    seconds = {"read": t1 - t0, "score": time.perf_counter() - t1}  # score: dedupe, quotas per set, last year's levels
    return Consolidation(kind=kind, settings=settings, units=rating.units, sets=rating.sets, problems=problems,
                         files_seen=len(files), files_rated=len({c.file.rel for c in kept if c.result is not None}),
                         seconds=seconds, evidence=evidence, members=rating.members, reporting=told,
                         warnings=small_set_warnings(kind.scheme, rating.sets, settings.quota_mode, settings.set_by))
