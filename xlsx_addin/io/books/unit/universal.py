"""The universal flavour of the unit workbook: results as native formulas compiled from the scheme.

Opens and computes in Excel 2010 and later, WPS and LibreOffice, with no Python and no macro.
The compiled steps live on the hidden 计算 sheet; the result cells of 自评表 and 测评汇总表 read them.
"""
from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet

from xlsx_addin.io.books.unit.compiler import Compiled, Refs, compile_unit
from xlsx_addin.io.books.kit.page import abs_ref
from xlsx_addin.io.books.kit.writing import NO_CACHE, add_sheet
from xlsx_addin.io.books.unit.layout import Plan, ResultSteps

SHEET_CALC = "计算"


def _ref(plan: Plan, sheet: int, row: int, col: int) -> str:
    return abs_ref(plan.sheets[sheet].name, row, col)


def refs_of(plan: Plan) -> Refs:
    inputs, scores = {}, {}
    for name, cells in plan.inputs.items():
        if name.startswith("_"):
            continue
        refs = [_ref(plan, c.sheet, c.row, c.col) for c in cells]
        if name in ("item_scores", "item_scores_reviewed"):
            scores[name] = refs
        else:
            inputs[name] = refs[0]
    params = {key: _ref(plan, *cell) for key, cell in plan.params.items()}
    return Refs(inputs=inputs, scores=scores, params=params)


_COMPILED: dict[int, tuple[Plan, Compiled]] = {}


def compiled_for(plan: Plan) -> Compiled:
    hit = _COMPILED.get(id(plan))
    if hit is not None and hit[0] is plan:
        return hit[1]
    compiled = compile_unit(plan.scheme, refs_of(plan), SHEET_CALC)
    if len(_COMPILED) > 32:
        _COMPILED.clear()
    _COMPILED[id(plan)] = (plan, compiled)
    return compiled


def result_refs(plan: Plan) -> dict[str, str]:
    """Result key → its compiled formula (over the 计算 steps)."""
    return compiled_for(plan).results


def write_program(wb, plan: Plan, udf: dict[str, Any], styles) -> Worksheet:
    """The hidden 计算 sheet: one compiled step per row (label, formula without a saved value: every program
    computes it on opening)."""
    compiled = compiled_for(plan)
    ws = add_sheet(wb, SHEET_CALC)
    ws.set_column(0, 0, 36)
    ws.set_column(1, 1, 24)
    ws.write_string(0, 0, "计算过程(由评定方案自动生成,请勿修改)", styles["text"])
    ws.write_string(0, 1, "值", styles["text"])
    for i, (label, formula) in enumerate(compiled.program.rows, start=compiled.program.first_row):
        ws.write_string(i, 0, label, styles["text"])
        ws.write_formula(i, 1, "=" + formula, styles["text"], NO_CACHE)
    ws.hide()
    return ws


STEPS = ResultSteps(result_refs, write_program)
