"""One candidate per unit key within a run: the newest file wins, every loser reported."""
from __future__ import annotations
from typing import Any, Protocol, Sequence, TypeVar

from xlsx_addin.model.problems import ERROR, HINT, Problem, Severity


class _File(Protocol):
    mtime: float


class Candidate(Protocol):
    """What dedupe needs of a unit read from a file (consolidate.candidates.Candidate, ledgers.model.Branch)."""

    @property
    def raw_row(self) -> int | None: ...

    @property
    def source(self) -> str: ...

    @property
    def file(self) -> _File: ...

    @property
    def key(self) -> tuple: ...

    def problem(self, reason: str, *, name: str | None = None, index: int | None = None, value: Any = "",
                severity: Severity = ERROR, cell: str | None = None) -> Problem: ...


C = TypeVar("C", bound=Candidate)


def dedupe(cands: Sequence[C], problems: list[Problem]) -> list[C]:
    """One candidate per key (org_code, else upper level + name): the newest file wins (mtime, then path)."""
    groups: dict[tuple, list[C]] = {}
    for cand in cands:
        groups.setdefault(cand.key, []).append(cand)
    keep = set()
    for key, group in groups.items():
        if len(group) == 1:
            keep.add(id(group[0]))
            continue
        # a unit file beats a summary's 原始数据 row of the same unit; then the newest file, then the path
        group.sort(key=lambda x: (x.raw_row is not None, -x.file.mtime, x.source))
        winner, losers = group[0], group[1:]
        keep.add(id(winner))
        what = f"党组织代码“{key[1]}”" if key[0] == "code" else f"党组织“{key[2]}”(上级党组织“{key[1] or '未填写'}”)"
        files = [x for x in losers if x.raw_row is None]  # summary rows repeating a unit file are no conflict
        others = "、".join(x.source for x in files)
        if files:
            problems.append(winner.problem(f"{what}在{len(files) + 1}个文件中重复(另见:{others});采用最新的本文件评定",
                                           name="org_code" if key[0] == "code" else "org_name",
                                           value=key[1] if key[0] == "code" else key[2], severity=HINT))
        for x in losers:
            if x.raw_row is not None:
                why = (f"汇总表中的{what}与“{winner.source}”重复(同一单位),以{'单位填报表' if winner.raw_row is None else '该处'}"
                       "为准,这一行未重复计入")
                severity = HINT
            else:
                why = f"{what}与文件“{winner.source}”重复;采用较新的“{winner.source}”,本文件未参与评定"
                severity = ERROR
            problems.append(x.problem(why, name="org_code" if key[0] == "code" else "org_name",
                                      value=key[1] if key[0] == "code" else key[2], severity=severity))
    return [x for x in cands if id(x) in keep]
