"""The unit workbook's layout plan: planned XlsxWriter calls, input and formula cells, the grid,
and the helpers every sheet planner shares (sheet names, page setup, row heights, rich texts).

A scheme's layout is planned once (forms.plan_for) and replayed for every workbook (unit.py),
so that filled workbooks for a demo county cost a few milliseconds each.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

from xlsx_addin.contracts.names import ADJUSTMENT_INPUTS, MASS_PREFIX
from xlsx_addin.engine.scheme import Scheme, parameters
from xlsx_addin.io.books.kit.flavour import PYTHON
from xlsx_addin.io.books.kit.page import abs_ref, page_calls
from xlsx_addin.io.books.unit import guide, texts

TEMPLATE_VERSION_KEY = "version"
CREATED = _dt.datetime(2026, 1, 1, 0, 0, 0)  # fixed: byte-for-byte reproducible builds

SHEET_GUIDE = "填表说明"
SHEET_SELF = "自评表"
SHEET_BALLOT = "测评表"
SHEET_SURVEY = "测评汇总表"
SHEET_RULES = "规则"
SHEET_CONF = "xlwings.conf"
GUIDE_WIDTH = 84  # one column, narrower than an A4 page: LibreOffice does not shrink a single column
SHEETS = (SHEET_GUIDE, SHEET_SELF, SHEET_BALLOT, SHEET_SURVEY, SHEET_RULES)
RULES_INDEX = SHEETS.index(SHEET_RULES)
RULES_FIRST_ROW = 2  # row 0 title, row 1 header

IDENTITY = ("org_name", "org_code", "parent_org", "org_type", "member_count", "prev_level")
ADJUST = ADJUSTMENT_INPUTS
RESULT_NAMES = {
    "base": "result_base_score", "bonus": "result_bonus", "penalty": "result_penalty",
    "final": "result_final_score", "level": "result_level", "reasons": "result_reasons",
    "rectify": "result_rectify", "participation": "result_participation_rate",
    "satisfaction": "result_satisfaction_rate", "stars": "result_stars", "star_count": "result_star_count",
    "survey_note": "result_survey_note",
}


BOOK = "单位填报表"
PYTHON_NOTE = PYTHON.note(BOOK)

# --- the plan ------------------------------------------------------------------------------

class F:
    """A style placeholder inside a planned call, resolved to the workbook's Format on replay."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


@dataclass
class InputCell:
    sheet: int
    row: int
    col: int
    style: str


@dataclass
class FormulaCell:
    sheet: int
    row: int
    col: int
    formula: str
    style: str
    key: str | None = None  # a results.FUNCTIONS key (a UDF) ...
    compute: Callable[["Grid"], Any] | None = None  # ... or a native formula's value from the grid


@dataclass
class SheetPlan:
    name: str
    calls: list = field(default_factory=list)  # (method, args)
    grid: dict = field(default_factory=dict)  # (row, col) → static value

    def call(self, method: str, *args) -> None:
        styled = tuple(i for i, a in enumerate(args) if isinstance(a, F))
        self.calls.append((method, args, styled))

    def text(self, r: int, c: int, value, style: str) -> None:
        self.grid[(r, c)] = value
        if isinstance(value, (int, float)):
            self.call("write_number", r, c, value, F(style))
        else:
            self.call("write_string", r, c, value, F(style))

    def blank(self, r: int, c: int, style: str) -> None:
        self.call("write_blank", r, c, None, F(style))

    def merge(self, r1: int, c1: int, r2: int, c2: int, value, style: str) -> None:
        if (r1, c1) == (r2, c2):
            if value is None or value == "":
                self.blank(r1, c1, style)
            else:
                self.text(r1, c1, value, style)
            return
        if value is not None and value != "":
            self.grid[(r1, c1)] = value
        self.call("merge_range", r1, c1, r2, c2, "" if value is None else value, F(style))


@dataclass
class Plan:
    scheme: Scheme
    sheets: list[SheetPlan]
    names: dict[str, str]  # defined name → formula
    inputs: dict[str, list[InputCell]]  # names-contract input → its cells (item_scores: many)
    formulas: list[FormulaCell]
    ranges: dict[str, tuple[int, int, int, int, int]]  # UDF argument → (sheet, r1, c1, r2, c2)
    params: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # 规则 key → its 值 cell


class ResultSteps(NamedTuple):
    """A flavour's own steps of the unit workbook: where its result cells read their value (result key →
    formula text without "="), and the hidden sheet it writes them on (计算 or 函数结果)."""

    result_refs: Callable[[Plan], dict[str, str]]
    hidden_sheet: Callable[[Any, Plan, dict[str, Any], Any], Any]  # (workbook, plan, result values, styles)


class Grid:
    """The values a build writes: the plan's static grid overlaid with the inputs."""

    def __init__(self, plan: Plan, written: dict[tuple[int, int, int], Any]):
        self.plan = plan
        self.written = written

    def get(self, sheet: int, r: int, c: int) -> Any:
        key = (sheet, r, c)
        if key in self.written:
            return self.written[key]
        return self.plan.sheets[sheet].grid.get((r, c))

    def range(self, name: str) -> list[list[Any]]:
        s, r1, c1, r2, c2 = self.plan.ranges[name]
        return [[self.get(s, r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def column(self, name: str) -> list[Any]:
        return [row[0] for row in self.range(name)]

    def value(self, name: str) -> Any:
        cell = self.plan.inputs[name][0]
        return self.get(cell.sheet, cell.row, cell.col)


def is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not (isinstance(v, float) and math.isnan(v))


def excel_n(v: Any) -> float:
    """Excel's N(): numbers as they are, TRUE = 1, anything else 0."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    return float(v) if is_num(v) else 0.0


def clean_number(x: float) -> int | float:
    x = round(x, 9)
    return int(x) if float(x).is_integer() else x


def sum_or_blank(values) -> Any:
    values = list(values)
    return excel_sum(values) if any(is_num(v) for v in values) else ""


def excel_sum(values) -> int | float:
    return clean_number(math.fsum(float(v) for v in values if is_num(v)))


def page_setup(sp: SheetPlan, **options: Any) -> None:
    """The kit's page set-up, planned (page.page_calls takes the options)."""
    for method, args in page_calls(**options):
        sp.call(method, *args)


def print_scale(widths: list[float], printable_pt: float = 523.0) -> int:
    """The percent at which columns of these widths (characters) fill an A4 portrait page's width, rounded down
    with a margin for the programs' different fonts (a width of w characters is 7w + 5 pixels in Excel)."""
    points = sum(int(w * 8 + 0.5) + 5 for w in widths) * 0.75  # 8: LibreOffice sets the body font wider than 7
    return max(10, min(100, int(100 * printable_pt / points) - 2))


def keep_together(sp: SheetPlan, groups: list[tuple[int, int]], scale: int, repeat_height: float,
                  last_row: int, printable_pt: float = 742.0) -> None:
    """Page breaks so that no group of rows (an item with its sub-items, the results with the signatures) is split
    across printed pages (LibreOffice prints a split merged cell's text again over the repeated header); rows'
    heights as planned (15 points where none is set), at the `scale` percent the fitted width gives at least."""
    heights = {args[0]: float(args[1]) for method, args, _ in sp.calls
               if method == "set_row" and isinstance(args[1], (int, float))}
    capacity = printable_pt * 100 / scale * 0.95
    starts = {first: last for first, last in groups}
    breaks, used, r = [], 0.0, 0
    while r <= last_row:
        end = starts.get(r, r)
        h = sum(heights.get(x, 15.0) for x in range(r, end + 1))
        if used > 0 and used + h > capacity:
            breaks.append(r)
            used = repeat_height
        used += h
        r = end + 1
    if breaks:
        sp.call("set_h_pagebreaks", breaks)


# --- 规则 cells and rich texts -------------------------------------------------------------

def param_cells(scheme: Scheme) -> dict[str, tuple[int, int, int]]:
    """Where each 规则 parameter's 值 sits: (sheet, row, col) on the 规则 sheet."""
    return {p.key: (RULES_INDEX, RULES_FIRST_ROW + i, 2) for i, p in enumerate(parameters(scheme))}


def param_ref(cell: tuple[int, int, int]) -> str:
    return abs_ref(SHEET_RULES, cell[1], cell[2])


def param_by_name(cell: tuple[int, int, int]) -> str:
    """The same 规则 cell reached through the defined name rules_table: a data validation may hold it in
    Excel 2007, which refuses a plain reference to another sheet in a validation rule."""
    return f"INDEX(rules_table,{cell[1] - RULES_FIRST_ROW + 1},{cell[2] + 1})"


def rich(sp: "SheetPlan", sheet: int, r: int, c: int, text: texts.Txt, style: str, scheme: Scheme,
         formulas: list, last_col: int | None = None) -> str:
    """A text cell; when it quotes 规则 numbers, a formula over the 规则 sheet (cached as rendered).
    Returns the rendered text (for row heights)."""
    shown = texts.render(text, scheme)
    if not texts.has_params(text):
        if last_col is not None and last_col != c:
            sp.merge(r, c, r, last_col, shown, style)
        else:
            sp.text(r, c, shown, style)
        return shown
    if last_col is not None and last_col != c:
        sp.merge(r, c, r, last_col, None, style)
    cells = param_cells(scheme)
    formula = "=" + texts.formula(text, scheme, lambda key: param_ref(cells[key]))
    formulas.append(FormulaCell(sheet, r, c, formula, style, compute=lambda g: shown))
    return shown


def _display_width(text: str) -> float:
    """Width in column units (a CJK character is about two digits wide)."""
    return sum(2.2 if ord(ch) > 0x2E7F else 1.0 for ch in text)


def row_height(cells: list[tuple[str, float]], minimum: float = 20, line: float = 14.5, small: bool = False) -> float:
    """A row height (points) that shows every wrapped text of the row: (text, column width) pairs.

    Neither Excel nor LibreOffice grows a row for wrapped text in merged cells, so the
    templates set heights themselves."""
    lines = 1
    for text, width in cells:
        if not text:
            continue
        capacity = max(4.0, (width - 1.5) * (11 / 9 if small else 1))
        n = sum(max(1, math.ceil(_display_width(part) / capacity)) for part in str(text).split("\n"))
        lines = max(lines, n)
    return max(minimum, round(lines * (line * (9 / 11) if small else line) + 5, 1))


def whole_number(x: Any) -> Any:
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def is_share(key: str, label: str) -> bool:
    return key.endswith(("share", "min_participation")) or ".shares." in key or "_rate" in label


def excel_text(v: Any) -> str:
    """A value as Excel's & operator turns it into text."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if is_num(v):
        return guide.num(v) if float(v).is_integer() or len(repr(float(v))) < 16 else repr(float(v))
    return str(v)


def ref_or_blank(v: Any) -> Any:
    return "" if v is None or v == "" else v


def per_vote(compute: Callable[[Grid, str], Any], vote: str) -> Callable[[Grid], Any]:
    """A FormulaCell's compute for one vote input (a loop's lambda would see only the last vote)."""
    return lambda g: compute(g, vote)


def any_mass(g: Grid, options) -> bool:
    return any(is_num(g.value(MASS_PREFIX + v)) for v, _ in options)


def satisfied_share(g: Grid, vote: str, options) -> Any:
    valid = sum(float(g.value(v)) for v, _ in options[:-1] if is_num(g.value(v)))
    if valid == 0:
        return ""
    return excel_n(g.value(vote)) / valid


