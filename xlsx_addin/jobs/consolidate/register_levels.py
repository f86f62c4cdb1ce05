"""Last year's levels from a 星级管理台账 (`consolidate --register`, 设置's 星级管理台账).

How the sources combine, per unit: the register's level in force (after the 复验 downgrades dated up to now) of
its latest registered year — except this year's when the register took it from this very summary (a re-run after
登记台账: then the year before) — when the register has the unit; else the previous summary's final level
(--previous); else the unit file's own 上年度星级. "This year" is the year of the run."""
from __future__ import annotations

import datetime as dt

from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.io.register_book import WHAT, previous_levels
from xlsx_addin.model.problems import HINT, Problem
from xlsx_addin.jobs.consolidate.settings import Settings


def last_levels(settings: Settings, scheme: Scheme, previous: dict[str, int] | None,
                year: int | None = None) -> tuple[dict[str, int] | None, list[Problem]]:
    """Last year's ranks by unit key and name (the register's over `previous`) and the register's problems.
    RatingError when the register cannot be read or is for another scheme."""
    if settings.star_register is None:
        return previous, []
    year = year or dt.date.today().year
    last, levels, problems = previous_levels(settings.star_register, scheme, year, settings.exclude)
    file = settings.star_register.name
    if last is None:
        problems.append(Problem(file, "", "", "", f"{WHAT}中没有可作上年度的登记年度(本次汇总自己登记的年度不算),"
                                                  "上年度星级按上年度汇总表或单位填报表", HINT))
    else:
        problems.append(Problem(file, "", "", "", f"上年度{scheme.level_term}取自{WHAT}{last}年度的现行"
                                                  f"{scheme.level_term}(含复验降级);台账中没有的单位按上年度汇总表或单位填报表",
                                HINT))
    merged = dict(previous or {})
    merged.update(levels)
    return merged, [Problem(p.file, p.sheet, p.cell, p.value, p.reason, HINT) if p.file == file and p.sheet
                    else p for p in problems]
