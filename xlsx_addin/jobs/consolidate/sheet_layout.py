"""Page set-up and the 设置 sheet of a summary workbook: shared by the rating and the 双十星 writers."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from xlsx_addin.contracts import summary_vba as vba
from xlsx_addin.model.choices import QuotaMode, SetBy
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.io.tables.table import Table
from xlsx_addin.contracts.summary import CATEGORY, CHANGE_SHEETS, LEDGER, OVERVIEW, PROBLEMS, PUBLICITY, RAW, STATS
from xlsx_addin.io.books.kit.page import report_page_setup
from xlsx_addin.io.tables.xlsx import Formats, wrapped_lines
from xlsx_addin.jobs.consolidate.publicity import S_END, S_START
from xlsx_addin.jobs.consolidate.settings_sheet import (
    LEDGER_INPUTS,
    REGISTER_INPUTS,
    S_EXPECT,
    S_KEEP,
    S_LEDGER_DIR,
    S_REGISTER,
    scheme_choices,
)

_LANDSCAPE = {OVERVIEW, STATS, CATEGORY, LEDGER, *CHANGE_SHEETS, PROBLEMS, RAW}
# 002's titles where the scheme keeps them (分类定级情况一览表 / 情况汇总表)
_TITLES = {OVERVIEW: "情况一览表", CATEGORY: "情况汇总表"}


def page_setup(ws, t: Table, scheme: Scheme) -> None:
    raw = t.name == RAW  # 47+ columns: printed at full size in column groups, the unit's name on every page
    printed = t.print_setup.columns
    title = f"{scheme.name}结果公示名单" if t.name == PUBLICITY else f"{scheme.name}汇总表——{t.name}"
    if scheme.summary_by_type and t.name in _TITLES:
        title = f"{scheme.name}{_TITLES[t.name]}——{t.name}"
    if raw:  # the machine's sheet: hidden (not printed), its keys row hidden under the Chinese titles
        ws.hide()
        ws.set_row(1, None, None, {"hidden": True})
    # 统计 holds tables, notes and charts one below the other, each with its own header: none repeated
    repeat = None if t.name == STATS else (0, t.print_setup.header_rows - 1)
    report_page_setup(ws, landscape=t.name in _LANDSCAPE, header=title, repeat=repeat,
                      pages_wide=None if raw else 1, repeat_columns=(0, 0) if raw else None,
                      print_area=(0, 0, max(len(t.rows), 1), printed - 1) if printed else None)


# --- 设置 / xlwings.conf -------------------------------------------------------------------
_HELP = [
    "使用说明",
    "1. 把各单位交回的填报表放在一个文件夹中(可按镇、村分子文件夹),在上面“单位填报表文件夹”填写该文件夹。",
    "2. 选择评定组、配额模式和评定方案(黄色单元格);需要比较晋星/减星(分类定级为升级/降级)时填写上年度汇总表。",
    "3. 点击“一键汇总”:程序读取全部填报表,重新计算得分和星级,执行配额,结果写入各工作表。",
    "4. “整改台账”中黄色列(争星目标、整改措施、责任人、时限、进度、销号日期)和“晋星减星”(分类定级为“升级降级”)的审批意见由您填写,重新汇总时保留。",
    "5. 不能使用的文件和单元格列在“问题清单”中;填报表本身不会被修改。",
    "6. 新装电脑第一次使用时,如单元格中的函数显示 #NAME?,点击“导入函数”。",
    "7. 镇党委评分:在“评分定级表”黄色的“上级评分”列填写该项分数(留空则以单位自评为准),再点“一键汇总”,即按上级评分评定。",
]


def template_settings(t: Table) -> Table:
    rows = [[r[0], ""] if len(r) == 2 else list(r) for r in t.rows] + [[]] + [[line] for line in _HELP]
    titles = list(t.titles) + [len(t.rows) + 1]
    return replace(t, rows=rows, titles=titles)


def write_settings(ws, t: Table, f: Formats, *, buttons: bool) -> None:
    ws.set_column(0, 0, 18, f.plain)
    ws.set_column(1, 1, 46, f.plain)
    ws.set_column(2, 2, 56, f.note)
    ws.set_column(3, 3, 24, f.plain)
    ws.set_row(0, 24)
    ws.write_row(0, 0, t.header, f.header)
    ws.freeze_panes(1, 0)
    titles = set(t.titles)
    for r, row in enumerate(t.rows):
        x = r + 1
        if r in titles:
            ws.write_string(x, 0, str(row[0]), f.title)
            continue
        if not row:
            continue
        if r < 5 or row[0] in (S_KEEP, *LEDGER_INPUTS, *REGISTER_INPUTS, S_EXPECT, S_START, S_END):  # the clerk's input cells
            ws.write_string(x, 0, str(row[0]), f.plain)
            ws.write(x, 1, row[1], f.clerk_date if isinstance(row[1], dt.date) else f.input)
            ws.write_string(x, 2, str(row[2]), f.note)
            ws.set_row(x, 42)
        else:
            ws.write_row(x, 0, row)
            if len(row) > 2 and wrapped_lines(row[2], 56) > 1:
                ws.set_row(x, 15 * wrapped_lines(row[2], 56))
    ws.data_validation(2, 1, 2, 1, {"validate": "list", "source": SetBy.labels(),
                                    "input_title": "评定组", "input_message": "同一评定组的单位一起排名并执行配额"})
    ws.data_validation(3, 1, 3, 1, {"validate": "list", "source": QuotaMode.labels(),
                                    "input_title": "配额模式", "input_message": "或".join(QuotaMode.labels())})
    ws.data_validation(4, 1, 4, 1, {"validate": "list", "source": scheme_choices(), "error_type": "information",
                                    "input_title": "评定方案", "input_message": "选择内置方案,或填写方案文件(.yaml)路径",
                                    "error_title": "评定方案", "error_message": "不是内置方案:将按方案文件路径读取"})
    if buttons:
        ws.insert_button(1, 3, {"macro": vba.RUN_MACRO, "caption": "一键汇总", "width": 150, "height": 44,
                                "x_offset": 8, "y_offset": 4})
        ws.insert_button(4, 3, {"macro": vba.IMPORT_UDFS_MACRO, "caption": "导入函数", "width": 150, "height": 36,
                                "x_offset": 8, "y_offset": 4})
        ledger = next(r for r, row in enumerate(t.rows) if row and row[0] == S_LEDGER_DIR) + 1
        ws.insert_button(ledger, 3, {"macro": vba.LEDGER_MACRO, "caption": "台账汇总", "width": 150, "height": 44,
                                     "x_offset": 8, "y_offset": 4})
        register = next(r for r, row in enumerate(t.rows) if row and row[0] == S_REGISTER) + 1
        ws.insert_button(register, 3, {"macro": vba.REGISTER_MACRO, "caption": "登记台账", "width": 150, "height": 44,
                                       "x_offset": 8, "y_offset": 4})
    ws.set_landscape()
