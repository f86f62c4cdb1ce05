"""The register's sheets as plain tables: a year's levels merged into the register as read, the levels in
force after the 复验 rows, 重点管理, and the clerk's columns carried by unit (contracts/register.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsx_addin.contracts import register as reg
from xlsx_addin.contracts.summary import CODE, NAME, PARENT
from xlsx_addin.engine.register import InForce, bottom_rank, focus_units
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.io.register_book import RegisterBook, Unit, levels_in_force
from xlsx_addin.io.tables.table import Table, has_content, problems_table
from xlsx_addin.model.identity import text_key, unit_key
from xlsx_addin.model.problems import Problem
from xlsx_addin.jobs.register.summary import SummaryYear

UNIT_WIDTHS = [26, 12, 16]


@dataclass
class Merged:
    """The register after this year's levels were added: the tables in order and what the report says."""

    tables: dict[str, Table]
    clerk_sheets: list[tuple[str, str]] = field(default_factory=list)  # (after which sheet, the clerk's sheet)
    problems: list[Problem] = field(default_factory=list)
    replaced: bool = False  # the year was in the register already (its column replaced)
    units: int = 0
    downgraded: int = 0
    focus: int = 0


def merge(old: RegisterBook, year_levels: SummaryYear, year: int, now: dt.datetime) -> tuple[RegisterBook, bool]:
    """The register with `year`'s levels (replacing that year's when present); units updated by the summary."""
    book = RegisterBook(file=old.file, sheets=old.sheets, units=dict(old.units),
                        rated={y: dict(v) for y, v in old.rated.items() if y != year}, dates=dict(old.dates),
                        log=dict(old.log), scheme_id=year_levels.scheme.id,
                        cells={k: v for k, v in old.cells.items() if k[0] != year})
    replaced = year in old.rated
    levels: dict[str, str] = {}
    for unit, level in year_levels.levels:
        key = book.find(unit.code, unit.name)
        if key is not None and key != unit.key:  # the unit gained a code: its years move to the new key
            _rekey(book, key, unit.key)
        book.units[unit.key] = Unit(unit.name, unit.code, unit.parent or book.units.get(unit.key, unit).parent)
        levels[unit.key] = level
    book.rated[year] = levels
    book.dates[year] = year_levels.date
    book.log[year] = [reg.year_header(year), str(year_levels.path or year_levels.file), year_levels.date.isoformat() if year_levels.date else "",
                      year_levels.scheme.id, len(levels), now.strftime("%Y-%m-%d %H:%M")]
    return book, replaced


def _rekey(book: RegisterBook, old: str, new: str) -> None:
    book.units = {(new if k == old else k): u for k, u in book.units.items()}
    for levels in book.rated.values():
        if old in levels:
            levels[new] = levels.pop(old)


def register_tables(book: RegisterBook, scheme: Scheme) -> Merged:
    """Every sheet of the register from the merged book (see merge)."""
    years = sorted(book.rated)
    rows = {key: i for i, key in enumerate(book.units, 1)}
    result, problems = levels_in_force(  # a level refused: its cell in the 历年评定 written below (_rated)
        book, scheme, lambda year, key: xl_rowcol_to_cell(rows.get(key, 0), len(reg.UNIT_COLUMNS) + years.index(year)))
    names = {lv.rank: lv.name for lv in scheme.levels}
    out = Merged({}, problems=problems, units=len(book.units))
    out.tables[reg.LEVELS] = _levels(book, scheme, years, result, names)
    out.tables[reg.CHECKS] = _checks(book)
    out.tables[reg.FOCUS], out.focus = _focus(book, scheme, result, names)
    out.tables[reg.RATED] = _rated(book, years)
    log = [book.log.get(y) or [reg.year_header(y), "(台账中手工填写)", "", scheme.id, len(book.rated[y]), ""]
           for y in years]
    out.tables[reg.LOG] = Table(reg.LOG, list(reg.LOG_COLUMNS), log,
                                ["center", "text", "center", "center", "int", "center"], [8, 36, 12, 16, 8, 18])
    out.tables[reg.PROBLEM_LIST] = problems_table(problems)
    out.downgraded = len(result.applied)
    for name, t in out.tables.items():
        if name in (reg.LEVELS, reg.FOCUS, reg.RATED):
            _carry_columns(t, book.sheets.get(name))
    previous = ""
    for name in book.sheets:
        if name in reg.SHEETS:
            previous = name
        else:
            out.clerk_sheets.append((previous, name))
    return out


def _unit_cells(u: Unit) -> list[Any]:
    return [u.name, u.code, u.parent]


def _levels(book: RegisterBook, scheme: Scheme, years: list[int], result: InForce, names: dict[int, str]) -> Table:
    term = scheme.level_term
    header = [*reg.UNIT_COLUMNS, *(reg.year_header(y) for y in years), reg.IN_FORCE + term, reg.LAST_CHECK]
    rows = []
    latest = years[-1] if years else None
    for key, u in book.units.items():
        cells = [names.get(result.levels[y][key], "") if key in result.levels[y] else "" for y in years]
        now = names.get(result.levels[latest].get(key, -1), "") if latest is not None else ""
        applied = [(y, c) for y in years for c in result.applied.get((y, key), [])]
        last = ""
        if applied:
            y, c = applied[-1]
            last = f"{c.when.isoformat()} {y}年度{term}降为{names.get(c.rank or 0, '')}"
        rows.append([*_unit_cells(u), *cells, now, last])
    return Table(reg.LEVELS, header, rows, ["text", "center", "text", *["center"] * len(years), "center", "text"],
                 [*UNIT_WIDTHS, *[9] * len(years), 10, 30])


def _checks(book: RegisterBook) -> Table:
    """复验记录: the clerk's rows as they are (every column); the header alone in a new register."""
    rows = [list(r) for r in book.sheets.get(reg.CHECKS) or []]
    header = [text_key(h) for h in rows[0]] if rows and any(has_content(h) for h in rows[0]) else list(reg.CHECK_COLUMNS)
    body = rows[1:] if rows else []
    while body and not any(has_content(v) for v in body[-1]):
        body.pop()
    width = max([len(header)] + [len(r) for r in body])
    header += [""] * (width - len(header))
    widths = {reg.CHECK_DATE: 12, NAME: 26, CODE: 12, reg.CHECK_FINDING: 30, reg.CHECK_LEVEL: 10, reg.CHECK_REASON: 36}
    return Table(reg.CHECKS, header, body, ["clerk"] * width, [widths.get(h, 14) for h in header])


_FOCUS_NOTE = "连续两年处于最低层级,列为重点管理"
_LEFT_NOTE = "本年度已不属重点管理(保留此前填写的内容)"


def _focus(book: RegisterBook, scheme: Scheme, result: InForce, names: dict[int, str]) -> tuple[Table, int]:
    """重点管理: the units at the bottom two years running (engine/register.py), the clerk's columns by unit."""
    year, keys = focus_units(result.levels, scheme)
    last = year or 0
    header = [*reg.UNIT_COLUMNS, reg.year_header(last - 1), reg.year_header(last), reg.FOCUS_NOTE, *reg.FOCUS_CLERK]
    floor = names.get(bottom_rank(scheme), "")
    note = _FOCUS_NOTE + (f"(最低层级:{floor}及以下)" if floor != names.get(min(names)) else "")
    rows = [[*_unit_cells(book.units[k]), names[result.levels[last - 1][k]], names[result.levels[last][k]], note,
             None, None, None] for k in keys]
    old = _records(book.sheets.get(reg.FOCUS))
    listed = set(keys)
    for row, key in zip(rows, keys):
        _fill_clerk(row, header, old.get(key))
    for key, rec in old.items():  # units no longer listed: the clerk's entries stay
        if key in listed or not any(has_content(rec.get(h)) for h in reg.FOCUS_CLERK):
            continue
        u = book.units.get(key) or Unit(text_key(rec.get(NAME)), text_key(rec.get(CODE)), text_key(rec.get(PARENT)))
        row = [*_unit_cells(u), rec.get(header[3]), rec.get(header[4]), _LEFT_NOTE, None, None, None]
        _fill_clerk(row, header, rec)
        rows.append(row)
    return Table(reg.FOCUS, header, rows, ["text", "center", "text", "center", "center", "text", "clerk", "clerk", "clerk"],
                 [*UNIT_WIDTHS, 9, 9, 30, 30, 10, 24]), len(keys)


def _fill_clerk(row: list[Any], header: list[str], rec: dict[str, Any] | None) -> None:
    if rec is None:
        return
    for h in reg.FOCUS_CLERK:
        row[header.index(h)] = rec.get(h)


def _rated(book: RegisterBook, years: list[int]) -> Table:
    header = [*reg.UNIT_COLUMNS, *(reg.year_header(y) for y in years)]
    rows = [[*_unit_cells(u), *(book.rated[y].get(k, "") for y in years)] for k, u in book.units.items()]
    return Table(reg.RATED, header, rows, ["text", "center", "text", *["center"] * len(years)],
                 [*UNIT_WIDTHS, *[9] * len(years)])


# --- the clerk's columns ------------------------------------------------------------------------------
def _records(rows: list[list[Any]] | None) -> dict[str, dict[str, Any]]:
    """A unit sheet's rows by unit key ({header: value}); later rows of a key do not replace the first."""
    out: dict[str, dict[str, Any]] = {}
    if not rows:
        return out
    header = [text_key(h) for h in rows[0]]
    for row in rows[1:]:
        rec = {h: (row[i] if i < len(row) else None) for i, h in enumerate(header) if h}
        key = unit_key(rec.get(CODE), rec.get(NAME))
        if key:
            out.setdefault(key, rec)
    return out


def _carry_columns(t: Table, rows: list[list[Any]] | None) -> None:
    """Columns the clerk added to a unit sheet (any header the program does not write, not a year) come back at
    the right, beside the same unit; the unit is found by its code, else its name."""
    if not rows:
        return
    header = [text_key(h) for h in rows[0]]
    ours = set(t.header)
    added = [h for h in dict.fromkeys(header) if h and h not in ours and reg.header_year(h) is None]
    if not added:
        return
    old = _records(rows)
    by_name = {text_key(rec.get(NAME)): rec for rec in old.values()}
    at_code, at_name = t.header.index(CODE), t.header.index(NAME)
    for h in added:
        t.header.append(h)
        t.kinds.append("clerk")
        t.widths.append(14)
    for row in t.rows:
        rec = old.get(unit_key(row[at_code], row[at_name])) or by_name.get(text_key(row[at_name]))
        row += [rec.get(h) if rec else None for h in added]
