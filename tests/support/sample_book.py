"""A small rating-like workbook made with openpyxl (so it carries no cached results): inputs on
one sheet, rules on a 规则 sheet, results by formulas across both, workbook-level defined names
(scalars and ranges), Chinese text, and one cell per Excel error. Used by the harness tests and
the speed benchmark; ``detail_rows`` adds a 明细 sheet to make the file bigger."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.workbook.defined_name import DefinedName

UNIT = "城关镇第一村党支部"

# name -> (sheet, cell or range)
NAMES = {
    "unit_name": ("填报", "$B$1"),
    "score": ("填报", "$B$2"),
    "members": ("填报", "$B$3"),
    "present": ("填报", "$B$4"),
    "items": ("填报", "$B$5:$B$9"),
    "note": ("填报", "$B$10"),  # left empty
    "band_min": ("规则", "$A$2:$A$5"),
    "band_label": ("规则", "$B$2:$B$5"),
    "weights": ("规则", "$C$2:$C$6"),
    "rate_min": ("规则", "$E$2"),
    "result_level": ("结果", "$B$1"),
    "result_rate": ("结果", "$B$2"),
    "result_ok": ("结果", "$B$3"),
    "result_weighted": ("结果", "$B$4"),
    "result_count": ("结果", "$B$5"),
    "result_rate_text": ("结果", "$B$6"),
    "result_label": ("结果", "$B$7"),
    "result_block": ("结果", "$A$1:$B$3"),
    "err_div0": ("结果", "$D$1"),
    "err_na": ("结果", "$D$2"),
    "err_name": ("结果", "$D$3"),
    "err_value": ("结果", "$D$4"),
    "err_ref": ("结果", "$D$5"),
    "err_null": ("结果", "$D$6"),
    "err_num": ("结果", "$D$7"),
    "err_illegal_argument": ("结果", "$D$8"),  # LibreOffice Err:502, Excel would say #NUM!
}

# Expected values for the default inputs (computed by hand, see build()).
EXPECTED = {
    "unit_name": UNIT,
    "score": 85.0,
    "result_level": "良好",
    "result_rate": 0.9,
    "result_ok": "达标",
    "result_weighted": 10 * 1 + 20 * 2 + 15 * 1 + 0 * 3 + 5 * 2.0,
    "result_count": 3.0,
    "result_rate_text": "90.0%",
    "result_label": f"{UNIT}：良好",
    "note": None,
    "items": [[10.0], [20.0], [15.0], [0.0], [5.0]],
    "result_block": [["等级", "良好"], ["参与率", 0.9], ["是否达标", "达标"]],
    "err_div0": "#DIV/0!",
    "err_na": "#N/A",
    "err_name": "#NAME?",
    "err_value": "#VALUE!",
    "err_ref": "#REF!",
    "err_null": "#NULL!",
    "err_num": "#NUM!",
}


def build(path: Path | str, detail_rows: int = 0) -> Path:
    wb = openpyxl.Workbook()
    inp = wb.active
    inp.title = "填报"
    rows = [("单位名称", UNIT), ("得分", 85), ("党员人数", 20), ("参会人数", 18)]
    rows += [(f"第{i + 1}项", v) for i, v in enumerate([10, 20, 15, 0, 5])]
    rows += [("备注", None)]
    for r, (label, value) in enumerate(rows, start=1):
        inp.cell(r, 1, label)
        inp.cell(r, 2, value)

    rules = wb.create_sheet("规则")
    rules.append(["下限", "等级", "权重", None, "参与率下限"])
    for lo, label, w in [(0, "不合格", 1), (60, "合格", 2), (80, "良好", 1), (90, "优秀", 3)]:
        rules.append([lo, label, w])
    rules["C6"] = 2
    rules["E2"] = 0.9

    res = wb.create_sheet("结果")
    formulas = [
        ("等级", "=INDEX(band_label,MATCH(score,band_min,1))"),
        ("参与率", "=ROUND(present/members,4)"),
        ("是否达标", '=IF(result_rate>=rate_min,"达标","未达标")'),
        ("加权分", "=SUMPRODUCT(items,weights)"),
        ("十分以上项数", '=COUNTIF(items,">=10")'),
        ("参与率文字", '=TEXT(result_rate,"0.0%")'),
        ("标签", '=unit_name&"："&result_level'),
    ]
    for r, (label, formula) in enumerate(formulas, start=1):
        res.cell(r, 1, label)
        res.cell(r, 2, formula)
    # LibreOffice gives #REF! (not #NULL!) for an empty intersection, and Err:502 (saved as
    # #VALUE!) for SQRT(-1) or INDEX out of range: the cells below give the same error in both.
    errors = ["=1/0", "=NA()", "=NOSUCHFUNCTION(1)", '="文字"+1', '=INDIRECT("无此表!A1")',
              "=IF(score>0,#NULL!,0)", "=10^400", "=SQRT(-1)"]
    for r, formula in enumerate(errors, start=1):
        res.cell(r, 4, formula)

    if detail_rows:
        det = wb.create_sheet("明细")
        det.append(["序号", "单位", "得分", "等级", "权重分", "达标"])
        for i in range(2, detail_rows + 2):
            det.append([i - 1, f"{UNIT}{i - 1}", f"=MOD({i}*37,41)+60",
                        f"=INDEX(band_label,MATCH(C{i},band_min,1))",
                        f"=ROUND(C{i}*INDEX(weights,MOD({i},5)+1)/3,2)",
                        f'=IF(C{i}>=80,"是","否")'])
        end = detail_rows + 1
        det.append(["合计", None, f"=SUM(C2:C{end})", f'=COUNTIF(D2:D{end},"优秀")',
                    f"=SUMPRODUCT(E2:E{end})", f'=COUNTIF(F2:F{end},"是")'])
        wb.defined_names["detail_total"] = DefinedName(
            "detail_total", attr_text=f"'明细'!$C${detail_rows + 2}:$F${detail_rows + 2}")

    for name, (sheet, ref) in NAMES.items():
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{ref}")
    path = Path(path)
    wb.save(path)
    return path
