"""The register's rules (docs/RULES.md "Dynamic management"): the level in force after 复验 downgrades, and the units
for 重点管理. Pure: levels are ranks, units are keys; reading and writing the register is io's and the jobs'.

- A year's level is in force from its summary's date (汇总日期) when that date lies in the year, else from
  1 January of the next year (a year registered late or back-filled), until the next registered year's start.
- A 复验 row dated D belongs to the year in force on D; it downgrades the unit's level of that year from D on
  (rows of one term apply in date order); a row dated before every registered year's start belongs to the earliest
  registered year (noted). A row whose 调整为 is higher than the level in force is not applied.
- 重点管理: the level in force at or below the bottom (the top level of the floor quota; else 一星级; else the lowest level)
  in the latest registered year and the year before it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.rules import FloorQuota


@dataclass(frozen=True)
class Recheck:
    """One 复验 row: its date, the unit's key, the level it sets (None: no change) and where it stands."""

    when: dt.date
    key: str
    rank: int | None
    where: str = ""


@dataclass
class InForce:
    """Per year, {unit key: rank in force}; the rows applied per (year, key); the rows refused with a reason."""

    levels: dict[int, dict[str, int]]
    applied: dict[tuple[int, str], list[Recheck]] = field(default_factory=dict)
    refused: list[tuple[Recheck, str]] = field(default_factory=list)
    notes: list[tuple[Recheck, str]] = field(default_factory=list)  # applied, worth a look


def last_year(years: list[int], year: int, own: set[int]) -> int | None:
    """The year whose levels are "last year's" for a rating in `year`: the latest registered year, except the
    year `year` itself when the register took it from this very rating (`own`: re-running a rating registered
    already), then the latest year before it."""
    candidates = [y for y in years if not (y >= year and y in own)]
    return max(candidates) if candidates else None


def start_of(year: int, summary_date: dt.date | None) -> dt.date:
    """The day a year's levels take force (see the module notes)."""
    if summary_date is not None and summary_date.year == year:
        return summary_date
    return dt.date(year + 1, 1, 1)


def term_of(when: dt.date, starts: dict[int, dt.date]) -> int | None:
    """The registered year whose levels are in force on `when` (None: before every registered year)."""
    years = [y for y, s in starts.items() if s <= when]
    return max(years, key=lambda y: (starts[y], y)) if years else None


def in_force(rated: dict[int, dict[str, int]], starts: dict[int, dt.date], checks: list[Recheck],
             names: dict[int, str] | None = None) -> InForce:
    """The levels in force per year after the 复验 rows (`names`: rank → level name, for the reasons)."""
    names = names or {}
    out = InForce({y: dict(levels) for y, levels in rated.items()})
    for check in sorted(checks, key=lambda c: c.when):
        year = term_of(check.when, starts)
        if year is None:
            if not starts:
                out.refused.append((check, "台账中还没有任何年度的星级"))
                continue
            year = min(starts, key=lambda y: (starts[y], y))
            out.notes.append((check, f"复验日期早于台账中最早登记的{year}年度星级生效日({starts[year].isoformat()}),"
                                     f"按{year}年度的星级复验"))
        current = out.levels[year].get(check.key)
        if current is None:
            out.refused.append((check, f"{year}年度的星级中没有该单位"))
            continue
        if check.rank is None:
            continue
        if check.rank > current:
            out.refused.append((check, f"复验只能降级:该单位{year}年度现行为{names.get(current, current)},"
                                       f"不能调整为{names.get(check.rank, check.rank)},本行未采用"))
            continue
        out.levels[year][check.key] = check.rank
        out.applied.setdefault((year, check.key), []).append(check)
    return out


def bottom_rank(scheme: Scheme) -> int:
    """The highest rank that counts as the bottom: the top level of the scheme's floor quota (一星级及以下, 较差),
    else 一星级 in a star scheme that has no floor, else the lowest level."""
    floors = [max(q.levels) for q in scheme.quotas if isinstance(q, FloorQuota)]
    if floors:
        return max(floors)
    one = scheme.level_by_name("一星级")
    return one.rank if one is not None else min(lv.rank for lv in scheme.levels)


def focus_units(levels: dict[int, dict[str, int]], scheme: Scheme) -> tuple[int | None, list[str]]:
    """(the latest year, the units at the bottom in it and in the year before), in the latest year's order."""
    if not levels:
        return None, []
    year = max(levels)
    before = levels.get(year - 1)
    if before is None:
        return year, []
    floor = bottom_rank(scheme)
    return year, [k for k, rank in levels[year].items() if rank <= floor and before.get(k, floor + 1) <= floor]
