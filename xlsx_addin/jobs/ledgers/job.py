"""The half-year ledgers job: read every ledger workbook under a folder, tally each branch, list what is late.

File discovery, the worker pool and duplicate handling are the rating consolidation's own
(files/: discover.find_files, pool.map_files, dedupe.dedupe); only the per-file task (read.LedgerTask) differs.
Nothing in the input folder is ever written.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.files.dedupe import dedupe
from xlsx_addin.io.files.discover import check_folder, find_files
from xlsx_addin.io.files.pool import map_files
from xlsx_addin.model.identity import dedupe_key, text_key
from xlsx_addin.model.problems import Problem
from xlsx_addin.model.progress import Progress
from xlsx_addin.io.tables.previous import read_sheet_rows
from xlsx_addin.contracts.summary import CODE, NAME, PARENT
from xlsx_addin.contracts.ledger import Period
from xlsx_addin.jobs.ledgers.model import Branch, Expected, LedgerRun, LedgerSettings, NotOnTime
from xlsx_addin.jobs.ledgers.read import LedgerTask

LATE, MISSING, PENDING, WRONG_PERIOD = "逾期报送", "逾期未报送", "尚未报送(未到报送截止日期)", "台账期间不符(已退回)"
EXPECT_SHEETS = ("汇总", "未按时报送", "一览表")


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


def _same(a, b) -> bool:
    """The same branch: by code when both have one, else by name (and upper level when both name one)."""
    if a.org_code and b.org_code:
        return a.org_code == b.org_code
    if a.org_name != b.org_name:
        return False
    return not (a.parent_org and b.parent_org) or a.parent_org == b.parent_org


# --- the expected branches ---------------------------------------------------------------------
ALIASES = {"org_name": NAME, "名称": NAME, "党组织": NAME, "单位名称": NAME, "org_code": CODE, "代码": CODE,
           "parent_org": PARENT}


def read_expected(path: Path) -> list[Expected]:
    """党组织名称 (and 党组织代码, 上级党组织 when given) of an earlier 台账汇总 (汇总 and 未按时报送), a rating
    汇总表 (一览表), any workbook with a 党组织名称 column, or a text/CSV list (one name a line, or a header row)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        tables = _workbook_rows(path)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RatingError(f"无法读取应报送党组织名单 {path}:{exc.strerror or exc}") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", "replace")  # a list saved by Excel on a Chinese Windows
        dialect = "excel-tab" if "\t" in text else "excel"
        rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in r)]
        if rows and _header(rows[0]).count(NAME) == 0:
            rows = [[NAME]] + [[r[0]] for r in rows]
        tables = [rows] if rows else []
    out, seen = [], set()
    for rows in tables:
        header = _header(rows[0])
        at = {h: header.index(h) for h in (NAME, CODE, PARENT) if h in header}
        for row in rows[1:]:
            def get(h: str) -> str:
                i = at.get(h)
                return text_key(row[i]) if i is not None and i < len(row) else ""

            name = get(NAME)
            if not name or name in ("合计", "总计"):
                continue
            e = Expected(name, get(CODE), get(PARENT))
            key = dedupe_key(e.org_code, e.parent_org, e.org_name)
            if key not in seen:
                seen.add(key)
                out.append(e)
    if not out:
        raise RatingError(f"应报送党组织名单 {path} 中没有“{NAME}”列或没有党组织")
    return out


def _header(row: list) -> list[str]:
    return [ALIASES.get(text_key(h), text_key(h)) for h in row]


def _workbook_rows(path: Path) -> list[list[list]]:
    """The tables of the sheets that list branches: 汇总 and 未按时报送 of a 台账汇总, 一览表 of a rating summary,
    else the first sheet with a 党组织名称 (or org_name) column."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = list(wb.sheet_names)
        wb.close()
    except Exception:  # noqa: BLE001 - calamine's own error types
        raise RatingError(f"无法读取应报送党组织名单 {path}:文件已损坏或不是 Excel 工作簿") from None
    out = []
    for sheet in [s for s in sheets if s in EXPECT_SHEETS] + [s for s in sheets if s not in EXPECT_SHEETS]:
        rows = read_sheet_rows(path, sheet) or []
        for i, row in enumerate(rows[:20]):
            if NAME in _header(row):
                out.append(rows[i:])
                break
        if out and sheet not in EXPECT_SHEETS:
            break
    return out


def default_as_of() -> dt.date:
    return dt.date.today()


def settings_for(input_dir: Path, period: Period, as_of: dt.date | None = None, due: dt.date | None = None,
                 expect: Path | None = None, exclude: tuple[Path, ...] = (), previous: Path | None = None) -> LedgerSettings:
    return LedgerSettings(input_dir=Path(input_dir), period=period, as_of=as_of or default_as_of(),
                          due=due or period.due(), expect=expect, exclude=exclude, previous=previous)


__all__ = ["Problem", "read_expected", "run_ledgers", "settings_for"]
