"""The 填表说明 sheet: the scheme's guide, every number a formula over the 规则 sheet."""
from __future__ import annotations

from xlsx_addin.engine.scheme import Scheme
from xlsx_addin.io.books.kit.flavour import Flavour
from xlsx_addin.io.books.unit import guide
from xlsx_addin.io.books.unit.layout import GUIDE_WIDTH, SHEET_GUIDE, SheetPlan, row_height, page_setup, rich

def plan_guide(scheme: Scheme, formulas: list, flavour: Flavour) -> SheetPlan:
    sp = SheetPlan(SHEET_GUIDE)
    sp.call("set_column", 0, 0, GUIDE_WIDTH)
    sp.text(0, 0, f"{scheme.name}单位填报表 · 填表说明", "title")
    sp.call("set_row", 0, 32)
    sp.text(1, 0, f"评定方案:{scheme.name}({scheme.id},第{scheme.version}版)", "subtitle")
    r = 3
    for heading, paragraphs in guide.guide_sections(scheme, flavour):
        sp.text(r, 0, heading, "guide_head")
        sp.call("set_row", r, 22)
        r += 1
        for para in paragraphs:
            shown = rich(sp, 0, r, 0, para, "guide_body", scheme, formulas)
            # wrapped text: a row tall enough for its lines (Excel and LibreOffice keep explicit heights)
            sp.call("set_row", r, row_height([(shown, GUIDE_WIDTH)], minimum=16, line=15))
            r += 1
        r += 1
    page_setup(sp, title=scheme.name)
    sp.call("freeze_panes", 1, 0)
    return sp


