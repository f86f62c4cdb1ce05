"""004's 公开承诺书 as printed forms of the ledger workbook: 附件一 (the branch's) and 附件二 (one member's,
chosen in a cell), filled by native formulas from the 承诺践诺台账 rows (no macro, no array formula).

A hidden helper column numbers the commitments that belong on the form (1, 2, … in table order); each form
row takes the n-th of them with INDEX/MATCH. The branch's commitments are those whose 承诺单位或承诺人 starts
with the branch (its name, 本支部 …, or a name ending in 支部/党委 …: the ledger job's words); a member's are
those naming the member among the names of the cell (split at 、,; and spaces).
"""
from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from xlsx_addin.contracts.ledger import NAME_SEPARATORS, ORG_ENDINGS, ORG_WORDS, TableSpec
from xlsx_addin.io.books.kit.page import abs_ref, page_setup
from xlsx_addin.io.books.kit.styles import STYLES
from xlsx_addin.io.books.ledger.layout import FIRST

BRANCH_SHEET = "支部承诺书"
MEMBER_SHEET = "党员承诺书"
BRANCH_ROWS = 20  # the commitments one printed page holds; more are counted and pointed to the ledger
MEMBER_ROWS = 12
MEMBER_NAMES = "member_names"  # defined name over 党员名单's 姓名 column: the selector's list (Excel 2007-safe)
HELPER = 7  # column H: hidden, outside the print area
COLUMNS = (("序号", 6), ("承诺类别", 10), ("承诺事项", 40), ("践诺措施", 34), ("完成时限", 12))
SOURCE = {1: "承诺类别", 2: "承诺事项", 3: "践诺措施", 4: "完成时限"}
PERIOD_TEXT = 'IF(period="","",IFERROR(LEFT(period,4)&IF(RIGHT(period,1)="1","年上半年","年下半年"),period))'


def _normalised(cell: str) -> str:
    """The 承诺单位或承诺人 text with every separator turned into 、 (for a whole-name FIND)."""
    text = f"TRIM({cell})"
    for sep in NAME_SEPARATORS[1:]:
        text = f'SUBSTITUTE({text},"{sep}","、")'
    return text


def _branch_condition(cell: str) -> str:
    first = f'LEFT({_normalised(cell)},FIND("、",{_normalised(cell)}&"、")-1)'
    tests = [f'{first}=TRIM(org_name)'] + [f'{first}="{w}"' for w in ORG_WORDS] + \
        [f'RIGHT({first},{len(e)})="{e}"' for e in ORG_ENDINGS]
    return f'AND(TRIM(org_name)<>"",OR({",".join(tests)}))'


def _member_condition(cell: str, name: str) -> str:
    return f'AND({name}<>"",ISNUMBER(FIND("、"&{name}&"、","、"&{_normalised(cell)}&"、")))'


class _Form:
    def __init__(self, wb, ws, st, spec: TableSpec):
        self.wb, self.ws, self.spec = wb, ws, spec
        add = wb.add_format
        self.cell = add({**STYLES["label"], "text_wrap": True})
        self.center = add({**STYLES["label_center"]})
        self.date = add({**STYLES["label_center"], "num_format": "yyyy-mm-dd"})
        self.header = st["header"]
        self.title = st["title"]
        self.text = add({**STYLES["text_top"], "font_size": 12})
        self.sign = st["sign"]
        self.hint = st["hint"]

    def source(self, header: str, k: int) -> str:
        return abs_ref(self.spec.sheet, FIRST + k, self.spec.headers.index(header))

    def helper(self, condition_of) -> str:
        """Number the matching commitment rows in the hidden column; its range."""
        ws = self.ws
        ws.set_column(HELPER, HELPER, 4, None, {"hidden": True})
        col = xl_col_to_name(HELPER)
        for k in range(self.spec.rows):
            item, who = self.source("承诺事项", k), self.source("承诺单位或承诺人", k)
            before = "0" if k == 0 else f"COUNT(${col}$1:${col}${k})"
            ws.write_formula(k, HELPER, f'=IF(AND(TRIM({item})<>"",{condition_of(who)}),{before}+1,"")', None, "")
        return f"${col}$1:${col}${self.spec.rows}"

    def rows(self, top: int, n: int, helper: str) -> int:
        ws = self.ws
        for c, (text, _) in enumerate(COLUMNS):
            ws.write(top, c, text, self.header)
        ws.set_row(top, 24)
        for j in range(1, n + 1):
            r = top + j
            ws.write_formula(r, 0, f'=IF(COUNT({helper})>={j},{j},"")', self.center, "")
            for c, header in SOURCE.items():
                col = self.spec.headers.index(header)
                values = abs_ref(self.spec.sheet, FIRST, col, FIRST + self.spec.rows - 1, col)
                at = f"INDEX({values},MATCH({j},{helper},0))"
                formula = (f'=IFERROR(IF({at}="","",{at}),"")' if header == "完成时限"
                           else f'=IFERROR(""&{at},"")')  # ""& keeps an empty cell empty (not 0)
                ws.write_formula(r, c, formula, self.date if header == "完成时限" else
                                 (self.center if header == "承诺类别" else self.cell), "")
            ws.set_row(r, 36)
        r = top + n + 1
        ws.merge_range(r, 0, r, 4, "", self.text)
        ws.write_formula(r, 0, f'=IF(COUNT({helper})=0,"","本期承诺共"&COUNT({helper})&"项"&IF(COUNT({helper})>{n},'
                         f'",本表列出前{n}项,其余见“承诺践诺台账”",""))', self.text, "")
        ws.set_row(r, 22)
        return r + 1

    def widths(self) -> None:
        for c, (_, width) in enumerate(COLUMNS):
            self.ws.set_column(c, c, width)

    def finish(self, last: int) -> None:
        page_setup(self.ws, landscape=False, fit_height=1, margins=(0.5, 0.5, 0.6, 0.6), title="创先争优半年台账",
                   print_area=(0, 0, last, 4))
        self.ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                             "select_unlocked_cells": True})


def branch_pledge(wb, ws, st, spec: TableSpec) -> None:
    """附件一: the branch's 公开承诺书."""
    f = _Form(wb, ws, st, spec)
    f.widths()
    ws.merge_range(0, 0, 0, 4, "党支部公开承诺书", f.title)
    ws.set_row(0, 40)
    ws.merge_range(1, 0, 1, 4, "", st["sign"])
    ws.write_formula(1, 0, f'="党支部:"&org_name&"        承诺期间:"&{PERIOD_TEXT}', st["sign"], "")
    ws.set_row(1, 24)
    ws.merge_range(2, 0, 2, 4, "为深入开展创先争优活动,按照“五个好”的目标要求,本支部结合实际作出以下公开承诺"
                   "(服务承诺和实事承诺),通过网络、党务公开栏或明白纸向党员群众公开,接受监督。", f.text)
    ws.set_row(2, 48)
    r = f.rows(3, BRANCH_ROWS, f.helper(_branch_condition))
    r += 1
    ws.merge_range(r, 0, r, 4, "公开方式:□ 网络    □ 党务公开栏    □ 明白纸        公开日期:      年    月    日",
                   st["sign"])
    ws.set_row(r, 26)
    r = _signatures(ws, st, r + 2, [("党支部书记(签字):", "党支部(盖章)"), ("", _DATE_LINE)])
    f.finish(r)


def member_pledge(wb, ws, st, spec: TableSpec, members: TableSpec) -> None:
    """附件二: a member's 公开承诺书; the member is chosen in C2 (from 党员名单), one form printed per member."""
    f = _Form(wb, ws, st, spec)
    f.widths()
    name_col = members.headers.index("姓名")
    wb.define_name(MEMBER_NAMES, abs_ref(members.sheet, FIRST, name_col, FIRST + members.rows - 1, name_col))
    ws.merge_range(0, 0, 0, 4, "党员公开承诺书", f.title)
    ws.set_row(0, 40)
    ws.merge_range(1, 0, 1, 1, "承诺人:", st["sign"])
    ws.write_blank(1, 2, None, st["input_text"])
    who = xl_rowcol_to_cell(1, 2, row_abs=True, col_abs=True)
    ws.data_validation(1, 2, 1, 2, {"validate": "list", "source": "=" + MEMBER_NAMES, "ignore_blank": True,
                                    "input_title": "选择党员", "input_message": "从党员名单中选择一名党员,打印其承诺书;"
                                    "逐人选择、逐张打印。留空则打印空白承诺书。",
                                    "error_type": "warning", "error_title": "承诺人",
                                    "error_message": "不在“党员名单”中;仍按所填姓名查找承诺"})
    ws.write(1, HELPER + 1, "← 选择党员后打印(留空为空白承诺书)", f.hint)
    name = f"TRIM({who})"
    duty_col = abs_ref(members.sheet, FIRST, members.headers.index("党内职务"), FIRST + members.rows - 1,
                       members.headers.index("党内职务"))
    names = abs_ref(members.sheet, FIRST, name_col, FIRST + members.rows - 1, name_col)
    ws.merge_range(1, 3, 1, 4, "", st["sign"])
    ws.write_formula(1, 3, f'=IF({name}="","党内职务:",IFERROR("党内职务:"&INDEX({duty_col},MATCH({name},{names},0)),'
                     '"党内职务:"))', st["sign"], "")
    ws.set_row(1, 26)
    ws.merge_range(2, 0, 2, 4, "", st["sign"])
    ws.write_formula(2, 0, f'="所在党支部:"&org_name&"        承诺期间:"&{PERIOD_TEXT}', st["sign"], "")
    ws.set_row(2, 24)
    ws.merge_range(3, 0, 3, 4, "作为一名共产党员,我按照“五带头”的要求,结合本人岗位实际作出以下公开承诺"
                   "(服务承诺和实事承诺),接受党组织和群众监督。", f.text)
    ws.set_row(3, 48)
    r = f.rows(4, MEMBER_ROWS, f.helper(lambda cell: _member_condition(cell, name)))
    r = _signatures(ws, st, r + 1, [("承诺人(签字):", _DATE_LINE), ("党支部审核意见:", "党支部(盖章)"), ("", _DATE_LINE)])
    f.finish(r)


_DATE_LINE = "      年    月    日"


def _signatures(ws, st, r: int, lines: list[tuple[str, str]]) -> int:
    """The form's closing lines from row r, each (left, right) over columns A–C and D–E (a blank left is left out);
    the last row written."""
    for left, right in lines:
        if left:
            ws.merge_range(r, 0, r, 2, left, st["sign"])
        ws.merge_range(r, 3, r, 4, right, st["sign"])
        ws.set_row(r, 30)
        r += 1
    return r - 1
