"""The 评星表's Python flavour (.xlsm): results from the xlwings formula functions, one array call per block.

The hidden 函数结果 sheet holds the organisation's (name, value) table (references to its cells), then
XJ_STAR_RESULT (a column: ORG_RESULT_KEYS), XJ_STAR_TABLE (ten rows × STAR_TABLE_KEYS) and XJ_MEMBER_STARS
(one row per member_table row × MEMBER_RESULT_KEYS). The visible result cells refer to their place in a
block (a multi-cell array formula is not allowed inside an Excel table). Saved values: the blocks'
functions (xlsx_addin/star_cells.py) run here on the cells as written, so a PC without Python shows
what score_unit gives. The universal flavour's hidden native steps are not written in this flavour.
"""
from __future__ import annotations

import re
from typing import Any

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from xlsx_addin.engine.double_ten import cells as star_cells
from xlsx_addin.contracts.double_ten_book import ORG_INFO, SHEET_MEMBERS
from xlsx_addin.io.books.double_ten.layout import BookParts
from xlsx_addin.io.books.kit.page import abs_ref
from xlsx_addin.io.books.kit.flavour import PYTHON
from xlsx_addin.io.books.kit.writing import cached_value, write_cell

SHEET_BLOCKS = "函数结果"
PYTHON_NOTE = PYTHON.note("评星表")
_REF = re.compile(r"^'(?P<sheet>[^']+)'!(?P<a>\$?[A-Z]+\$?\d+)(?::(?P<b>\$?[A-Z]+\$?\d+))?$")


class UniversalResults(BookParts):
    """The universal flavour's results (a part of double_ten.book's builder): the native formulas themselves."""

    hidden_sheets: tuple[str, ...] = ()

    def helper(self, sheet: str, r: int, c: int, f: str, style: str, cached: Any = "") -> None:
        """A hidden step of the native formulas."""
        self.formula(sheet, r, c, f, style, cached)

    def result(self, sheet: str, r: int, c: int, f: str, style: str, cached: Any, key: tuple) -> None:
        """A result cell: its native formula."""
        self.formula(sheet, r, c, f, style, cached)

    def share_rows(self, sheet: str, cols: range, first: int, last: int) -> None:
        """Each of `cols` holds one formula filled down rows first..last: stored as shared formulas."""
        for c in cols:
            self.ws[sheet].share_column(c, first, last)

    def write_results(self) -> None:
        """Nothing left to write: every result is in place."""


class PythonResults(BookParts):
    """The Python flavour's results (a part of double_ten.book's builder): references into the 函数结果 blocks."""

    hidden_sheets: tuple[str, ...] = (SHEET_BLOCKS,)
    grid: dict[tuple[str, int, int], Any]
    pending: list[tuple[str, int, int, str, tuple]]

    def helper(self, sheet: str, r: int, c: int, f: str, style: str, cached: Any = "") -> None:
        """A hidden step of the native formulas; the Python flavour has none (the functions compute)."""

    def result(self, sheet: str, r: int, c: int, f: str, style: str, cached: Any, key: tuple) -> None:
        """A result cell: a reference to its place in a block, written with the blocks."""
        self.pending.append((sheet, r, c, style, key))

    # --- the blocks ---------------------------------------------------------------------------------
    def share_rows(self, sheet: str, cols: range, first: int, last: int) -> None:
        """The results are references into a block (each its own row), the helpers not written: nothing shared."""

    def _range(self, ref: str) -> list[list[Any]]:
        """The cells of a reference as written (blank → None), rows of values."""
        m = _REF.match(ref)
        if m is None:
            raise ValueError(f"not a cell range: {ref}")
        r1, c1 = xl_cell_to_rowcol(m["a"].replace("$", ""))
        r2, c2 = xl_cell_to_rowcol(m["b"].replace("$", "")) if m["b"] else (r1, c1)
        return [[self.grid.get((m["sheet"], r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def _rules_rows(self, table: str) -> list[list[Any]]:
        return self._range(self.names[table])

    def write_results(self) -> None:
        """The hidden 函数结果 sheet and the visible cells that refer to it."""
        S, ws = SHEET_BLOCKS, self.ws[SHEET_BLOCKS]
        ws.set_column(0, 0, 18)
        ws.set_column(1, 5, 24)
        self.put(S, 0, 0, "公式函数结果(请勿修改)", "text")
        info_top = 2
        self.put(S, info_top - 1, 0, "党组织信息", "header")
        info = []
        for i, name in enumerate(ORG_INFO):
            ref = self.names[name]
            value = self._range(ref)[0][0]
            self.put(S, info_top + i, 0, name, "text")
            self.formula(S, info_top + i, 1, f'IF(ISBLANK({ref}),"",{ref})', "text", cached_value(value))
            info.append([name, value])
        info_ref = abs_ref(S, info_top, 0, info_top + len(ORG_INFO) - 1, 1)
        org_args = [self._range(self.names[n]) for n in ("star_names", "star_votes_for", "star_votes_valid",
                                                           "star_records")]
        org_rules = self._rules_rows("rules_table")
        star_args = "star_names,star_votes_for,star_votes_valid,star_records,rules_table"
        first, last = self.member_rows
        members_ref = abs_ref(SHEET_MEMBERS, first, 0, last, star_cells.MEMBER_INPUT_COLUMNS - 1)
        blocks = [
            ("org", f"XJ_STAR_RESULT({info_ref},{star_args})", star_cells.ORG_RESULT_KEYS,
             star_cells.xj_star_result(info, *org_args, org_rules)),
            ("star", f"XJ_STAR_TABLE({info_ref},{star_args})", star_cells.STAR_TABLE_KEYS,
             star_cells.xj_star_table(info, *org_args, org_rules)),
            ("member", f"XJ_MEMBER_STARS({members_ref},member_star_names,{info_ref},member_rules_table)",
             star_cells.MEMBER_RESULT_KEYS,
             star_cells.xj_member_stars(self._range(members_ref), self._range(self.names["member_star_names"]), info,
                                        self._rules_rows("member_rules_table"))),
        ]
        r = info_top + len(ORG_INFO) + 1
        where: dict[tuple, tuple[int, int]] = {}
        for kind, call, keys, values in blocks:
            self.put(S, r, 0, call.split("(")[0], "header")
            for j, key in enumerate(keys):
                self.put(S, r, 1 + j, key, "header")
            top = r + 1
            ws.write_array_formula(top, 1, top + len(values) - 1, len(values[0]), "=" + call, self.st["text"],
                                   cached_value(values[0][0]))
            for i, row in enumerate(values):
                for j, value in enumerate(row):
                    if i or j:
                        write_cell(ws, top + i, 1 + j, cached_value(value), self.st["text"])
                    where[(kind, i, j)] = (top + i, 1 + j)
                    self.grid[(S, top + i, 1 + j)] = value
            r = top + len(values) + 1
        for sheet, row, col, style, block in self.pending:
            br, bc = where[block]
            ref = f"'{S}'!" + xl_rowcol_to_cell(br, bc, row_abs=True, col_abs=True)
            cached = cached_value(self.grid[(S, br, bc)])
            # LibreOffice recomputes a cell saved as empty text, and a block it cannot run gives an error: such a
            # cell shows blank there (elsewhere an error still says the functions cannot run)
            self.formula(sheet, row, col, f'IF(ISERROR({ref}),"",{ref})' if cached == "" else ref, style, cached)
        ws.hide()
