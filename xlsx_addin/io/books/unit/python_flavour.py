"""The Python flavour's own parts: the 函数结果 sheet (one array call per result block)."""
from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet

from xlsx_addin.engine import cells
from xlsx_addin.engine.scheme import Scheme
from xlsx_addin.io.books.kit.page import abs_ref
from xlsx_addin.io.books.kit.writing import add_sheet, cached_value, write_cell
from xlsx_addin.io.books.unit.layout import Plan, ResultSteps

SHEET_BLOCKS = "函数结果"
_BLOCK_ARGS = {"XJ_RESULT": "item_scores,item_scores_reviewed,info_table,survey_table,rules_table",
               "XJ_SURVEY": "survey_table,info_table,rules_table"}


def _block_layout(scheme: Scheme) -> list[tuple[str, int, tuple[str, ...]]]:
    """(function, first row, result keys) of each array call on the 函数结果 sheet."""
    unit = cells.result_keys(scheme)
    return [("XJ_RESULT", 1, unit), ("XJ_SURVEY", len(unit) + 2, cells.SURVEY_RESULT_KEYS)]


def result_refs(plan: Plan) -> dict[str, str]:
    """Result key → the reference of its row in the 函数结果 sheet (each block is one array call)."""
    out = {}
    for _, first, keys in _block_layout(plan.scheme):
        for i, key in enumerate(keys):
            out[key] = abs_ref(SHEET_BLOCKS, first + i, 1)
    return out


def write_blocks(wb, plan: Plan, udf: dict[str, Any], styles) -> Worksheet:
    """The hidden 函数结果 sheet: XJ_RESULT and XJ_SURVEY, each one array formula over its rows
    (xlwings' advice: one call returning an array, not one call per cell)."""
    scheme = plan.scheme
    ws = add_sheet(wb, SHEET_BLOCKS)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 40)
    ws.write_string(0, 0, "公式函数结果(请勿修改)", styles["text"])
    for function, first, keys in _block_layout(scheme):
        last = first + len(keys) - 1
        ws.write_array_formula(first, 1, last, 1, f"{{={function}({_BLOCK_ARGS[function]})}}", styles["text"],
                               cached_value(udf.get(keys[0], "")))
        for i, key in enumerate(keys):
            ws.write_string(first + i, 0, key, styles["text"])
            if i:
                write_cell(ws, first + i, 1, cached_value(udf.get(key, "")), styles["text"])
    ws.hide()
    return ws




STEPS = ResultSteps(result_refs, write_blocks)
