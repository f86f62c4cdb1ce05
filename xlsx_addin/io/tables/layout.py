"""What a Table carries beside its cells: how it prints, its note rows, the clerk's carried cells, and the
geometry the 统计 sheets' charts point at. Row indices are into Table.rows (0-based, below the header)."""
from __future__ import annotations

from dataclasses import dataclass, field

Span = tuple[int, int]  # first and last index, both included


@dataclass(frozen=True)
class PrintSetup:
    """header_rows: frozen on screen and repeated on every printed page (原始数据: its marker row too);
    columns: the printed columns from the left (None: all), e.g. 一览表 without 来源文件."""

    header_rows: int = 1
    columns: int | None = None


@dataclass(frozen=True)
class NoteRows:
    """Long 提示 texts, one per row: each written as one merged row `span` columns wide."""

    rows: tuple[int, ...]
    span: int


@dataclass
class CarriedCells:
    """The clerk's cells carried over from the previous summary, keyed by (row, column)."""

    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # number formats (进度 as 50%)
    comments: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # → (text, author)


@dataclass(frozen=True)
class QuotaGroup:
    """One cap/floor quota's rows of the quota table (one per set): one chart."""

    id: str
    label: str
    rows: Span


@dataclass(frozen=True)
class StatsLayout:
    """The rating's 统计: the sets' rows and level-count columns (the levels chart), the quota groups."""

    set_rows: Span | None
    level_cols: Span
    quota_groups: tuple[QuotaGroup, ...]


@dataclass(frozen=True)
class StarStatsLayout:
    """双十星's 统计: members per branch and per town by level, the share against the goal, then the
    organisations per set by level (a second table, under Table.subheaders[0])."""

    branch_rows: Span | None
    town_rows: Span | None
    org_rows: Span | None
    member_levels: Span
    share_col: int  # the goal column follows it
    org_levels: Span
