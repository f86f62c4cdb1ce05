"""Writing planned cells with XlsxWriter: values as Excel stores them, formulas with or without a saved value."""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from xlsx_addin.io.books.unit.layout import clean_number, is_num

NO_CACHE = "\x00no-cached-value"  # a formula written without a cached value: every program computes it


class CachedTextWorksheet(Worksheet):
    """A worksheet whose formulas with an empty-text result are stored as text ("" is what a
    function returned), not as a value-less number that other programs take for "recalculate me"."""

    def _xml_formula_element(self, formula, result, attributes=[]) -> None:  # noqa: B006 (XlsxWriter's signature)
        if result == NO_CACHE:
            attr = "".join(f' {k}="{self._escape_attributes(v)}"' for k, v in attributes if k != "t")
            self.fh.write(f"<c{attr}><f>{self._escape_data(formula)}</f></c>")
            return
        if result == "" and not any(k == "t" for k, _ in attributes):
            attributes = [*attributes, ("t", "str")]
        super()._xml_formula_element(formula, result, attributes)

    _prepared: dict = {}

    def _prepare_formula(self, formula, expand_future_functions=False):
        # a pure string rewrite (dozens of regex passes): the same few formulas recur in every workbook
        key = (formula, expand_future_functions, self.use_future_functions)
        out = self._prepared.get(key)
        if out is None:
            out = self._prepared[key] = super()._prepare_formula(formula, expand_future_functions)
        return out


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


