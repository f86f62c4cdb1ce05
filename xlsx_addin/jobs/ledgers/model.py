"""What a half-year ledgers run produces: the contract between the job and the 台账汇总 writer."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsx_addin.model.identity import dedupe_key
from xlsx_addin.model.problems import ERROR, Problem, Severity
from xlsx_addin.engine.inputs import shown
from xlsx_addin.io.reader import UnitFile
from xlsx_addin.contracts.ledger import Period


@dataclass
class Overdue:
    """A commitment or rectification item past its deadline and not done / not closed at the as-of date."""

    kind: str  # 承诺 / 整改
    text: str
    who: str  # 承诺单位或承诺人 / 责任人
    deadline: dt.date
    days: int
    state: str  # 完成情况 / 进度
    where: str  # sheet!cell of the item


@dataclass
class Branch:
    """One branch's ledger of the half year, tallied (a 汇总 row)."""

    file: UnitFile  # slimmed: rel, mtime, refs (to name cells)
    org_name: str
    org_code: str = ""
    parent_org: str = ""
    period: str = ""
    report_date: dt.date | None = None  # the ledger's 报送日期, else the file's modification date
    report_date_from_file: bool = False
    commitments: int = 0
    org_commitments: int = 0
    done: int = 0
    done_late: int = 0
    overdue: int = 0
    members_listed: int | None = None  # None: the ledger keeps no member list
    members: list[str] = field(default_factory=list)  # the list, else the members the ledger names
    no_commitment: list[str] = field(default_factory=list)
    not_reviewed: list[str] = field(default_factory=list)
    org_reviews: int = 0
    member_reviews: int = 0
    mass_held: bool = False
    mass_present: int | None = None
    satisfaction: float | None = None
    rect_total: int = 0
    rect_open: int = 0
    rect_overdue: int = 0
    rect_closed: int = 0
    items: list[Overdue] = field(default_factory=list)
    findings: list[Problem] = field(default_factory=list)

    # --- what files/dedupe.py expects of a candidate ---
    raw_row = None

    @property
    def source(self) -> str:
        return self.file.rel

    @property
    def key(self) -> tuple:
        return dedupe_key(self.org_code, self.parent_org, self.org_name)

    def problem(self, reason: str, *, name: str | None = None, index: int | None = None, value: Any = "",
                severity: Severity = ERROR, cell: str | None = None) -> Problem:
        sheet, where = self.file.where(name, index) if name else ("", "")
        return Problem(self.file.rel, sheet, cell if cell is not None else where, shown(value), reason, severity)

    @property
    def done_rate(self) -> float | None:
        return self.done / self.commitments if self.commitments else None

    @property
    def closed_rate(self) -> float | None:
        return self.rect_closed / self.rect_total if self.rect_total else None


@dataclass
class NotOnTime:
    """A row of 未按时报送: reported late, sent nothing, or sent a ledger of another period."""

    org_name: str
    org_code: str
    parent_org: str
    status: str  # 逾期报送 / 逾期未报送 / 尚未报送 / 台账期间不符
    report_date: dt.date | None
    days: int | None
    source: str = ""


@dataclass
class LedgerSettings:
    input_dir: Path
    period: Period
    as_of: dt.date
    due: dt.date
    expect: Path | None = None
    previous: Path | None = None  # the output of an earlier run (same --out): its branches are expected too
    exclude: tuple[Path, ...] = ()


@dataclass
class LedgerRun:
    settings: LedgerSettings
    branches: list[Branch] = field(default_factory=list)
    not_on_time: list[NotOnTime] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files_seen: int = 0
    expected: int | None = None  # branches on the --expect list
