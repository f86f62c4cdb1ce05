"""The half-year ledgers job: read every ledger workbook under a folder, tally each branch, list what is late.

File discovery, the worker pool and duplicate handling are the rating consolidation's own
(files/: discover.find_files, pool.map_files, dedupe.dedupe); only the per-file task (read.LedgerTask) differs.
Nothing in the input folder is ever written.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.files.dedupe import dedupe
from xlsx_addin.io.files.discover import check_folder, find_files
from xlsx_addin.io.files.pool import map_files
from xlsx_addin.model.problems import Problem
from xlsx_addin.model.progress import Progress
from xlsx_addin.io.roster import Expected, read_expected, same_unit
from xlsx_addin.contracts.ledger import Period
from xlsx_addin.jobs.ledgers.model import Branch, LedgerRun, LedgerSettings, NotOnTime
from xlsx_addin.jobs.ledgers.read import LedgerTask

LATE, MISSING, PENDING, WRONG_PERIOD = "逾期报送", "逾期未报送", "尚未报送(未到报送截止日期)", "台账期间不符(已退回)"


def check_settings(s: LedgerSettings) -> None:
    check_folder(s.input_dir, "台账文件夹", "各支部半年台账所在的文件夹")
    if s.expect is not None and not Path(s.expect).is_file():
        raise RatingError(f"应报送党组织名单 {s.expect} 不存在")


def run_ledgers(settings: LedgerSettings, progress: Progress | None = None,
                workers: int | None = None) -> LedgerRun:
    check_settings(settings)
    expected = read_expected(Path(settings.expect)) if settings.expect is not None else None
    if settings.previous is not None and Path(settings.previous).is_file():
        try:
            earlier = read_expected(Path(settings.previous))
        except RatingError:  # not a summary (or unreadable): it lists nobody
            earlier = []
        expected = _union(expected or [], earlier) if earlier or expected is not None else None
    run = LedgerRun(settings=settings, expected=len(expected) if expected is not None else None)
    files, problems = find_files(Path(settings.input_dir), settings.exclude)
    run.files_seen = len(files)
    done = map_files(files, LedgerTask(settings.period, settings.as_of), workers=workers, progress=progress)
    branches: list[Branch] = []
    refused: list[Branch] = []
    for file_problems, branch in done:
        problems.extend(file_problems)
        if branch is not None:
            (refused if branch.period != settings.period.code else branches).append(branch)
    branches = dedupe(branches, problems)
    for b in branches:
        problems.extend(b.findings)
    branches.sort(key=lambda b: (b.parent_org, b.org_name, b.source))
    run.branches = branches
    run.not_on_time = not_on_time(branches, refused, expected, settings)
    run.problems = problems
    return run


def not_on_time(branches: list[Branch], refused: list[Branch], expected: list[Expected] | None,
                s: LedgerSettings) -> list[NotOnTime]:
    """Late ledgers, ledgers of another period, and (given the expected list) branches that sent nothing."""
    out = []
    for b in branches:
        if b.report_date is not None and b.report_date > s.due:
            status = LATE + ("(未填报送日期,按文件修改日期)" if b.report_date_from_file else "")
            out.append(NotOnTime(b.org_name, b.org_code, b.parent_org, status, b.report_date,
                                 (b.report_date - s.due).days, b.source))
    for b in refused:
        if not any(_same(b, x) for x in branches):
            out.append(NotOnTime(b.org_name, b.org_code, b.parent_org, f"{WRONG_PERIOD}:报送的是{b.period}",
                                 b.report_date, None, b.source))
    for e in expected or []:
        if any(_same(e, x) for x in branches) or any(_same(e, x) for x in refused):
            continue
        late = s.as_of > s.due
        out.append(NotOnTime(e.org_name, e.org_code, e.parent_org, MISSING if late else PENDING, None,
                             (s.as_of - s.due).days if late else None))
    return out


def _union(a: list[Expected], b: list[Expected]) -> list[Expected]:
    return a + [e for e in b if not any(_same(e, x) for x in a)]


_same = same_unit  # the same branch: by code when both have one, else by name (and upper level)


def default_as_of() -> dt.date:
    return dt.date.today()


def settings_for(input_dir: Path, period: Period, as_of: dt.date | None = None, due: dt.date | None = None,
                 expect: Path | None = None, exclude: tuple[Path, ...] = (), previous: Path | None = None) -> LedgerSettings:
    return LedgerSettings(input_dir=Path(input_dir), period=period, as_of=as_of or default_as_of(),
                          due=due or period.due(), expect=expect, exclude=exclude, previous=previous)


__all__ = ["Problem", "read_expected", "run_ledgers", "settings_for"]
