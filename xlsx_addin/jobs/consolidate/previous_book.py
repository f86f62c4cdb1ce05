"""The previous summary as the carry-over reads it: every sheet's rows, and the clerk's comments and
number formats where the program's own sheets and columns have them (read with openpyxl, bounded)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsx_addin.model.identity import text_key
from xlsx_addin.io.tables.table import Formula, has_content
from xlsx_addin.contracts.summary import (
    CATEGORY, CHANGES_GRADES, DATA_SHEETS, RAW, RECORD, REPORTED, RULES, SETTINGS, STAR_DATA_SHEETS, UPPER_SHEETS,
    XLWINGS_CONF,
)
from xlsx_addin.io.tables.previous import read_all_sheets

# RECORD (contracts/summary.py), hidden: the program's record of the rows it wrote (row key → digest), per sheet
# the sheets whose rows the program writes and records (a rating summary's and a 双十星 summary's)
GENERATED = (*DATA_SHEETS, CATEGORY, CHANGES_GRADES, RAW, RULES, *STAR_DATA_SHEETS, *UPPER_SHEETS)
PROGRAM_SHEETS = {*GENERATED, SETTINGS, XLWINGS_CONF, RECORD, REPORTED}


@dataclass
class PrevSheet:
    name: str
    rows: list[list[Any]]
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → number format
    comments: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # → (text, author)
    widths: dict[int, float] = field(default_factory=dict)

    def cell(self, r: int, c: int) -> Any:
        row = self.rows[r] if r < len(self.rows) else []
        return row[c] if c < len(row) else None


@dataclass
class Previous:
    """An earlier summary: its sheets in order and the program's record of what it wrote there."""

    sheets: dict[str, PrevSheet]
    file: str = ""  # its file name, for 问题清单
    path: Path | None = None  # the file (formats, formulas and comments are read from it by carry())
    record: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # sheet → (signature, key → digest)

    @property
    def order(self) -> list[str]:
        return list(self.sheets)


# --- reading ---------------------------------------------------------------------------------------
def read_previous(path: Path | str) -> Previous | None:
    """The earlier summary at `path`, read bounded in an isolated worker (ledger.read_all_sheets).

    RatingError when it cannot be read: the run stops with a message rather than lose what was typed."""

    path = Path(path)
    sheets = {name: PrevSheet(name, [list(r) for r in rows]) for name, rows in read_all_sheets(path).items()}
    prev = Previous(sheets, file=path.name, path=path)
    prev.record = _parse_record(sheets.get(RECORD))
    return prev


def from_rows(sheets: dict[str, list[list[Any]]], file: str = "") -> Previous:
    """An earlier summary from plain rows per sheet (the button: the open book's used ranges)."""
    prev = Previous({n: PrevSheet(n, [list(r) for r in rows]) for n, rows in sheets.items()}, file=file)
    prev.record = _parse_record(prev.sheets.get(RECORD))
    return prev


def read_styles(path: Path, prev: Previous, known: dict[str, set[str]], clerk: dict[str, tuple[str, ...]]) -> None:
    """Comments of every sheet; number formats, widths and formulas of the cells the clerk owns."""
    import warnings

    from openpyxl.comments.comment_sheet import CommentSheet
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import COMMENTS_NS
    from openpyxl.xml.functions import fromstring

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about print areas of whole columns and the like
        reader = ExcelReader(str(path), read_only=True, data_only=False, keep_links=False)
        reader.read()
    try:
        for sheet, rel in reader.parser.find_sheets():
            got = prev.sheets.get(sheet.name)
            rels_path = get_rels_path(rel.target)
            if got is None or rels_path not in reader.valid_files:
                continue
            for r in get_dependents(reader.archive, rels_path).find(COMMENTS_NS):
                # openpyxl's stubs: from_tree takes any Element and never returns None (it returns cls(**attrib))
                tree = CommentSheet.from_tree(fromstring(reader.archive.read(r.target)))  # type: ignore[arg-type]
                for ref, comment in tree.comments:  # type: ignore[union-attr]
                    row, col = _rowcol(ref)
                    got.comments[(row, col)] = ((comment.text or "").strip(), comment.author or "")
        for name, cols in _owned_columns(prev, known, clerk).items():
            _read_formats(reader.wb[name], prev.sheets[name], cols)
    finally:
        reader.archive.close()


def needs_styles(path: Path, prev: Previous, known: dict[str, set[str]], clerk: dict[str, tuple[str, ...]]) -> bool:
    """Whether openpyxl must read the file: comments, or cells of the clerk's with anything in them."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        if any("comments" in n.lower() for n in z.namelist()):
            return True
    for name, cols in _owned_columns(prev, known, clerk).items():
        sheet = prev.sheets[name]
        start = header_row(name) + 1 if name in PROGRAM_SHEETS else 0
        if any(has_content(sheet.cell(r, c)) for r in range(start, len(sheet.rows))
               for c in (cols if cols is not None else range(len(sheet.rows[r])))):
            return True
    return False


def _rowcol(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_to_tuple

    row, col = coordinate_to_tuple(ref)
    return row - 1, col - 1


def _owned_columns(prev: Previous, known: dict[str, set[str]],
                   clerk: dict[str, tuple[str, ...]]) -> dict[str, set[int] | None]:
    """Per sheet, the columns whose formats and formulas are read (None = every column: an added sheet)."""
    out: dict[str, set[int] | None] = {}
    for name, sheet in prev.sheets.items():
        if name not in PROGRAM_SHEETS:
            out[name] = None
        elif name in GENERATED and sheet.rows:
            header = [text_key(h) for h in sheet.rows[header_row(name)]] if len(sheet.rows) > header_row(name) else []
            mine = known.get(name, set())
            cols = {i for i, h in enumerate(header) if h in clerk.get(name, ()) or (h and h not in mine)}
            if cols:
                out[name] = cols
    return out


def _read_formats(ws, sheet: PrevSheet, cols: set[int] | None) -> None:
    top = max(cols) + 1 if cols else None
    for r, row in enumerate(ws.iter_rows(max_col=top)):
        for cell in row:
            c = getattr(cell, "column", None)
            if c is None or (cols is not None and c - 1 not in cols):
                continue
            fmt = cell.number_format
            if fmt and fmt != "General" and (cell.value is not None or cols is None):
                sheet.formats[(r, c - 1)] = fmt
            if cell.data_type == "f" and isinstance(cell.value, str):
                f = Formula(cell.value)
                f.cached = sheet.cell(r, c - 1)
                while len(sheet.rows) <= r:
                    sheet.rows.append([])
                sheet.rows[r] += [None] * (c - len(sheet.rows[r]))
                sheet.rows[r][c - 1] = f


# --- row keys and digests --------------------------------------------------------------------------
def header_row(sheet: str) -> int:
    return 1 if sheet == RAW else 0  # 原始数据: row 1 holds the marker, row 2 the keys


def _parse_record(sheet: PrevSheet | None) -> dict[str, tuple[str, dict[str, str]]]:
    out: dict[str, tuple[str, dict[str, str]]] = {}
    if sheet is None:
        return out
    for row in sheet.rows[1:]:
        name, signature, chunk = (list(row) + [None, None, None])[:3]
        name = text_key(name)
        if not name:
            continue
        entries = out.setdefault(name, (text_key(signature), {}))[1]
        for item in text_key(chunk).split(";"):
            k, _, d = item.partition(":")
            if k and d:
                entries[k] = d
    return out
