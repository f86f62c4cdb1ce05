"""The 规则 sheet of the unit workbook: the scheme's adjustable numbers (参数, key, 值, 说明), the cells every
formula reads them from."""
from __future__ import annotations

from xlsx_addin.engine.scheme import Scheme, parameters
from xlsx_addin.io.books.kit.page import abs_ref
from xlsx_addin.io.books.unit.layout import (
    SHEET_RULES,
    TEMPLATE_VERSION_KEY,
    SheetPlan,
    is_num,
    is_share,
    page_setup,
    row_height,
    whole_number,
)


def plan_rules(scheme: Scheme, pcells: dict[str, tuple[int, int, int]], names: dict[str, str],
               ranges: dict[str, tuple[int, int, int, int, int]]) -> tuple[SheetPlan, dict[str, tuple[int, int, int]]]:
    """The sheet and each parameter's cell (sheet, row, column); its defined names go into `names` and `ranges`."""
    S = 4  # the sheet's index in the workbook
    sp = SheetPlan(SHEET_RULES)
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
            names["scheme_id" if p.key == "scheme" else "template_version"] = "=" + abs_ref(SHEET_RULES, r, 2)
        else:
            style = "input_percent" if is_share(p.key, p.label) else "input_param"
            sp.text(r, 2, whole_number(value) if is_num(value) else value, style)
        sp.text(r, 3, p.note, "hint")
        sp.call("set_row", r, max(row_height([(p.label, 44)], minimum=18), row_height([(p.note, 44)], minimum=18, small=True)))
        r += 1
    ranges["rules_table"] = (S, 2, 0, r - 1, 3)
    names["rules_table"] = "=" + abs_ref(SHEET_RULES, 2, 0, r - 1, 3)
    page_setup(sp, landscape=True, repeat=(1, 1), title=scheme.name)
    sp.call("freeze_panes", 2, 0)
    return sp, params
