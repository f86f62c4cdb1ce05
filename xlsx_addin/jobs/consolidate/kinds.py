"""The rating kinds of a consolidation, chosen once from the scheme: item-scored units (ItemKind) or
双十星 organisations with their members (double_ten/kind.py). See model.RatingKind."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.io.tables.table import Table
from xlsx_addin.model.problems import Problem
from xlsx_addin.jobs.consolidate.candidates import Candidate
from xlsx_addin.jobs.consolidate.double_ten.kind import StarKind
from xlsx_addin.jobs.consolidate.model import Consolidation, Gathered, Rating, RatingKind, Written
from xlsx_addin.jobs.consolidate.report import item_lines
from xlsx_addin.jobs.consolidate.scorer import UnitScorer
from xlsx_addin.jobs.consolidate.sets import rate_sets
from xlsx_addin.jobs.consolidate.settings import Settings
from xlsx_addin.jobs.consolidate.sheets import Kept, summary_tables
from xlsx_addin.jobs.consolidate.writer import write_items


class ItemKind:
    """Units scored item by item (five_star and the other schemes): one unit per candidate, quotas per set."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme

    def file_task(self) -> UnitScorer:
        return UnitScorer(self.scheme)

    def gather(self, done: list[Any], problems: list[Problem]) -> Gathered:
        cands: list[Candidate] = []
        for file_problems, file_cands in done:
            problems.extend(file_problems)
            cands.extend(file_cands)
        return Gathered(cands)

    def rate(self, kept: list[Candidate], gathered: Gathered, settings: Settings, prev: dict[str, int] | None,
             problems: list[Problem]) -> Rating:
        rated = [(cand, cand.result) for cand in kept if cand.result is not None]
        units, sets = rate_sets(rated, self.scheme, settings, prev, problems)
        return Rating(units, sets)

    def tables(self, c: Consolidation, kept: Any = None) -> dict[str, Table]:
        return summary_tables(c, kept if isinstance(kept, Kept) else None)

    def write(self, c: Consolidation, out: Path, keep_from: Path | None) -> Written:
        return write_items(c, out, keep_from)

    def report_lines(self, c: Consolidation) -> list[str]:
        return item_lines(c)


def kind_of(scheme: Scheme) -> RatingKind:
    """The kind of consolidation the scheme asks for (双十星 brings its member scheme)."""
    return StarKind(scheme) if scheme.stars is not None else ItemKind(scheme)


def empty_consolidation(scheme: Scheme, settings: Settings | None = None) -> Consolidation:
    """No unit rated: the empty template's sheets."""
    return Consolidation(kind=kind_of(scheme), settings=settings or Settings(input_dir=Path(""), scheme_source=scheme.id))


__all__ = ["ItemKind", "StarKind", "empty_consolidation", "kind_of"]
