"""The summary's 评分定级表 (the upper level's own scores, item-scored schemes) and 上级复审 sheets: their titles,
columns and printed lines, shared by the writer (jobs/consolidate/review_table.py) and the readers of typed
上级评分 (jobs/consolidate/review_read.py, the button)."""
from __future__ import annotations

import re

REVIEW = "评分定级表"
FORM_TITLE = "上级党组织评分定级表"
RECHECK = "上级复审"  # the top level's results listed for the next level's review (复审)
RECHECK_TITLE = "拟定最高等次单位上级复审名单"

SELF, UPPER = "自评", "上级评分"
SELF_TOTAL = "自评合计"
UPPER_TOTAL = "上级评分合计"  # the total of the item scores in force (typed, else the unit's own)
SATISFACTION = "测评满意率"
PROPOSED = "拟定等次"
OPINION = "审核意见"  # the clerk's text
BELOW = "下级评分"  # a county's sheet: the upper scores its units' town summaries set (still in force)
RECHECK_OPINION = "复审意见"  # the clerk's text (上级复审)

# the clerk's text columns of these sheets (kept across re-runs, keyed by org_code, else org_name)
REVIEW_CLERK_TEXT = (OPINION,)
RECHECK_CLERK = (RECHECK_OPINION,)

# printed on every page of 评分定级表 (page header and footer)
SIGN_FOOTER = "&L&10制表单位(盖章):____________&C&10评定组负责人(签字):__________&R&10日期:____年__月__日"
NOTE = ("说明:“上级评分”列由上级党组织填写(黄色),留空则该项以单位自评得分为准;填写后重新汇总,"
        "按上级评分重新计算得分与等次。")

_ITEM = re.compile(r"^\s*(\d+)\s*[.．、]")


def self_header(index: int, label: str) -> str:
    """The item's self-score column: `1.组织健全` / `自评` (two lines; index 0-based)."""
    return f"{index + 1}.{label}\n{SELF}"


def upper_header(index: int, label: str) -> str:
    """The item's 上级评分 column (the clerk's): `1.组织健全` / `上级评分`."""
    return f"{index + 1}.{label}\n{UPPER}"


def upper_item(header: object) -> int | None:
    """The item (0-based) whose 上级评分 column this header names, else None (any label: the number decides)."""
    if not isinstance(header, str):
        return None
    text = header.strip()
    m = _ITEM.match(text)
    if m is None or not text.replace(" ", "").endswith(UPPER):
        return None
    return int(m.group(1)) - 1
