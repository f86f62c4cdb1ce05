"""What one consolidation produces: the contract between the job and the summary-workbook writer."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsx_addin.model.problems import Problem
from xlsx_addin.engine.quotas import QuotaStatus
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.result import RatedUnit
from xlsx_addin.jobs.consolidate.settings import Settings


@dataclass
class UnitRow:
    """A rated unit of the summary (一览表 row)."""

    result: RatedUnit  # the unit's result after its set's quotas (the UnitResult itself: result.result)
    set_name: str  # rating set (上级党组织, or 全部 when set_by == "all")
    source_file: str  # relative to the input folder
    key: str  # org_code when present, else org_name: the key of 整改台账 and of the previous year
    inputs: dict[str, Any] | None = None  # the unit's raw inputs (names contract): the summary's 原始数据 sheet


@dataclass
class SetSummary:
    name: str
    size: int
    quotas: list[QuotaStatus]
    counts_before: dict[int, int]  # level rank → units before quotas
    counts_after: dict[int, int]  # level rank → units after quotas (= before in flag mode)


@dataclass
class Consolidation:
    scheme: Scheme
    settings: Settings
    units: list[UnitRow] = field(default_factory=list)
    sets: list[SetSummary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files_seen: int = 0
    files_rated: int = 0
    backup: Path | None = None  # where the writer put the previous summary (None when there was none)
    seconds: dict[str, float] = field(default_factory=dict)  # read (+ score, in the workers) / score (dedupe, quotas) / write
    evidence: Any = None  # Records of the 台账汇总 given as settings.ledgers (ledgers/evidence.py), else None
    members: list[UnitRow] = field(default_factory=list)  # 双十星: every member rated (consolidate/star_job.py)
    member_scheme: Scheme | None = None  # 双十星: the scheme the members were rated by
