"""The 星级管理台账's contract (the register across years): its sheets, headers and year columns, shared by
its builder (jobs/register) and its readers (io/register_book.py: the register job itself and
`consolidate --register`)."""
from __future__ import annotations

import re

from xlsx_addin.contracts.summary import CODE, NAME, PARENT, PROBLEMS

# --- sheets, in the workbook's order ---------------------------------------------------------------
LEVELS = "历年星级"  # unit × year: the level in force (after 复验 downgrades)
CHECKS = "复验记录"  # the clerk's rows
FOCUS = "重点管理"  # units at the bottom level two years running
RATED = "历年评定"  # unit × year: the level as each year's summary rated it (the program's source of truth)
LOG = "登记记录"  # one row per year registered: which summary, its date, the scheme
PROBLEM_LIST = PROBLEMS
SHEETS = (LEVELS, CHECKS, FOCUS, RATED, LOG, PROBLEM_LIST)  # the program's sheets; any other is the clerk's

# --- columns ---------------------------------------------------------------------------------------
UNIT_COLUMNS = (NAME, CODE, PARENT)
IN_FORCE = "现行"  # + the scheme's level term (现行星级, 现行等次): the latest year's level in force now
LAST_CHECK = "最近复验"
CHECK_DATE, CHECK_FINDING, CHECK_LEVEL, CHECK_REASON = "日期", "复验情况", "调整为", "原因"
CHECK_COLUMNS = (CHECK_DATE, NAME, CODE, CHECK_FINDING, CHECK_LEVEL, CHECK_REASON)
FOCUS_NOTE = "说明"
FOCUS_CLERK = ("整顿措施", "责任人", "进展")  # the clerk's columns of 重点管理, kept by unit across runs
LOG_YEAR, LOG_SUMMARY, LOG_DATE, LOG_SCHEME, LOG_UNITS, LOG_WHEN = (
    "年度", "汇总表", "汇总日期", "评定方案", "单位数", "登记时间")
LOG_COLUMNS = (LOG_YEAR, LOG_SUMMARY, LOG_DATE, LOG_SCHEME, LOG_UNITS, LOG_WHEN)

_YEAR = re.compile(r"^\s*((?:19|20)\d\d)\s*年?(?:度)?\s*$")


def year_header(year: int) -> str:
    """The header of a year's column: 2025年."""
    return f"{year}年"


def header_year(header: object) -> int | None:
    """The year a column header names (2025年, 2025年度, 2025), else None."""
    if isinstance(header, (int, float)) and not isinstance(header, bool) and float(header).is_integer():
        header = str(int(header))
    m = _YEAR.match(header) if isinstance(header, str) else None
    return int(m.group(1)) if m else None
