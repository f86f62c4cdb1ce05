"""How the carry-over sees a table's rows: their keys, their cells as text, the digests of the rows the
program wrote and the hidden 汇总记录 sheet that keeps them (carryover.py merges with these)."""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Callable

from xlsx_addin.contracts.summary import (
    CODE, NAME, OVERVIEW, PROBLEMS, PUBLICITY, RAW, ROW_KEYS, SOURCE, STATS, CHANGE_SHEETS, LEDGER, UPPER_SHEETS,
)
from xlsx_addin.io import rawdata
from xlsx_addin.io.tables.table import Table, has_content
from xlsx_addin.model.identity import text_key, unit_key
from xlsx_addin.jobs.consolidate.previous_book import RECORD

RECORD_NOTE = "本表由汇总程序使用(记录上次写入的计算结果,用于发现手工改动),请勿修改"
UNIT_SHEETS = (OVERVIEW, LEDGER, *CHANGE_SHEETS, RAW, *UPPER_SHEETS)  # rows keyed by unit (org_code, else org_name)
_PER_CELL = 1500  # record entries per cell (each "key:digest;" is 21 characters; a cell holds 32,767)


def norm(v: Any) -> str:
    """A cell value as text, the same whether it was just computed or read back from the file."""
    t = type(v)
    if t is str:
        return v.strip()
    if v is None:
        return ""
    if t is float or t is int:
        return repr(float(v))  # 85 written is 85.0 read back; the same double either way
    if t is bool:
        return "TRUE" if v else "FALSE"
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    if isinstance(v, (int, float)):
        return repr(float(v))
    return str(v).strip()


def joined(row: list[Any], cols: list[int]) -> str:
    """The row's cells in `cols` as one text (norm of each; inlined for text, blanks and numbers: the
    writer digests every row it writes)."""
    n = len(row)
    values = [row[j] for j in cols] if n > cols[-1] else [row[j] if j < n else None for j in cols]
    try:
        return "\t".join([v.strip() if type(v) is str else "" if v is None else repr(float(v)) for v in values])
    except (TypeError, ValueError):  # a date, or text that is not str: the general rule
        return "\t".join([norm(v) for v in values])


def shown_text(v: Any) -> str:
    text = norm(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        x = round(float(v), 6)
        text = str(int(x)) if x.is_integer() else str(x)
    return text or "(空)"


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=5).hexdigest()


def key_function(sheet: str, header: list[str]) -> Callable[[list[Any]], str | None]:
    """The key of a row of `sheet` (None for a blank row)."""
    def at(name: str) -> int | None:
        return header.index(name) if name in header else None

    def get(row: list[Any], i: int | None) -> Any:
        return row[i] if i is not None and i < len(row) else None

    if sheet in UNIT_SHEETS:
        code, name = (at("org_code"), at("org_name")) if sheet == RAW else (at(CODE), at(NAME))
        return lambda row: unit_key(get(row, code), get(row, name)) or _first_text(row)
    if sheet in ROW_KEYS:  # 双十星's lists: a member or an organisation, named by several columns
        cols = [at(h) for h in ROW_KEYS[sheet]]
        return lambda row: "|".join(text_key(get(row, i)) for i in cols).strip("|") or _first_text(row)
    if sheet == PUBLICITY:  # by name: the 序号 changes with the ranking
        name = at(NAME)
        return lambda row: text_key(get(row, name)) or _first_text(row)
    if sheet == STATS:  # 评定组, and the quota's name on the quota rows (not the set's size); a blank cell read
        # back ("" from the file) counts as no cell, so a title row's key is the same written and read
        return lambda row: "|".join(text_key(v) for v in (get(row, 0), get(row, 1)) if isinstance(v, str) and v.strip()) \
            or _first_text(row)
    width = {PROBLEMS: 3}.get(sheet, 2)
    return lambda row: "|".join(text_key(get(row, i)) for i in range(width)).strip("|") or _first_text(row)


def _first_text(row: list[Any]) -> str | None:
    for v in row:
        if has_content(v):
            return "~" + text_key(v)[:40]
    return None


def keyed(keys: list[str | None]) -> list[str | None]:
    """Keys made unique by their occurrence (a second row of the same key is key#2)."""
    seen: dict[str, int] = {}
    out: list[str | None] = []
    for k in keys:
        if k is None:
            out.append(None)
            continue
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return out


def signature(t: Table) -> str:
    return "|".join(t.header) + f"#{width_of(t)}"


def width_of(t: Table) -> int:
    return max([len(t.header)] + [len(r) for r in t.rows])


def program_columns(t: Table) -> list[int]:
    """The columns whose cells the program computes (the clerk's columns are not among them)."""
    return [i for i in range(width_of(t)) if not (i < len(t.kinds) and t.kinds[i] == "clerk")]


def table_header(t: Table) -> list[str]:
    """Column names as the sheet shows them in its header row (原始数据: the keys row)."""
    names = t.rows[0] if t.name == RAW and t.rows else t.header
    names = [text_key(h) for h in names]
    return names + [""] * (width_of(t) - len(names))


def data_rows(t: Table) -> list[int]:
    """Every row the program writes below the header (统计's second header too: the record must know it, or it
    would come back as the clerk's); 原始数据's first row is its keys row, the header the sheet is read by."""
    return list(range(1 if t.name == RAW else 0, len(t.rows)))


def rekeyed(keys: dict[str, int], hints: dict[str, list[tuple[int, str]]], new_keys: set[str],
            new_by_hint: dict[tuple[int, str], str], recorded: dict[str, str]) -> dict[str, int]:
    """Previous rows whose key the clerk typed over (党组织代码, or the name of a unit without one, edited in 一览表)
    matched to the new row of the same organisation name, else of the same 来源文件: only a key the program never
    wrote (not in the record), and a name or file that one new row has."""
    out: dict[str, int] = {}
    claimed = set(keys) & new_keys
    for k, r in keys.items():
        target = next((t for t in (new_by_hint.get(h) for h in hints.get(k, ())) if t and t not in claimed), None)
        if k not in new_keys and target and (not recorded or digest(k) not in recorded):
            claimed.add(target)
            out[target] = r
        elif k not in out:
            out[k] = r
    return out


def identity_columns(sheet: str, header: list[str]) -> list[int]:
    """The columns that name a unit besides its key, in order of trust: the organisation's name, the source file
    (sheets keyed by unit only)."""
    if sheet not in UNIT_SHEETS:
        return []
    names = ("org_name", rawdata.SOURCE) if sheet == RAW else (NAME, SOURCE)
    return [header.index(n) for n in names if n in header]


def digests_of(t: Table) -> tuple[str, dict[str, str]]:
    header = table_header(t)
    key_of = key_function(t.name, header)
    cols = program_columns(t)
    rows = data_rows(t)
    keys = keyed([key_of(t.rows[i]) for i in rows])
    out: dict[str, str] = {}
    if not cols:
        return signature(t), out
    for i, k in zip(rows, keys):
        if k is not None:
            out[digest(k)] = digest(joined(t.rows[i], cols))
    return signature(t), out


# --- the record ------------------------------------------------------------------------------------
def record_table(digests: dict[str, tuple[str, dict[str, str]]]) -> Table:
    rows: list[list[Any]] = []
    for name, (signature, entries) in digests.items():
        items = [f"{k}:{d}" for k, d in entries.items()]
        chunks = [";".join(items[k:k + _PER_CELL]) for k in range(0, len(items), _PER_CELL)] or [""]
        for chunk in chunks:
            rows.append([name, signature, chunk])
    return Table(RECORD, ["工作表", RECORD_NOTE, "记录"], rows, ["text", "text", "text"], [12, 30, 60])
