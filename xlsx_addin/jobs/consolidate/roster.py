"""Who was expected and who is missing (issue 22): the roster of a consolidation and the 上报情况 it gives.

The roster is, in this order: the clerk's list (settings.expect: io/roster.py reads a summary, any workbook with
a 党组织名称 column, or a UTF-8/GBK text or CSV list); else the units of the summary this run replaces (its
一览表 and the 未上报 units its 上报情况 listed), so a unit that sent nothing this time is still named; else the
units of last year's summary (settings.previous). Without any of them there is no roster and no 上报情况.

Each roster unit is matched to a rated unit (by 党组织代码 when both have one, else by name and upper level:
io/roster.same_unit). A unit not matched is 未上报: one 问题清单 row each, and the per-set counts below.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from xlsx_addin.contracts.summary import NOT_REPORTED, OVERVIEW, REPORTED
from xlsx_addin.io.roster import Expected, from_tables, header_at, read_expected, same_unit
from xlsx_addin.io.tables.previous import read_sheets_rows
from xlsx_addin.model.choices import SetBy
from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.identity import text_key
from xlsx_addin.model.problems import ERROR, Problem
from xlsx_addin.jobs.consolidate.model import Reporting, SetReport, UnitRow

from xlsx_addin.jobs.consolidate.settings import Settings

NO_SET = "名单未注明上级党组织"  # a missing unit whose roster row names no upper level (sets by parent_org)
ALL_SET = "全部"  # sets.ALL_SET (not imported: sets.py imports the sheets, which import this module)



# --- the roster ------------------------------------------------------------------------------------
def summary_units(rows_by_sheet: dict[str, list[list[Any]] | None],
                  sheets: Sequence[str] = (OVERVIEW, REPORTED)) -> list[Expected]:
    """The units a summary holds (its 一览表) and those its 上报情况 listed as 未上报 (`sheets`: which of the two)."""
    tables = []
    for name in sheets:
        rows = rows_by_sheet.get(name) or []
        at = header_at(rows, within=len(rows) if name == REPORTED else 20)
        if at is None:
            continue
        block = rows[at:]
        end = next((k for k, row in enumerate(block) if not any(text_key(v) for v in row)), len(block))
        tables.append(block[:end])  # up to the first blank row (上报情况: its note follows)
    return from_tables(tables)


def read_summary_rows(path: Path, also: tuple[str, ...] = ()) -> dict[str, list[list[Any]] | None]:
    """The 一览表 and 上报情况 rows of a summary file (summary_units reads them), and the sheets `also` names, in
    one read; none when it cannot be read."""
    try:
        return read_sheets_rows(path, (OVERVIEW, REPORTED, *also))
    except RatingError:
        return {}


def read_summary_units(path: Path) -> list[Expected]:
    return summary_units(read_summary_rows(path))


def find_roster(settings: Settings, replaced: list[Expected], replaced_name: str = "") -> \
        tuple[list[Expected], str, str] | None:
    """The roster, where it came from and its file name (see the module notes); RatingError for an unreadable
    --expect list."""
    if settings.expect is not None:
        return read_expected(Path(settings.expect)), f"应报名单 {settings.expect}", Path(settings.expect).name
    if replaced:
        return replaced, "上次汇总表", replaced_name
    if settings.previous is not None:
        earlier = read_summary_units(Path(settings.previous))
        if earlier:
            return earlier, f"上年度汇总表 {settings.previous}", Path(settings.previous).name
    return None


# --- matching --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Rated:
    org_name: str
    org_code: str
    parent_org: str
    set_name: str


def reporting(roster: Sequence[Expected], source: str, file: str, units: Sequence[UnitRow], set_by: SetBy,
              set_order: Sequence[str] = ()) -> Reporting:
    """Each roster unit matched to a rated unit; the counts per set (in `set_order`, then by name)."""
    rated = [_Rated(text_key(u.result.org_name), text_key(u.result.org_code or ""),
                    text_key(u.result.parent_org or ""), u.set_name) for u in units]
    by_code: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for i, r in enumerate(rated):
        if r.org_code:
            by_code.setdefault(r.org_code, []).append(i)
        by_name.setdefault(r.org_name, []).append(i)
    matched: set[int] = set()
    expected: dict[str, int] = {}
    reported: dict[str, int] = {}
    missing: dict[str, list[Expected]] = {}
    for e in roster:
        near = by_code.get(e.org_code, []) + by_name.get(e.org_name, [])
        hit = next((i for i in near if same_unit(e, rated[i])), None)
        if hit is not None:
            name = rated[hit].set_name
            matched.add(hit)
            reported[name] = reported.get(name, 0) + 1
        else:
            listed = e.set_name if e.set_name != ALL_SET else ""
            name = ALL_SET if set_by is SetBy.ALL else (e.parent_org or listed or NO_SET)
            missing.setdefault(name, []).append(e)
        expected[name] = expected.get(name, 0) + 1
    unlisted: dict[str, int] = {}
    for i, r in enumerate(rated):
        if i not in matched:
            unlisted[r.set_name] = unlisted.get(r.set_name, 0) + 1
    names = [n for n in set_order if n in expected or n in unlisted]
    names += sorted((set(expected) | set(unlisted)) - set(names), key=lambda n: (n == NO_SET, n))
    return Reporting(source, [SetReport(n, expected.get(n, 0), reported.get(n, 0), missing.get(n, []),
                                        unlisted.get(n, 0)) for n in names], file)


def missing_problems(r: Reporting) -> list[Problem]:
    """One 问题清单 row per unit of the roster that has no rating this time."""
    out = []
    for set_name, e in r.missing:
        who = e.org_name + (f"(代码{e.org_code})" if e.org_code else "")
        out.append(Problem(file=r.file, value=who, severity=ERROR,
                           reason=f"{NOT_REPORTED}:{who}({set_name})在{r.source}中,本次汇总没有它的评定结果:"
                                  "没有交来单位填报表,或交来的文件有错误未能评定(见本表其他行);请催报或核实后重新汇总"))
    return out


def reporting_line(r: Reporting | None) -> str:
    """The count, as the CLI, the window and the button say it."""
    if r is None:
        return ""
    line = f"上报情况:应报{r.expected}个,已报{r.reported}个,未报{len(r.missing)}个(名单:{r.source})"
    if r.unlisted:
        line += f";名单外已评定{r.unlisted}个"
    return line + "。"


def reporting_lines(r: Reporting | None, shown: int = 10) -> list[str]:
    """The report's lines: the count, then the missing units (at most `shown`)."""
    if r is None:
        return []
    lines = ["", reporting_line(r)]
    for set_name, e in r.missing[:shown]:
        lines.append(f"  · {NOT_REPORTED} {set_name} {e.org_name}")
    if len(r.missing) > shown:
        lines.append(f"  · ……共{len(r.missing)}个,详见汇总表“{REPORTED}”")
    return lines


__all__ = ["Reporting", "SetReport", "find_roster", "missing_problems", "read_summary_units", "reporting",
           "reporting_line", "reporting_lines", "read_summary_rows", "summary_units"]
