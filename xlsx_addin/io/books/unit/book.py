"""The unit workbook (单位填报表): one per scheme, filled by a branch, read back by its defined names.

Two flavours of the same forms (forms.py plans them, this module writes them):
- universal (.xlsx): results as native formulas compiled from the scheme (universal.py, compiler.py);
- Python (.xlsm): results from the xlwings formula functions (python_flavour.py, vba_project.py).
Sheets: 填表说明 · 自评表 · 测评表 · 测评汇总表 · 规则, and hidden: 计算 (universal) or 函数结果 and
xlwings.conf (Python). Output is byte-deterministic: fixed document dates, fixed zip timestamps.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from xlsx_addin.engine.inputs import flatten
from xlsx_addin.contracts.names import ADJUSTMENT_INPUTS, MASS_PREFIX
from xlsx_addin.engine.scheme import Scheme, load_scheme
from xlsx_addin.engine import cells
from xlsx_addin.io.books.unit import results
from xlsx_addin.io.books.unit.forms import plan_for
from xlsx_addin.io.books.unit.layout import (
    BOOK,
    CREATED,
    PYTHON_NOTE,
    RESULT_NAMES,
    SHEET_BALLOT,
    SHEET_CONF,
    SHEET_GUIDE,
    SHEET_RULES,
    SHEET_SELF,
    SHEET_SURVEY,
    SHEETS,
    Grid,
    Plan,
    ResultSteps,
)  # noqa: F401
from xlsx_addin.io.books.kit.flavour import CALC_ID, PYTHON, UNIVERSAL, UDF_MODULE, Flavour, flavour_of  # noqa: F401
from xlsx_addin.io.books.kit.styles import Styles
from xlsx_addin.io.books.kit.workbook import new_workbook
from xlsx_addin.io.books.kit.writing import add_sheet, cached_value, cell_value, write_cell
from xlsx_addin.io.books.unit import python_flavour, universal
from xlsx_addin.io.books.unit.universal import SHEET_CALC, compiled_for  # noqa: F401

_STEPS: dict[Flavour, ResultSteps] = {UNIVERSAL: universal.STEPS, PYTHON: python_flavour.STEPS}


def unit_filename(scheme: Scheme, python: bool | Flavour = False) -> str:
    """单位填报表_<scheme>.xlsx (universal) or .xlsm (the Python workbook)."""
    return flavour_of(python).filename(BOOK, scheme.id)


def _assign(plan: Plan, values: Mapping[str, Any]) -> dict[tuple[int, int, int], Any]:
    """Cell → value for the given inputs; refuses names that the workbook has no cell for."""
    written: dict[tuple[int, int, int], Any] = {}
    for name, raw in values.items():
        cells = plan.inputs.get(name) if isinstance(name, str) and not name.startswith("_") else None
        if cells is None:
            if isinstance(name, str) and name.removeprefix(MASS_PREFIX).startswith("votes_") and \
                    (raw is None or raw == "" or raw == 0):
                continue  # another scheme's ballot option, left empty: harmless (as the engine has it)
            if name in ADJUSTMENT_INPUTS:
                continue  # an adjustment no rule of this scheme reads: not on its form, ignored as by the engine
            raise ValueError(f"单位填报表没有名为 {name!r} 的输入单元格(请对照名称约定)")
        if len(cells) == 1:
            if isinstance(raw, (list, tuple)):
                flat = flatten(raw)
                if len(flat) != 1:
                    raise ValueError(f"{name} 只有一个单元格,却给了{len(flat)}个值")
                raw = flat[0]
            written[(cells[0].sheet, cells[0].row, cells[0].col)] = cell_value(raw)
            continue
        flat = [] if raw is None else flatten(raw)
        if raw is not None and len(flat) != len(cells):
            raise ValueError(f"{name} 在本模板中有{len(cells)}个单元格(每个{'细项' if plan.scheme.sub_item_count else '项目'}一个),"
                             f"却给了{len(flat)}个值")
        for cell, v in zip(cells, flat):
            written[(cell.sheet, cell.row, cell.col)] = cell_value(v)
    return written


def result_values(plan: Plan, grid: Grid) -> dict[str, Any]:
    """What each UDF result cell of the workbook shows, keyed by results.FUNCTIONS key."""
    args = {
        "item_scores": grid.range("item_scores"),
        "item_scores_reviewed": grid.range("item_scores_reviewed"),
        "info_table": grid.range("info_table"),
        "survey_table": grid.range("survey_table"),
        "rules_table": grid.range("rules_table"),
        "member_count": grid.value("member_count"),
        "members_present": grid.value("members_present"),
    }
    keys = sorted({f.key for f in plan.formulas if f.key and not f.key.startswith("=")} | set(cells.result_keys(plan.scheme))
                  | set(cells.SURVEY_RESULT_KEYS))
    return results.compute(keys, args)


def build_unit_workbook(path: str | Path, scheme: Scheme | str, values: Mapping[str, Any] | None = None,
                        *, python: bool | Flavour = False) -> Path:
    """Write the unit workbook of `scheme` to `path`, its input cells filled from `values`
    (keyed by the names contract, as score_unit takes them; None = the blank form).

    The universal workbook (default) computes with native formulas compiled from the scheme, in
    any spreadsheet program; `python=True` (or the flavour PYTHON) builds the Python workbook, whose results are the
    xlwings formula functions. Either way every result cell carries, as its saved value, what
    the formulas compute (the engine's result), so a reader that does not recalculate sees it."""
    scheme = load_scheme(scheme)
    flavour = flavour_of(python)
    steps = _STEPS[flavour]
    plan = plan_for(scheme, flavour)
    path = Path(path)
    written = _assign(plan, values or {})
    grid = Grid(plan, written)
    refs = steps.result_refs(plan)

    wb = new_workbook(path)
    wb.set_properties({
        "title": f"{scheme.name}单位填报表", "subject": scheme.name, "author": "xlsx-addin",
        "company": "", "category": "星级评定", "keywords": f"{scheme.id};v{scheme.version}",
        "comments": "由 xlsx-addin 生成", "created": CREATED,
    })
    flavour.set_calculation(wb, universal_calc_id=CALC_ID)  # universal: the 计算 steps carry no saved values
    styles = Styles(wb)
    sheets = []
    for sp in plan.sheets:  # (the Python workbook's xlwings.conf is written with its VBA project)
        ws = add_sheet(wb, sp.name)
        sheets.append(ws)
        for method, args, styled in sp.calls:
            if styled:
                args = list(args)
                for i in styled:
                    args[i] = styles[args[i].name]
            getattr(ws, method)(*args)
    for (s, r, c), v in written.items():
        cell = next(ic for ic in _cells_at(plan, s, r, c))
        write_cell(sheets[s], r, c, v, styles[cell.style])

    udf = result_values(plan, grid)
    for f in plan.formulas:
        if f.key and f.key.startswith("="):
            value = udf.get(f.key[1:], "")
        elif f.key:
            value = udf.get(f.key, "")
        elif f.compute is not None:
            value = f.compute(grid)
        else:
            raise ValueError(f"formula cell {f.formula} has neither a function key nor a computed value")
        formula = f.formula
        if f.key and not f.key.startswith("="):
            formula = "=" + refs[f.key]
        sheets[f.sheet].write_formula(f.row, f.col, formula, styles[f.style], cached_value(value))

    sheets.append(steps.hidden_sheet(wb, plan, udf, styles))
    for name, ref in plan.names.items():
        wb.define_name(name, ref)
    for ws in sheets:
        ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                        "select_unlocked_cells": True})
    sheets[1].activate()
    flavour.finish(wb)
    wb.close()
    return path


def _cells_at(plan: Plan, s: int, r: int, c: int):
    index = getattr(plan, "_index", None)
    if index is None:
        index = {(ic.sheet, ic.row, ic.col): ic for cells in plan.inputs.values() for ic in cells}
        plan._index = index  # type: ignore[attr-defined]
    yield index[(s, r, c)]

