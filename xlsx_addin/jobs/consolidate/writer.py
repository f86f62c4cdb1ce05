"""The summary workbook (汇总表) with XlsxWriter: written whole or not at all.

`write_summary` lays out the plain rows of `sheets.summary_tables` (the same rows the 一键汇总
button writes into the open workbook), adds native charts, print setup and — for .xlsm — the
xlwings VBA project with the 一键汇总 / 导入函数 buttons. The empty template huizong.xlsm is the
same layout without units (template.render_template).
"""
from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path


from xlsx_addin.io.books.kit.workbook import new_workbook
from xlsx_addin.contracts import summary_vba as vba
from xlsx_addin.io.files import backups
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.io.tables.previous import read_ledger
from xlsx_addin.io.tables.table import Table
from xlsx_addin.contracts.summary import (
    CATEGORY, CHANGE, CHANGE_GRADES, CHANGES, DATA_SHEETS, OVERVIEW, RAW, REPORTED, RULES, SETTINGS, STATS, UPPER_SHEETS,
    XLWINGS_CONF, changes_sheet,
)
from xlsx_addin.io.tables.xlsx import TITLE_FONT, Formats, atomic_write, gc_paused, write_table
from xlsx_addin.io.books.vba.summary_project import summary_vba_project
from xlsx_addin.jobs.consolidate import carryover
from xlsx_addin.jobs.consolidate.clerk_sheets import write_sheets
from xlsx_addin.jobs.consolidate.model import Consolidation, Written
from xlsx_addin.jobs.consolidate.previous import read_kept, read_previous_levels
from xlsx_addin.jobs.consolidate.review_layout import upper_page_setup, with_upper_sheets
from xlsx_addin.jobs.consolidate.sheet_layout import page_setup, write_settings
from xlsx_addin.jobs.consolidate.sheets import QUOTA_CHART_COLUMNS, summary_tables

FIXED_DATE = dt.datetime(2025, 1, 1, 0, 0, 0)  # the template's created date: byte-identical builds
UDF_MODULES = "udfs.star_rating"


# --- public API ----------------------------------------------------------------------------
def write_summary(c: Consolidation, out: Path | str, *, keep_from: Path | str | None = None) -> Written:
    """Write the whole summary workbook of `c` to `out`, laid out by its kind (item-scored below; 双十星:
    double_ten/sheets.py). Written whole or not at all; the previous `out` kept as a dated backup."""
    return c.kind.write(c, Path(out), Path(keep_from) if keep_from is not None else None)


def write_items(c: Consolidation, out: Path, keep_from: Path | None = None) -> Written:
    """An item-scored summary to `out` (.xlsx, or .xlsm with the buttons).

    The clerk's columns (整改台账: 整改措施 … 销号日期; 晋星减星: 审批意见) are carried over from
    `keep_from` — by default `out` itself when it exists — keyed by org_code, else org_name.
    The file is written to a temporary file beside `out` and moved into place; the previous `out`
    is kept as a dated backup (backups.py; Written.backup says where). On any error nothing at `out` changes.
    """
    start = time.perf_counter()
    source = keep_from if keep_from is not None else (out if out.exists() else None)
    prev = carryover.read_previous(source) if source is not None and source.exists() else None
    tables = summary_tables(c, carryover.kept_from(prev))
    carried = carryover.carry(c, tables, prev)
    carryover.record_folder(carried, c, out)
    is_xlsm = out.suffix.lower() == ".xlsm"
    with gc_paused():
        backup = atomic_write(out, lambda tmp: render(tmp, c.scheme, tables, vba_project=is_xlsm, active=OVERVIEW,
                                                      carried=carried),
                              keep_backups=c.settings.keep_backups)
    return Written(out, backup, round(time.perf_counter() - start, 3), carried.edits)


def backup_path(out: Path | str) -> Path | None:
    """The newest dated backup of `out`: where the last run put the previous output."""
    return backups.latest(out)


def render(path: Path, scheme: Scheme, tables: dict[str, Table], *, vba_project: bool, active: str,
           created: dt.datetime | None = None, carried: carryover.Carried | None = None) -> None:
    """Lay the tables out into one workbook at `path` (no atomicity here: see write_summary)."""
    wb = new_workbook(path, in_memory=False)
    try:
        props: dict[str, str | dt.datetime] = {"title": f"{scheme.name}汇总表", "subject": "星级评定汇总(一键汇总)", "author": "xlsx-addin",
                 "company": "", "comments": f"评定方案 {scheme.id} 第{scheme.version}版"}
        if created is not None:
            props["created"] = created
        wb.set_properties(props)
        if vba_project:
            wb.add_vba_project(io.BytesIO(summary_vba_project()), is_stream=True)
            wb.set_vba_name(vba.WORKBOOK_CODENAME)
        f = Formats(wb)
        data = [changes_sheet(*scheme.change_words) if n == CHANGES else n for n in DATA_SHEETS]
        data = with_upper_sheets(data, tables) + ([RAW] if RAW in tables else [])
        at = data.index(STATS) + 1  # after 统计: 分类汇总 (by 党组织类别), 上报情况 (a run with a roster)
        data[at:at] = [n for n in (CATEGORY, REPORTED) if n in tables]
        order = ([SETTINGS] if vba_project else []) + data + ([] if vba_project else [SETTINGS]) + [RULES]

        def fill(name: str, ws) -> None:
            if name == SETTINGS:
                write_settings(ws, tables[name], f, buttons=vba_project)
            else:
                write_table(ws, tables[name], f)
            if name in UPPER_SHEETS:
                upper_page_setup(ws, tables[name], scheme, f)
            else:
                page_setup(ws, tables[name], scheme)

        sheets = write_sheets(wb, order, carried, f, fill, extra=[XLWINGS_CONF] if vba_project else [])
        _highlight_overview(sheets[OVERVIEW], tables[OVERVIEW], f)
        _stats_charts(wb, sheets[STATS], tables[STATS], scheme)
        if vba_project:
            _write_conf(sheets[XLWINGS_CONF], f)
            codes = {SETTINGS: vba.SETTINGS_CODENAME, XLWINGS_CONF: vba.CONF_CODENAME}
            n = 3
            for name in order + [carryover.RECORD]:
                if name not in codes:
                    codes[name] = f"Sheet{n}"
                    n += 1
            for name, ws in sheets.items():
                ws.set_vba_name(codes[name])
        sheets[active].activate()
        sheets[active].set_first_sheet()
    finally:
        wb.close()


def _highlight_overview(ws, t: Table, f: Formats) -> None:
    """Rises green, falls red, rectification red: conditional formats, so the button's rows get them too."""
    last = max(len(t.rows), 1) + 2000
    change = t.column(CHANGE if CHANGE in t.header else CHANGE_GRADES)
    rect = t.column("整改标记")
    for col, fmt, crit in ((change, f.green, ("晋", "升")), (change, f.red, ("减", "降"))):
        for word in crit:
            ws.conditional_format(1, col, last, col, {"type": "text", "criteria": "begins with", "value": word,
                                                      "format": fmt})
    ws.conditional_format(1, rect, last, rect, {"type": "cell", "criteria": "==", "value": '"是"', "format": f.red})


def _stats_charts(wb, ws, t: Table, scheme: Scheme) -> None:
    """Native charts under the tables: levels per set (stacked columns) and each quota before/after."""
    layout = t.stats
    if layout is None:
        return
    first, last = layout.set_rows or (0, 0)
    r1, r2 = first + 1, last + 1  # +1: the header row
    lo, hi = layout.level_cols
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    palette = ["#C00000", "#E26B0A", "#F4B183", "#FFD966", "#A9D08E", "#9DC3E6", "#8EA9DB", "#B4A7D6",
               "#D9D9D9", "#BFBFBF", "#7F7F7F"]
    for j, col in enumerate(range(lo, hi + 1)):
        chart.add_series({
            "name": [t.name, 0, col],
            "categories": [t.name, r1, 0, r2, 0],
            "values": [t.name, r1, col, r2, col],
            "fill": {"color": palette[j % len(palette)]},
            "gap": 60,
        })
    chart.set_title({"name": f"各评定组{scheme.level_term}分布", "name_font": {"size": 12, "name": TITLE_FONT}})
    chart.set_y_axis({"name": "单位数", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 1140, "height": 320})

    anchor = len(t.rows) + 3
    ws.set_h_pagebreaks([anchor])  # the charts print together on a page of their own
    ws.insert_chart(anchor, 0, chart, {"object_position": 1})
    head = t.subheaders[0] + 1  # the quota table's header row (0-based sheet row)
    header = t.rows[t.subheaders[0]]
    for k, group in enumerate(layout.quota_groups):
        g1, g2 = (x + 1 for x in group.rows)
        quota = wb.add_chart({"type": "column"})
        for name, color in zip(QUOTA_CHART_COLUMNS, ("#7F7F7F", "#F4B183", "#C00000")):
            col = header.index(name)
            quota.add_series({"name": [t.name, head, col], "categories": [t.name, g1, 0, g2, 0],
                              "values": [t.name, g1, col, g2, col], "fill": {"color": color}, "gap": 80})
        quota.set_title({"name": f"{group.label}:名额与调整前后个数", "name_font": {"size": 11, "name": TITLE_FONT}})
        quota.set_y_axis({"name": "单位数", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        quota.set_legend({"position": "bottom"})
        quota.set_size({"width": 560, "height": 320})
        ws.insert_chart(anchor + 18 * (1 + k // 2), 0, quota, {"object_position": 1, "x_offset": 580 * (k % 2)})


_CONF = [
    ("Interpreter_Win", "python", "Windows 上的 Python 程序;如未加入 PATH,填写完整路径,例如 C:\\Python311\\python.exe"),
    ("UDF Modules", UDF_MODULES, "公式函数所在的 Python 模块(点“导入函数”时使用)"),
    ("Debug UDFs", False, "调试公式函数(一般为 FALSE)"),
    ("Use UDF Server", False, "一般为 FALSE"),
    ("Show Console", False, "显示 Python 窗口(排查问题时可改为 TRUE)"),
]


def _write_conf(ws, f: Formats) -> None:
    """xlwings reads its settings from A1 down (key in A, value in B), so there is no header row here."""
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 36)
    ws.set_column(2, 2, 4)
    ws.set_column(3, 3, 80, f.note)
    for r, (key, value, note) in enumerate(_CONF):
        ws.write_string(r, 0, key)
        if isinstance(value, bool):
            ws.write_boolean(r, 1, value, f.input)
        else:
            ws.write_string(r, 1, value, f.input)
        ws.write_string(r, 3, note, f.note)
    ws.write_string(len(_CONF) + 1, 3, "本表为 xlwings 的设置(由县里的信息化人员维护);A 列设置名须从 A1 起连续填写。"
                    "可另加 PYTHONPATH、Conda Path、Conda Env 等行。", f.note)
    ws.set_paper(9)
    ws.hide()  # xlwings reads it hidden as well; it is not for print (设置 says which sheets are)


__all__ = ["atomic_write", "backup_path", "read_kept", "read_ledger", "read_previous_levels", "render",
           "write_items", "write_summary"]
