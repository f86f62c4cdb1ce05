"""The 测评表 sheet: the blank ballot to print."""
from __future__ import annotations

from xlsx_addin.engine.scheme import Scheme
from xlsx_addin.io.books.unit.layout import SHEET_BALLOT, FormulaCell, SheetPlan, page_setup, excel_text

def plan_ballot(scheme: Scheme, formulas: list[FormulaCell]) -> SheetPlan:
    sp = SheetPlan(SHEET_BALLOT)
    opts = [o.label for o in scheme.survey.options]
    last = 1 + len(opts)
    sp.call("set_column", 0, 0, 6)
    sp.call("set_column", 1, 1, 48 if len(opts) <= 3 else 40)
    sp.call("set_column", 2, last, 10)
    sp.merge(0, 0, 0, last, f"{scheme.name}{scheme.survey.title}表", "title")
    sp.call("set_row", 0, 40)
    sp.merge(1, 0, 1, last, None, "sign")
    formulas.append(FormulaCell(2, 1, 0, '="被测评党组织:"&org_name', "sign",
                                compute=lambda g: "被测评党组织:" + excel_text(g.value("org_name"))))
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
    page_setup(sp, fit_height=1, title=scheme.name)
    sp.call("freeze_panes", 4, 0)
    return sp


