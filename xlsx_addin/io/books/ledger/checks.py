"""The ledger workbook's live checks: counts at the top of each table, overdue commitments and rectifications
highlighted, the mass evaluation's satisfaction and the members without a commitment or a review — native
formulas counting what the 台账汇总 job counts."""
from __future__ import annotations

from typing import Mapping, Sequence

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from xlsx_addin.contracts.ledger import ASPECTS, DONE, MEMBER_PREFIX, ORG_PREFIX, PRESENT, ROWS, TableSpec
from xlsx_addin.engine.scheme import Scheme
from xlsx_addin.io.books.kit.page import abs_ref
from xlsx_addin.io.books.ledger.layout import FIRST, HEAD_ROW, Layout, print_setup


def _counts(ws, st, cells: Sequence[tuple[str, str, str]], start_col: int = 0) -> None:
    """Row 2: labels; row 3: the live formulas (label, formula, style)."""
    for i, (label, formula, style) in enumerate(cells):
        ws.write(2, start_col + i, label, st["live_label"])
        ws.write_formula(3, start_col + i, formula, st[style], "")
    ws.set_row(2, 26)


def commitment_checks(wb, ws, st, lay: Layout) -> None:
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
    _highlight(ws, st["overdue"], f'=AND($A{first}<>"",$F{first}<>"{DONE}",ISNUMBER($E{first}),$E{first}<as_of)')
    _highlight(ws, st["late"],
               f'=AND($A{first}<>"",$F{first}="{DONE}",ISNUMBER($E{first}),ISNUMBER($G{first}),$G{first}>$E{first})')
    print_setup(ws, landscape=True, last_col=8)


def _highlight(ws, fmt, criteria: str) -> None:
    """Rows of a table's first nine columns (A:I) formatted while `criteria` (a formula on the first row) holds."""
    ws.conditional_format(FIRST, 0, FIRST + ROWS - 1, 8, {"type": "formula", "format": fmt, "criteria": criteria})


def rectification_checks(wb, ws, st, lay: Layout) -> None:
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
    _highlight(ws, st["overdue"], f'=AND($A{first}<>"",$H{first}="",ISNUMBER($E{first}),$E{first}<as_of)')
    print_setup(ws, landscape=True, last_col=8)


def _status(ws, st, lay: Layout, table: str, col: int, _due: str, formula) -> None:
    spec = lay.specs[table]
    ws.set_column(col, col, 11)
    ws.write(HEAD_ROW, col, "逾期情况(自动)", st["header"])
    for i in range(spec.rows):
        ws.write_formula(FIRST + i, col, formula(FIRST + i), st["result_center"], "")


def _live(wb, ws, cells: Mapping[str, int]) -> None:
    """The hidden per-sheet targets of 基本信息's live rows (name_at → the count cell on row 4)."""
    for name, c in cells.items():
        wb.define_name(f"{name}_at", abs_ref(ws.name, 3, c))


def mass_checks(wb, ws, st, spec: TableSpec, scheme: Scheme) -> None:
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
    print_setup(ws, landscape=True, last_col=invalid_col, rows=spec.rows + 2)


def member_checks(wb, ws, st, lay: Layout) -> None:
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
    print_setup(ws, landscape=False, last_col=c2, rows=spec.rows)


def review_checks(ws, st, spec: TableSpec, label: str) -> None:
    who = xl_col_to_name(1)
    _counts(ws, st, [(label, f'=COUNTIF(${who}${FIRST + 1}:${who}${FIRST + spec.rows},"?*")', "result_int")])
    print_setup(ws, landscape=True, last_col=len(spec.columns) - 1, rows=spec.rows)
