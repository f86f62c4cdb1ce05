"""The half-year ledger workbook (半年台账.xlsx, 004 附件一至六) with XlsxWriter: Excel tables, lists, live checks.

Sheets: 填表说明 · 基本信息 · 承诺践诺台账 · 领导点评 · 书记点评党员 · 群众评议 · 整改台账 · 党员名单, and the
printed 公开承诺书 filled from the ledger's rows: 支部承诺书 (附件一), 党员承诺书 (附件二) (pledges.py).
Every input table is an Excel table and a workbook-level defined name over its header row and
data rows (ledgers/forms.py); the live checks are native formulas only (COUNTIF(S), SUMPRODUCT, IF,
TODAY, DATE …: Excel 2010, WPS, LibreOffice 7), nothing array-entered, no add-in. Deterministic bytes.
Every formula is saved with an empty cached value: Excel and WPS recalculate on load (XlsxWriter sets
fullCalcOnLoad) and LibreOffice recalculates cells saved empty, so a filled workbook never shows stale counts.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsx_addin.contracts.ledger import (
    ASPECTS,
    CELLS,
    DONE,
    ROWS,
    SUMMARY_FILENAME,
    Column,
    TableSpec,
    table_specs,
)
from xlsx_addin.engine.scheme import DEFAULT_SCHEME, Scheme, load_scheme
from xlsx_addin.io.books.ledger.checks import (
    commitment_checks,
    mass_checks,
    member_checks,
    rectification_checks,
    review_checks,
)
from xlsx_addin.io.books.ledger.layout import (
    CREATED,
    DATE_FORMAT,
    FIRST,
    GUIDE,
    HEAD_ROW,
    INFO,
    LATE_FILL,
    LIVE,
    OVERDUE_FILL,
    TABLE_STYLE,
    date_rule,
    Layout,
    print_setup,
    put_input,
)
from xlsx_addin.io.books.ledger.pledges import BRANCH_SHEET, MEMBER_SHEET, branch_pledge, member_pledge
from xlsx_addin.io.books.kit.page import abs_ref
from xlsx_addin.io.books.kit.styles import STYLES, Styles
from xlsx_addin.io.books.kit.workbook import new_workbook
from xlsx_addin.io.books.kit.writing import add_sheet


def build_ledger_workbook(path: str | Path, values: Mapping[str, Any] | None = None,
                          scheme: Scheme | str | None = None) -> Path:
    """Write 半年台账.xlsx at `path`; `values` fills it (identity names → value, tables → list of rows or dicts).

    The mass evaluation's options and satisfied options are the rating survey's (default five_star).
    """
    path = Path(path)
    scheme = load_scheme(scheme or DEFAULT_SCHEME)
    labels = tuple(o.label for o in scheme.survey.options)
    specs = table_specs(labels)
    lay = Layout(specs)
    values = dict(values or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = new_workbook(path)
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
        sheets = {name: add_sheet(wb, name, empty_result_is_text=False) for name in
                  (GUIDE, INFO) + tuple(dict.fromkeys(s.sheet for s in specs.values())) + (BRANCH_SHEET, MEMBER_SHEET)}
        _guide(sheets[GUIDE], st, specs, scheme)
        _info(wb, sheets[INFO], st, values, lay)
        for spec in specs.values():
            _table(wb, sheets[spec.sheet], st, spec, values.get(spec.name))
        commitment_checks(wb, sheets[specs["commitments"].sheet], st, lay)
        rectification_checks(wb, sheets[specs["rectification"].sheet], st, lay)
        mass_checks(wb, sheets[specs["mass_review"].sheet], st, specs["mass_review"], scheme)
        member_checks(wb, sheets[specs["members"].sheet], st, lay)
        review_checks(sheets[specs["org_reviews"].sheet], st, specs["org_reviews"], "点评次数")
        review_checks(sheets[specs["member_reviews"].sheet], st, specs["member_reviews"], "点评人次")
        branch_pledge(wb, sheets[BRANCH_SHEET], st, specs["commitments"])
        member_pledge(wb, sheets[MEMBER_SHEET], st, specs["commitments"], specs["members"])
        sheets[INFO].activate()
    finally:
        wb.close()
    return path


# --- 填表说明 -------------------------------------------------------------------------------
FOR_IT = "供信息化人员"


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
        ("公开承诺书(附件一、附件二)", [
            "“支部承诺书”(附件一)和“党员承诺书”(附件二)由承诺践诺台账自动填写,不必另行录入:支部承诺书列出"
            "承诺单位为本支部(支部名称、“本支部”或以支部、党委等结尾的名称)的承诺;党员承诺书在“承诺人”格中"
            "从党员名单选择一名党员,列出台账中该党员的承诺,逐人选择、逐张打印。签字、盖章后公开发布。",
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
        (FOR_IT, [
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
    printed = None
    for head, lines in guide_lines(specs, scheme):
        if head == FOR_IT:
            printed = r - 1  # the defined names are for the screen, not for the printed guide
        ws.write(r, 0, head, st["guide_head"])
        r += 1
        for line in lines:
            ws.write(r, 0, line, st["guide_body"])
            ws.set_row(r, 15 * max(1, -(-len(line) * 2 // 80)))
            r += 1
        r += 1
    print_setup(ws, landscape=False, last_col=0, last_row=printed)


# --- 基本信息 -------------------------------------------------------------------------------
INFO_ROWS = ("org_name", "org_code", "parent_org", "period", "secretary", "reporter", "phone", "report_date", "as_of")
INFO_EXTRA = {"reporter": "填报人", "phone": "联系电话"}


def _info(wb, ws, st, values, lay: Layout) -> None:
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
            put_input(ws, r, 1, value, st["input_date"])
        else:
            put_input(ws, r, 1, value, st["input_text"])
        if key in CELLS:
            wb.define_name(key, abs_ref(INFO, r, 1))
        at[key] = xl_rowcol_to_cell(r, 1, row_abs=True, col_abs=True)
    p = at["period"]
    ws.data_validation(p, {"validate": "custom",
                           "value": f'=AND(LEN({p})=6,ISNUMBER(--LEFT({p},4)),OR(RIGHT({p},2)="H1",RIGHT({p},2)="H2"))',
                           "error_title": "台账期间", "error_message": "请填写 年份+H1 或 H2,例如 2026H1(上半年)",
                           "input_title": "台账期间", "input_message": "例如 2026H1(上半年)、2026H2(下半年)"})
    for key in ("report_date", "as_of"):
        ws.data_validation(at[key], date_rule(CELLS[key]))
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
        wb.define_name(name, abs_ref(INFO, r, 1))
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
        wb.define_name(name, abs_ref(INFO, r, 1))
        r += 1
    print_setup(ws, landscape=False, last_col=2)


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
            put_input(ws, FIRST + i, c, row[c], fmt)
    for c, col in enumerate(spec.columns):
        if col.kind == "date":
            ws.data_validation(FIRST, c, last, c, date_rule(col.header))
        elif col.kind == "list":
            ws.data_validation(FIRST, c, last, c, {"validate": "list", "source": list(col.choices),
                                                   "error_title": col.header,
                                                   "error_message": "请从下拉列表中选择:" + "、".join(col.choices)})
        elif col.kind == "count":
            ws.data_validation(FIRST, c, last, c, {"validate": "integer", "criteria": ">=", "value": 0,
                                                   "error_title": col.header, "error_message": "请填写0或正整数"})
    wb.define_name(spec.name, abs_ref(spec.sheet, HEAD_ROW, 0, last, n - 1))
    ws.freeze_panes(FIRST, 0)
    ws.set_row(HEAD_ROW, 30)
