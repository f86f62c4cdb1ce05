"""Writing cells with XlsxWriter: the builders' worksheet class, values as Excel stores them, formulas with or
without a saved value."""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from xlsx_addin.io.books.unit.layout import clean_number, is_num

NO_CACHE = "\x00no-cached-value"  # a formula written without a cached value: every program computes it


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
    """

    empty_result_is_text = True

    def _prepare_formula(self, formula, expand_future_functions=False):
        # XlsxWriter's first step only: the array braces and the leading "="
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        return formula[:-1] if formula.endswith("}") else formula

    def _xml_formula_element(self, formula, result, attributes=[]) -> None:  # noqa: B006 (XlsxWriter's signature)
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


