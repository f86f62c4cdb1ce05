"""Carry-over: whatever the clerk typed into the previous summary comes back in the next one.

`read_previous(path)` reads an earlier summary (values with python-calamine; number formats, the clerk's
formulas and comments with openpyxl in read-only mode, only where they are needed). `carry(c, tables, prev)`
then, on the new sheets' plain rows (sheets.summary_tables):

- columns the clerk added to a generated sheet come back beside the same unit (by unit key) or row;
- cells the program writes that the clerk changed are recomputed, and each change is listed in 问题清单
  (sheet, cell, old → new) — told apart from changed inputs by the 汇总记录 sheet: a hidden record of a
  digest of every row the program wrote;
- rows of units that left the set keep the clerk's entries in a 已移出单位 block at the end of the sheet;
- comments/notes, the number formats of the clerk's cells (进度 typed as 50 %) and the clerk's formulas;
- sheets the clerk added come back whole (values, formulas, number formats, comments).

The same `carry` serves the CLI writer and the 一键汇总 button (excel.py), which reads the open book instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsx_addin.io.own_output import folder_row
from xlsx_addin.model.identity import text_key
from xlsx_addin.model.problems import HINT, Problem
from xlsx_addin.io.tables.table import Formula, Table, has_content, records_from_rows
from xlsx_addin.contracts.summary import (
    CLERK_COLUMNS,
    CHANGE_SHEETS,
    LEDGER,
    OVERVIEW,
    PROBLEMS,
    RAW,
    SOURCE,
    STAR_DATA_SHEETS,
    STATS,
)
from xlsx_addin.jobs.consolidate.model import Consolidation
from xlsx_addin.jobs.consolidate.previous_book import (
    GENERATED,
    PROGRAM_SHEETS,
    PrevSheet,
    Previous,
    RECORD,
    header_row,
    needs_styles,
    read_styles,
    from_rows,
    read_previous,
)  # the previous summary as read: part of the carry-over's API
from xlsx_addin.jobs.consolidate.sheets import Kept, problems_table
from xlsx_addin.jobs.consolidate.carry_rows import (
    UNIT_SHEETS,
    data_rows,
    digest,
    digests_of,
    program_columns,
    joined,
    key_function,
    keyed,
    identity_columns,
    rekeyed,
    norm,
    record_table,
    shown_text,
    signature,
    table_header,
    width_of,
)
from xlsx_addin.io.tables.previous import from_header

LEFT_TITLE = "已移出单位(本次汇总中没有这些单位,保留您在上次汇总表中填写的内容)"
OTHER_TITLE = "上次汇总表中保留的内容(本次汇总中没有对应的行,保留您填写的内容)"
EDIT_PREFIX = "手工改动的计算结果已按规则重新计算"
ADDED_WIDTH = 14


# --- the plan --------------------------------------------------------------------------------------
def kept_from(prev: Previous | None) -> Kept:
    """The clerk's columns of 整改台账 and 晋星减星 (sheets.Kept) from an earlier summary's rows."""

    kept = Kept()
    if prev is None:
        return kept
    for name in CLERK_COLUMNS:  # 整改台账, 晋星减星, 评分定级表, 上级复审
        if name in prev.sheets:
            kept.sheets[name] = records_from_rows(from_header(prev.sheets[name].rows))
    return kept


def _known(tables: dict[str, Table]) -> dict[str, set[str]]:
    """Per sheet, the header names the program writes (anything else in a header row is the clerk's)."""
    return {name: {h for h in table_header(t) if h} for name, t in tables.items()}


@dataclass
class Carried:
    """What carry() added beyond the tables' rows: the clerk's sheets, and the record to write."""

    sheets: list[tuple[str, PrevSheet]] = field(default_factory=list)  # (after which sheet, the clerk's sheet)
    record: Table | None = None
    edits: list[Problem] = field(default_factory=list)


def carry(c: Consolidation, tables: dict[str, Table], prev: Previous | None) -> Carried:
    """Bring the clerk's work of `prev` into `tables` (in place); list overwritten edits in 问题清单 (and
    Carried.edits); `c` is not changed."""
    known = _known(tables)
    out = Carried()
    if prev is not None and not all(name in prev.sheets for name in STAR_DATA_SHEETS if name in tables):
        prev = None  # a rating summary under a 双十星 one: its program columns would pass for the clerk's
    if prev is not None and prev.path is not None:
        clerk = {n: tuple(h for h, k in zip(t.header, t.kinds) if k == "clerk") for n, t in tables.items()}
        try:
            if needs_styles(prev.path, prev, known, clerk):
                read_styles(prev.path, prev, known, clerk)
        except Exception:  # noqa: BLE001 - formats, formulas and notes are carried when they can be read
            pass
    if prev is not None:
        for name in GENERATED:
            if name in tables and name in prev.sheets:
                out.edits += _edits(tables[name], prev.sheets[name], prev, known.get(name, set()))
        if out.edits:  # 问题清单 lists them too; the job's result stays as it was (Written.edits)
            tables[PROBLEMS] = problems_table(c.problems + out.edits)
    digests = {name: digests_of(tables[name]) for name in GENERATED if name in tables}
    if prev is not None:
        for name in GENERATED:
            if name in tables and name in prev.sheets:
                digests[name][1].update(_merge(tables[name], prev.sheets[name], prev, known.get(name, set())))
        previous = None
        for name in prev.order:
            if name not in PROGRAM_SHEETS:
                out.sheets.append((previous or "", prev.sheets[name]))
            else:
                previous = name
    out.record = record_table(digests)
    return out


def record_folder(carried: Carried, c: Consolidation, out: Path | None) -> None:
    """The folder this summary read, in its record (io/own_output.py): a re-run knows the summary for its own."""
    if carried.record is not None and out is not None:
        carried.record.rows.append(folder_row(c.settings.input_dir, out))


def _prev_columns(t: Table, sheet: PrevSheet, known: set[str]) -> tuple[dict[int, int], list[int]]:
    """Map the new table's columns to the previous sheet's (by header name) and list the clerk's added columns."""
    h = header_row(t.name)
    old = [text_key(x) for x in sheet.rows[h]] if len(sheet.rows) > h else []
    new = table_header(t)
    width = max([len(old)] + [len(r) for r in sheet.rows])
    old += [""] * (width - len(old))
    added = [j for j in range(width) if old[j] not in known and (old[j] or (j >= width_of(t) and _column_used(sheet, j, h)))]
    mapping: dict[int, int] = {}
    named = {name: j for j, name in reversed(list(enumerate(old))) if name}
    for i, name in enumerate(new):
        if name and name in named:
            mapping[i] = named[name]
        elif not name:  # an unnamed program column (统计's second table): by position among the program's
            shift = sum(1 for j in added if j <= i)
            if i + shift < width:
                mapping[i] = i + shift
    return mapping, added


def _column_used(sheet: PrevSheet, j: int, h: int) -> bool:
    return any(has_content(sheet.cell(r, j)) for r in range(h + 1, len(sheet.rows)))


def _prev_rows(t: Table, sheet: PrevSheet, mapping: dict[int, int], prev: Previous) -> dict[str, int]:
    """Previous sheet row index by row key (keys computed like the new table's, from the mapped columns); a row
    whose 党组织代码 (or a code-less unit's name) the clerk typed over keeps its organisation's key (carry_rows.rekeyed)."""
    h = header_row(t.name)
    header = table_header(t)
    key_of = key_function(t.name, header)
    width = width_of(t)
    rows = list(range(h + 1, len(sheet.rows)))
    keys = keyed([key_of([sheet.cell(r, mapping[i]) if i in mapping else None for i in range(width)]) for r in rows])
    found = {k: r for k, r in zip(keys, rows) if k is not None}
    cols = [c for c in identity_columns(t.name, header) if c in mapping]
    if not cols:
        return found
    new_keys = keyed([key_of(t.rows[i]) for i in data_rows(t)])
    by_hint: dict[tuple[int, str], list[str]] = {}
    for i, k in zip(data_rows(t), new_keys):
        for c in cols:
            text = text_key(t.rows[i][c]) if c < len(t.rows[i]) else ""
            if k is not None and text:
                by_hint.setdefault((c, text), []).append(k)
    unique = {hint: ks[0] for hint, ks in by_hint.items() if len(ks) == 1}
    hints = {k: [(c, text_key(sheet.cell(r, mapping[c]))) for c in cols] for k, r in found.items()}
    return rekeyed(found, hints, {k for k in new_keys if k is not None}, unique, prev.record.get(t.name, ("", {}))[1])


def _edits(t: Table, sheet: PrevSheet, prev: Previous, known: set[str]) -> list[Problem]:
    """Every computed cell the clerk changed (its row's digest differs from the record), old → new."""
    recorded_signature, recorded = prev.record.get(t.name, ("", {}))
    if not recorded or recorded_signature != signature(t):
        return []
    mapping, _ = _prev_columns(t, sheet, known)
    old_rows = _prev_rows(t, sheet, mapping, prev)
    header = table_header(t)
    key_of = key_function(t.name, header)
    cols = program_columns(t)
    rows = data_rows(t)
    new_rows = dict(zip(keyed([key_of(t.rows[i]) for i in rows]), rows))
    found = []
    for key, r in old_rows.items():
        want = recorded.get(digest(key))
        if want is None:
            continue
        old = [sheet.cell(r, mapping[j]) if j in mapping else None for j in cols]
        if old and digest(joined(old, list(range(len(old))))) == want:
            continue
        i = new_rows.get(key)
        new = t.rows[i] if i is not None else None
        for j, was in zip(cols, old):
            now = (new[j] if j < len(new) else None) if new is not None else None
            if norm(was) == norm(now):
                continue
            where = xl_rowcol_to_cell(i + 1, j) if i is not None else xl_rowcol_to_cell(r, mapping.get(j, j))
            label = header[j] or (t.header[j] if j < len(t.header) else "")
            moved = "" if i is None or (i + 1, j) == (r, mapping.get(j)) else f"(上次在{xl_rowcol_to_cell(r, mapping[j])})"
            tail = f"现为“{shown_text(now)}”" if new is not None else "该行本次已不存在"
            found.append(Problem(prev.file, t.name, where, shown_text(was),
                                 f"{EDIT_PREFIX}:{label}原为“{shown_text(was)}”,{tail}{moved}", HINT))
    return found


def _merge(t: Table, sheet: PrevSheet, prev: Previous, known: set[str]) -> dict[str, str]:
    """Added columns, comments and formats back into `t`; the clerk's rows of units that left in a block.
    Returns the digests of the block's rows (they are the program's rows from now on)."""
    mapping, added = _prev_columns(t, sheet, known)
    old_rows = _prev_rows(t, sheet, mapping, prev)
    header = table_header(t)
    key_of = key_function(t.name, header)
    rows = data_rows(t)
    new_rows = dict(zip(keyed([key_of(t.rows[i]) for i in rows]), rows))
    to_new = _insert_columns(t, sheet, added, mapping)  # previous column → new column
    clerk_cols = {i for i in range(len(t.kinds)) if t.kinds[i] == "clerk"}
    added_set = set(added)
    for (rr, j), note in sheet.comments.items():  # notes on the header row stay on their column's header
        if rr <= header_row(t.name) and to_new.get(j) is not None:
            t.carried.comments[(rr - 1, to_new[j])] = note
    for key, r in old_rows.items():
        i = new_rows.get(key)
        if i is not None:
            _put_row_extras(t, i, sheet, r, added_set, clerk_cols, to_new)
    # rows that found no place: units that left the set, rows the clerk added
    _, recorded = prev.record.get(t.name, ("", {}))
    block: list[int] = []
    added_rows: set[int] = set()  # rows the clerk added: never recorded, so they come back every time
    written = _program_texts(t, rows)
    for key, r in old_rows.items():
        if key in new_rows:
            continue
        mine = bool(recorded) and digest(key) not in recorded  # a row the clerk added (the record does not know it)
        owned = any(has_content(v) and to_new.get(j) in clerk_cols for j, v in enumerate(sheet.rows[r]))
        if mine and not owned and _copy_of_program_row(t, sheet, r, mapping, written):
            continue  # a copy of a row the program writes (older versions carried their own rows back): not the clerk's
        if mine or owned or any(rr == r for rr, _ in sheet.comments):
            block.append(r)
            if mine and not owned:
                added_rows.add(r)
    if not block:
        return {}
    title = LEFT_TITLE if t.name in UNIT_SHEETS else OTHER_TITLE
    width = width_of(t)
    if t.name != STATS:
        t.rows.append([])
    t.titles.append(len(t.rows))
    t.rows.append([title])
    first = len(t.rows)
    recorded_rows = [t.rows[first - 1]]  # the block's title is the program's; so are rows kept for the clerk's cells
    for r in block:
        row: list[Any] = [None] * width
        for j, v in enumerate(sheet.rows[r]):
            k = to_new.get(j)
            if k is not None and k < width and has_content(v):
                row[k] = v
        t.rows.append(row)
        if r not in added_rows:
            recorded_rows.append(row)
        _put_row_extras(t, len(t.rows) - 1, sheet, r, added_set, clerk_cols, to_new, values=False)
    return digests_of(Table(t.name, t.header, recorded_rows, t.kinds, t.widths))[1]


def _program_texts(t: Table, rows: list[int]) -> set[str]:
    cols = program_columns(t)
    titles = [[LEFT_TITLE], [OTHER_TITLE]]
    return {joined(row, cols) for row in [*(t.rows[i] for i in rows), *titles]} if cols else set()


def _copy_of_program_row(t: Table, sheet: PrevSheet, r: int, mapping: dict[int, int], written: set[str]) -> bool:
    cols = program_columns(t)
    if not cols or any(rr == r for rr, _ in sheet.comments):
        return False
    old = [sheet.cell(r, mapping[j]) if j in mapping else None for j in cols]
    return joined(old, list(range(len(old)))) in written


def _insert_columns(t: Table, sheet: PrevSheet, added: list[int], mapping: dict[int, int]) -> dict[int, int]:
    """Insert the clerk's columns into t (header, kinds, widths, every row) where they stood: after the same
    neighbour (统计, 公示名单, 原始数据: at the right end; 一览表: before 来源文件, which stays last and unprinted).
    Returns every previous column's new index."""
    h = header_row(t.name)
    origin: list[int | None] = [mapping.get(i) for i in range(width_of(t))]  # new column → previous column
    simple = t.name in (OVERVIEW, LEDGER, *CHANGE_SHEETS, PROBLEMS)
    for j in added:
        if simple:
            left = [k for k, o in enumerate(origin) if o is not None and o < j]
            pos = (max(left) + 1) if left else 0
        else:
            pos = len(origin)
        if t.name == OVERVIEW and SOURCE in t.header:
            pos = min(pos, t.header.index(SOURCE))
        _insert_at(t, pos, text_key(sheet.cell(h, j)) if h == 0 else "", sheet.widths.get(j, ADDED_WIDTH))
        if t.name == RAW and t.rows:
            t.rows[0][pos] = text_key(sheet.cell(h, j))
        origin.insert(pos, j)
    if t.name == OVERVIEW and t.print_setup.columns is not None:
        printed = len(t.header) - 1 if t.header[-1] == SOURCE else len(t.header)
        t.print_setup = replace(t.print_setup, columns=printed)
    return {o: k for k, o in enumerate(origin) if o is not None}


def _insert_at(t: Table, pos: int, header: str, width: float) -> None:
    width_now = width_of(t)
    t.header += [""] * (width_now - len(t.header))
    t.kinds += ["text"] * (width_now - len(t.kinds))
    t.widths += [ADDED_WIDTH] * (width_now - len(t.widths))
    t.header.insert(pos, header)
    t.kinds.insert(pos, "clerk")
    t.widths.insert(pos, width)
    for row in t.rows:
        if len(row) >= pos:
            row.insert(pos, None)
    if t.lower_kinds is not None and pos <= len(t.lower_kinds):
        t.lower_kinds.insert(pos, "text")


def _put_row_extras(t: Table, i: int, sheet: PrevSheet, r: int, added: set[int], clerk_cols: set[int],
                    to_new: dict[int, int], values: bool = True) -> None:
    """Row i of t gets previous row r's added-column values, the formats of its clerk cells, its comments."""
    row = t.rows[i]
    fmts, notes = t.carried.formats, t.carried.comments
    for j, v in enumerate(sheet.rows[r]):
        k = to_new.get(j)
        if k is None:
            continue
        if j in added and values and has_content(v):
            row += [None] * (k + 1 - len(row))
            row[k] = v
        if k in clerk_cols and (r, j) in sheet.formats:
            fmts[(i, k)] = sheet.formats[(r, j)]
    for (rr, j), note in sheet.comments.items():
        if rr == r and to_new.get(j) is not None:
            notes[(i, to_new[j])] = note


__all__ = ["Carried", "EDIT_PREFIX", "Formula", "LEFT_TITLE", "Previous", "RECORD", "carry", "record_folder",
           "from_rows", "kept_from", "read_previous"]
