"""星级管理台账: add one year's levels from a rating summary to the register (written whole or not at all).

Which year: the caller's (`--year`, 设置's 台账年度), else the year of the summary's 汇总日期 (设置's 上次汇总结果).
Re-registering a year replaces that year's column. The register's clerk rows (复验记录), the clerk's columns
(by unit) and sheets come back; the 复验 rows are checked and applied (engine/register.py), and every row that
cannot be used is listed in the register's 问题清单.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from xlsx_addin.contracts import register as reg
from xlsx_addin.io.files.backups import DEFAULT_KEEP
from xlsx_addin.io.files.outpath import workbook_kind
from xlsx_addin.io.register_book import RegisterBook, read_register
from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.problems import count_errors
from xlsx_addin.jobs.register.summary import SummaryYear, read_summary_file
from xlsx_addin.jobs.register.tables import Merged, merge, register_tables
from xlsx_addin.jobs.register.writer import WHAT, write_register

FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass
class Registered:
    out: Path
    year: int
    merged: Merged
    backup: Path | None
    lines: list[str]  # the Chinese report


def rating_year(summary: SummaryYear, year: int | None) -> tuple[int, str]:
    """(the year, where it came from); RatingError when neither the caller nor the summary says it."""
    if year is not None:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise RatingError(f"年度 {year} 无效,应为 {FIRST_YEAR}–{LAST_YEAR} 之间的年份,如 2026")
        return year, "指定的年度"
    if summary.date is None:
        raise RatingError(f"汇总表 {summary.file} 的“设置”中没有汇总日期(较早版本生成的汇总表),"
                          "无法确定是哪一年度的评定;请指定年度(--year,或“设置”中的“台账年度”)")
    return summary.date.year, f"汇总表的汇总日期 {summary.date.isoformat()}"


def check_register_out(out: Path, summary: Path | None = None) -> None:
    """The register's path, before anything is read: an .xlsx file that is not the summary or a unit workbook."""
    if out.suffix.lower() != ".xlsx":
        raise RatingError(f"{WHAT}文件 {out} 的扩展名须为 .xlsx")
    if out.is_dir():
        raise RatingError(f"{WHAT}文件 {out} 是一个文件夹,请给出文件名(如 星级管理台账.xlsx)")
    if summary is not None and out.exists() and os.path.realpath(out) == os.path.realpath(summary):
        raise RatingError(f"{WHAT}文件 {out} 就是汇总表,请另选台账文件名(如 星级管理台账.xlsx)")
    kind = workbook_kind(out) if out.is_file() else None
    if kind is not None:
        what = "单位填报表" if kind == "unit" else "汇总表"
        raise RatingError(f"{WHAT}文件 {out} 是一个{what},写出台账会覆盖它;请另选台账文件名(如 星级管理台账.xlsx)")


def register_to(summary: SummaryYear, out: Path, *, year: int | None = None, keep_backups: int = DEFAULT_KEEP,
                now: dt.datetime | None = None, added_checks: Sequence[Sequence[Any]] = ()) -> Registered:
    """Add `summary`'s levels to the register at `out` (a new one when there is none). RatingError (Chinese) when
    the register cannot be read, is for another scheme, or cannot be written: then nothing at `out` changes.

    added_checks: 复验记录 rows (reg.CHECK_COLUMNS) added below the clerk's, as a clerk would type them (the demo)."""
    out = Path(out)
    check_register_out(out)
    if keep_backups < 0:
        raise RatingError("备份份数(--keep-backups)不能为负数")
    year, source = rating_year(summary, year)
    old = read_register(out, writing=True) if out.exists() else RegisterBook(file=out.name)
    scheme = summary.scheme
    if old.scheme_id and old.scheme_id != scheme.id:
        raise RatingError(f"{WHAT} {out} 登记的是“{old.scheme_id}”方案的{scheme.level_term},汇总表 {summary.file} 是"
                          f"“{scheme.id}”方案;一个台账只登记一种评定方案,请另选台账文件名")
    if added_checks:
        rows = old.sheets.setdefault(reg.CHECKS, [list(reg.CHECK_COLUMNS)])
        rows += [list(r) for r in added_checks]
    book, replaced = merge(old, summary, year, now or dt.datetime.now())
    merged = register_tables(book, scheme)
    merged.replaced = replaced
    backup = write_register(merged, old.sheets, scheme, out, keep_backups)
    return Registered(out, year, merged, backup, report(out, year, source, summary, merged, book, backup))


def register_file(summary_path: Path, out: Path, *, year: int | None = None,
                  keep_backups: int = DEFAULT_KEEP) -> Registered:
    """`xlsx-addin register --summary 汇总表.xlsx --out 星级管理台账.xlsx`: the summary read from its file."""
    summary_path, out = Path(summary_path), Path(out)
    check_register_out(out, summary_path)
    return register_to(read_summary_file(summary_path), out, year=year, keep_backups=keep_backups)


def report(out: Path, year: int, source: str, summary: SummaryYear, merged: Merged, book: RegisterBook,
           backup: Path | None) -> list[str]:
    term = summary.scheme.level_term
    years = sorted(book.rated)
    errors = count_errors(merged.problems)
    lines = [f"{WHAT}:{out}",
             f"登记年度:{year}年({source})",
             f"{'已替换' if merged.replaced else '已加入'}{year}年度的{term}:{len(summary.levels)}个单位"
             f"(来自 {summary.file});台账共{merged.units}个单位、{len(years)}个年度"
             f"({'、'.join(str(y) for y in years)})",
             f"复验降级:{merged.downgraded}处;重点管理(连续两年最低层级):{merged.focus}个单位",
             f"问题清单:{len(merged.problems)}条" + (f"(其中错误{errors}条,见“{reg.PROBLEM_LIST}”工作表)" if errors else "")]
    if backup is not None:
        lines.append(f"原台账已备份为 {backup.name}")
    return lines
