"""The unit workbook (单位填报表): one per scheme, filled by a branch, read back by its defined names.

Sheets: 填表说明 · 自评表 · 测评表 · 测评汇总表 · 规则 · xlwings.conf (hidden).

The layout of a scheme is planned once (a list of XlsxWriter calls per sheet, the grid of
static values, the input cells and the formula cells) and replayed for every workbook, so
that filled workbooks for a demo county cost a few milliseconds each. Output is
byte-deterministic: fixed document dates, fixed zip timestamps, no random ids.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping

import xlsxwriter
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.utility import xl_rowcol_to_cell

from ..inputs import flatten
from ..names import INPUTS, MASS_PREFIX
from ..scheme import Scheme, load_scheme, parameters
from . import guide, results, texts
from .universal import SHEET_CALC, compiled_for
from .styles import Styles

TEMPLATE_VERSION_KEY = "version"
CREATED = _dt.datetime(2026, 1, 1, 0, 0, 0)  # fixed: byte-for-byte reproducible builds
UDF_MODULE = "udfs.star_rating"  # the module the xlwings add-in imports the formula functions from
CALC_ID = 191029  # a current Excel calc engine id: opening does not force a full recalculation

SHEET_GUIDE = "填表说明"
SHEET_SELF = "自评表"
SHEET_BALLOT = "测评表"
SHEET_SURVEY = "测评汇总表"
SHEET_RULES = "规则"
SHEET_CONF = "xlwings.conf"
GUIDE_WIDTH = 84  # one column, narrower than an A4 page: LibreOffice does not shrink a single column
SHEETS = (SHEET_GUIDE, SHEET_SELF, SHEET_BALLOT, SHEET_SURVEY, SHEET_RULES, SHEET_CONF)
RULES_INDEX = SHEETS.index(SHEET_RULES)
RULES_FIRST_ROW = 2  # row 0 title, row 1 header

IDENTITY = ("org_name", "org_code", "parent_org", "org_type", "member_count", "prev_level")
ADJUST = ("honor_level", "innovation_level", "criticism_committee", "criticism_city", "leader_discipline_minor",
          "leader_discipline_major", "member_violations", "election_overdue_months", "election_overdue_excused",
          "absences")
RESULT_NAMES = {
    "base": "result_base_score", "bonus": "result_bonus", "penalty": "result_penalty",
    "final": "result_final_score", "level": "result_level", "reasons": "result_reasons",
    "rectify": "result_rectify", "participation": "result_participation_rate",
    "satisfaction": "result_satisfaction_rate", "stars": "result_stars", "star_count": "result_star_count",
    "survey_note": "result_survey_note",
}


def unit_filename(scheme: Scheme, python: bool = False) -> str:
    """单位填报表_<scheme>.xlsx (universal) or .xlsm (the Python workbook)."""
    return f"单位填报表_{scheme.id}.{'xlsm' if python else 'xlsx'}"


NO_CACHE = "\x00no-cached-value"  # a formula written without a cached value: every program computes it


class _Worksheet(Worksheet):
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


def _abs(sheet: str, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> str:
    ref = xl_rowcol_to_cell(r1, c1, row_abs=True, col_abs=True)
    if r2 is not None and (r2, c2) != (r1, c1):
        ref += ":" + xl_rowcol_to_cell(r2, c2, row_abs=True, col_abs=True)
    return f"='{sheet}'!{ref}"


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not (isinstance(v, float) and math.isnan(v))


def _n(v: Any) -> float:
    """Excel's N(): numbers as they are, TRUE = 1, anything else 0."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    return float(v) if _is_num(v) else 0.0


def _clean(x: float) -> int | float:
    x = round(x, 9)
    return int(x) if float(x).is_integer() else x


def _sum_or_blank(values) -> Any:
    values = list(values)
    return _sum(values) if any(_is_num(v) for v in values) else ""


def _sum(values) -> int | float:
    return _clean(math.fsum(float(v) for v in values if _is_num(v)))


def _page_setup(ws_calls: SheetPlan, *, landscape: bool = False, repeat: tuple[int, int] | None = None,
                fit_height: int = 0, title: str = "") -> None:
    ws_calls.call("set_paper", 9)  # A4
    if landscape:
        ws_calls.call("set_landscape")
    else:
        ws_calls.call("set_portrait")
    ws_calls.call("fit_to_pages", 1, fit_height)
    ws_calls.call("set_margins", 0.5, 0.5, 0.7, 0.7)
    ws_calls.call("center_horizontally")
    if repeat is not None:
        ws_calls.call("repeat_rows", *repeat)
    ws_calls.call("set_header", f"&L&9{title}&R&9&A")
    ws_calls.call("set_footer", "&C&9第 &P 页,共 &N 页")


# --- validations (Chinese prompts and errors) ------------------------------------------------

def _dv_list(words: list[str], what: str) -> dict:
    return {"validate": "list", "source": list(words), "input_title": "请选择",
            "input_message": f"{what}:从下拉列表中选择({'/'.join(words)})"[:255],
            "error_title": "输入有误", "error_message": f"{what}只能是:{'/'.join(words)}"[:255]}


def _dv_whole(what: str, minimum: int = 0) -> dict:
    return {"validate": "integer", "criteria": ">=", "value": minimum, "input_title": "请填写整数",
            "input_message": f"{what}:填写不小于{minimum}的整数,没有的填0或留空"[:255],
            "error_title": "输入有误", "error_message": f"{what}须为不小于{minimum}的整数"[:255]}


def _dv_decimal(what: str) -> dict:
    return {"validate": "decimal", "criteria": ">=", "value": 0, "input_title": "请填写数字",
            "input_message": f"{what}:填写不小于0的数字,没有的填0或留空"[:255],
            "error_title": "输入有误", "error_message": f"{what}须为不小于0的数字"[:255]}


def _dv_score(points_ref: str, all_or_nothing: bool, self_cell: str, reviewed_cell: str) -> tuple[dict, dict]:
    """The score cells' validations (self, reviewed): the limit read from the 规则 sheet, so a
    locality's points apply; messages name the 标准分值 column, not a number."""
    def one(cell: str) -> dict:
        if all_or_nothing:
            return {"validate": "custom", "value": f"=OR({cell}=0,{cell}={points_ref})",
                    "input_title": "达成得分,不达成不得分", "input_message": "达成目标填“标准分值”列的分数,未达成填0",
                    "error_title": "得分有误", "error_message": "本标准达成得“标准分值”列的分数、不达成得0分,只能填这两个数"}
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": "=" + points_ref,
                "input_title": "请填写得分", "input_message": "填写0至“标准分值”列分数之间的得分",
                "error_title": "得分有误", "error_message": "得分须在0至“标准分值”之间(不超过标准分值)"}
    return one(self_cell), one(reviewed_cell)


def _input_validation(scheme: Scheme, name: str) -> dict | None:
    spec = INPUTS[name]
    if spec.kind == "choice":
        words = scheme.choices.get(spec.choices or "")
        return _dv_list(words, spec.label) if words else None
    if spec.kind == "yesno":
        return _dv_list(scheme.choices.get("yes_no", ["是", "否"]), spec.label)
    if spec.kind == "level":
        return _dv_list([lv.name for lv in scheme.levels], spec.label)
    if spec.kind == "count":
        return _dv_whole(spec.label, int(spec.minimum or 0))
    if spec.kind == "number":
        return _dv_decimal(spec.label)
    return None


_INPUT_STYLE = {"text": "input_text", "choice": "input_center", "yesno": "input_center", "level": "input_center",
                "count": "input_int", "number": "input_score"}

_HINTS = {
    "org_name": "必填,与上级通知的名称一致",
    "org_code": "有组织代码的填写(在全县唯一)",
    "parent_org": "填写直接上级党组织全称(汇总时按此分组)",
    "org_type": "下拉选择",
    "member_count": "整数,不少于1",
    "prev_level": "下拉选择;新成立或未评定的留空",
}


# --- planning ------------------------------------------------------------------------------

def param_cells(scheme: Scheme) -> dict[str, tuple[int, int, int]]:
    """Where each 规则 parameter's 值 sits: (sheet, row, col) on the 规则 sheet."""
    return {p.key: (RULES_INDEX, RULES_FIRST_ROW + i, 2) for i, p in enumerate(parameters(scheme))}


def _param_ref(cell: tuple[int, int, int]) -> str:
    return f"'{SHEET_RULES}'!" + xl_rowcol_to_cell(cell[1], cell[2], row_abs=True, col_abs=True)


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
    formula = "=" + texts.formula(text, scheme, lambda key: _param_ref(cells[key]))
    formulas.append(FormulaCell(sheet, r, c, formula, style, compute=lambda g, v=shown: v))
    return shown


def _plan_guide(scheme: Scheme, formulas: list) -> SheetPlan:
    sp = SheetPlan(SHEET_GUIDE)
    sp.call("set_column", 0, 0, GUIDE_WIDTH)
    sp.text(0, 0, f"{scheme.name}单位填报表 · 填表说明", "title")
    sp.call("set_row", 0, 32)
    sp.text(1, 0, f"评定方案:{scheme.name}({scheme.id},第{scheme.version}版)", "subtitle")
    r = 3
    for heading, paragraphs in guide.guide_sections(scheme):
        sp.text(r, 0, heading, "guide_head")
        sp.call("set_row", r, 22)
        r += 1
        for para in paragraphs:
            shown = rich(sp, 0, r, 0, para, "guide_body", scheme, formulas)
            # wrapped text: a row tall enough for its lines (Excel and LibreOffice keep explicit heights)
            sp.call("set_row", r, _height([(shown, GUIDE_WIDTH)], minimum=16, line=15))
            r += 1
        r += 1
    _page_setup(sp, title=scheme.name)
    sp.call("freeze_panes", 1, 0)
    return sp


def _display_width(text: str) -> int:
    """Width in column units (a CJK character is about two digits wide)."""
    return sum(2.2 if ord(ch) > 0x2E7F else 1.0 for ch in text)


def _height(cells: list[tuple[str, float]], minimum: float = 20, line: float = 14.5, small: bool = False) -> float:
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


def _plan(scheme: Scheme) -> Plan:
    term = scheme.level_term
    names: dict[str, str] = {}
    inputs: dict[str, list[InputCell]] = {}
    formulas: list[FormulaCell] = []
    ranges: dict[str, tuple[int, int, int, int, int]] = {}
    sheets = [_plan_guide(scheme, formulas)]
    pcells = param_cells(scheme)

    # ---- 自评表 ------------------------------------------------------------------------------
    S = 1
    sp = SheetPlan(SHEET_SELF)
    sheets.append(sp)
    A, B, C, D, E, FF, G, H = range(8)  # E = the hidden names-contract key column
    W = {A: 6, B: 22, C: 8, D: 38, E: 2, FF: 11, G: 11, H: 22}
    for col, width in W.items():
        if col != E:
            sp.call("set_column", col, col, width)
    sp.call("set_column", E, E, 2, None, {"hidden": True})

    def add_input(sheet_plan: SheetPlan, sheet_idx: int, name: str, r: int, c: int, style: str,
                  last_col: int | None = None, dv: dict | None = None) -> None:
        if last_col is not None and last_col != c:
            sheet_plan.merge(r, c, r, last_col, None, style)
        else:
            sheet_plan.blank(r, c, style)
        inputs.setdefault(name, []).append(InputCell(sheet_idx, r, c, style))
        if dv:
            sheet_plan.call("data_validation", r, c, r, c, dv)

    def key_cell(sheet_plan: SheetPlan, r: int, c: int, name: str) -> None:
        sheet_plan.text(r, c, name, "key")

    sp.merge(0, A, 0, H, f"{scheme.name}自评表", "title")
    sp.call("set_row", 0, 36)
    sp.merge(1, A, 1, H, "黄色单元格由本党组织填写(“上级审核得分”由上级党组织填写);灰色单元格自动计算,不能修改。", "subtitle")
    r = 2
    sp.merge(r, A, r, H, "一、基本情况", "section")
    r += 1
    info_top = r
    for name in IDENTITY:
        spec = INPUTS[name]
        label = f"上年度{term}" if name == "prev_level" else spec.label
        sp.merge(r, A, r, B, ("*" if name in ("org_name", "member_count") else "") + label, "label_bold")
        sp.merge(r, C, r, D, _HINTS.get(name, ""), "hint_box")
        key_cell(sp, r, E, name)
        add_input(sp, S, name, r, FF, _INPUT_STYLE[spec.kind], H, _input_validation(scheme, name))
        sp.call("set_row", r, _height([(_HINTS.get(name, ""), W[C] + W[D])], small=True))
        r += 1
    sp.merge(r, A, r, H, f"二、{scheme.item_term}自评", "section")
    r += 1
    header_row = r
    for col, text in ((A, "序号"), (B, scheme.item_term), (C, "标准分值"), (D, "评分要点"),
                      (FF, "自评得分"), (G, "上级审核得分"), (H, "说明/纪实")):
        sp.text(r, col, text, "header")
    sp.blank(r, E, "header")
    sp.call("set_row", r, 30)
    r += 1
    scores_top = r
    per_sub = scheme.sub_item_count > 0
    for i, item in enumerate(scheme.items, 1):
        rows = item.sub_items if per_sub else [item]
        first = r
        for j, sub in enumerate(rows, 1):
            points = sub.points
            key = f"items.{i}.sub_items.{j}.points" if per_sub else f"items.{i}.points"
            rich(sp, S, r, C, (texts.P(key),), "number_center", scheme, formulas)
            sp.text(r, D, sub.label if per_sub else (item.guide or item.label), "label")
            dv = _dv_score(_param_ref(pcells[key]), per_sub and scheme.sub_item_all_or_nothing,
                           xl_rowcol_to_cell(r, FF), xl_rowcol_to_cell(r, G))
            add_input(sp, S, "item_scores", r, FF, "input_score", dv=dv[0])
            add_input(sp, S, "item_scores_reviewed", r, G, "input_score", dv=dv[1])
            sp.blank(r, H, "input_text")
            inputs.setdefault("_notes", []).append(InputCell(S, r, H, "input_text"))
            wrapped = [(sub.label if per_sub else (item.guide or item.label), W[D])]
            if not per_sub:
                wrapped.append((item.label, W[B]))
            sp.call("set_row", r, _height(wrapped))
            r += 1
        sp.merge(first, A, r - 1, A, i, "label_center")
        if per_sub:
            sp.merge(first, B, r - 1, B, None, "label_center")
            rich(sp, S, first, B, texts.t(item.label, "\n(", texts.P(f"items.{i}.points"), "分)"), "label_center",
                 scheme, formulas)
        else:
            sp.merge(first, B, r - 1, B, item.label, "label")
    scores_bottom = r - 1
    sp.merge(r, A, r, B, "合计", "label_center")
    if scheme.total_points is not None:
        rich(sp, S, r, C, (texts.P("total_points"),), "number_center", scheme, formulas)
    else:
        sp.text(r, C, _num(sum(it.points for it in scheme.items)), "number_center")
    sp.text(r, D, "审核得分全部填写后按审核得分计算,未填全时按自评得分计算", "hint_box")
    sp.blank(r, E, "label")
    col_self = xl_rowcol_to_cell(scores_top, FF, row_abs=True, col_abs=True) + ":" + \
        xl_rowcol_to_cell(scores_bottom, FF, row_abs=True, col_abs=True)
    col_rev = col_self.replace("$F$", "$G$")
    formulas.append(FormulaCell(S, r, FF, f"=SUM({col_self})", "result_center",
                                compute=lambda g: _sum(g.column("item_scores"))))
    formulas.append(FormulaCell(S, r, G, f'=IF(COUNT({col_rev})=0,"",SUM({col_rev}))', "result_center",
                                compute=lambda g: _sum_or_blank(g.column("item_scores_reviewed"))))
    sp.blank(r, H, "label")
    r += 1
    sp.merge(r, A, r, H, "三、加分、减分及否决事项", "section")
    r += 1
    sp.merge(r, A, r, B, "事项", "header")
    sp.merge(r, C, r, D, "计分规则", "header")
    sp.blank(r, E, "header")
    sp.text(r, FF, "填写", "header")
    sp.merge(r, G, r, H, "填写说明", "header")
    r += 1
    for name in ADJUST:
        spec = INPUTS[name]
        rules = guide.rules_for_input(scheme, name)
        sp.merge(r, A, r, B, spec.label, "label")
        rule_text = texts.join(rules, ";") if rules else ("本方案不据此加减分(如实填写备查)",)
        shown_rules = rich(sp, S, r, C, rule_text, "hint_box", scheme, formulas, last_col=D)
        key_cell(sp, r, E, name)
        add_input(sp, S, name, r, FF, _INPUT_STYLE[spec.kind], dv=_input_validation(scheme, name))
        how = {"choice": "下拉选择,取本年度最高级别;没有的选“无”", "yesno": "下拉选择 是/否",
               "count": "填整数,没有的填0", "number": "按期换届的填0"}[spec.kind]
        sp.merge(r, G, r, H, how, "hint_box")
        sp.call("set_row", r, max(_height([(spec.label, W[A] + W[B])]),
                                  _height([(shown_rules, W[C] + W[D]),
                                           (how, W[G] + W[H])], small=True)))
        r += 1
    info_bottom = r - 1
    ranges["info_table"] = (S, info_top, E, info_bottom, FF)
    names["info_table"] = _abs(SHEET_SELF, info_top, E, info_bottom, FF)
    ranges["item_scores"] = (S, scores_top, FF, scores_bottom, FF)
    ranges["item_scores_reviewed"] = (S, scores_top, G, scores_bottom, G)

    sp.merge(r, A, r, H, "四、评定结果(自动计算,配额调整前)", "section")
    r += 1
    result_rows = [("base", "基础得分", "result_center"), ("bonus", "加分", "result_center"),
                   ("penalty", "减分", "result_center"), ("final", "综合得分", "result_bold")]
    if scheme.level_rule == "items_passed":
        result_rows += [("star_count", "得星数", "result_center"), ("stars", "所得星目", "result_text")]
    result_rows += [("level", f"评定{term}", "result_bold"), ("reasons", "说明(加减分、否决及调整原因)", "result_text_left"),
                    ("rectify", "是否需整改", "result_center")]
    survey_refs = []
    for key, label, style in result_rows:
        sp.merge(r, A, r, B, label, "label_bold")
        sp.merge(r, C, r, H, None, style)
        formulas.append(FormulaCell(S, r, C, results.formula(key), style, key=key))
        if key in RESULT_NAMES:
            names[RESULT_NAMES[key]] = _abs(SHEET_SELF, r, C)
        if key == "reasons":
            sp.call("set_row", r, 96)
        elif key == "stars":
            sp.call("set_row", r, 36)
        else:
            sp.call("set_row", r, 20)
        r += 1
    for label, ref in (("测评参与率", "result_participation_rate"), ("满意率", "result_satisfaction_rate")):
        sp.merge(r, A, r, B, label, "label_bold")
        sp.merge(r, C, r, H, None, "result_percent")
        survey_refs.append((r, ref))
        r += 1
    r += 1
    sp.merge(r, A, r, D, "党组织书记(签字):", "sign")
    sp.merge(r, FF, r, H, "填报日期:    年  月  日", "sign")
    sp.call("set_row", r, 30)
    r += 1
    sp.merge(r, A, r, D, "上级党组织审核意见(盖章):", "sign")
    sp.merge(r, FF, r, H, "审核日期:    年  月  日", "sign")
    sp.call("set_row", r, 30)
    _page_setup(sp, repeat=(header_row, header_row), title=scheme.name)
    sp.call("freeze_panes", 2, 0)
    self_survey_refs = survey_refs

    # ---- 测评表 (blank ballot) ------------------------------------------------------------------
    sheets.append(_plan_ballot(scheme, formulas))

    # ---- 测评汇总表 --------------------------------------------------------------------------
    S = 3
    sp = SheetPlan(SHEET_SURVEY)
    sheets.append(sp)
    A, B, C, D, E, FF = range(6)  # B = the hidden key column
    for col, width in ((A, 30), (C, 13), (D, 13), (E, 13), (FF, 16)):
        sp.call("set_column", col, col, width)
    sp.call("set_column", B, B, 2, None, {"hidden": True})
    sp.merge(0, A, 0, FF, f"{scheme.name}党员群众测评汇总表", "title")
    sp.call("set_row", 0, 36)
    sp.merge(1, A, 1, FF, "测评结束后当场清点票数填写;灰色单元格自动计算。", "subtitle")
    sp.text(2, A, "党组织名称", "label_bold")
    sp.blank(2, B, "label")
    sp.merge(2, C, 2, FF, None, "result_text")
    formulas.append(FormulaCell(S, 2, C, '=IF(org_name="","",org_name)', "result_text",
                                compute=lambda g: _ref_or_blank(g.value("org_name"))))
    r = 3
    sp.merge(r, A, r, FF, "一、参加测评人数", "section")
    r += 1
    sp.text(r, A, "党员总数(自评表)", "label")
    sp.blank(r, B, "label")
    formulas.append(FormulaCell(S, r, C, '=IF(member_count="","",member_count)', "result_center",
                                compute=lambda g: _ref_or_blank(g.value("member_count"))))
    sp.merge(r, D, r, FF, "在自评表“基本情况”中填写", "hint_box")
    r += 1
    survey_top = r
    vote_rows: dict[str, int] = {}
    for name, hint in (("members_present", "实到会参加测评的党员人数,不超过党员总数"),
                       ("masses_present", "参加测评的群众代表人数,没有的填0")):
        sp.text(r, A, INPUTS[name].label.replace("群众人数", "群众代表人数"), "label")
        key_cell(sp, r, B, name)
        add_input(sp, S, name, r, C, "input_int", dv=_input_validation(scheme, name))
        sp.merge(r, D, r, FF, hint, "hint_box")
        sp.call("set_row", r, _height([(hint, 42)], small=True))
        r += 1
    sv = scheme.survey
    options = [(o.input, o.label) for o in sv.options] + [(sv.invalid_input, sv.invalid_label)]
    for mass, heading in ((False, "二、测评票数(党员与群众代表合计)"),
                          (True, "三、其中群众代表票数(群众代表单独计票时填写,否则留空)")):
        sp.merge(r, A, r, FF, heading, "section")
        r += 1
        for vote, label in options:
            name = (MASS_PREFIX if mass else "") + vote
            sp.text(r, A, ("群众代表:" if mass else "") + label, "label")
            key_cell(sp, r, B, name)
            add_input(sp, S, name, r, C, "input_int", dv=_dv_whole(f"“{label}”票数"))
            hint = "“总体评价”一栏选此项的票数" if vote != sv.invalid_input else "不选、多选或无法辨认的票"
            sp.merge(r, D, r, FF, ("其中群众代表" if mass else "") + hint, "hint_box")
            vote_rows[name] = r
            r += 1
    survey_bottom = r - 1
    ranges["survey_table"] = (S, survey_top, B, survey_bottom, C)
    names["survey_table"] = _abs(SHEET_SURVEY, survey_top, B, survey_bottom, C)

    sp.merge(r, A, r, FF, "四、统计结果(自动计算)", "section")
    r += 1
    for col, text in ((A, "选项"), (C, "合计"), (D, "其中党员"), (E, "其中群众代表"), (FF, "占有效票")):
        sp.text(r, col, text, "header")
    sp.blank(r, B, "header")
    r += 1
    mass_cells = [f"$C${vote_rows[MASS_PREFIX + v] + 1}" for v, _ in options]
    mass_range = f"$C${vote_rows[MASS_PREFIX + options[0][0]] + 1}:$C${vote_rows[MASS_PREFIX + options[-1][0]] + 1}"
    valid_range = f"$C${vote_rows[options[0][0]] + 1}:$C${vote_rows[options[-2][0]] + 1}"
    table_top = r
    for vote, label in options:
        tot = f"$C${vote_rows[vote] + 1}"
        mas = f"$C${vote_rows[MASS_PREFIX + vote] + 1}"
        sp.text(r, A, label, "label")
        sp.blank(r, B, "label")
        formulas.append(FormulaCell(S, r, C, f"=N({tot})", "result_center",
                                    compute=lambda g, v=vote: _clean(_n(g.value(v)))))
        formulas.append(FormulaCell(
            S, r, D, f'=IF(COUNT({mass_range})=0,"",N({tot})-N({mas}))', "result_center",
            compute=lambda g, v=vote: _clean(_n(g.value(v)) - _n(g.value(MASS_PREFIX + v))) if _any_mass(g, options) else ""))
        formulas.append(FormulaCell(
            S, r, E, f'=IF(COUNT({mass_range})=0,"",N({mas}))', "result_center",
            compute=lambda g, v=vote: _clean(_n(g.value(MASS_PREFIX + v))) if _any_mass(g, options) else ""))
        if vote != sv.invalid_input:
            formulas.append(FormulaCell(
                S, r, FF, f'=IF(SUM({valid_range})=0,"",N({tot})/SUM({valid_range}))', "result_percent",
                compute=lambda g, v=vote: _share(g, v, options)))
        else:
            sp.blank(r, FF, "result_center")
        r += 1
    sp.text(r, A, "总票数", "label_bold")
    sp.blank(r, B, "label")
    first, last = table_top + 1, r
    formulas.append(FormulaCell(S, r, C, f"=SUM(C{first}:C{last})", "result_center",
                                compute=lambda g: _clean(sum(_n(g.value(v)) for v, _ in options))))
    formulas.append(FormulaCell(S, r, D, f'=IF(COUNT({mass_range})=0,"",SUM(D{first}:D{last}))', "result_center",
                                compute=lambda g: _clean(sum(_n(g.value(v)) - _n(g.value(MASS_PREFIX + v)) for v, _ in options)) if _any_mass(g, options) else ""))
    formulas.append(FormulaCell(S, r, E, f'=IF(COUNT({mass_range})=0,"",SUM(E{first}:E{last}))', "result_center",
                                compute=lambda g: _clean(sum(_n(g.value(MASS_PREFIX + v)) for v, _ in options)) if _any_mass(g, options) else ""))
    sp.blank(r, FF, "result_center")
    r += 2
    for key, label, style in (("participation", "测评参与率(参加测评党员人数÷党员总数)", "result_percent"),
                              ("satisfaction", f"满意率(({'+'.join(o.label for o in sv.options if o.satisfied)})÷有效票)",
                               "result_percent"),
                              ("survey_note", "测评说明", "result_text_left")):
        sp.text(r, A, label, "label_bold")
        sp.blank(r, B, "label")
        sp.merge(r, C, r, FF, None, style)
        formulas.append(FormulaCell(S, r, C, results.formula(key), style, key=key))
        if key in RESULT_NAMES:
            names[RESULT_NAMES[key]] = _abs(SHEET_SURVEY, r, C)
        sp.call("set_row", r, 48 if key == "survey_note" else 30)
        r += 1
    r += 1
    sp.merge(r, A, r, FF, "计票人:              监票人:              日期:    年  月  日", "sign")
    sp.call("set_row", r, 30)
    _page_setup(sp, title=scheme.name)
    sp.call("freeze_panes", 2, 0)
    del mass_cells

    # the survey rates shown again on the 自评表
    for row, ref in self_survey_refs:
        key = "participation" if ref == "result_participation_rate" else "satisfaction"
        target = names[ref]  # "='测评汇总表'!$C$n": a direct reference (LibreOffice recalculates name-only formulas)
        formulas.append(FormulaCell(1, row, 2, target, "result_percent", compute=None, key=f"={key}"))

    # ---- 规则 ------------------------------------------------------------------------------
    S = 4
    sp = SheetPlan(SHEET_RULES)
    sheets.append(sp)
    for col, width in ((0, 44), (1, 36), (2, 12), (3, 44)):
        sp.call("set_column", col, col, width)
    sp.merge(0, 0, 0, 3, f"规则参数:{scheme.name}(由县级管理员统一设置,支部不要修改)", "section")
    sp.call("set_row", 0, 24)
    for col, text in enumerate(("参数", "key", "值", "说明")):
        sp.text(1, col, text, "header")
    r = 2
    params: dict[str, tuple[int, int, int]] = {}
    for p in parameters(scheme):
        params[p.key] = (S, r, 2)
        assert pcells[p.key] == params[p.key], p.key
        sp.text(r, 0, p.label, "label")
        sp.text(r, 1, p.key, "key")
        value = p.value
        if p.key in ("scheme", TEMPLATE_VERSION_KEY):
            sp.text(r, 2, value, "locked_param")
            names["scheme_id" if p.key == "scheme" else "template_version"] = _abs(SHEET_RULES, r, 2)
        else:
            style = "input_percent" if _is_share(p.key, p.label) else "input_param"
            sp.text(r, 2, _num(value) if _is_num(value) else value, style)
        sp.text(r, 3, p.note, "hint")
        sp.call("set_row", r, max(_height([(p.label, 44)], minimum=18), _height([(p.note, 44)], minimum=18, small=True)))
        r += 1
    ranges["rules_table"] = (S, 2, 0, r - 1, 3)
    names["rules_table"] = _abs(SHEET_RULES, 2, 0, r - 1, 3)
    _page_setup(sp, landscape=True, repeat=(1, 1), title=scheme.name)
    sp.call("freeze_panes", 2, 0)

    # ---- xlwings.conf (read by the xlwings add-in: key in A, value in B, from A1 down) -----------
    sp = SheetPlan(SHEET_CONF)
    sheets.append(sp)
    sp.text(0, 0, "UDF Modules", "text")
    sp.text(0, 1, UDF_MODULE, "text")
    sp.call("set_column", 0, 1, 24)
    sp.call("hide")

    # ---- defined names of the inputs --------------------------------------------------------
    for name, cells in inputs.items():
        if name.startswith("_"):
            continue
        sheet = sheets[cells[0].sheet].name
        if len(cells) == 1:
            names[name] = _abs(sheet, cells[0].row, cells[0].col)
        else:
            names[name] = _abs(sheet, cells[0].row, cells[0].col, cells[-1].row, cells[-1].col)
    for name in ("member_count", "members_present"):
        c = inputs[name][0]
        ranges[name] = (c.sheet, c.row, c.col, c.row, c.col)
    return Plan(scheme, sheets, dict(sorted(names.items())), inputs, formulas, ranges, params)


def _plan_ballot(scheme: Scheme, formulas: list[FormulaCell]) -> SheetPlan:
    sp = SheetPlan(SHEET_BALLOT)
    opts = [o.label for o in scheme.survey.options]
    last = 1 + len(opts)
    sp.call("set_column", 0, 0, 6)
    sp.call("set_column", 1, 1, 48 if len(opts) <= 3 else 40)
    sp.call("set_column", 2, last, 10)
    sp.merge(0, 0, 0, last, f"{scheme.name}党员群众测评表", "title")
    sp.call("set_row", 0, 40)
    sp.merge(1, 0, 1, last, None, "sign")
    formulas.append(FormulaCell(2, 1, 0, '="被测评党组织:"&org_name', "sign",
                                compute=lambda g: "被测评党组织:" + _text(g.value("org_name"))))
    sp.call("set_row", 1, 26)
    sp.merge(2, 0, 2, last, "测评人身份:□ 党员    □ 群众代表                测评日期:      年    月    日", "sign")
    sp.call("set_row", 2, 26)
    sp.text(3, 0, "序号", "header")
    sp.text(3, 1, "测评内容", "header")
    for j, label in enumerate(opts):
        sp.text(3, 2 + j, label, "header")
    sp.call("set_row", 3, 28)
    topics = list(scheme.survey.items) or [it.label for it in scheme.items]
    r = 4
    for i, topic in enumerate(topics, 1):
        sp.text(r, 0, i, "label_center")
        sp.text(r, 1, topic, "ballot_item")
        for j in range(len(opts)):
            sp.text(r, 2 + j, "□", "ballot_box")
        sp.call("set_row", r, 30)
        r += 1
    sp.text(r, 0, len(topics) + 1, "label_center")
    sp.text(r, 1, "总体评价(计票以本栏为准)", "ballot_total")
    for j in range(len(opts)):
        sp.text(r, 2 + j, "□", "ballot_box")
    sp.call("set_row", r, 34)
    r += 2
    sp.merge(r, 0, r, last, "填写说明:请在每项对应的评价栏内划“√”,每项只选一项。“总体评价”一栏用于统计满意率,"
             "该栏不选、多选或无法辨认的为无效票。本表不记名,请独立填写,当场投入票箱。", "text_top")
    sp.call("set_row", r, 50)
    _page_setup(sp, fit_height=1, title=scheme.name)
    sp.call("freeze_panes", 4, 0)
    return sp


def _num(x: Any) -> Any:
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def _is_share(key: str, label: str) -> bool:
    return key.endswith(("share", "min_participation")) or ".shares." in key or "_rate" in label


def _text(v: Any) -> str:
    """A value as Excel's & operator turns it into text."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if _is_num(v):
        return guide.num(v) if float(v).is_integer() or len(repr(float(v))) < 16 else repr(float(v))
    return str(v)


def _ref_or_blank(v: Any) -> Any:
    return "" if v is None or v == "" else v


def _any_mass(g: Grid, options) -> bool:
    return any(_is_num(g.value(MASS_PREFIX + v)) for v, _ in options)


def _share(g: Grid, vote: str, options) -> Any:
    valid = sum(float(g.value(v)) for v, _ in options[:-1] if _is_num(g.value(v)))
    if valid == 0:
        return ""
    return _n(g.value(vote)) / valid


# --- cache of plans ------------------------------------------------------------------------

_PLANS: dict[int, tuple[Scheme, Plan]] = {}


def plan_for(scheme: Scheme) -> Plan:
    hit = _PLANS.get(id(scheme))
    if hit is not None and hit[0] is scheme:
        return hit[1]
    plan = _plan(scheme)
    if len(_PLANS) > 32:
        _PLANS.clear()
    _PLANS[id(scheme)] = (scheme, plan)  # keeps the scheme alive, so its id stays unique
    return plan


# --- building ------------------------------------------------------------------------------

def _cell_value(v: Any) -> Any:
    if v is None or isinstance(v, (str, bool, int, float)):
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return None
        return v
    if isinstance(v, Decimal):
        return float(v)
    if hasattr(v, "item") and not isinstance(v, (list, tuple)):  # numpy scalars
        return _cell_value(v.item())
    return str(v)


def _assign(plan: Plan, values: Mapping[str, Any]) -> dict[tuple[int, int, int], Any]:
    """Cell → value for the given inputs; refuses names that the workbook has no cell for."""
    written: dict[tuple[int, int, int], Any] = {}
    for name, raw in values.items():
        cells = plan.inputs.get(name) if isinstance(name, str) and not name.startswith("_") else None
        if cells is None:
            if isinstance(name, str) and name.removeprefix(MASS_PREFIX).startswith("votes_") and \
                    (raw is None or raw == "" or raw == 0):
                continue  # another scheme's ballot option, left empty: harmless (as the engine has it)
            raise ValueError(f"单位填报表没有名为 {name!r} 的输入单元格(请对照名称约定)")
        if len(cells) == 1:
            if isinstance(raw, (list, tuple)):
                flat = flatten(raw)
                if len(flat) != 1:
                    raise ValueError(f"{name} 只有一个单元格,却给了{len(flat)}个值")
                raw = flat[0]
            written[(cells[0].sheet, cells[0].row, cells[0].col)] = _cell_value(raw)
            continue
        flat = [] if raw is None else flatten(raw)
        if raw is not None and len(flat) != len(cells):
            raise ValueError(f"{name} 在本模板中有{len(cells)}个单元格(每个{'细项' if plan.scheme.sub_item_count else '项目'}一个),"
                             f"却给了{len(flat)}个值")
        for cell, v in zip(cells, flat):
            written[(cell.sheet, cell.row, cell.col)] = _cell_value(v)
    return written


def _write(ws, r: int, c: int, v: Any, fmt) -> None:
    if v is None or v == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)
    elif isinstance(v, (int, float)):
        ws.write_number(r, c, v, fmt)
    else:
        ws.write_string(r, c, str(v), fmt)


def _cached(v: Any) -> Any:
    """A formula's cached value as XlsxWriter takes it."""
    if isinstance(v, bool) or isinstance(v, str):
        return v
    if _is_num(v):
        return _clean(float(v))
    if v is None:
        return ""
    return str(v)


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
    keys = sorted({f.key for f in plan.formulas if f.key and not f.key.startswith("=")})
    return results.compute(keys, args)


def build_unit_workbook(path: str | Path, scheme: Scheme | str, values: Mapping[str, Any] | None = None,
                        *, python: bool = False) -> Path:
    """Write the unit workbook of `scheme` to `path`, its input cells filled from `values`
    (keyed by the names contract, as score_unit takes them; None = the blank form).

    The universal workbook (default) computes with native formulas compiled from the scheme, in
    any spreadsheet program; `python=True` builds the Python workbook, whose results are the
    xlwings formula functions. Either way every result cell carries, as its saved value, what
    the formulas compute (the engine's result), so a reader that does not recalculate sees it."""
    scheme = load_scheme(scheme)
    plan = plan_for(scheme)
    path = Path(path)
    written = _assign(plan, values or {})
    grid = Grid(plan, written)
    compiled = None if python else compiled_for(plan)

    wb = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({
        "title": f"{scheme.name}单位填报表", "subject": scheme.name, "author": "xlsx-addin",
        "company": "", "category": "星级评定", "keywords": f"{scheme.id};v{scheme.version}",
        "comments": "由 xlsx-addin 生成", "created": CREATED,
    })
    wb.set_calc_mode("auto", calc_id=CALC_ID)
    # universal: every program recalculates on opening (the 计算 steps carry no saved values);
    # Python: keep the saved values on a PC without the formula functions
    wb.calc_on_load = not python
    styles = Styles(wb)
    sheets = []
    for sp in plan.sheets:
        if sp.name == SHEET_CONF and not python:
            continue
        ws = wb.add_worksheet(sp.name, worksheet_class=_Worksheet)
        sheets.append(ws)
        for method, args, styled in sp.calls:
            if styled:
                args = list(args)
                for i in styled:
                    args[i] = styles[args[i].name]
            getattr(ws, method)(*args)
    for (s, r, c), v in written.items():
        cell = next(ic for ic in _cells_at(plan, s, r, c))
        _write(sheets[s], r, c, v, styles[cell.style])

    udf = result_values(plan, grid)
    for f in plan.formulas:
        if f.key and f.key.startswith("="):
            value = udf.get(f.key[1:], "")
        elif f.key:
            value = udf.get(f.key, "")
        else:
            value = f.compute(grid)
        formula = f.formula
        if compiled is not None and f.key and not f.key.startswith("="):
            formula = "=" + compiled.results[f.key]
        sheets[f.sheet].write_formula(f.row, f.col, formula, styles[f.style], _cached(value))

    if compiled is not None:
        sheets.append(_write_program(wb, compiled, styles))
    for name, ref in plan.names.items():
        wb.define_name(name, ref)
    for ws in sheets:
        ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                        "select_unlocked_cells": True})
    sheets[1].activate()
    wb.close()
    return path


def _write_program(wb, compiled, styles) -> Worksheet:
    """The hidden 计算 sheet: one compiled step per row (label, formula without a saved value)."""
    ws = wb.add_worksheet(SHEET_CALC, worksheet_class=_Worksheet)
    ws.set_column(0, 0, 36)
    ws.set_column(1, 1, 24)
    ws.write_string(0, 0, "计算过程(由评定方案自动生成,请勿修改)", styles["text"])
    ws.write_string(0, 1, "值", styles["text"])
    for i, (label, formula) in enumerate(compiled.program.rows, start=compiled.program.first_row):
        ws.write_string(i, 0, label, styles["text"])
        ws.write_formula(i, 1, "=" + formula, styles["text"], NO_CACHE)
    ws.hide()
    return ws


def _cells_at(plan: Plan, s: int, r: int, c: int):
    index = getattr(plan, "_index", None)
    if index is None:
        index = {(ic.sheet, ic.row, ic.col): ic for cells in plan.inputs.values() for ic in cells}
        plan._index = index  # type: ignore[attr-defined]
    yield index[(s, r, c)]
