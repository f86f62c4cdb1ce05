"""Writing Tables with XlsxWriter: formats, a table's sheet, one value; whole files written atomically."""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.files import backups
from xlsx_addin.io.tables.table import Formula, Table
from xlsx_addin.contracts.summary import CHANGE_SHEETS, LEDGER, OVERVIEW, PROBLEMS, PUBLICITY, RAW, STATS

BODY_FONT = "宋体"

TITLE_FONT = "黑体"

HEADER_FILL = "#C00000"  # dark red header row, white bold text

INPUT_FILL = "#FFF2CC"  # light yellow: the clerk types here (same as the unit workbook)

TITLE_FILL = "#FCE4D6"

SUB_FILL = "#D9E1F2"


_NUM = {"text": "@", "center": "@", "int": "0", "score": "General", "pct": "0.0%", "num": "General", "date": "yyyy-mm-dd",
        "clerk": "General"}


_ALIGN: dict[str, dict[str, object]] = {"text": {"text_wrap": True}, "center": {"align": "center"}, "int": {"align": "center"},
          "pct": {"align": "center"}}


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
class Formats:
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


def write_table(ws, t: Table, f: Formats) -> None:
    ncol = len(t.header)
    # 统计 holds two tables one above the other: its cells carry their own formats, not the columns'
    per_cell = t.name == STATS
    for i, width in enumerate(t.widths):
        kind = t.kinds[i] if i < len(t.kinds) else "text"
        ws.set_column(i, i, width, None if kind == "clerk" or per_cell else f.columns.get(kind))
    ws.set_row(0, 30)
    # 原始数据's first row is a marker and a note, not column titles: unwrapped, so the note reads across
    ws.write_row(0, 0, t.header, f.title if t.name == RAW else f.header)
    ws.freeze_panes(t.print_setup.header_rows, 0)
    titles, subs, notes = set(t.titles), set(t.subheaders), set(t.notes.rows if t.notes else ())
    formats = t.carried.formats  # the clerk's number formats (进度 as 50%), carried over
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
            ws.set_row(x, 15 * max([2] + [wrapped_lines(v, t.widths[c]) for c, v in enumerate(row) if c < len(t.widths)]))
            ws.write_row(x, 0, row, f.sub)
            continue
        if r in notes:  # a long note: one merged row across the table, as tall as its wrapped text
            span = min(t.notes.span if t.notes else ncol, len(t.widths))
            ws.merge_range(x, 0, x, span - 1, str(row[0]), f.note_box)
            ws.set_row(x, 15 * wrapped_lines(row[0], sum(t.widths[:span])))
            continue
        if per_cell:
            kinds = t.kinds if not subs or r < min(subs) else (t.lower_kinds or [])
            wrapped_cells = [(value, t.widths[col]) for col, value in enumerate(row)
                             if col < len(t.widths) and isinstance(value, str) and (kinds[col:col + 1] or ["text"])[0] == "text"]
            lines = max((wrapped_lines(v, w) for v, w in wrapped_cells), default=1)
            if lines > 1:
                ws.set_row(x, 15 * lines)
            for col, value in enumerate(row):
                kind = kinds[col] if col < len(kinds) else "text"
                if value is not None and value != "":
                    write_any(ws, x, col, value, f.columns.get(kind), f.date)
            continue
        lines = max((wrapped_lines(row[c], t.widths[c]) for c in wrapped if c < len(row)), default=1)
        if lines > 1:  # wrapped text needs its height, or it spills over the next rows in print
            ws.set_row(x, 15 * lines)
        for col, value in enumerate(row):
            if col in clerk:
                fmt = formats.get((r, col))
                write_any(ws, x, col, value, f.clerk_as(fmt) if fmt else f.clerk, f.clerk_as(fmt) if fmt else f.clerk_date)
            elif value is None or value == "":
                continue
            elif isinstance(value, str):
                put_str(x, col, value, None)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                put_num(x, col, value, None)
            else:
                write_any(ws, x, col, value, None, f.date)
    for (i, col), (text, author) in t.carried.comments.items():  # the clerk's notes, carried over
        ws.write_comment(i + 1, col, text, {"author": author, "x_scale": 1.5, "y_scale": 1.5})
    if t.name in FILTERED:
        ws.autofilter(0, 0, max(len(t.rows), 1), ncol - 1)
    if not t.rows and clerk:  # the empty template: tint the clerk's columns for the rows the button writes
        for col in clerk:
            ws.set_column(col, col, t.widths[col], f.clerk)


def wrapped_lines(value: Any, width: float) -> int:
    """Lines a wrapped text cell needs at a column width (Excel units: a CJK character is about 2)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(width - 1, 1)
    if 2 * len(value) <= per_line:  # even all CJK, every line fits: one line per line break
        return value.count("\n") + 1
    return sum(max(1, math.ceil(sum(2 if ord(ch) > 0x2E7F else 1 for ch in part) / per_line))
               for part in value.split("\n"))


def write_any(ws, row: int, col: int, value: Any, fmt, date_fmt) -> None:
    """One cell of any type; text is always text (only a formula the clerk typed is a formula), dates get a
    date format."""
    if isinstance(value, Formula):
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

FILTERED = {OVERVIEW, LEDGER, *CHANGE_SHEETS, PROBLEMS}
