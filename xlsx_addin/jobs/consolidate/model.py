"""What one consolidation produces: the contract between the job and the summary-workbook writer.

`RatingKind` is what differs between schemes (item-scored units, or 双十星 organisations with their
members): the per-file task, the rating of the sets, the summary's sheets, its layout and report lines.
The job chooses it once (kinds.kind_of) and hands back one `Consolidation`, built once at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from xlsx_addin.model.problems import Problem
from xlsx_addin.engine.quotas import QuotaStatus
from xlsx_addin.io.roster import Expected
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.result import RatedUnit
from xlsx_addin.io.files.pool import FileTask
from xlsx_addin.io.tables.table import Records, Table
from xlsx_addin.jobs.consolidate.settings import Settings

if TYPE_CHECKING:
    from xlsx_addin.jobs.consolidate.candidates import Candidate


@dataclass
class UnitRow:
    """A rated unit of the summary (一览表 row)."""

    result: RatedUnit  # the unit's result after its set's quotas (the UnitResult itself: result.result)
    set_name: str  # rating set (上级党组织, or 全部 when set_by == "all")
    source_file: str  # relative to the input folder
    key: str  # org_code when present, else org_name: the key of 整改台账 and of the previous year
    inputs: dict[str, Any] | None = None  # the unit's raw inputs (names contract): the summary's 原始数据 sheet
    upper_by: tuple[str, ...] = ()  # who set each item's upper-level score in force (io/rawdata.py UPPER_BY)


@dataclass
class SetSummary:
    name: str
    size: int
    quotas: list[QuotaStatus]
    counts_before: dict[int, int]  # level rank → units before quotas
    counts_after: dict[int, int]  # level rank → units after quotas (= before in flag mode)


@dataclass(frozen=True)
class Gathered:
    """The files' candidates after reading (to be deduplicated) and what the kind keeps beside them."""

    candidates: list[Candidate]
    extra: Any = None  # 双十星: the members of each organisation candidate


@dataclass(frozen=True)
class Rating:
    """The sets rated: every unit after its set's quotas, the sets, and (双十星) every member rated."""

    units: list[UnitRow]
    sets: list[SetSummary]
    members: list[UnitRow] = field(default_factory=list)


class RatingKind(Protocol):
    """What a scheme's consolidation does its own way (kinds.ItemKind, double_ten.kind.StarKind)."""

    scheme: Scheme

    def file_task(self) -> FileTask:
        """The per-file task given to map_files (picklable; a `failed` static method for crashed files)."""

    def gather(self, done: list[Any], problems: list[Problem]) -> Gathered:
        """The per-file results collected: problems into `problems`, the candidates to deduplicate."""

    def rate(self, kept: list[Candidate], gathered: Gathered, settings: Settings, prev: dict[str, int] | None,
             problems: list[Problem]) -> Rating:
        """The deduplicated candidates rated per set (quotas, last year's levels)."""

    def tables(self, c: Consolidation, kept: Any = None) -> dict[str, Table]:
        """The summary's sheets as plain rows (kept: the clerk's entries of an earlier summary)."""

    def write(self, c: Consolidation, out: Path, keep_from: Path | None) -> Written:
        """The summary workbook at `out`, whole or not at all."""

    def report_lines(self, c: Consolidation) -> list[str]:
        """The report's kind-specific part (before the problems, the file and the time)."""


@dataclass(frozen=True)
class SetReport:
    """One rating set: the roster units in it, the ones rated, the ones missing, and units rated off the roster."""

    name: str
    expected: int
    reported: int
    missing: list[Expected] = field(default_factory=list)
    unlisted: int = 0


@dataclass(frozen=True)
class Reporting:
    """The roster's outcome (roster.py): where it came from and each set's counts (上报情况)."""

    source: str  # Chinese: 应报名单 D:\\名单.xlsx / 上次汇总表 / 上年度汇总表 …
    sets: list[SetReport]
    file: str = ""  # the roster's file name: the 文件 of each 未上报 row in 问题清单

    @property
    def expected(self) -> int:
        return sum(s.expected for s in self.sets)

    @property
    def reported(self) -> int:
        return sum(s.reported for s in self.sets)

    @property
    def missing(self) -> list[tuple[str, Expected]]:
        return [(s.name, e) for s in self.sets for e in s.missing]

    @property
    def unlisted(self) -> int:
        return sum(s.unlisted for s in self.sets)


@dataclass(frozen=True)
class Consolidation:
    kind: RatingKind
    settings: Settings
    units: list[UnitRow] = field(default_factory=list)
    sets: list[SetSummary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files_seen: int = 0
    files_rated: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # read (+ score, in the workers) / score (dedupe, quotas)
    evidence: Records | None = None  # the 台账汇总 given as settings.ledgers (io/ledger_summary.py), else None
    members: list[UnitRow] = field(default_factory=list)  # 双十星: every member rated (double_ten/kind.py)
    reporting: Reporting | None = None  # who was expected and who is missing (roster.py); None: no roster
    warnings: list[str] = field(default_factory=list)  # plain warnings of the run (small sets: small_sets.py)

    @property
    def scheme(self) -> Scheme:
        return self.kind.scheme


@dataclass(frozen=True)
class Written:
    """What the writer produced: the summary, where the previous one went, the clerk's overwritten edits."""

    path: Path
    backup: Path | None = None
    seconds: float = 0.0
    edits: list[Problem] = field(default_factory=list)  # computed cells the clerk changed (carryover.py)
