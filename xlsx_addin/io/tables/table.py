"""A sheet as plain values (Table) and the rows of an earlier sheet keyed by unit (Records)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from xlsx_addin.model.identity import text_key, unit_key
from xlsx_addin.io.tables.layout import CarriedCells, NoteRows, PrintSetup, StarStatsLayout, StatsLayout
from xlsx_addin.model.problems import Problem
from xlsx_addin.contracts.summary import CODE, NAME, PROBLEMS


@dataclass
class Table:
    """One sheet as plain values. Column kinds tell the writer how to format (never what to compute).

    kinds: text, int, score, pct, date, clerk (the clerk's own column: unlocked, tinted).
    titles: indices into rows of block-title rows (公示名单 levels, 统计 sections);
    subheaders: indices into rows of rows laid out like the header (统计's second table);
    lower_kinds: the column kinds of 统计's second table (None: the columns' kinds throughout);
    summed_rows: the rows a 合计 row adds up (rows carried over from the previous summary follow them);
    stats, star_stats: where the rating's / 双十星's 统计 charts point.
    """

    name: str
    header: list[str]
    rows: list[list[Any]]
    kinds: list[str]
    widths: list[float]
    titles: list[int] = field(default_factory=list)
    subheaders: list[int] = field(default_factory=list)
    print_setup: PrintSetup = PrintSetup()
    notes: NoteRows | None = None
    lower_kinds: list[str] | None = None
    carried: CarriedCells = field(default_factory=CarriedCells)
    summed_rows: int | None = None
    stats: StatsLayout | None = None
    star_stats: StarStatsLayout | None = None

    def column(self, header: str) -> int:
        return self.header.index(header)


class Records(dict):
    """Rows of an earlier sheet keyed by unit_key; `find` falls back from the code to the name."""

    def __init__(self, items: Iterable[tuple[str, dict[str, Any]]] = ()):
        super().__init__(items)
        self.by_name: dict[str, dict[str, Any]] = {}
        for rec in self.values():
            self.by_name.setdefault(text_key(rec.get(NAME)), rec)

    def find(self, code: Any, name: Any) -> dict[str, Any] | None:
        code, name = text_key(code), text_key(name)
        if code and code in self:
            return self[code]
        rec = self.by_name.get(name) if name else None
        if rec is not None and code and text_key(rec.get(CODE)) not in ("", code):
            return None  # same name, another code: a different unit
        return rec


def records_from_rows(rows: Sequence[Sequence[Any]]) -> Records:
    """Data rows of a sheet (first row = header) as records keyed by unit_key; robust to column order."""
    rows = [list(r) for r in rows]
    if not rows:
        return Records()
    header = [text_key(h) for h in rows[0]]
    out: list[tuple[str, dict[str, Any]]] = []
    for row in rows[1:]:
        rec = {h: (row[i] if i < len(row) else None) for i, h in enumerate(header) if h}
        if not isinstance(rec.get(NAME), (str, int, float)) or not text_key(rec.get(NAME)):
            continue  # blank rows and block titles
        out.append((unit_key(rec.get(CODE), rec.get(NAME)), rec))
    return Records(out)


def has_content(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


class Formula(str):
    """A formula the clerk typed (in an added column or sheet): written back as a formula, with its value."""

    cached: Any = None


def problems_table(problems: "Sequence[Problem]") -> Table:
    """问题清单: every file or cell that could not be used (the rating's and the ledgers' summaries)."""
    header = ["文件", "工作表", "单元格", "值", "原因", "严重程度"]
    rows = [[p.file, p.sheet, p.cell, _text(p.value), p.reason, p.severity] for p in problems]
    return Table(PROBLEMS, header, rows, ["text", "text", "text", "text", "text", "center"], [36, 12, 14, 18, 56, 8])


def _text(value: Any) -> str:
    return "" if value is None else str(value)
