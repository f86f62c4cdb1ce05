"""The summary workbook (汇总表) with XlsxWriter: written whole or not at all.

`write_summary` lays out the plain rows of `sheets.summary_tables` (the same rows the 一键汇总
button writes into the open workbook), adds native charts, print setup and — for .xlsm — the
xlwings VBA project with the 一键汇总 / 导入函数 buttons. The empty template huizong.xlsm is the
same layout without units (`render_template`, called by xlsx_addin.templates.summary).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import xlsxwriter

from ..errors import RatingError
from ..scheme.models import Scheme
from . import backups, carryover, vba
from .ledger import read_kept, read_previous_levels, read_ledger
from .model import Consolidation
from .sheets import (CHANGES, DATA_SHEETS, LEDGER, OVERVIEW, PROBLEMS, PUBLICITY, QUOTA_CHART_COLUMNS,
                     QUOTA_MODE_LABELS, RAW, RULES, S_KEEP, S_LEDGER_DIR, SET_BY_LABELS, SETTINGS, STATS, XLWINGS_CONF,
                     LEDGER_INPUTS, Table, empty_consolidation, scheme_choices, summary_tables)

FIXED_DATE = dt.datetime(2025, 1, 1, 0, 0, 0)  # the template's created date: byte-identical builds
UDF_MODULES = "udfs.star_rating"

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
HEADER_FILL = "#C00000"  # dark red header row, white bold text
INPUT_FILL = "#FFF2CC"  # light yellow: the clerk types here (same as the unit workbook)
TITLE_FILL = "#FCE4D6"
SUB_FILL = "#D9E1F2"

_NUM = {"text": "@", "center": "@", "int": "0", "score": "General", "pct": "0.0%", "num": "General", "date": "yyyy-mm-dd",
        "clerk": "General"}
_ALIGN = {"text": {"text_wrap": True}, "center": {"align": "center"}, "int": {"align": "center"},
          "pct": {"align": "center"}}
_LANDSCAPE = {OVERVIEW, STATS, LEDGER, CHANGES, PROBLEMS, RAW}
_FILTERED = {OVERVIEW, LEDGER, CHANGES, PROBLEMS}


# --- public API ----------------------------------------------------------------------------
def write_summary(c: Consolidation, out: Path | str, *, keep_from: Path | str | None = None) -> Path:
    """Write the whole summary workbook to `out` (.xlsx, or .xlsm with the buttons). Returns `out`.

    The clerk's columns (整改台账: 整改措施 … 销号日期; 晋星减星: 审批意见) are carried over from
    `keep_from` — by default `out` itself when it exists — keyed by org_code, else org_name.
    The file is written to a temporary file beside `out` and moved into place; the previous `out`
    is kept as a dated backup (backups.py; `c.backup` says where). On any error nothing at `out` changes.
    """
    if c.scheme.stars is not None:  # 双十星: its own sheets (consolidate/star_sheets.py)
        from .star_sheets import write_star_summary

        return write_star_summary(c, out, keep_from=keep_from)
    start = time.perf_counter()
    out = Path(out)
    source = Path(keep_from) if keep_from is not None else (out if out.exists() else None)
    prev = carryover.read_previous(source) if source is not None and source.exists() else None
    tables = summary_tables(c, carryover.kept_from(prev))
    carried = carryover.carry(c, tables, prev)
    is_xlsm = out.suffix.lower() == ".xlsm"
    with gc_paused():
        c.backup = atomic_write(out, lambda tmp: render(tmp, c.scheme, tables, vba_project=is_xlsm, active=OVERVIEW,
                                                        carried=carried),
                                keep_backups=c.settings.keep_backups)
    c.seconds["write"] = round(time.perf_counter() - start, 3)
    return out


def render_template(path: Path | str, scheme: Scheme) -> Path:
    """The empty summary workbook huizong.xlsm: headers, 设置 with buttons, 规则, xlwings.conf. Deterministic."""
    path = Path(path)
    c = empty_consolidation(scheme)
    tables = summary_tables(c)
    carried = carryover.carry(c, tables, None)
    tables[SETTINGS] = _template_settings(tables[SETTINGS])
    render(path, scheme, tables, vba_project=True, active=SETTINGS, created=FIXED_DATE, carried=carried)
    return path


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection while XlsxWriter builds its cell table: those are a few hundred
    thousand small objects without cycles (freed as usual when the workbook closes), and each collection
    would walk them and the whole consolidation again. ≈ 15 % of the write at 2,000 units."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def backup_path(out: Path | str) -> Path | None:
    """The newest dated backup of `out`: where the last run put the previous output."""
    return backups.latest(out)


def atomic_write(out: Path, build: Callable[[Path], Any], *, keep_backups: int = backups.DEFAULT_KEEP) -> Path | None:
    """Run build(tmp) on a temporary file in out's folder, back up the old `out` (backups.py), then os.replace.

    Returns the dated backup of the previous `out` (None when there was none)."""
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".~{out.stem}.", suffix=out.suffix, dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        build(tmp)
        os.chmod(tmp, _mode_for(out))  # mkstemp makes 0600 files; give the usual permissions
        backup = backups.keep(out, keep_backups)
        os.replace(tmp, out)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        raise RatingError(f"无法写入 {out}:文件可能正在被 Excel 打开,请关闭后重试({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return backup


def _mode_for(out: Path) -> int:
    try:
        return out.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# --- layout --------------------------------------------------------------------------------
class _Formats:
    def __init__(self, wb):
        base = {"font_name": BODY_FONT, "font_size": 10, "valign": "vcenter"}
        add = wb.add_format
        self.header = add({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL, "border": 1,
                           "align": "center", "text_wrap": True})
        self.sub = add({**base, "bold": True, "bg_color": SUB_FILL, "border": 1, "align": "center", "text_wrap": True})
        self.title = add({**base, "font_name": TITLE_FONT, "font_size": 12, "bold": True, "bg_color": TITLE_FILL})
        self.columns = {k: add({**base, "num_format": v, **_ALIGN.get(k, {})}) for k, v in _NUM.items()}
        self.clerk = add({**base, "bg_color": INPUT_FILL, "locked": False, "border": 1, "border_color": "#BFBFBF",
                          "text_wrap": True})
        self.clerk_date = add({**base, "bg_color": INPUT_FILL, "locked": False, "border": 1,
                               "border_color": "#BFBFBF", "num_format": "yyyy-mm-dd"})
        self.date = add({**base, "num_format": "yyyy-mm-dd"})
        self.input = add({**base, "bg_color": INPUT_FILL, "locked": False, "border": 1})
        self.plain = add(base)
        self.note = add({**base, "font_color": "#595959", "text_wrap": True})
        self.note_box = add({**base, "text_wrap": True, "valign": "top", "border": 1, "border_color": "#BFBFBF"})
        self.red = add({"font_color": "#C00000", "bold": True})
        self.green = add({"font_color": "#00804A", "bold": True})
        self._add, self._base, self._clerk_as = add, base, {}

    def clerk_as(self, num_format: str):
        """The clerk's cell style with the number format the clerk gave the cell."""
        if num_format not in self._clerk_as:
            self._clerk_as[num_format] = self._add({**self._base, "bg_color": INPUT_FILL, "locked": False, "border": 1,
                                                    "border_color": "#BFBFBF", "text_wrap": True,
                                                    "num_format": num_format})
        return self._clerk_as[num_format]

    def plain_as(self, num_format: str | None):
        key = "plain:" + (num_format or "")
        if key not in self._clerk_as:
            self._clerk_as[key] = self._add({**self._base, "num_format": num_format or "General"})
        return self._clerk_as[key]


def render(path: Path, scheme: Scheme, tables: dict[str, Table], *, vba_project: bool, active: str,
           created: dt.datetime | None = None, carried: carryover.Carried | None = None) -> None:
    """Lay the tables out into one workbook at `path` (no atomicity here: see write_summary)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                          "strings_to_numbers": False})
    try:
        props = {"title": f"{scheme.name}汇总表", "subject": "星级评定汇总(一键汇总)", "author": "xlsx-addin",
                 "company": "", "comments": f"评定方案 {scheme.id} 第{scheme.version}版"}
        if created is not None:
            props["created"] = created
        wb.set_properties(props)
        if vba_project:
            wb.add_vba_project(io.BytesIO(vba.summary_vba_project()), is_stream=True)
            wb.set_vba_name(vba.WORKBOOK_CODENAME)
        f = _Formats(wb)
        data = list(DATA_SHEETS) + ([RAW] if RAW in tables else [])
        order = ([SETTINGS] if vba_project else []) + data + ([] if vba_project else [SETTINGS]) + [RULES]
        clerk_sheets = {}
        for after, sheet in (carried.sheets if carried else []):  # the clerk's own sheets, where they stood
            order.insert(order.index(after) + 1 if after in order else len(order), sheet.name)
            clerk_sheets[sheet.name] = sheet
        sheets = {}
        for name in order:
            sheets[name] = wb.add_worksheet(name)
        if vba_project:
            sheets[XLWINGS_CONF] = wb.add_worksheet(XLWINGS_CONF)
        if carried is not None and carried.record is not None:
            sheets[carryover.RECORD] = wb.add_worksheet(carryover.RECORD)
            _write_record(sheets[carryover.RECORD], carried.record)
        for name in order:
            ws = sheets[name]
            if name in clerk_sheets:
                _write_clerk_sheet(ws, clerk_sheets[name], f)
                continue
            t = tables[name]
            if name == SETTINGS:
                _write_settings(ws, t, f, buttons=vba_project)
            else:
                _write_table(ws, t, f)
            _page_setup(ws, t, scheme)
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


def _write_table(ws, t: Table, f: _Formats) -> None:
    ncol = len(t.header)
    # 统计 holds two tables one above the other: its cells carry their own formats, not the columns'
    per_cell = t.name == STATS
    for i, width in enumerate(t.widths):
        kind = t.kinds[i] if i < len(t.kinds) else "text"
        ws.set_column(i, i, width, None if kind == "clerk" or per_cell else f.columns.get(kind))
    ws.set_row(0, 30)
    # 原始数据's first row is a marker and a note, not column titles: unwrapped, so the note reads across
    ws.write_row(0, 0, t.header, f.title if t.name == RAW else f.header)
    ws.freeze_panes(t.meta.get("freeze", 1), 0)
    titles, subs, notes = set(t.titles), set(t.subheaders), set(t.meta.get("note_rows", ()))
    formats = t.meta.get("cell_formats", {})  # the clerk's number formats (进度 as 50%), carried over
    clerk = {i for i, k in enumerate(t.kinds) if k == "clerk"}
    wrapped = [i for i, k in enumerate(t.kinds) if k in ("text", "clerk")]
    # XlsxWriter's own per-type writers (the public write_* minus the A1-notation wrapper): about
    # twice as fast as write_row's type dispatch for thousands of rows; same signatures as the public ones.
    put_str = getattr(ws, "_write_string", ws.write_string)
    put_num = getattr(ws, "_write_number", ws.write_number)
    for r, row in enumerate(t.rows):
        x = r + 1
        if r in titles:
            if row:
                if ncol > 1 and t.name == PUBLICITY:
                    ws.merge_range(x, 0, x, ncol - 1, row[0], f.title)
                else:
                    ws.write_string(x, 0, str(row[0]), f.title)
            continue
        if r in subs:  # a header-like row: at least two lines, more when a title wraps further
            ws.set_row(x, 15 * max([2] + [_wrapped_lines(v, t.widths[c]) for c, v in enumerate(row) if c < len(t.widths)]))
            ws.write_row(x, 0, row, f.sub)
            continue
        if r in notes:  # a long note: one merged row across the table, as tall as its wrapped text
            span = min(t.meta.get("note_span", ncol), len(t.widths))
            ws.merge_range(x, 0, x, span - 1, str(row[0]), f.note_box)
            ws.set_row(x, 15 * _wrapped_lines(row[0], sum(t.widths[:span])))
            continue
        if per_cell:
            kinds = t.kinds if not subs or r < min(subs) else t.meta.get("quota_kinds", [])
            wrapped_cells = [(value, t.widths[col]) for col, value in enumerate(row)
                             if col < len(t.widths) and isinstance(value, str) and (kinds[col:col + 1] or ["text"])[0] == "text"]
            lines = max((_wrapped_lines(v, w) for v, w in wrapped_cells), default=1)
            if lines > 1:
                ws.set_row(x, 15 * lines)
            for col, value in enumerate(row):
                kind = kinds[col] if col < len(kinds) else "text"
                if value is not None and value != "":
                    _write_any(ws, x, col, value, f.columns.get(kind), f.date)
            continue
        lines = max((_wrapped_lines(row[c], t.widths[c]) for c in wrapped if c < len(row)), default=1)
        if lines > 1:  # wrapped text needs its height, or it spills over the next rows in print
            ws.set_row(x, 15 * lines)
        for col, value in enumerate(row):
            if col in clerk:
                fmt = formats.get((r, col))
                _write_any(ws, x, col, value, f.clerk_as(fmt) if fmt else f.clerk, f.clerk_as(fmt) if fmt else f.clerk_date)
            elif value is None or value == "":
                continue
            elif isinstance(value, str):
                put_str(x, col, value, None)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                put_num(x, col, value, None)
            else:
                _write_any(ws, x, col, value, None, f.date)
    for (i, col), (text, author) in t.meta.get("comments", {}).items():  # the clerk's notes, carried over
        ws.write_comment(i + 1, col, text, {"author": author, "x_scale": 1.5, "y_scale": 1.5})
    if t.name in _FILTERED:
        ws.autofilter(0, 0, max(len(t.rows), 1), ncol - 1)
    if not t.rows and clerk:  # the empty template: tint the clerk's columns for the rows the button writes
        for col in clerk:
            ws.set_column(col, col, t.widths[col], f.clerk)


def _wrapped_lines(value: Any, width: float) -> int:
    """Lines a wrapped text cell needs at a column width (Excel units: a CJK character is about 2)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(width - 1, 1)
    if 2 * len(value) <= per_line:  # even all CJK, every line fits: one line per line break
        return value.count("\n") + 1
    return sum(max(1, math.ceil(sum(2 if ord(ch) > 0x2E7F else 1 for ch in part) / per_line))
               for part in value.split("\n"))


def _write_any(ws, row: int, col: int, value: Any, fmt, date_fmt) -> None:
    """One cell of any type; text is always text (only a formula the clerk typed is a formula), dates get a
    date format."""
    if isinstance(value, carryover.Formula):
        cached = value.cached if isinstance(value.cached, (int, float, str)) and value.cached != "" else 0
        ws.write_formula(row, col, str(value), fmt, cached)
    elif isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        ws.write_datetime(row, col, value, date_fmt)
    elif value is None or value == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _highlight_overview(ws, t: Table, f: _Formats) -> None:
    """Rises green, falls red, rectification red: conditional formats, so the button's rows get them too."""
    last = max(len(t.rows), 1) + 2000
    change = t.column("晋星/减星")
    rect = t.column("整改标记")
    for col, fmt, crit in ((change, f.green, ("晋", "升")), (change, f.red, ("减", "降"))):
        for word in crit:
            ws.conditional_format(1, col, last, col, {"type": "text", "criteria": "begins with", "value": word,
                                                      "format": fmt})
    ws.conditional_format(1, rect, last, rect, {"type": "cell", "criteria": "==", "value": '"是"', "format": f.red})


def _page_setup(ws, t: Table, scheme: Scheme) -> None:
    ws.set_paper(9)  # A4
    if t.name in _LANDSCAPE:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if t.name == RAW:  # 47+ columns: printed at full size in column groups, the unit's name on every page
        ws.repeat_columns(0)
    else:
        ws.fit_to_pages(1, 0)
    printed = t.meta.get("print_columns")
    if printed:
        ws.print_area(0, 0, max(len(t.rows), 1), printed - 1)
    ws.repeat_rows(0, t.meta.get("freeze", 1) - 1)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
    ws.hide_gridlines(0)  # gridlines on screen and on paper
    title = f"{scheme.name}结果公示名单" if t.name == PUBLICITY else f"{scheme.name}汇总表——{t.name}"
    ws.set_header(f"&C&14&B{title}")
    ws.set_footer("&L制表单位:__________&C第 &P 页,共 &N 页&R制表日期:____年__月__日")


def _stats_charts(wb, ws, t: Table, scheme: Scheme) -> None:
    """Native charts under the tables: levels per set (stacked columns) and each quota before/after."""
    meta = t.meta
    first, last = meta["set_rows"] or (0, 0)
    r1, r2 = first + 1, last + 1  # +1: the header row
    lo, hi = meta["level_cols"]
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
    for k, group in enumerate(meta["quota_groups"]):
        g1, g2 = (x + 1 for x in group["rows"])
        quota = wb.add_chart({"type": "column"})
        for name, color in zip(QUOTA_CHART_COLUMNS, ("#7F7F7F", "#F4B183", "#C00000")):
            col = header.index(name)
            quota.add_series({"name": [t.name, head, col], "categories": [t.name, g1, 0, g2, 0],
                              "values": [t.name, g1, col, g2, col], "fill": {"color": color}, "gap": 80})
        quota.set_title({"name": f"{group['label']}:名额与调整前后个数", "name_font": {"size": 11, "name": TITLE_FONT}})
        quota.set_y_axis({"name": "单位数", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        quota.set_legend({"position": "bottom"})
        quota.set_size({"width": 560, "height": 320})
        ws.insert_chart(anchor + 18 * (1 + k // 2), 0, quota, {"object_position": 1, "x_offset": 580 * (k % 2)})


def _write_clerk_sheet(ws, sheet: carryover.PrevSheet, f: _Formats) -> None:
    """A sheet the clerk added to the previous summary: values, formulas, number formats and notes back."""
    for r, row in enumerate(sheet.rows):
        for col, value in enumerate(row):
            fmt = sheet.formats.get((r, col))
            if value is None or value == "":
                if fmt:
                    ws.write_blank(r, col, None, f.plain_as(fmt))
                continue
            if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)) and not fmt:
                fmt = "yyyy-mm-dd" if isinstance(value, dt.date) else "hh:mm:ss"
            _write_any(ws, r, col, value, f.plain_as(fmt), f.plain_as(fmt or "yyyy-mm-dd"))
    for col, width in sheet.widths.items():
        ws.set_column(col, col, width)
    for (r, col), (text, author) in sheet.comments.items():
        ws.write_comment(r, col, text, {"author": author, "x_scale": 1.5, "y_scale": 1.5})
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _write_record(ws, t: Table) -> None:
    """The program's hidden record of the rows it wrote (carryover.py): text only, never printed."""
    ws.write_row(0, 0, t.header)
    ws.freeze_panes(1, 0)
    for r, row in enumerate(t.rows, 1):
        for col, value in enumerate(row):
            ws.write_string(r, col, str(value))
    ws.hide()


# --- 设置 / xlwings.conf -------------------------------------------------------------------
_HELP = [
    "使用说明",
    "1. 把各单位交回的填报表放在一个文件夹中(可按镇、村分子文件夹),在上面“单位填报表文件夹”填写该文件夹。",
    "2. 选择评定组、配额模式和评定方案(黄色单元格);需要比较晋星/减星时填写上年度汇总表。",
    "3. 点击“一键汇总”:程序读取全部填报表,重新计算得分和星级,执行配额,结果写入各工作表。",
    "4. “整改台账”中黄色列(整改措施、责任人、时限、进度、销号日期)和“晋星减星”的审批意见由您填写,重新汇总时保留。",
    "5. 不能使用的文件和单元格列在“问题清单”中;填报表本身不会被修改。",
    "6. 新装电脑第一次使用时,如单元格中的函数显示 #NAME?,点击“导入函数”。",
]


def _template_settings(t: Table) -> Table:
    rows = [[r[0], ""] if len(r) == 2 else list(r) for r in t.rows] + [[]] + [[line] for line in _HELP]
    titles = list(t.titles) + [len(t.rows) + 1]
    return Table(t.name, t.header, rows, t.kinds, t.widths, titles=titles, subheaders=t.subheaders, meta=t.meta)


def _write_settings(ws, t: Table, f: _Formats, *, buttons: bool) -> None:
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
        if r < 5 or row[0] in (S_KEEP, *LEDGER_INPUTS):  # the settings, backups kept, ledgers: the clerk's input cells
            ws.write_string(x, 0, str(row[0]), f.plain)
            ws.write(x, 1, row[1], f.input)
            ws.write_string(x, 2, str(row[2]), f.note)
            ws.set_row(x, 42)
        else:
            ws.write_row(x, 0, row)
            if len(row) > 2 and _wrapped_lines(row[2], 56) > 1:
                ws.set_row(x, 15 * _wrapped_lines(row[2], 56))
    ws.data_validation(2, 1, 2, 1, {"validate": "list", "source": list(SET_BY_LABELS.values()),
                                    "input_title": "评定组", "input_message": "同一评定组的单位一起排名并执行配额"})
    ws.data_validation(3, 1, 3, 1, {"validate": "list", "source": list(QUOTA_MODE_LABELS.values()),
                                    "input_title": "配额模式", "input_message": "强制调整或仅标记"})
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
    ws.set_landscape()


_CONF = [
    ("Interpreter_Win", "python", "Windows 上的 Python 程序;如未加入 PATH,填写完整路径,例如 C:\\Python311\\python.exe"),
    ("UDF Modules", UDF_MODULES, "公式函数所在的 Python 模块(点“导入函数”时使用)"),
    ("Debug UDFs", False, "调试公式函数(一般为 FALSE)"),
    ("Use UDF Server", False, "一般为 FALSE"),
    ("Show Console", False, "显示 Python 窗口(排查问题时可改为 TRUE)"),
]


def _write_conf(ws, f: _Formats) -> None:
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
           "render_template", "write_summary"]
