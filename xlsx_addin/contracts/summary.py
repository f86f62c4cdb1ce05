"""The rating summary's sheet and column titles: the words its writer, its readers and the ledgers share."""
from __future__ import annotations

from xlsx_addin.contracts.review_sheet import RECHECK, RECHECK_CLERK, REVIEW, REVIEW_CLERK_TEXT


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
# 原始数据's rows: 1 the marker and a note; 2 the column keys (what the readers read; hidden); 3 the same columns in
# Chinese; the data from row 4. A summary written before the Chinese row has the keys in row 2, data from row 3.
# The Chinese title of a column is the names contract's label (an input; 自评得分3 for item_scores.3), else
# RAW_LABELS' (a new column names its title here), else its key. The sheet is hidden: it is not for print.
RAW_LABELS = {"source_file": "来源文件", "subject": "对象(党组织/党员)"}

DATA_SHEETS = (OVERVIEW, STATS, LEDGER, CHANGES, PUBLICITY, PROBLEMS)

RECORD = "汇总记录"  # hidden: the program's record of what it wrote (row digests per sheet, and the folder it read)
RECORD_FOLDER = "单位填报表文件夹"  # the record's row naming the folder summarised: absolute, and relative to the summary

REPORTED = "上报情况"  # who handed in and who did not, per rating set: only when the run had a roster (jobs/consolidate/roster.py)
NOT_REPORTED = "未上报"  # its word in 问题清单 and in the sheet


# --- verbatim headers ----------------------------------------------------------------------
NAME = "党组织名称"

CODE = "党组织代码"

SET = "评定组"

PARENT = "上级党组织"

RECTIFY = "整改标记"

SOURCE = "来源文件"

PREVIOUS = "上年度"

CHANGE = "晋星/减星"

RUN_DATE = "汇总日期"  # 设置's 上次汇总结果: the day of the run (the 星级管理台账 takes the rating's year from it)
CHANGE_GRADES = "升级/降级"


def changes_sheet(rise: str, fall: str) -> str:
    """The sheet of the levels that rose or fell, in a scheme's own words (Scheme.change_words)."""
    return CHANGES_GRADES if (rise, fall) == ("升级", "降级") else CHANGES


def change_header(rise: str, fall: str) -> str:
    return CHANGE_GRADES if (rise, fall) == ("升级", "降级") else CHANGE


# the clerk's columns: kept across re-runs (keyed by org_code, else org_name)
LEDGER_CLERK = ("争星目标", "整改措施", "责任人", "时限", "进度", "销号日期")  # 000: 明确争星目标、具体措施、责任人、时限

CHANGES_CLERK = ("审批意见",)

CLERK_COLUMNS = {LEDGER: LEDGER_CLERK, CHANGES: CHANGES_CLERK, CHANGES_GRADES: CHANGES_CLERK, REVIEW: REVIEW_CLERK_TEXT,
                 RECHECK: RECHECK_CLERK}

# the upper level's sheets (item-scored schemes, contracts/review_sheet.py): rows keyed by unit
UPPER_SHEETS = (REVIEW, RECHECK)

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

