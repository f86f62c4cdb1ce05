"""Writing cells with XlsxWriter: the builders' worksheet class, values as Excel stores them, formulas with or
without a saved value."""
from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from openpyxl.formula.translate import Translator
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellFormulaTuple, Worksheet

from xlsx_addin.io.books.unit.layout import clean_number, is_num

NO_CACHE = "\x00no-cached-value"  # a formula written without a cached value: every program computes it
_CELL = re.compile(r"^([A-Z]+)(\d+)$")


class BookSheet(Worksheet):
    """The worksheet of every builder. XlsxWriter has no documented option for either behaviour, hence the two
    overrides:

    - formulas are written as given: the builders use only functions every program knows (Excel 2010; tests
      prove there is no _xlfn. prefix and no dynamic array), so XlsxWriter's future-function rewriting (dozens
      of regex passes per formula) has nothing to do and is skipped;
    - a formula whose saved result is empty text stores it as text ("" is what a function returned), not as a
      value-less number that other programs take for "recalculate me" (XlsxWriter's reading of "", which a sheet
      whose every formula is recalculated on opening keeps: empty_result_is_text False); NO_CACHE writes no
      saved value at all.

    And one addition: `share_column` makes a column's formulas over a run of rows one Excel shared formula (the
    first cell holds the text, the others `<f t="shared" si=…/>`, as Excel itself saves a filled-down column), so a
    long table of identical per-row formulas costs a few bytes a cell.
    """

    empty_result_is_text = True
    _shared: dict[str, list[list[Any]]]  # column letters → [first row, last row, si, first formula] (rows 1-based)

    def _prepare_formula(self, formula, expand_future_functions=False):
        # XlsxWriter's first step only: the array braces and the leading "="
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        return formula[:-1] if formula.endswith("}") else formula

    def share_column(self, col: int, first: int, last: int) -> None:
        """Rows first..last (0-based) of `col` hold one formula filled down: written as a shared formula. Each
        row's formula must be the first one's moved down (the second and the last row are checked when written);
        every reader (Excel, WPS, LibreOffice, openpyxl) gives each cell its own moved formula. Call it before
        writing the cells."""
        if "_shared" not in vars(self):
            self._shared = {}
        groups = self._shared.setdefault(xl_col_to_name(col), [])
        groups.append([first + 1, last + 1, sum(len(g) for g in self._shared.values()), None])

    def _write_formula(self, row, col, formula, cell_format=None, value=0):  # XlsxWriter's signature
        # a shared run's cell whose text is never written (not its first row, nor a row _share checks): kept short
        groups = self._shared.get(xl_col_to_name(col), ()) if "_shared" in vars(self) else ()
        if any(first < row + 1 < last and row + 1 != first + 1 for first, last, _, _ in groups):
            if self._check_dimensions(row, col):
                return -1
            self.table[row][col] = CellFormulaTuple("", cell_format, value)
            return 0
        return super()._write_formula(row, col, formula, cell_format, value)

    def _share(self, ref: str, formula: str) -> str | None:
        """The <f> element of a shared formula's cell, None for a cell of no shared run."""
        m = _CELL.match(ref)
        if m is None:
            return None
        for group in self._shared.get(m[1], ()):
            first, last, si, text = group
            row = int(m[2])
            if not first <= row <= last:
                continue
            if row == first:
                group[3] = formula
                return f'<f t="shared" ref="{m[1]}{first}:{m[1]}{last}" si="{si}">{self._escape_data(formula)}</f>'
            if text is None:
                raise ValueError(f"shared formula {ref}: its first row is not written")
            if row in (first + 1, last):  # a formula that does not move as its first row's would be wrong
                moved = Translator("=" + text, origin=f"{m[1]}{first}").translate_formula(ref)[1:]
                if moved != formula:
                    raise ValueError(f"shared formula {ref}: {formula!r} is not {moved!r}")
            return f'<f t="shared" si="{si}"/>'
        return None

    def _xml_formula_element(self, formula, result, attributes=[]) -> None:  # noqa: B006 (XlsxWriter's signature)
        if "_shared" in vars(self):
            ref = next((v for k, v in attributes if k == "r"), "")
            f = self._share(ref, formula)
            if f is not None:
                if result == "" and self.empty_result_is_text and not any(k == "t" for k, _ in attributes):
                    attributes = [*attributes, ("t", "str")]
                attr = "".join(f' {k}="{self._escape_attributes(v)}"' for k, v in attributes
                               if not (result == NO_CACHE and k == "t"))
                value = "" if result == NO_CACHE else f"<v>{self._escape_data(result)}</v>"
                self.fh.write(f"<c{attr}>{f}{value}</c>")
                return
        if result == NO_CACHE:
            attr = "".join(f' {k}="{self._escape_attributes(v)}"' for k, v in attributes if k != "t")
            self.fh.write(f"<c{attr}><f>{self._escape_data(formula)}</f></c>")
            return
        if result == "" and self.empty_result_is_text and not any(k == "t" for k, _ in attributes):
            attributes = [*attributes, ("t", "str")]
        super()._xml_formula_element(formula, result, attributes)


def add_sheet(wb, name: str, *, empty_result_is_text: bool = True) -> BookSheet:
    ws = wb.add_worksheet(name, worksheet_class=BookSheet)
    ws.empty_result_is_text = empty_result_is_text
    return ws


def cell_value(v: Any) -> Any:
    if v is None or isinstance(v, (str, bool, int, float)):
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return None
        return v
    if isinstance(v, Decimal):
        return float(v)
    if hasattr(v, "item") and not isinstance(v, (list, tuple)):  # numpy scalars
        return cell_value(v.item())
    return str(v)


def write_cell(ws, r: int, c: int, v: Any, fmt) -> None:
    if v is None or v == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)
    elif isinstance(v, (int, float)):
        ws.write_number(r, c, v, fmt)
    else:
        ws.write_string(r, c, str(v), fmt)


def cached_value(v: Any) -> Any:
    """A formula's cached value as XlsxWriter takes it."""
    if isinstance(v, bool) or isinstance(v, str):
        return v
    if is_num(v):
        return clean_number(float(v))
    if v is None:
        return ""
    return str(v)


