"""The rating summary's sheet and column titles: the words its writer, its readers and the ledgers share."""
from __future__ import annotations


# --- sheet names ---------------------------------------------------------------------------
OVERVIEW = "一览表"

STATS = "统计"

LEDGER = "整改台账"

CHANGES = "晋星减星"

CHANGES_GRADES = "升级降级"  # the same sheet where the levels are grades (等次): the scheme's own level words

CHANGE_SHEETS = (CHANGES, CHANGES_GRADES)

PUBLICITY = "公示名单"

CATEGORY = "分类汇总"  # 002's 分类定级情况汇总表, by 党组织类别 (schemes with summary_by_type)

CATEGORY_HEAD = "党组织类别"

PROBLEMS = "问题清单"

SETTINGS = "设置"

RULES = "规则"

XLWINGS_CONF = "xlwings.conf"

RAW = "原始数据"
RAW_MARKER = "xlsx-addin 原始数据 v1"  # its cell A1: tells a reader the sheet holds units' raw inputs (io/rawdata.py)

DATA_SHEETS = (OVERVIEW, STATS, LEDGER, CHANGES, PUBLICITY, PROBLEMS)


# --- verbatim headers ----------------------------------------------------------------------
NAME = "党组织名称"

CODE = "党组织代码"

SET = "评定组"

PARENT = "上级党组织"

RECTIFY = "整改标记"

SOURCE = "来源文件"

PREVIOUS = "上年度"

CHANGE = "晋星/减星"

CHANGE_GRADES = "升级/降级"


def changes_sheet(rise: str, fall: str) -> str:
    """The sheet of the levels that rose or fell, in a scheme's own words (Scheme.change_words)."""
    return CHANGES_GRADES if (rise, fall) == ("升级", "降级") else CHANGES


def change_header(rise: str, fall: str) -> str:
    return CHANGE_GRADES if (rise, fall) == ("升级", "降级") else CHANGE


# the clerk's columns: kept across re-runs (keyed by org_code, else org_name)
LEDGER_CLERK = ("争星目标", "整改措施", "责任人", "时限", "进度", "销号日期")  # 000: 明确争星目标、具体措施、责任人、时限

CHANGES_CLERK = ("审批意见",)

CLERK_COLUMNS = {LEDGER: LEDGER_CLERK, CHANGES: CHANGES_CLERK, CHANGES_GRADES: CHANGES_CLERK}

YES, NO = "是", "否"


# the 双十星 summary's own sheets (beside 一览表, 统计, 问题清单, 设置, 规则, 原始数据)
MEMBERS = "党员星级"
RECTIFY_LIST = "整顿处置名单"
PRIVILEGE_LIST = "优先名单"
MEMBER_RULES = "党员规则"
STAR_DATA_SHEETS = (MEMBERS, RECTIFY_LIST, PRIVILEGE_LIST, MEMBER_RULES)
BRANCH, MEMBER_NAME, LIST_KIND, LIST_WHO = "所在党支部", "党员姓名", "类别", "党组织/党员"
# a row of these sheets is one member or one organisation: the columns that name it across runs
ROW_KEYS = {MEMBERS: (SET, BRANCH, MEMBER_NAME), RECTIFY_LIST: (LIST_KIND, SET, BRANCH, LIST_WHO),
            PRIVILEGE_LIST: (LIST_KIND, SET, BRANCH, LIST_WHO)}

