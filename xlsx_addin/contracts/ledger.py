"""The half-year ledger workbook's contract (半年台账.xlsx): defined names, table columns, word lists, periods.

One source for the workbook builder (templates/ledger.py), the reader (ledgers/read.py) and the job.
docs/RULES.md "Long-term mechanism"; docs/DESIGN.md "Half-year ledgers".
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from xlsx_addin.model.errors import RatingError

FILENAME = "半年台账.xlsx"
SUMMARY_FILENAME = "台账汇总.xlsx"
ROWS = 200  # rows of each growing table (commitments, reviews, rectification, members)
ORG_REVIEW_ROWS = 50  # the upper level's comments on the branch and its secretary: a few per half year

# identity cells (one cell each)
CELLS = {
    "org_name": "党组织名称",
    "org_code": "党组织代码",
    "parent_org": "上级党组织",
    "period": "台账期间",
    "secretary": "党组织书记",
    "report_date": "报送日期",
    "as_of": "统计截止日期",
}

COMMITMENT_KINDS = ("服务承诺", "实事承诺")
COMMITMENT_STATES = ("未开始", "进行中", "已完成", "未完成")
DONE = "已完成"
REVIEW_WAYS = ("集中点评", "个别点评", "现场点评", "随机点评")
RECT_SOURCES = ("群众评议", "领导点评", "年度评定", "整改通知书", "其他")
RECT_PROGRESS = ("未开始", "整改中", "已整改")
RECT_CHECKS = ("待复验", "复验合格", "复验不合格")
RECT_FROM_RATING = "年度评定"
MEMBER_KINDS = ("正式党员", "预备党员")
# 承诺单位或承诺人 naming the branch itself (not a member): one of these words, or a name with one of these endings
ORG_WORDS = ("本支部", "支部", "党支部", "本党支部", "支委", "支委会", "全体党员")
ORG_ENDINGS = ("党支部", "支部", "党委", "党总支", "总支", "党组织", "党小组", "委员会", "党工委")
NAME_SEPARATORS = ("、", ",", "，", ";", "；", "/", " ")  # between several names in one cell
SEXES = ("男", "女")

# 群众评议 aspects (附件六): of the branch, then of its members
ORG_ASPECTS = ("中心工作和重点任务完成情况", "承诺践诺情况", "为群众办实事、办好事、解难题情况", "突出问题整改情况",
               "党组织和党员队伍建设情况")
MEMBER_ASPECTS = ("立足岗位履行职责情况", "承诺践诺情况", "联系和服务群众情况", "工作作风、廉洁自律情况")
ORG_PREFIX, MEMBER_PREFIX = "党组织:", "党员:"
ASPECTS = tuple(ORG_PREFIX + a for a in ORG_ASPECTS) + tuple(MEMBER_PREFIX + a for a in MEMBER_ASPECTS)
PRESENT = "参加人数"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # text, date, list, count
    width: float
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    name: str  # the workbook-level defined name (header row + data rows)
    sheet: str
    title: str  # the form's title (附件)
    columns: tuple[Column, ...]
    rows: int

    @functools.cached_property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


def mass_columns(option_labels: tuple[str, ...]) -> tuple[Column, ...]:
    """评议内容, one count column per ballot option of the rating's survey, 参加人数."""
    return ((Column("评议内容", "text", 40),) + tuple(Column(label, "count", 10) for label in option_labels)
            + (Column(PRESENT, "count", 10),))


def table_specs(option_labels: tuple[str, ...]) -> dict[str, TableSpec]:
    """Every input table of the ledger; the mass evaluation's options are the survey's (满意 / 基本满意 / 不满意)."""
    review = (Column("点评人", "text", 12), None, Column("点评日期", "date", 12), Column("点评方式", "list", 11, REVIEW_WAYS),
              Column("点评意见", "text", 40), Column("努力方向", "text", 32))
    specs = [
        TableSpec("commitments", "承诺践诺台账", "承诺、践诺台账", (
            Column("承诺事项", "text", 36), Column("承诺类别", "list", 10, COMMITMENT_KINDS),
            Column("承诺单位或承诺人", "text", 16), Column("践诺措施", "text", 32), Column("完成时限", "date", 12),
            Column("完成情况", "list", 10, COMMITMENT_STATES), Column("完成日期", "date", 12),
            Column("群众评价", "list", 10, option_labels)), ROWS),
        TableSpec("org_reviews", "领导点评", "上级领导点评下级党组织及书记创先争优工作情况登记表",
                  (review[0], Column("被点评党组织/书记", "text", 20)) + review[2:], ORG_REVIEW_ROWS),
        TableSpec("member_reviews", "书记点评党员", "基层党组织书记点评党员创先争优工作情况登记表",
                  (review[0], Column("被点评党员", "text", 12)) + review[2:], ROWS),
        TableSpec("mass_review", "群众评议", "群众评议情况统计表", mass_columns(option_labels), len(ASPECTS)),
        TableSpec("rectification", "整改台账", "整改台账", (
            Column("问题", "text", 36), Column("来源", "list", 11, RECT_SOURCES), Column("整改措施", "text", 32),
            Column("责任人", "text", 10), Column("时限", "date", 12), Column("进度", "list", 9, RECT_PROGRESS),
            Column("复验情况", "list", 11, RECT_CHECKS), Column("销号日期", "date", 12)), ROWS),
        TableSpec("members", "党员名单", "党员名单", (
            Column("姓名", "text", 12), Column("性别", "list", 6, SEXES), Column("党内职务", "text", 14),
            Column("党员类别", "list", 11, MEMBER_KINDS), Column("备注", "text", 30)), ROWS),
    ]
    return {s.name: s for s in specs}


# --- periods ---------------------------------------------------------------------------------------
MIN_YEAR, MAX_YEAR = 1949, 2999  # the years a period may name (its dates and deadlines must exist)
_PERIOD_RE = re.compile(r"^\s*(\d{4})\s*(?:[Hh]\s*([12])|年?\s*([上下])半年)\s*$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int  # 1 or 2

    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def label(self) -> str:
        return f"{self.year}年{'上' if self.half == 1 else '下'}半年"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def due(self, day: int = 15) -> dt.date:
        """The reporting deadline: mid-July (H1), mid-January of the next year (H2) — 通知 二(一)、(二)."""
        return dt.date(self.year, 7, day) if self.half == 1 else dt.date(self.year + 1, 1, day)

    def next(self) -> "Period":
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)


def parse_period(value) -> Period | None:
    """2026H1 / 2026h2 / 2026年上半年 / 2026下半年 → Period; None when the text is none of these."""
    if value is None:
        return None
    m = _PERIOD_RE.match(str(value))
    if not m:
        return None
    half = int(m.group(2)) if m.group(2) else (1 if m.group(3) == "上" else 2)
    year = int(m.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:  # 0000H1 / 9999H2: no calendar date (or next year's deadline) exists
        return None
    return Period(year, half)


def period_arg(text: str) -> Period:
    """The --period argument; RatingError (Chinese) when it is not YYYYH1 / YYYYH2."""
    p = parse_period(text)
    m = _PERIOD_RE.match(str(text))
    if p is None and m:
        raise RatingError(f"台账期间“{text}”的年份无效,应在 {MIN_YEAR}–{MAX_YEAR} 之间,例如 2026H1")
    if p is None:
        raise RatingError(f"台账期间“{text}”无效,应为 年份+H1(上半年)或 H2(下半年),例如 2026H1")
    return p


def period_of(day: dt.date) -> Period:
    return Period(day.year, 1 if day.month <= 6 else 2)


# --- the ledgers' summary (台账汇总.xlsx): its sheets and the columns the rating's 一览表 reads ----------------
SUMMARY, OVERDUE, LATE, PROBLEMS, ABOUT = "汇总", "逾期事项", "未按时报送", "问题清单", "说明"
SUMMARY_CLERK = ("督查情况", "整改通知书", "备注")
OVERDUE_CLERK = ("督办情况", "督办日期")
LATE_CLERK = ("催报情况", "备注")
CLERK = {SUMMARY: SUMMARY_CLERK, OVERDUE: OVERDUE_CLERK, LATE: LATE_CLERK}
KEPT_NOTE = "【本次汇总中已无此项,保留原记录】"
TOTAL = "合计"
PERIOD_LABEL = "台账期间"
DONE_RATE, CLOSED_RATE = "承诺完成率", "整改销号率"

