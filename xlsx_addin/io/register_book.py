"""The 星级管理台账 read back (contracts/register.py): every sheet's rows, the units, each year's levels as rated,
the years' summary dates and scheme, and the 复验 rows checked against the scheme and the units.

Read bounded in an isolated worker, as an earlier summary is (io/tables/previous.py); a register that cannot be
read, is open in Excel or is not a register is one Chinese RatingError (the run stops, nothing is written).
The register job and `consolidate --register` both read it here.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsx_addin.contracts import register as reg
from xlsx_addin.contracts.summary import CODE, NAME, PARENT
from xlsx_addin.engine.register import InForce, Recheck, in_force, last_year, start_of
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.io.files.pool import run_isolated
from xlsx_addin.io.tables.previous import AllSheetsReader
from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.identity import text_key, unit_key
from xlsx_addin.model.problems import ERROR, HINT, Problem
from xlsx_addin.model.dates import cell_date

WHAT = "星级管理台账"


@dataclass
class Unit:
    name: str
    code: str = ""
    parent: str = ""

    @property
    def key(self) -> str:
        return unit_key(self.code, self.name)


@dataclass
class RegisterBook:
    """A register as read: its sheets' rows, units by key (in order), levels as rated per year (names), the
    year's summary dates, its scheme id."""

    file: str = ""
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    rated: dict[int, dict[str, str]] = field(default_factory=dict)
    dates: dict[int, dt.date | None] = field(default_factory=dict)
    log: dict[int, list[Any]] = field(default_factory=dict)  # year → its 登记记录 row
    cells: dict[tuple[int, str], str] = field(default_factory=dict)  # (year, unit key) → its 历年评定 cell
    scheme_id: str = ""

    def find(self, code: Any, name: Any) -> str | None:
        """The key of a unit by its code, else by its name (a name with another code is another unit)."""
        code, name = text_key(code), text_key(name)
        if code and code in self.units:
            return code
        for key, u in self.units.items():
            if name and u.name == name and (not code or not u.code or u.code == code):
                return key
        return None

    def starts(self) -> dict[int, dt.date]:
        return {y: start_of(y, self.dates.get(y)) for y in self.rated}


# --- reading ---------------------------------------------------------------------------------------
def read_register(path: Path | str, *, writing: bool = False) -> RegisterBook:
    """The register at `path` (see the module notes). RatingError (Chinese) when it cannot be used."""
    path = Path(path)
    lock = path.with_name("~$" + path.name)
    if lock.exists():
        raise RatingError(f"{WHAT} {path} 正在被 Excel 或 WPS 打开(有临时文件 {lock.name}),请关闭后重试;"
                          "如确已关闭,请删除该临时文件")
    if not path.is_file():
        raise RatingError(f"{WHAT} {path} 不存在或不是文件")
    if not os.access(path, os.R_OK):
        raise RatingError(f"{WHAT} {path} 无法读取:没有读取权限,或文件正被其他程序锁定")
    try:
        kind, value = run_isolated([(str(path), "")], AllSheetsReader(), 1, 1)[0]
    except (OSError, RuntimeError) as exc:
        raise RatingError(f"无法读取{WHAT} {path}:{exc}") from None
    if kind != "sheets":
        raise RatingError(f"无法读取{WHAT} {path}:{value}。台账没有改动")
    sheets = {name: [list(r) for r in rows] for name, rows in value.items()}
    if reg.RATED not in sheets or reg.LOG not in sheets:
        advice = "不能写在它上面;请另选台账文件名" if writing else "请检查所填的星级管理台账文件"
        raise RatingError(f"{path} 不是星级管理台账(没有“{reg.RATED}”和“{reg.LOG}”工作表),{advice}")
    return parse(sheets, path.name)


def parse(sheets: dict[str, list[list[Any]]], file: str = "") -> RegisterBook:
    book = RegisterBook(file=file, sheets=sheets)
    rows = sheets.get(reg.RATED) or [[]]
    header = [text_key(h) for h in rows[0]]
    at = {h: i for i, h in reversed(list(enumerate(header))) if h}
    years = {j: y for j, h in enumerate(rows[0]) if (y := reg.header_year(h)) is not None}
    for r, row in enumerate(rows[1:], 1):
        cells = list(row) + [None] * (len(header) - len(row))
        unit = Unit(text_key(_get(cells, at.get(NAME))), text_key(_get(cells, at.get(CODE))),
                    text_key(_get(cells, at.get(PARENT))))
        if not unit.key:
            continue
        book.units.setdefault(unit.key, unit)
        for j, year in years.items():
            level = text_key(cells[j]) if j < len(cells) else ""
            if level:
                book.rated.setdefault(year, {})[unit.key] = level
                book.cells[(year, unit.key)] = xl_rowcol_to_cell(r, j)
    log = sheets.get(reg.LOG) or [[]]
    lh = [text_key(h) for h in log[0]] if log else []
    for row in log[1:]:
        cells = list(row) + [None] * len(lh)
        logged = reg.header_year(_get(cells, _index(lh, reg.LOG_YEAR)))
        if logged is None:
            continue
        year = logged
        book.log[year] = cells[:len(lh)]
        book.rated.setdefault(year, {})
        try:
            book.dates[year] = to_date(_get(cells, _index(lh, reg.LOG_DATE)))
        except ValueError:
            book.dates[year] = None
        book.scheme_id = text_key(_get(cells, _index(lh, reg.LOG_SCHEME))) or book.scheme_id
    return book


def _index(header: list[str], name: str) -> int | None:
    return header.index(name) if name in header else None


def _get(cells: list[Any], j: int | None) -> Any:
    return cells[j] if j is not None and j < len(cells) else None


# --- dates ------------------------------------------------------------------------------------------


to_date = cell_date  # the one reading of a typed date (model/dates.py)


# --- the 复验 rows -----------------------------------------------------------------------------------
def rechecks(book: RegisterBook, scheme: Scheme) -> tuple[list[Recheck], list[Problem]]:
    """The 复验记录 rows as Recheck entries; every row that cannot be used is a Problem naming its cell."""
    rows = book.sheets.get(reg.CHECKS) or []
    if not rows:
        return [], []
    header = [text_key(h) for h in rows[0]]
    col = {name: _index(header, name) for name in reg.CHECK_COLUMNS}
    problems: list[Problem] = []
    missing = [n for n in (reg.CHECK_DATE, reg.CHECK_LEVEL) if col[n] is None]
    if missing or (col[NAME] is None and col[CODE] is None):
        gone = "、".join(missing + ([f"{NAME}/{CODE}"] if col[NAME] is None and col[CODE] is None else []))
        return [], [Problem(book.file, reg.CHECKS, "第1行", "", f"表头缺少“{gone}”列,复验记录未采用")]
    allowed = "、".join(lv.name for lv in scheme.levels)
    out: list[Recheck] = []
    for r, row in enumerate(rows[1:], 1):
        cells = list(row) + [None] * len(header)

        def cell(name: str) -> tuple[str, Any]:
            j = col[name]
            return (xl_rowcol_to_cell(r, j) if j is not None else f"第{r + 1}行"), _get(cells, j)

        if not any(text_key(v) for v in cells):
            continue
        where, raw = cell(reg.CHECK_DATE)
        try:
            when = to_date(raw)
        except ValueError:
            problems.append(Problem(book.file, reg.CHECKS, where, text_key(raw), "日期无效,应为如 2026-06-15;本行复验未采用"))
            continue
        if when is None:
            problems.append(Problem(book.file, reg.CHECKS, where, "", "未填写复验日期(降级自该日期起生效);本行复验未采用"))
            continue
        code_at, code = cell(CODE)
        name_at, name = cell(NAME)
        key = book.find(code, name)
        if key is None:
            shown = text_key(code) or text_key(name)
            problems.append(Problem(book.file, reg.CHECKS, code_at if text_key(code) else name_at, shown,
                                    "台账中没有这个党组织(按党组织代码、否则按名称查找);本行复验未采用"))
            continue
        level_at, level = cell(reg.CHECK_LEVEL)
        rank = None
        if text_key(level):
            found = scheme.level_by_name(text_key(level))
            if found is None:
                problems.append(Problem(book.file, reg.CHECKS, level_at, text_key(level),
                                        f"“{reg.CHECK_LEVEL}”不是本方案的{scheme.level_term}(应为 {allowed});本行复验未采用"))
                continue
            rank = found.rank
        out.append(Recheck(when, key, rank, where=level_at if rank is not None else where))
    return out, problems


def rated_ranks(book: RegisterBook, scheme: Scheme, where: Callable[[int, str], str] | None = None
                ) -> tuple[dict[int, dict[str, int]], list[Problem]]:
    """Each year's levels as rated, as ranks; a level the scheme does not have is a Problem (not used), at its
    历年评定 cell (`where(year, key)`: in the register being written; default: as read)."""
    out: dict[int, dict[str, int]] = {}
    problems: list[Problem] = []
    for year, levels in book.rated.items():
        ranks = out.setdefault(year, {})
        for key, name in levels.items():
            level = scheme.level_by_name(name)
            if level is None:
                cell = where(year, key) if where else book.cells.get((year, key), f"{reg.year_header(year)} {key}")
                problems.append(Problem(book.file, reg.RATED, cell, name,
                                        f"不是本方案的{scheme.level_term},该年度该单位的星级未采用", HINT))
                continue
            ranks[key] = level.rank
    return out, problems


def levels_in_force(book: RegisterBook, scheme: Scheme, where: Callable[[int, str], str] | None = None
                    ) -> tuple[InForce, list[Problem]]:
    """The register's levels in force per year (engine/register.py) and every row it could not use."""
    rated, problems = rated_ranks(book, scheme, where)
    checks, more = rechecks(book, scheme)
    names = {lv.rank: lv.name for lv in scheme.levels}
    result = in_force(rated, {y: start_of(y, book.dates.get(y)) for y in rated}, checks, names)
    rows = sheet_rows_by_cell(book)
    for check, why in result.refused:
        problems.append(Problem(book.file, reg.CHECKS, check.where, rows.get(check.where, ""), why, ERROR))
    for check, why in result.notes:
        problems.append(Problem(book.file, reg.CHECKS, check.where, rows.get(check.where, ""), why, HINT))
    return result, problems + more


def sheet_rows_by_cell(book: RegisterBook) -> dict[str, str]:
    """复验记录's cells as text by A1 reference (what a refused row's problem shows)."""
    out: dict[str, str] = {}
    for r, row in enumerate(book.sheets.get(reg.CHECKS) or []):
        for j, v in enumerate(row):
            if text_key(v):
                out[xl_rowcol_to_cell(r, j)] = text_key(v) if not isinstance(v, (dt.date, dt.datetime)) else v.isoformat()[:10]
    return out


def previous_levels(path: Path | str, scheme: Scheme, year: int, outputs: tuple[Path, ...] = ()
                    ) -> tuple[int | None, dict[str, int], list[Problem]]:
    """`consolidate --register`: (last year as engine/register.py `last_year` chooses it, its levels in force by
    unit key and by name, the register's problems). `outputs`: the files this rating writes (a year registered
    from one of them is this rating itself). RatingError when the register cannot be read or is for another scheme."""
    book = read_register(path)
    if book.scheme_id and book.scheme_id != scheme.id:
        raise RatingError(f"{WHAT} {path} 登记的是“{book.scheme_id}”方案的星级,与本次汇总的方案“{scheme.id}”不同")
    result, problems = levels_in_force(book, scheme)
    mine = {os.path.realpath(p) for p in outputs}
    own = {y for y, row in book.log.items() if _logged_summary(book, row) in mine}
    last = last_year(list(result.levels), year, own)
    levels = dict(result.levels[last]) if last is not None else {}
    by_name = {u.name: levels[k] for k, u in book.units.items() if k in levels and u.name}
    for name, rank in by_name.items():
        levels.setdefault(name, rank)
    return last, levels, problems


def _logged_summary(book: RegisterBook, row: list[Any]) -> str:
    """The summary a 登记记录 row names, as a real path ('' when none)."""
    header = [text_key(h) for h in (book.sheets.get(reg.LOG) or [[]])[0]]
    text = text_key(_get(row, _index(header, reg.LOG_SUMMARY)))
    return os.path.realpath(text) if text else ""
