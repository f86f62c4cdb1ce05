"""The half-year ledger workbook (半年台账.xlsx, 004 附件一至六) with XlsxWriter: Excel tables, lists, live checks.

Sheets: 填表说明 · 基本信息 · 承诺践诺台账 · 领导点评 · 书记点评党员 · 群众评议 · 整改台账 · 党员名单.
Every input table is an Excel table and a workbook-level defined name over its header row and
data rows (ledgers/forms.py); the live checks are native formulas only (COUNTIF(S), SUMPRODUCT, IF,
TODAY, DATE …: Excel 2010, WPS, LibreOffice 7), nothing array-entered, no add-in. Deterministic bytes.
Every formula is saved with an empty cached value: Excel and WPS recalculate on load (XlsxWriter sets
fullCalcOnLoad) and LibreOffice recalculates cells saved empty, so a filled workbook never shows stale counts.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Mapping, Sequence

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from ..ledgers.forms import (ASPECTS, CELLS, DONE, MEMBER_PREFIX, ORG_PREFIX, PRESENT, ROWS, SUMMARY_FILENAME,
                             Column, TableSpec, table_specs)
from ..tables.xlsx import write_any
from ..scheme import Scheme, load_scheme
from .styles import STYLES, Styles

CREATED = dt.datetime(2026, 1, 1)
GUIDE = "填表说明"
INFO = "基本信息"
HEAD_ROW = 4  # 0-based row of every table's header: title, subtitle, live counts above it
FIRST = HEAD_ROW + 1
DATE_FORMAT = "yyyy-mm-dd"
MIN_DATE, MAX_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
TABLE_STYLE = "Table Style Light 9"
OVERDUE_FILL, LATE_FILL = "#F8CBAD", "#FFE699"

# the live counts (defined names on 基本信息): what the job counts, for the clerk to see while typing
LIVE = {
    "live_commitments": "承诺事项数",
    "live_done": "已完成",
    "live_done_late": "其中逾期完成",
    "live_overdue": "逾期未完成",
    "live_members": "党员名单人数",
    "live_no_commitment": "未作承诺的党员",
    "live_not_reviewed": "本期未被点评的党员",
    "live_mass_present": "群众评议参加人数",
    "live_mass_satisfaction": "群众评议满意率",
    "live_rect_total": "整改事项数",
    "live_rect_open": "未销号",
    "live_rect_overdue": "其中逾期未销号",
    "live_rect_closed": "已销号",
}


class _Sheet(Worksheet):
    """Formulas here are plain A1 formulas of Excel 2010 functions (a test proves no _xlfn, no array): nothing for
    XlsxWriter's future-function and table-reference rewriting (two dozen regex passes per formula) to do."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        return formula[1:] if formula.startswith("=") else formula


def _abs(sheet: str, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> str:
    a = xl_rowcol_to_cell(r1, c1, row_abs=True, col_abs=True)
    if r2 is not None:
        a += ":" + xl_rowcol_to_cell(r2, c2, row_abs=True, col_abs=True)
    return f"'{sheet}'!{a}"


class _Layout:
    """Where each table's columns sit: A1 ranges of data rows for the formulas."""

    def __init__(self, specs: Mapping[str, TableSpec]):
        self.specs = specs

    def col(self, table: str, header: str) -> str:
        spec = self.specs[table]
        c = spec.headers.index(header)
        return _abs(spec.sheet, FIRST, c, FIRST + spec.rows - 1, c)

    def local(self, table: str, header: str) -> str:
        """The same range without the sheet (formulas on the table's own sheet)."""
        spec = self.specs[table]
        c = xl_col_to_name(spec.headers.index(header))
        return f"${c}${FIRST + 1}:${c}${FIRST + spec.rows}"

    def cell(self, table: str, header: str, row: int) -> str:
        """A relative cell of a data row (0-based sheet row) on the table's own sheet."""
        c = xl_col_to_name(self.specs[table].headers.index(header))
        return f"${c}{row + 1}"


def build_ledger_workbook(path: str | Path, values: Mapping[str, Any] | None = None,
                          scheme: Scheme | str | None = None) -> Path:
    """Write 半年台账.xlsx at `path`; `values` fills it (identity names → value, tables → list of rows or dicts).

    The mass evaluation's options and satisfied options are the rating survey's (default five_star).
    """
    path = Path(path)
    scheme = load_scheme(scheme or "five_star")
    labels = tuple(o.label for o in scheme.survey.options)
    specs = table_specs(labels)
    lay = _Layout(specs)
    values = dict(values or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                          "strings_to_numbers": False, "in_memory": True})
    try:
        wb.set_properties({"title": "创先争优半年台账", "subject": "公开承诺、领导点评、群众评议、整改台账",
                           "author": "xlsx-addin", "comments": "由 xlsx-addin 生成", "created": CREATED})
        st = Styles(wb)
        add = wb.add_format
        st["input_date"] = add({**STYLES["input_center"], "num_format": DATE_FORMAT})
        st["result_date"] = add({**STYLES["result_center"], "num_format": DATE_FORMAT})
        st["result_int"] = add({**STYLES["result_center"], "num_format": "0"})
        st["overdue"] = add({"bg_color": OVERDUE_FILL, "font_color": "#9C0006"})
        st["late"] = add({"bg_color": LATE_FILL})
        st["live_label"] = add({**STYLES["header"], "font_size": 9})
        sheets = {name: wb.add_worksheet(name, worksheet_class=_Sheet) for name in
                  (GUIDE, INFO) + tuple(dict.fromkeys(s.sheet for s in specs.values()))}
        _guide(sheets[GUIDE], st, specs, scheme)
        _info(wb, sheets[INFO], st, values, lay)
        for spec in specs.values():
            _table(wb, sheets[spec.sheet], st, spec, values.get(spec.name))
        _commitment_checks(wb, sheets[specs["commitments"].sheet], st, lay)
        _rectification_checks(wb, sheets[specs["rectification"].sheet], st, lay)
        _mass_checks(wb, sheets[specs["mass_review"].sheet], st, specs["mass_review"], scheme)
        _member_checks(wb, sheets[specs["members"].sheet], st, lay)
        _review_checks(sheets[specs["org_reviews"].sheet], st, specs["org_reviews"], "点评次数")
        _review_checks(sheets[specs["member_reviews"].sheet], st, specs["member_reviews"], "点评人次")
        sheets[INFO].activate()
    finally:
        wb.close()
    return path


# --- 填表说明 -------------------------------------------------------------------------------
def guide_lines(specs: Mapping[str, TableSpec], scheme: Scheme) -> list[tuple[str, list[str]]]:
    sat = "、".join(o.label for o in scheme.survey.options if o.satisfied)
    opts = "、".join(o.label for o in scheme.survey.options)
    return [
        ("本表做什么", [
            "本表是党支部(直属党小组)每半年一份的创先争优台账:公开承诺和践诺(附件一至三)、上级领导点评(附件四)、"
            "书记点评党员(附件五)、群众评议(附件六)和整改台账。",
            "上半年的台账于7月中旬(默认7月15日)、下半年的台账于次年1月中旬(默认1月15日)前报送上级党组织(机关党委)。",
            "只在黄色单元格中填写或从下拉列表选择;灰色单元格由公式自动计算。日期请按 2026-06-30 的格式填写。"
            "各表已保护(无密码),可筛选、排序和调整列宽;确需修改时在“审阅”中撤销保护。",
        ]),
        ("基本信息", [
            "填写党组织名称、代码、上级党组织和台账期间(如 2026H1 表示2026年上半年,2026H2 表示下半年)。"
            "上级汇总时只收本期台账,期间不符的台账会被退回。",
            "“统计截止日期”默认是今天(公式 TODAY()),可改填某一天,按该日查看逾期情况。",
        ]),
        ("承诺践诺台账(附件一至三)", [
            "支部和每名党员都要作出承诺:服务承诺和一定数量的实事承诺,能量化、能完成、易考核。",
            "“承诺单位或承诺人”填支部名称(支部的承诺)或党员姓名(党员的承诺),多人共同承诺时用顿号分开。",
            f"完成情况从列表选择({'、'.join(specs['commitments'].columns[5].choices)});"
            f"已过完成时限(不含当天)仍不是“{DONE}”的承诺为逾期,整行标红;完成日期晚于完成时限的为逾期完成,标黄。",
        ]),
        ("领导点评和书记点评", [
            "“领导点评”登记党组成员对本支部及其书记的点评;“书记点评党员”登记书记对每名党员的点评,"
            "每半年每名党员至少一次。点评方式:集中点评、个别点评、现场点评、随机点评。",
        ]),
        ("群众评议(附件六)", [
            f"按评议内容逐项填写各选项({opts})的票数和参加人数;满意率 = ({sat})票数 ÷ 有效票数"
            f"(有效票为各选项票数之和,参加人数多出的为无效票),与星级评定测评的算法相同;综合满意率按全部评议内容合计计算。",
        ]),
        ("整改台账", [
            "问题来自群众评议、领导点评、年度评定(星级评定汇总表的整改台账)或上级的整改通知书。"
            "整改完成、复验合格后填写销号日期;已过时限(不含当天)尚未销号的整改事项为逾期,整行标红。",
        ]),
        ("表格容量", [
            f"承诺、书记点评、整改台账和党员名单各可填写{ROWS}行,领导点评{specs['org_reviews'].rows}行;"
            "请勿插入或删除列、不要改动表头,否则上级无法汇总。行不够时请另用一份台账。",
        ]),
        ("供信息化人员", [
            "定义名称:org_name、org_code、parent_org、period(单元格),commitments、org_reviews、member_reviews、"
            "mass_review、rectification、members(表格,首行为表头)。上级用 xlsx-addin ledgers 汇总为"
            f"“{SUMMARY_FILENAME}”。",
        ]),
    ]


def _guide(ws, st, specs, scheme: Scheme) -> None:
    ws.set_column(0, 0, 84)  # narrower than an A4 page: LibreOffice does not shrink a single column
    ws.write(0, 0, "创先争优半年台账 填表说明", st["title"])
    ws.set_row(0, 30)
    r = 2
    for head, lines in guide_lines(specs, scheme):
        ws.write(r, 0, head, st["guide_head"])
        r += 1
        for line in lines:
            ws.write(r, 0, line, st["guide_body"])
            ws.set_row(r, 15 * max(1, -(-len(line) * 2 // 80)))
            r += 1
        r += 1
    _print(ws, landscape=False, last_col=0)


# --- 基本信息 -------------------------------------------------------------------------------
INFO_ROWS = ("org_name", "org_code", "parent_org", "period", "secretary", "reporter", "phone", "report_date", "as_of")
INFO_EXTRA = {"reporter": "填报人", "phone": "联系电话"}


def _info(wb, ws, st, values, lay: _Layout) -> None:
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2, 46)
    ws.merge_range(0, 0, 0, 2, "创先争优半年台账", st["title"])
    ws.set_row(0, 32)
    ws.write(1, 0, "项目", st["header"])
    ws.write(1, 1, "内容", st["header"])
    ws.write(1, 2, "说明", st["header"])
    hints = {
        "org_name": "必填,与星级评定填报表一致", "org_code": "有代码时按代码汇总", "parent_org": "如 城关镇党委",
        "period": "必填:2026H1 = 2026年上半年,2026H2 = 下半年", "report_date": "报送上级的日期",
        "as_of": "默认今天;可改填某一天,按该日统计逾期",
    }
    at: dict[str, str] = {}
    for i, key in enumerate(INFO_ROWS):
        r = 2 + i
        label = CELLS.get(key) or INFO_EXTRA[key]
        ws.write(r, 0, label, st["label_bold"] if key in ("org_name", "period") else st["label"])
        ws.write(r, 2, hints.get(key, ""), st["hint_box"])
        value = values.get(key)
        if key == "as_of" and value is None:
            ws.write_formula(r, 1, "=TODAY()", st["input_date"], "")
        elif key in ("report_date", "as_of"):
            _put(ws, r, 1, value, st["input_date"])
        else:
            _put(ws, r, 1, value, st["input_text"])
        if key in CELLS:
            wb.define_name(key, _abs(INFO, r, 1))
        at[key] = xl_rowcol_to_cell(r, 1, row_abs=True, col_abs=True)
    p = at["period"]
    ws.data_validation(p, {"validate": "custom",
                           "value": f'=AND(LEN({p})=6,ISNUMBER(--LEFT({p},4)),OR(RIGHT({p},2)="H1",RIGHT({p},2)="H2"))',
                           "error_title": "台账期间", "error_message": "请填写 年份+H1 或 H2,例如 2026H1(上半年)",
                           "input_title": "台账期间", "input_message": "例如 2026H1(上半年)、2026H2(下半年)"})
    for key in ("report_date", "as_of"):
        ws.data_validation(at[key], _date_rule(CELLS[key]))
    r = 2 + len(INFO_ROWS)
    derived = [
        ("period_start", "期间开始", f'=IFERROR(DATE(LEFT({p},4),IF(RIGHT({p},1)="1",1,7),1),"")'),
        ("period_end", "期间结束", f'=IFERROR(DATE(LEFT({p},4),IF(RIGHT({p},1)="1",7,13),0),"")'),
        ("period_due", "应报送日期(默认)", f'=IFERROR(IF(RIGHT({p},1)="1",DATE(LEFT({p},4),7,15),'
                                        f'DATE(LEFT({p},4)+1,1,15)),"")'),
    ]
    for name, label, formula in derived:
        ws.write(r, 0, label, st["label"])
        ws.write_formula(r, 1, formula, st["result_date"], "")
        ws.write(r, 2, "由台账期间自动计算", st["hint_box"])
        wb.define_name(name, _abs(INFO, r, 1))
        r += 1
    r += 1
    ws.merge_range(r, 0, r, 2, "本期台账情况(自动统计,截至统计截止日期)", st["section"])
    r += 1
    sheets = {"live_commitments": "承诺践诺台账", "live_members": "党员名单", "live_mass_present": "群众评议",
              "live_rect_total": "整改台账"}
    for name, label in LIVE.items():
        ws.write(r, 0, label, st["label"])
        style = st["result_percent"] if name.endswith("satisfaction") else st["result_int"]
        ws.write_formula(r, 1, f"={name}_at", style, "")
        ws.write(r, 2, f"见“{sheets[name]}”" if name in sheets else "", st["hint_box"])
        wb.define_name(name, _abs(INFO, r, 1))
        r += 1
    _print(ws, landscape=False, last_col=2)


def _put(ws, r: int, c: int, value: Any, fmt) -> None:
    """One input cell, styled even when blank; text stays text, dates are dates."""
    write_any(ws, r, c, value, fmt, fmt)


def _date_rule(what: str) -> dict:
    return {"validate": "date", "criteria": "between", "minimum": MIN_DATE, "maximum": MAX_DATE,
            "error_title": what, "error_message": "请填写日期,例如 2026-06-30",
            "input_title": what, "input_message": "日期,例如 2026-06-30"}


# --- the tables -----------------------------------------------------------------------------
def _rows_of(spec: TableSpec, given: Any) -> list[list[Any]]:
    rows = []
    for row in given or []:
        if isinstance(row, Mapping):
            row = [row.get(h) for h in spec.headers]
        rows.append(list(row)[:len(spec.columns)] + [None] * (len(spec.columns) - len(row)))
    return rows[:spec.rows]


def _style(st, col: Column) -> Any:
    return {"date": st["input_date"], "count": st["input_int"], "list": st["input_center"]}.get(col.kind,
                                                                                               st["input_text"])


def _table(wb, ws, st, spec: TableSpec, given: Any) -> None:
    n = len(spec.columns)
    for c, col in enumerate(spec.columns):
        ws.set_column(c, c, col.width)
    ws.merge_range(0, 0, 0, n - 1, spec.title, st["title"])
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, n - 1, "", st["subtitle"])
    ws.write_formula(1, 0, '="党组织:"&org_name&"    台账期间:"&period', st["subtitle"], "")
    last = FIRST + spec.rows - 1
    rows = _rows_of(spec, given)
    if spec.name == "mass_review":
        rows = [[ASPECTS[i]] + (rows[i][1:] if i < len(rows) else [None] * (n - 1)) for i in range(len(ASPECTS))]
    ws.add_table(HEAD_ROW, 0, last, n - 1, {
        "name": f"tbl_{spec.name}", "style": TABLE_STYLE, "autofilter": spec.name != "mass_review",
        "columns": [{"header": col.header, "format": _style(st, col)} for col in spec.columns],
    })
    for i in range(spec.rows):
        row = rows[i] if i < len(rows) else [None] * n
        for c, col in enumerate(spec.columns):
            fmt = st["label"] if spec.name == "mass_review" and c == 0 else _style(st, col)
            _put(ws, FIRST + i, c, row[c], fmt)
    for c, col in enumerate(spec.columns):
        if col.kind == "date":
            ws.data_validation(FIRST, c, last, c, _date_rule(col.header))
        elif col.kind == "list":
            ws.data_validation(FIRST, c, last, c, {"validate": "list", "source": list(col.choices),
                                                   "error_title": col.header,
                                                   "error_message": "请从下拉列表中选择:" + "、".join(col.choices)})
        elif col.kind == "count":
            ws.data_validation(FIRST, c, last, c, {"validate": "integer", "criteria": ">=", "value": 0,
                                                   "error_title": col.header, "error_message": "请填写0或正整数"})
    wb.define_name(spec.name, _abs(spec.sheet, HEAD_ROW, 0, last, n - 1))
    ws.freeze_panes(FIRST, 0)
    ws.set_row(HEAD_ROW, 30)


def _counts(ws, st, cells: Sequence[tuple[str, str, str]], start_col: int = 0) -> None:
    """Row 2: labels; row 3: the live formulas (label, formula, style)."""
    for i, (label, formula, style) in enumerate(cells):
        ws.write(2, start_col + i, label, st["live_label"])
        ws.write_formula(3, start_col + i, formula, st[style], "")
    ws.set_row(2, 26)


def _commitment_checks(wb, ws, st, lay: _Layout) -> None:
    t = "commitments"
    item, kind, state = lay.local(t, "承诺事项"), lay.local(t, "承诺类别"), lay.local(t, "完成情况")
    due, done_on = lay.local(t, "完成时限"), lay.local(t, "完成日期")
    overdue = f'=SUMPRODUCT(({item}<>"")*({state}<>"{DONE}")*ISNUMBER({due})*({due}<as_of))'
    late = f'=SUMPRODUCT(({item}<>"")*({state}="{DONE}")*ISNUMBER({due})*ISNUMBER({done_on})*({done_on}>{due}))'
    done = f'=COUNTIFS({item},"?*",{state},"{DONE}")'
    _counts(ws, st, [
        ("承诺事项数", f'=COUNTIF({item},"?*")', "result_int"),
        ("服务承诺", f'=COUNTIF({kind},"服务承诺")', "result_int"),
        ("实事承诺", f'=COUNTIF({kind},"实事承诺")', "result_int"),
        ("已完成", done, "result_int"),
        ("其中逾期完成", late, "result_int"),
        ("逾期未完成", overdue, "result_int"),
        ("完成率", f'=IF(COUNTIF({item},"?*")=0,"",COUNTIFS({item},"?*",{state},"{DONE}")/COUNTIF({item},"?*"))',
         "result_percent"),
    ])
    _live(wb, ws, {"live_commitments": 0, "live_done": 3, "live_done_late": 4, "live_overdue": 5})
    _status(ws, st, lay, t, 8, "完成时限",
            lambda r: (f'=IF({lay.cell(t, "承诺事项", r)}="","",IF(AND({lay.cell(t, "完成情况", r)}<>"{DONE}",'
                       f'ISNUMBER({lay.cell(t, "完成时限", r)}),{lay.cell(t, "完成时限", r)}<as_of),'
                       f'"逾期"&(as_of-{lay.cell(t, "完成时限", r)})&"天",IF(AND({lay.cell(t, "完成情况", r)}="{DONE}",'
                       f'ISNUMBER({lay.cell(t, "完成日期", r)}),ISNUMBER({lay.cell(t, "完成时限", r)}),'
                       f'{lay.cell(t, "完成日期", r)}>{lay.cell(t, "完成时限", r)}),"逾期完成","")))'))
    first = FIRST + 1
    ws.conditional_format(FIRST, 0, FIRST + ROWS - 1, 8, {
        "type": "formula", "format": st["overdue"],
        "criteria": f'=AND($A{first}<>"",$F{first}<>"{DONE}",ISNUMBER($E{first}),$E{first}<as_of)'})
    ws.conditional_format(FIRST, 0, FIRST + ROWS - 1, 8, {
        "type": "formula", "format": st["late"],
        "criteria": f'=AND($A{first}<>"",$F{first}="{DONE}",ISNUMBER($E{first}),ISNUMBER($G{first}),$G{first}>$E{first})'})
    _print(ws, landscape=True, last_col=8)


def _rectification_checks(wb, ws, st, lay: _Layout) -> None:
    t = "rectification"
    item, due, closed = lay.local(t, "问题"), lay.local(t, "时限"), lay.local(t, "销号日期")
    total = f'COUNTIF({item},"?*")'
    shut = f'COUNTIFS({item},"?*",{closed},"<>")'
    _counts(ws, st, [
        ("整改事项数", "=" + total, "result_int"),
        ("已销号", "=" + shut, "result_int"),
        ("未销号", f"={total}-{shut}", "result_int"),
        ("其中逾期", f'=SUMPRODUCT(({item}<>"")*({closed}="")*ISNUMBER({due})*({due}<as_of))', "result_int"),
        ("销号率", f'=IF({total}=0,"",{shut}/{total})', "result_percent"),
    ])
    _live(wb, ws, {"live_rect_total": 0, "live_rect_closed": 1, "live_rect_open": 2, "live_rect_overdue": 3})
    _status(ws, st, lay, t, 8, "时限",
            lambda r: (f'=IF(OR({lay.cell(t, "问题", r)}="",{lay.cell(t, "销号日期", r)}<>""),"",'
                       f'IF(AND(ISNUMBER({lay.cell(t, "时限", r)}),{lay.cell(t, "时限", r)}<as_of),'
                       f'"逾期"&(as_of-{lay.cell(t, "时限", r)})&"天",""))'))
    first = FIRST + 1
    ws.conditional_format(FIRST, 0, FIRST + ROWS - 1, 8, {
        "type": "formula", "format": st["overdue"],
        "criteria": f'=AND($A{first}<>"",$H{first}="",ISNUMBER($E{first}),$E{first}<as_of)'})
    _print(ws, landscape=True, last_col=8)


def _status(ws, st, lay: _Layout, table: str, col: int, _due: str, formula) -> None:
    spec = lay.specs[table]
    ws.set_column(col, col, 11)
    ws.write(HEAD_ROW, col, "逾期情况(自动)", st["header"])
    for i in range(spec.rows):
        ws.write_formula(FIRST + i, col, formula(FIRST + i), st["result_center"], "")


def _live(wb, ws, cells: Mapping[str, int]) -> None:
    """The hidden per-sheet targets of 基本信息's live rows (name_at → the count cell on row 4)."""
    for name, c in cells.items():
        wb.define_name(f"{name}_at", _abs(ws.name, 3, c))


def _mass_checks(wb, ws, st, spec: TableSpec, scheme: Scheme) -> None:
    opts = scheme.survey.options
    n = len(spec.columns)  # 评议内容, options…, 参加人数
    col_of = {o.label: spec.headers.index(o.label) for o in opts}
    present = spec.headers.index(PRESENT)
    valid_col, rate_col, invalid_col = n, n + 1, n + 2
    for c, head, width in ((valid_col, "有效票", 9), (rate_col, "满意率", 9), (invalid_col, "无效票", 9)):
        ws.set_column(c, c, width)
        ws.write(HEAD_ROW, c, head + "(自动)", st["header"])
    first, last = FIRST, FIRST + spec.rows - 1
    for i in range(spec.rows):
        r = FIRST + i
        cells = {label: xl_rowcol_to_cell(r, c) for label, c in col_of.items()}
        valid = "+".join(cells[o.label] for o in opts)
        sat = "+".join(cells[o.label] for o in opts if o.satisfied)
        p = xl_rowcol_to_cell(r, present)
        ws.write_formula(r, valid_col, f"=IF(COUNT({','.join(cells.values())})=0,\"\",{valid})", st["result_int"], "")
        ws.write_formula(r, rate_col, f'=IF(N({xl_rowcol_to_cell(r, valid_col)})=0,"",({sat})/{xl_rowcol_to_cell(r, valid_col)})',
                         st["result_percent"], "")
        ws.write_formula(r, invalid_col, f'=IF(OR({p}="",{xl_rowcol_to_cell(r, valid_col)}=""),"",'
                                         f'{p}-{xl_rowcol_to_cell(r, valid_col)})', st["result_int"], "")

    def rng(c: int, a: int = first, b: int = last) -> str:
        return f"{xl_rowcol_to_cell(a, c, row_abs=True, col_abs=True)}:{xl_rowcol_to_cell(b, c, row_abs=True, col_abs=True)}"

    def rate(a: int, b: int) -> str:
        sat = "+".join(f"SUM({rng(col_of[o.label], a, b)})" for o in opts if o.satisfied)
        valid = "+".join(f"SUM({rng(col_of[o.label], a, b)})" for o in opts)
        return f'=IF(({valid})=0,"",({sat})/({valid}))'

    n_org = sum(1 for a in ASPECTS if a.startswith(ORG_PREFIX))
    _counts(ws, st, [
        ("参加人数(最多)", f"=MAX({rng(present)})", "result_int"),
        ("综合满意率", rate(first, last), "result_percent"),
        ("对党组织满意率", rate(first, first + n_org - 1), "result_percent"),
        ("对党员满意率", rate(first + n_org, last), "result_percent"),
    ])
    _live(wb, ws, {"live_mass_present": 0, "live_mass_satisfaction": 1})
    for r in range(first, last + 1):
        ws.set_row(r, 20)
    # 参加人数 below the ballots: the row is wrong, as the rating's survey refuses it
    cols = ",".join(xl_col_to_name(col_of[o.label]) + str(first + 1) for o in opts)
    ws.conditional_format(first, present, last, present, {
        "type": "formula", "format": st["overdue"],
        "criteria": f"=AND(ISNUMBER(${xl_col_to_name(present)}{first + 1}),SUM({cols})>${xl_col_to_name(present)}{first + 1})"})
    ws.write(last + 2, 0, f"满意率 = ({'+'.join(o.label for o in opts if o.satisfied)}) ÷ 有效票"
                          f"({'+'.join(o.label for o in opts)});参加人数多于有效票的为无效票。"
                          f"{MEMBER_PREFIX.rstrip(':')}各项为对本支部党员的总体评议。", st["hint"])
    _print(ws, landscape=True, last_col=invalid_col, rows=spec.rows + 2)


def _member_checks(wb, ws, st, lay: _Layout) -> None:
    t = "members"
    spec = lay.specs[t]
    c1, c2 = len(spec.columns), len(spec.columns) + 1
    persons = lay.col("commitments", "承诺单位或承诺人")
    reviewed, on = lay.col("member_reviews", "被点评党员"), lay.col("member_reviews", "点评日期")
    for c, head in ((c1, "本期承诺数(自动)"), (c2, "本期被点评次数(自动)")):
        ws.set_column(c, c, 12)
        ws.write(HEAD_ROW, c, head, st["header"])
    for i in range(spec.rows):
        r = FIRST + i
        name = f"$A{r + 1}"
        ws.write_formula(r, c1, f'=IF({name}="","",COUNTIF({persons},"*"&{name}&"*"))', st["result_int"], "")
        ws.write_formula(r, c2, f'=IF({name}="","",IF(period_start="",COUNTIF({reviewed},{name}),COUNTIF({reviewed},{name})'
                                f'-COUNTIFS({reviewed},{name},{on},"<"&period_start)'
                                f'-COUNTIFS({reviewed},{name},{on},">"&period_end)))', st["result_int"], "")
    names = lay.local(t, "姓名")
    a, b = FIRST + 1, FIRST + spec.rows
    _counts(ws, st, [
        ("党员人数", f'=COUNTIF({names},"?*")', "result_int"),
        ("未作承诺", f"=COUNTIF(${xl_col_to_name(c1)}${a}:${xl_col_to_name(c1)}${b},0)", "result_int"),
        ("本期未被点评", f"=COUNTIF(${xl_col_to_name(c2)}${a}:${xl_col_to_name(c2)}${b},0)", "result_int"),
    ])
    _live(wb, ws, {"live_members": 0, "live_no_commitment": 1, "live_not_reviewed": 2})
    for c in (c1, c2):
        ws.conditional_format(FIRST, c, FIRST + spec.rows - 1, c, {"type": "cell", "criteria": "==", "value": 0,
                                                                  "format": st["overdue"]})
    _print(ws, landscape=False, last_col=c2, rows=spec.rows)


def _review_checks(ws, st, spec: TableSpec, label: str) -> None:
    who = xl_col_to_name(1)
    _counts(ws, st, [(label, f'=COUNTIF(${who}${FIRST + 1}:${who}${FIRST + spec.rows},"?*")', "result_int")])
    _print(ws, landscape=True, last_col=len(spec.columns) - 1, rows=spec.rows)


def _print(ws, *, landscape: bool, last_col: int, rows: int = ROWS) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    ws.center_horizontally()
    if ws.name not in (GUIDE, INFO):
        ws.repeat_rows(HEAD_ROW)
        ws.print_area(0, 0, FIRST + rows - 1, last_col)
    ws.set_footer("&C第 &P 页,共 &N 页")
    # no password: the grey formulas are kept from slips, the yellow cells stay open; filter, sort, widths allowed
    ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True, "autofilter": True, "sort": True})
