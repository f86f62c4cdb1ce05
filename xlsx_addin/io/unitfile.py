"""A unit file as read: its values by defined name, where each came from, its problems; cell-grid helpers.

The .xlsx reader (reader.py) and the .xls/.ods reader (legacy_reader.py) both fill a UnitFile.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from xlsx_addin.contracts.summary import RAW as RAW_SHEET  # a summary workbook's raw-inputs sheet (rawdata.py)
from xlsx_addin.io import rawdata
from xlsx_addin.io.request import ReadRequest
from xlsx_addin.contracts.names import INPUTS, MASS_PREFIX, STAR_INPUTS, VOTE_PREFIX
from xlsx_addin.model.problems import Problem, Severity
from xlsx_addin.model.values import shown

RESULT_PREFIX = "result_"
RULES_TABLE = "rules_table"
SCHEME_ID = "scheme_id"
TEMPLATE_VERSION = "template_version"
SPECIAL = (RULES_TABLE, SCHEME_ID, TEMPLATE_VERSION)
_REF_RE = re.compile(
    r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$")


ENCRYPTED = "EncryptedPackage".encode("utf-16-le")

# 双十星 workbooks (io/books/double_ten): the star inputs, and two-dimensional ranges read as rows —
# the member table (an Excel table, found by its table name) and the member scheme's 规则 table.
TWO_D = frozenset({RULES_TABLE, "member_table", "member_rules_table"})
STAR_NAMES = frozenset(STAR_INPUTS) | {"member_table", "member_star_names", "member_rules_table", "member_scheme_id"}

# What a consolidation reads of a unit workbook (the names contract: inputs, ballots, stored results, rules,
# the 双十星 评星表's names and member table); files saved without their names are read by the templates' cell maps.
UNIT_WORKBOOK = ReadRequest(names=frozenset(INPUTS) | frozenset(SPECIAL) | STAR_NAMES,
                            prefixes=(VOTE_PREFIX, MASS_PREFIX + VOTE_PREFIX, RESULT_PREFIX),
                            tables=TWO_D, cell_maps=True)


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass(frozen=True)
class Ref:
    """A rectangular range of one sheet, 0-based and inclusive."""

    sheet: str
    row1: int
    col1: int
    row2: int
    col2: int

    @property
    def single(self) -> bool:
        return self.row1 == self.row2 and self.col1 == self.col2

    @property
    def a1(self) -> str:
        first = f"{xl_col_to_name(self.col1)}{self.row1 + 1}"
        return first if self.single else f"{first}:{xl_col_to_name(self.col2)}{self.row2 + 1}"

    def cell(self, index: int) -> str:
        """A1 address of the index-th cell, row by row."""
        width = self.col2 - self.col1 + 1
        r, c = divmod(index, width)
        return f"{xl_col_to_name(self.col1 + c)}{self.row1 + r + 1}"

    @property
    def size(self) -> int:
        return (self.row2 - self.row1 + 1) * (self.col2 - self.col1 + 1)


@functools.lru_cache(maxsize=4096)  # the same template gives the same texts in every file
def parse_ref(text: str) -> Ref | None:
    """'自评表'!$E$5:$E$14, 规则!B2, 'It''s'!$A$1 → Ref; None for anything else (constants, #REF!, unions)."""
    m = _REF_RE.match(text.strip().lstrip("="))
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    c1, r1 = col_index(m.group(3)), int(m.group(4)) - 1
    if m.group(5):
        c2, r2 = col_index(m.group(5)), int(m.group(6)) - 1
    else:
        c2, r2 = c1, r1
    if r1 < 0 or r2 < 0:
        return None
    return Ref(sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


@dataclass
class UnitFile:
    """What one unit workbook holds, read by its defined names; where each value came from."""

    path: str  # as opened
    rel: str  # relative to the input folder: what the clerk sees in 问题清单
    mtime: float = 0.0
    values: dict[str, Any] = field(default_factory=dict)  # one cell → value; a column/row → list; 2-D → rows
    refs: dict[str, Ref] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every workbook-level defined name found
    sheets: list[str] = field(default_factory=list)
    raw_units: list[tuple[dict[str, Any], str, int]] | None = None  # a summary's 原始数据 rows
    raw_scheme_id: str | None = None
    recorded_folder: tuple[str, str] | None = None  # a summary's record: the folder it summarised (own_output.py)
    source_format: str = ""  # set by legacy_reader: the format of a .xls/.ods/.et file and how it was read

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)

    def inputs(self, allowed) -> dict[str, Any]:
        """The raw inputs keyed by the names contract, for the names in `allowed` that were read."""
        return {k: v for k, v in self.values.items() if k in allowed}

    @property
    def results(self) -> dict[str, Any]:
        return {k: v for k, v in self.values.items() if k.startswith(RESULT_PREFIX)}

    @property
    def rules_rows(self) -> list[list[Any]] | None:
        rows = self.values.get(RULES_TABLE)
        return rows if isinstance(rows, list) else None

    @property
    def scheme_id(self) -> Any:
        return self.values.get(SCHEME_ID)

    @property
    def template_version(self) -> Any:
        return self.values.get(TEMPLATE_VERSION)

    def where(self, name: str, index: int | None = None) -> tuple[str, str]:
        """(sheet, A1 cell) of a name, or of its index-th cell; ("", name) when unknown."""
        ref = self.refs.get(name)
        if ref is None:
            return "", name
        if index is not None and 0 <= index < ref.size:
            return ref.sheet, ref.cell(index)
        return ref.sheet, ref.a1

    def problem(self, reason: str, *, name: str | None = None, index: int | None = None, value: Any = "",
                severity: Severity = Severity.ERROR) -> Problem:
        sheet, cell = self.where(name, index) if name else ("", "")
        p = Problem(file=self.rel, sheet=sheet, cell=cell, value=shown(value), reason=reason, severity=severity)
        self.problems.append(p)
        return p


def float_text(v: float) -> str:
    return "NaN" if v != v else ("INF" if v > 0 else "-INF")


def sheet_grid(wb, sheet: str) -> tuple[list[list[Any]], int, int] | None:
    try:
        ws = wb.get_sheet_by_name(sheet)
    except Exception:  # noqa: BLE001 - WorksheetNotFound, or a chart sheet
        return None
    rows = ws.to_python()
    start = ws.start or (0, 0)
    return rows, start[0], start[1]


def grid_values(grid: tuple[list[list[Any]], int, int], ref: Ref, two_d: bool, errors: dict[str, str] | None = None) -> Any:
    rows, r0, c0 = grid
    out = []
    for r in range(ref.row1, ref.row2 + 1):
        i = r - r0
        row = rows[i] if 0 <= i < len(rows) else ()
        line = []
        for c in range(ref.col1, ref.col2 + 1):
            j = c - c0
            v = row[j] if 0 <= j < len(row) else None
            if v == "" and errors:  # calamine shows an Excel error (#N/A …) as blank
                v = errors.get(f"{xl_col_to_name(c)}{r + 1}", "")
            line.append(None if v == "" else v)
        out.append(line)
    if two_d:
        return out
    if ref.single:
        return out[0][0]
    return [v for line in out for v in line]


def _finite(rows: list[list[Any]]) -> list[list[Any]]:
    """NaN/INF of a summary's 原始数据 as the texts they are (the engine refuses them for that row, by name)."""
    return [[float_text(v) if v.__class__ is float and not math.isfinite(v) else v for v in row] for row in rows]


def read_raw_sheet(unit: UnitFile, wb) -> None:
    """A town's summary workbook among the unit files: its 原始数据 rows are units, re-scored like unit files.

    Layout (rawdata.py, contracts/summary.py): A1 holds the marker, a row of keys (org_name …) heads the data rows,
    then (summaries since the Chinese titles) the titles' row.
    """
    grid = sheet_grid(wb, RAW_SHEET)
    if grid is None:
        return
    rows, r0, c0 = grid
    full: list[list[Any]] = [[None] * c0 + [None if v == "" else v for v in row] for row in rows]
    full = [[] for _ in range(r0)] + full
    if not full or not full[0] or str(full[0][0] or "").strip() != rawdata.MARKER:
        return
    for k, row in enumerate(full):
        if "org_name" in row:
            keys = ["" if v is None else str(v).strip() for v in row]
            first = k + 1  # the first data row (0-based); the Chinese titles' row, when there, is not a unit
            if first < len(full) and rawdata.is_label_row(keys, full[first]):
                first += 1
            data = [list(r) + [None] * (len(keys) - len(r)) for r in full[first:]]
            unit.raw_units = rawdata.from_rows(keys, _finite(data), first_row=first + 1)
            break
    for row in full[:3]:  # the scheme id, when the sheet names it: a cell "scheme" followed by the id
        for i, v in enumerate(row[:-1]):
            if v == "scheme" and row[i + 1]:
                unit.raw_scheme_id = str(row[i + 1]).strip()


