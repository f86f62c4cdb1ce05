"""The unit workbook's forms planned from a scheme: 自评表, 测评汇总表 and 规则 (with 填表说明 and
测评表 from their own modules), the input cells, the names contract and the result formula cells."""
from __future__ import annotations

from typing import Sequence

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsx_addin.contracts.names import INPUTS, MASS_PREFIX
from xlsx_addin.engine.scheme import Scheme
from xlsx_addin.engine.scheme.parts import Item, SubItem
from xlsx_addin.engine.scheme.keys import item_points_key, sub_item_points_key
from xlsx_addin.io.books.kit.flavour import UNIVERSAL, Flavour
from xlsx_addin.io.books.kit.page import abs_ref
from xlsx_addin.io.books.unit import guide, results, texts
from xlsx_addin.io.books.unit.layout import (
    ADJUST,
    IDENTITY,
    BOOK,
    RESULT_NAMES,
    SHEET_SELF,
    SHEET_SURVEY,
    FormulaCell,
    InputCell,
    Plan,
    SheetPlan,
    any_mass,
    clean_number,
    row_height,
    excel_n,
    is_num,
    keep_together,
    print_scale,
    whole_number,
    page_setup,
    param_by_name,
    ref_or_blank,
    satisfied_share,
    sum_or_blank,
    param_cells,
    per_vote,
    rich,
)
from xlsx_addin.io.books.unit.sheet_ballot import plan_ballot
from xlsx_addin.io.books.unit.sheet_guide import plan_guide
from xlsx_addin.io.books.unit.sheet_rules import plan_rules
from xlsx_addin.io.books.unit.validations import HINTS, INPUT_STYLE, dv_score, dv_whole, input_validation

def _plan(scheme: Scheme, flavour: Flavour) -> Plan:
    term = scheme.level_term
    names: dict[str, str] = {}
    inputs: dict[str, list[InputCell]] = {}
    formulas: list[FormulaCell] = []
    ranges: dict[str, tuple[int, int, int, int, int]] = {}
    sheets = [plan_guide(scheme, formulas, flavour)]
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
    note = flavour.note(BOOK)
    sp.merge(1, A, 1, H, "黄色单元格由本党组织填写(“上级审核得分”由上级党组织填写);灰色单元格自动计算,不能修改。"
             + note, "subtitle")
    if note:
        sp.call("set_row", 1, 48)
    r = 2
    sp.merge(r, A, r, H, "一、基本情况", "section")
    r += 1
    info_top = r
    for name in IDENTITY:
        spec = INPUTS[name]
        label = f"上年度{term}" if name == "prev_level" else spec.label
        sp.merge(r, A, r, B, ("*" if name in ("org_name", "member_count") else "") + label, "label_bold")
        sp.merge(r, C, r, D, HINTS.get(name, ""), "hint_box")
        key_cell(sp, r, E, name)
        add_input(sp, S, name, r, FF, INPUT_STYLE[spec.kind], H, input_validation(scheme, name))
        sp.call("set_row", r, row_height([(HINTS.get(name, ""), W[C] + W[D])], small=True))
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
    groups: list[tuple[int, int]] = []  # rows printed on one page: each item's, the results with the signatures
    per_sub = scheme.sub_item_count > 0
    for i, item in enumerate(scheme.items, 1):
        rows: Sequence[SubItem | Item] = item.sub_items if per_sub else [item]
        first = r
        for j, sub in enumerate(rows, 1):
            key = sub_item_points_key(i, j) if per_sub else item_points_key(i)
            rich(sp, S, r, C, (texts.P(key),), "number_center", scheme, formulas)
            sp.text(r, D, sub.label if per_sub else (item.guide or item.label), "label")
            dv = dv_score(param_by_name(pcells[key]), per_sub and scheme.sub_item_all_or_nothing,
                           xl_rowcol_to_cell(r, FF), xl_rowcol_to_cell(r, G))
            add_input(sp, S, "item_scores", r, FF, "input_score", dv=dv[0])
            add_input(sp, S, "item_scores_reviewed", r, G, "input_score", dv=dv[1])
            sp.blank(r, H, "input_text")
            inputs.setdefault("_notes", []).append(InputCell(S, r, H, "input_text"))
            wrapped: list[tuple[str, float]] = [(sub.label if per_sub else (item.guide or item.label), W[D])]
            if not per_sub:
                wrapped.append((item.label, W[B]))
            sp.call("set_row", r, row_height(wrapped))
            r += 1
        groups.append((first, r - 1))
        sp.merge(first, A, r - 1, A, i, "label_center")
        if per_sub:
            sp.merge(first, B, r - 1, B, None, "label_center")
            rich(sp, S, first, B, texts.t(item.label, "\n(", texts.P(item_points_key(i)), "分)"), "label_center",
                 scheme, formulas)
        else:
            sp.merge(first, B, r - 1, B, item.label, "label")
        groups.append((first, r - 1))
    scores_bottom = r - 1
    sp.merge(r, A, r, B, "合计", "label_center")
    if scheme.total_points is not None:
        rich(sp, S, r, C, (texts.P("total_points"),), "number_center", scheme, formulas)
    else:
        sp.text(r, C, whole_number(sum(it.points for it in scheme.items)), "number_center")
    sp.text(r, D, "审核得分全部填写后按审核得分计算,未填全时按自评得分计算", "hint_box")
    sp.blank(r, E, "label")
    col_self = xl_rowcol_to_cell(scores_top, FF, row_abs=True, col_abs=True) + ":" + \
        xl_rowcol_to_cell(scores_bottom, FF, row_abs=True, col_abs=True)
    col_rev = col_self.replace("$F$", "$G$")
    formulas.append(FormulaCell(S, r, FF, f'=IF(COUNT({col_self})=0,"",SUM({col_self}))', "result_center",
                                compute=lambda g: sum_or_blank(g.column("item_scores"))))
    formulas.append(FormulaCell(S, r, G, f'=IF(COUNT({col_rev})=0,"",SUM({col_rev}))', "result_center",
                                compute=lambda g: sum_or_blank(g.column("item_scores_reviewed"))))
    sp.blank(r, H, "label")
    r += 1
    adjust = [name for name in ADJUST if name in scheme.form_inputs]  # this scheme's own inputs only
    sections = iter(("三", "四") if adjust else ("三",))
    if adjust:
        sp.merge(r, A, r, H, f"{next(sections)}、加分、减分及否决事项", "section")
        r += 1
        sp.merge(r, A, r, B, "事项", "header")
        sp.merge(r, C, r, D, "计分规则", "header")
        sp.blank(r, E, "header")
        sp.text(r, FF, "填写", "header")
        sp.merge(r, G, r, H, "填写说明", "header")
        r += 1
    for name in adjust:
        spec = INPUTS[name]
        rules = guide.rules_for_input(scheme, name)
        sp.merge(r, A, r, B, spec.label, "label")
        rule_text = texts.join(rules, ";") if rules else ("本方案不据此加减分(如实填写备查)",)
        shown_rules = rich(sp, S, r, C, rule_text, "hint_box", scheme, formulas, last_col=D)
        key_cell(sp, r, E, name)
        add_input(sp, S, name, r, FF, INPUT_STYLE[spec.kind], dv=input_validation(scheme, name))
        how = {"choice": "下拉选择,取本年度最高级别;没有的选“无”", "yesno": "下拉选择 是/否",
               "count": "填整数,没有的填0", "number": "按期换届的填0"}[spec.kind]
        sp.merge(r, G, r, H, how, "hint_box")
        sp.call("set_row", r, max(row_height([(spec.label, W[A] + W[B])]),
                                  row_height([(shown_rules, W[C] + W[D]),
                                           (how, W[G] + W[H])], small=True)))
        r += 1
    info_bottom = r - 1
    ranges["info_table"] = (S, info_top, E, info_bottom, FF)
    names["info_table"] = "=" + abs_ref(SHEET_SELF, info_top, E, info_bottom, FF)
    ranges["item_scores"] = (S, scores_top, FF, scores_bottom, FF)
    ranges["item_scores_reviewed"] = (S, scores_top, G, scores_bottom, G)

    results_top = r
    sp.merge(r, A, r, H, f"{next(sections)}、评定结果(自动计算,配额调整前)", "section")
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
            names[RESULT_NAMES[key]] = "=" + abs_ref(SHEET_SELF, r, C)
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
    groups.append((results_top, r))
    scale = print_scale([W[c] for c in W if c != E])
    keep_together(sp, groups, scale, repeat_height=30, last_row=r)
    page_setup(sp, repeat=(header_row, header_row), title=scheme.name)
    sp.call("freeze_panes", 2, 0)
    self_survey_refs = survey_refs

    # ---- 测评表 (blank ballot) ------------------------------------------------------------------
    sheets.append(plan_ballot(scheme, formulas))

    # ---- 测评汇总表 --------------------------------------------------------------------------
    S = 3
    sp = SheetPlan(SHEET_SURVEY)
    sheets.append(sp)
    A, B, C, D, E, FF = range(6)  # B = the hidden key column
    for col, width in ((A, 30), (C, 13), (D, 13), (E, 13), (FF, 16)):
        sp.call("set_column", col, col, width)
    sp.call("set_column", B, B, 2, None, {"hidden": True})
    sp.merge(0, A, 0, FF, f"{scheme.name}{scheme.survey.title}汇总表", "title")
    sp.call("set_row", 0, 36)
    sp.merge(1, A, 1, FF, "测评结束后当场清点票数填写;灰色单元格自动计算。", "subtitle")
    sp.text(2, A, "党组织名称", "label_bold")
    sp.blank(2, B, "label")
    sp.merge(2, C, 2, FF, None, "result_text")
    formulas.append(FormulaCell(S, 2, C, '=IF(org_name="","",org_name)', "result_text",
                                compute=lambda g: ref_or_blank(g.value("org_name"))))
    r = 3
    sp.merge(r, A, r, FF, "一、参加测评人数", "section")
    r += 1
    sp.text(r, A, "党员总数(自评表)", "label")
    sp.blank(r, B, "label")
    formulas.append(FormulaCell(S, r, C, '=IF(member_count="","",member_count)', "result_center",
                                compute=lambda g: ref_or_blank(g.value("member_count"))))
    sp.merge(r, D, r, FF, "在自评表“基本情况”中填写", "hint_box")
    r += 1
    survey_top = r
    vote_rows: dict[str, int] = {}
    for name, hint in (("members_present", "实到会参加测评的党员人数,不超过党员总数"),
                       ("masses_present", "参加测评的群众代表人数,没有的填0")):
        sp.text(r, A, INPUTS[name].label.replace("群众人数", "群众代表人数"), "label")
        key_cell(sp, r, B, name)
        add_input(sp, S, name, r, C, "input_int", dv=input_validation(scheme, name))
        sp.merge(r, D, r, FF, hint, "hint_box")
        sp.call("set_row", r, row_height([(hint, 42)], small=True))
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
            add_input(sp, S, name, r, C, "input_int", dv=dv_whole(f"“{label}”票数"))
            hint = "“总体评价”一栏选此项的票数" if vote != sv.invalid_input else "不选、多选或无法辨认的票"
            sp.merge(r, D, r, FF, ("其中群众代表" if mass else "") + hint, "hint_box")
            vote_rows[name] = r
            r += 1
    survey_bottom = r - 1
    ranges["survey_table"] = (S, survey_top, B, survey_bottom, C)
    names["survey_table"] = "=" + abs_ref(SHEET_SURVEY, survey_top, B, survey_bottom, C)

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
    all_range = f"$C${vote_rows[options[0][0]] + 1}:$C${vote_rows[options[-1][0]] + 1}"  # blank form: no 0s

    def any_vote(g) -> bool:
        return any(is_num(g.value(v)) for v, _ in options)
    for vote, label in options:
        tot = f"$C${vote_rows[vote] + 1}"
        mas = f"$C${vote_rows[MASS_PREFIX + vote] + 1}"
        sp.text(r, A, label, "label")
        sp.blank(r, B, "label")
        formulas.append(FormulaCell(S, r, C, f'=IF(COUNT({all_range})=0,"",N({tot}))', "result_center",
                                    compute=per_vote(lambda g, v: clean_number(excel_n(g.value(v)))
                                                     if any_vote(g) else "", vote)))
        formulas.append(FormulaCell(
            S, r, D, f'=IF(COUNT({mass_range})=0,"",N({tot})-N({mas}))', "result_center",
            compute=per_vote(lambda g, v: clean_number(excel_n(g.value(v)) - excel_n(g.value(MASS_PREFIX + v)))
                             if any_mass(g, options) else "", vote)))
        formulas.append(FormulaCell(
            S, r, E, f'=IF(COUNT({mass_range})=0,"",N({mas}))', "result_center",
            compute=per_vote(lambda g, v: clean_number(excel_n(g.value(MASS_PREFIX + v))) if any_mass(g, options) else "",
                             vote)))
        if vote != sv.invalid_input:
            formulas.append(FormulaCell(
                S, r, FF, f'=IF(SUM({valid_range})=0,"",N({tot})/SUM({valid_range}))', "result_percent",
                compute=per_vote(lambda g, v: satisfied_share(g, v, options), vote)))
        else:
            sp.blank(r, FF, "result_center")
        r += 1
    sp.text(r, A, "总票数", "label_bold")
    sp.blank(r, B, "label")
    first, last = table_top + 1, r
    formulas.append(FormulaCell(S, r, C, f'=IF(COUNT({all_range})=0,"",SUM(C{first}:C{last}))', "result_center",
                                compute=lambda g: clean_number(sum(excel_n(g.value(v)) for v, _ in options))
                                if any_vote(g) else ""))
    formulas.append(FormulaCell(S, r, D, f'=IF(COUNT({mass_range})=0,"",SUM(D{first}:D{last}))', "result_center",
                                compute=lambda g: clean_number(sum(excel_n(g.value(v)) - excel_n(g.value(MASS_PREFIX + v)) for v, _ in options)) if any_mass(g, options) else ""))
    formulas.append(FormulaCell(S, r, E, f'=IF(COUNT({mass_range})=0,"",SUM(E{first}:E{last}))', "result_center",
                                compute=lambda g: clean_number(sum(excel_n(g.value(MASS_PREFIX + v)) for v, _ in options)) if any_mass(g, options) else ""))
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
            names[RESULT_NAMES[key]] = "=" + abs_ref(SHEET_SURVEY, r, C)
        sp.call("set_row", r, 48 if key == "survey_note" else 30)
        r += 1
    r += 1
    sp.merge(r, A, r, FF, "计票人:              监票人:              日期:    年  月  日", "sign")
    sp.call("set_row", r, 30)
    page_setup(sp, title=scheme.name)
    sp.call("freeze_panes", 2, 0)
    del mass_cells

    # the survey rates shown again on the 自评表
    for row, ref in self_survey_refs:
        key = "participation" if ref == "result_participation_rate" else "satisfaction"
        target = names[ref]  # "='测评汇总表'!$C$n": a direct reference (LibreOffice recalculates name-only formulas)
        formulas.append(FormulaCell(1, row, 2, target, "result_percent", compute=None, key=f"={key}"))

    # ---- 规则 ------------------------------------------------------------------------------
    rules_sheet, params = plan_rules(scheme, pcells, names, ranges)
    sheets.append(rules_sheet)

    # ---- defined names of the inputs --------------------------------------------------------
    for name, cells in inputs.items():
        if name.startswith("_"):
            continue
        sheet = sheets[cells[0].sheet].name
        if len(cells) == 1:
            names[name] = "=" + abs_ref(sheet, cells[0].row, cells[0].col)
        else:
            names[name] = "=" + abs_ref(sheet, cells[0].row, cells[0].col, cells[-1].row, cells[-1].col, collapse=True)
    for name in ("member_count", "members_present"):
        c = inputs[name][0]
        ranges[name] = (c.sheet, c.row, c.col, c.row, c.col)
    return Plan(scheme, sheets, dict(sorted(names.items())), inputs, formulas, ranges, params)


# --- cache of plans ------------------------------------------------------------------------

_PLANS: dict[tuple[int, Flavour], tuple[Scheme, Plan]] = {}


def plan_for(scheme: Scheme, flavour: Flavour = UNIVERSAL) -> Plan:
    """The layout of a scheme's unit workbook in a flavour, planned once."""
    hit = _PLANS.get((id(scheme), flavour))
    if hit is not None and hit[0] is scheme:
        return hit[1]
    plan = _plan(scheme, flavour)
    if len(_PLANS) > 32:
        _PLANS.clear()
    _PLANS[(id(scheme), flavour)] = (scheme, plan)  # keeps the scheme alive, so its id stays unique
    return plan


