"""台账汇总.xlsx: the half-year ledgers' summary, written whole or not at all.

Sheets: 汇总 (one row per branch, a 合计 row of native formulas) · 逾期事项 · 未按时报送 · 问题清单 · 说明.
The upper level's own columns (tinted yellow) and any column it added are carried over from the
previous output, keyed by org_code, else org_name (逾期事项: plus the kind and the item).
Layout and atomic writing are the rating summary's (tables/xlsx.py).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsx_addin.io.books.kit.page import report_page_setup
from xlsx_addin.io.books.kit.workbook import new_workbook
from xlsx_addin.io.tables.previous import from_header, read_sheet_rows
from xlsx_addin.contracts.summary import CODE, NAME, PARENT
from xlsx_addin.io.tables.table import Table, has_content, problems_table
from xlsx_addin.model.identity import text_key, unit_key
from xlsx_addin.model.problems import Problem
from xlsx_addin.io.tables.xlsx import Formats, write_table, atomic_write, gc_paused
from xlsx_addin.jobs.ledgers.model import Branch, LedgerRun
from xlsx_addin.model.problems import HINT
from xlsx_addin.model.problems import count_errors

from xlsx_addin.contracts.ledger import (
    ABOUT, CLERK, CLOSED_RATE, DONE_RATE, KEPT_NOTE, LATE, OVERDUE, PERIOD_LABEL, PROBLEMS, SUMMARY, TOTAL,
)
from xlsx_addin.io.ledger_summary import summary_period

# (header, kind, width, value of a branch given the settings); SUMMED columns get SUM() in the 合计 row
_SUMMARY_COLUMNS: list[tuple[str, str, float, Callable[[Branch, Any], Any]]] = [
    (NAME, "text", 24, lambda b, s: b.org_name),
    (CODE, "center", 14, lambda b, s: b.org_code),
    (PARENT, "text", 14, lambda b, s: b.parent_org),
    (PERIOD_LABEL, "center", 8, lambda b, s: b.period),
    ("报送日期", "date", 11, lambda b, s: b.report_date),
    ("按时报送", "center", 7, lambda b, s: "" if b.report_date is None else ("是" if b.report_date <= s.due else "否")),
    ("承诺数", "int", 6, lambda b, s: b.commitments),
    ("已完成", "int", 6, lambda b, s: b.done),
    ("其中逾期完成", "int", 7, lambda b, s: b.done_late),
    ("逾期未完成", "int", 7, lambda b, s: b.overdue),
    (DONE_RATE, "pct", 7, lambda b, s: b.done_rate),
    ("党员人数", "int", 6, lambda b, s: b.members_listed if b.members_listed is not None else len(b.members)),
    ("未作承诺党员数", "int", 7, lambda b, s: len(b.no_commitment)),
    ("未作承诺党员", "text", 16, lambda b, s: "、".join(b.no_commitment)),
    ("本期未点评党员数", "int", 7, lambda b, s: len(b.not_reviewed)),
    ("本期未点评党员", "text", 16, lambda b, s: "、".join(b.not_reviewed)),
    ("领导点评次数", "int", 6, lambda b, s: b.org_reviews),
    ("书记点评人次", "int", 6, lambda b, s: b.member_reviews),
    ("群众评议", "center", 7, lambda b, s: "已开展" if b.mass_held else "未开展"),
    ("评议参加人数", "int", 7, lambda b, s: b.mass_present),
    ("群众满意率", "pct", 7, lambda b, s: b.satisfaction),
    ("整改事项", "int", 6, lambda b, s: b.rect_total),
    ("未销号", "int", 6, lambda b, s: b.rect_open),
    ("其中逾期", "int", 6, lambda b, s: b.rect_overdue),
    ("已销号", "int", 6, lambda b, s: b.rect_closed),
    (CLOSED_RATE, "pct", 7, lambda b, s: b.closed_rate),
    ("党员名单", "center", 8, lambda b, s: "已填" if b.members_listed is not None else "未填(按台账所列)"),
    ("来源文件", "text", 26, lambda b, s: b.source),
]
SUMMED = ("承诺数", "已完成", "其中逾期完成", "逾期未完成", "党员人数", "未作承诺党员数", "本期未点评党员数", "领导点评次数",
          "书记点评人次", "整改事项", "未销号", "其中逾期", "已销号")
RATES = {DONE_RATE: ("已完成", "承诺数"), CLOSED_RATE: ("已销号", "整改事项")}


def write_ledger_summary(run: LedgerRun, out: Path | str, *, keep_from: Path | str | None = None) -> Path:
    """Write 台账汇总 to `out`; the upper level's columns come back from `keep_from` (default: `out`)."""
    out = Path(out)
    source = Path(keep_from) if keep_from is not None else out
    kept = {sheet: _read_kept(source, sheet) for sheet in CLERK} if source.exists() else {}
    earlier = summary_period(source) if kept else None
    if kept and earlier is not None and earlier != run.settings.period.code:  # last half year's file: a new start
        kept = {}
        run.problems.append(Problem(source.name, ABOUT, "B2", earlier, f"上次的台账汇总为{earlier},本次为"
                                    f"{run.settings.period.code}:上次填写的督查、督办、催报等列未带入本次(原文件已在同一文件夹中"
                                    f"按日期备份,如“{out.stem}.备份-…{out.suffix}”)", HINT))
    tables = [summary_table(run, kept.get(SUMMARY)), overdue_table(run, kept.get(OVERDUE)),
              late_table(run, kept.get(LATE)), _problems(run), about_table(run)]
    with gc_paused():
        atomic_write(out, lambda tmp: _render(tmp, run, tables))
    return out



# --- kept entries -------------------------------------------------------------------------------
class _Kept:
    """Rows of a previous output's sheet: header order and records by key."""

    def __init__(self, header: list[str], records: dict[tuple, dict[str, Any]]):
        self.header, self.records = header, records
        self.used: set[tuple] = set()

    def take(self, key: tuple) -> dict[str, Any] | None:
        rec = self.records.get(key)
        if rec is not None:
            self.used.add(key)
        return rec


def _key(rec: dict[str, Any], sheet: str) -> tuple:
    base = unit_key(rec.get(CODE), rec.get(NAME))
    if sheet == OVERDUE:
        return (base, text_key(rec.get("类别")), text_key(rec.get("事项")))
    return (base,)


def _read_kept(path: Path, sheet: str) -> _Kept | None:
    try:
        rows = from_header(read_sheet_rows(path, sheet) or [])
    except Exception:  # noqa: BLE001 - an unreadable previous output keeps nothing, and is backed up anyway
        return None
    if not rows:
        return None
    header = [text_key(h) for h in rows[0]]
    records: dict[tuple, dict[str, Any]] = {}
    for row in rows[1:]:
        rec = {h: (row[i] if i < len(row) else None) for i, h in enumerate(header) if h}
        name = text_key(rec.get(NAME))
        if not name or name == TOTAL:
            continue
        records.setdefault(_key(rec, sheet), rec)
    return _Kept(header, records)


def _with_kept(t: Table, kept: _Kept | None, sheet: str, keys: list[tuple], note_col: str) -> Table:
    """Add the clerk's columns (own and added) to t's rows from `kept`, and keep old rows the clerk wrote in."""
    own = list(CLERK[sheet])
    added = [h for h in (kept.header if kept else []) if h and h not in t.header and h not in own]
    cols = own + added
    t.header += cols
    t.kinds += ["clerk"] * len(cols)
    t.widths += [16 if c in own else 12 for c in cols]
    for row, key in zip(t.rows, keys):
        rec = kept.take(key) if kept else None
        row += [_kept(rec, c) for c in cols]
    if kept:
        at = t.header.index(note_col)
        for key, rec in kept.records.items():
            if key in kept.used or not any(has_content(rec.get(c)) for c in cols):
                continue
            row = [rec.get(h) if h in rec else None for h in t.header[:len(t.header) - len(cols)]]
            row = [None if (t.kinds[i] in ("int", "pct", "date") and isinstance(v, str)) else v for i, v in enumerate(row)]
            old = text_key(row[at])
            row[at] = old if old.startswith(KEPT_NOTE) else KEPT_NOTE + old
            t.rows.append(row + [_kept(rec, c) for c in cols])
    return t


def _kept(rec: dict[str, Any] | None, col: str) -> Any:
    if rec is None:
        return None
    value = rec.get(col)
    return value if has_content(value) else None


# --- the sheets ---------------------------------------------------------------------------------
def summary_table(run: LedgerRun, kept: _Kept | None = None) -> Table:
    header = [c[0] for c in _SUMMARY_COLUMNS]
    rows = [[_cell(get(b, run.settings)) for _, _, _, get in _SUMMARY_COLUMNS] for b in run.branches]
    t = Table(SUMMARY, header, rows, [c[1] for c in _SUMMARY_COLUMNS], [c[2] for c in _SUMMARY_COLUMNS],
              summed_rows=len(rows))
    keys = [(unit_key(b.org_code, b.org_name),) for b in run.branches]
    return _source_last(_with_kept(t, kept, SUMMARY, keys, "来源文件"))


def _source_last(t: Table) -> Table:
    """来源文件 after the upper level's columns: the printout stops before it (file paths are for the screen)."""
    i = t.column("来源文件")
    seqs: list[list[Any]] = [t.header, t.kinds, t.widths, *t.rows]
    for seq in seqs:
        if i < len(seq):
            seq.append(seq.pop(i))
    t.print_setup = replace(t.print_setup, columns=len(t.header) - 1)
    return t


def _cell(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 6)
    return v


def overdue_table(run: LedgerRun, kept: _Kept | None = None) -> Table:
    header = [NAME, CODE, PARENT, "类别", "事项", "承诺人/责任人", "时限", "逾期天数", "完成情况/进度", "来源文件", "位置"]
    kinds = ["text", "center", "text", "center", "text", "text", "date", "int", "center", "text", "text"]
    widths: list[float] = [22, 11, 14, 6, 40, 14, 11, 7, 10, 24, 16]
    rows, keys = [], []
    items = [(b, x) for b in run.branches for x in b.items]
    items.sort(key=lambda bx: (-bx[1].days, bx[0].parent_org, bx[0].org_name))
    for b, x in items:
        rows.append([b.org_name, b.org_code, b.parent_org, x.kind, x.text, x.who, x.deadline, x.days, x.state, b.source,
                     x.where])
        keys.append((unit_key(b.org_code, b.org_name), x.kind, x.text))
    return _with_kept(Table(OVERDUE, header, rows, kinds, widths), kept, OVERDUE, keys, "来源文件")


def late_table(run: LedgerRun, kept: _Kept | None = None) -> Table:
    s = run.settings
    header = [NAME, CODE, PARENT, "情况", "报送日期", "应报送日期", "逾期天数", "来源文件"]
    kinds = ["text", "center", "text", "text", "date", "date", "int", "text"]
    widths: list[float] = [24, 11, 14, 30, 11, 11, 7, 26]
    rows = [[x.org_name, x.org_code, x.parent_org, x.status, x.report_date, s.due, x.days, x.source]
            for x in run.not_on_time]
    keys = [(unit_key(x.org_code, x.org_name),) for x in run.not_on_time]
    return _with_kept(Table(LATE, header, rows, kinds, widths), kept, LATE, keys, "来源文件")


def _problems(run: LedgerRun) -> Table:
    return problems_table(run.problems)


def about_table(run: LedgerRun) -> Table:
    s = run.settings
    errors = count_errors(run.problems)
    rows: list[list[Any]] = [
        [PERIOD_LABEL, s.period.code, s.period.label],
        ["统计截止日期", s.as_of, "过了完成时限(不含当天)仍未完成的承诺、过了时限尚未销号的整改事项为逾期"],
        ["应报送日期", s.due, "上半年7月中旬、下半年次年1月中旬(可用 --due 设定);晚于此日报送的列入“未按时报送”"],
        ["台账文件夹", str(s.input_dir), ""],
        ["应报送党组织名单", "、".join(str(p) for p in (s.expect, s.previous) if p),
         "--expect 名单(上期台账汇总、星级评定汇总表或名单文件)和上次的台账汇总中的党组织;未报送的列入“未按时报送”"],
        ["读取文件数", run.files_seen, ""],
        ["汇总党组织数", len(run.branches), ""],
        ["逾期事项数", sum(len(b.items) for b in run.branches), ""],
        ["未按时报送", len(run.not_on_time), ""],
        ["问题数", len(run.problems), f"错误{errors}个,提示{len(run.problems) - errors}条"],
        [],
        ["说明", "黄色列由上级党组织填写,重新汇总时保留;党员名单未填的支部,按台账中出现的党员统计未承诺、未点评人数。", ""],
    ]
    return Table(ABOUT, ["项目", "内容", "说明"], rows, ["text", "text", "text"], [18, 40, 70])


# --- layout -------------------------------------------------------------------------------------
def _render(path: Path, run: LedgerRun, tables: list[Table]) -> None:
    wb = new_workbook(path, in_memory=False)
    try:
        wb.set_properties({"title": f"创先争优台账汇总 {run.settings.period.code}", "author": "xlsx-addin"})
        f = _LedgerFormats(wb)
        for t in tables:
            ws = wb.add_worksheet(t.name)
            if t.name == ABOUT:
                _write_about(ws, t, f)
            else:
                write_table(ws, t, f)
                if t.name != PROBLEMS or t.rows:
                    ws.autofilter(0, 0, max(len(t.rows), 1), len(t.header) - 1)
            if t.name == SUMMARY:
                _totals(ws, t, f, run)
            _page(ws, t, run)
        wb.worksheets()[0].activate()
    finally:
        wb.close()


class _LedgerFormats(Formats):
    """The summary's formats, and the rates of the 合计 row."""

    def __init__(self, wb):
        super().__init__(wb)
        self.pct_total = wb.add_format({"font_name": "宋体", "font_size": 10, "bold": True, "bg_color": "#D9E1F2",
                                        "border": 1, "align": "center", "num_format": "0.0%"})


def _totals(ws, t: Table, f: _LedgerFormats, run: LedgerRun) -> None:
    """The 合计 row: native SUM formulas (cached with the job's sums), rates from the sums."""
    n = t.summed_rows or 0
    r = len(t.rows) + 1
    ws.write_string(r, 0, TOTAL, f.sub)
    sums = {}
    for h in SUMMED:
        c = t.column(h)
        total = sum(row[c] or 0 for row in t.rows[:n] if isinstance(row[c], (int, float)))
        sums[h] = total
        ws.write_formula(r, c, f"=SUM({xl_rowcol_to_cell(1, c)}:{xl_rowcol_to_cell(max(n, 1), c)})", f.sub, total)
    for h, (num, den) in RATES.items():
        c, a, b = t.column(h), xl_rowcol_to_cell(r, t.column(num)), xl_rowcol_to_cell(r, t.column(den))
        value = sums[num] / sums[den] if sums[den] else ""
        ws.write_formula(r, c, f'=IF({b}=0,"",{a}/{b})', f.pct_total, value)


def _write_about(ws, t: Table, f: Formats) -> None:
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 40, f.plain)
    ws.set_column(2, 2, 70, f.note)
    ws.write_row(0, 0, t.header, f.header)
    for r, row in enumerate(t.rows, 1):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), f.date)
            elif v is not None and v != "":
                ws.write(r, c, v)


def _page(ws, t: Table, run: LedgerRun) -> None:
    wide = t.name == SUMMARY  # some thirty columns: two pages wide, the names repeated on each
    report_page_setup(ws, landscape=t.name != ABOUT, header=f"创先争优台账汇总({run.settings.period.label})——{t.name}",
                      repeat=None if t.name == ABOUT else (0, 0), pages_wide=2 if wide else 1,
                      repeat_columns=(0, 0) if wide else None,
                      print_area=(0, 0, len(t.rows) + 1, (t.print_setup.columns or len(t.header)) - 1) if wide else None,
                      margins=(0.3, 0.3, 0.75, 0.6))


__all__ = ["write_ledger_summary"]
