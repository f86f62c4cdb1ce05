"""The rating summary's sheet and column titles: the words its writer, its readers and the ledgers share."""
from __future__ import annotations


# --- sheet names ---------------------------------------------------------------------------
OVERVIEW = "一览表"

STATS = "统计"

LEDGER = "整改台账"

CHANGES = "晋星减星"

PUBLICITY = "公示名单"

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


# the clerk's columns: kept across re-runs (keyed by org_code, else org_name)
LEDGER_CLERK = ("整改措施", "责任人", "时限", "进度", "销号日期")

CHANGES_CLERK = ("审批意见",)

CLERK_COLUMNS = {LEDGER: LEDGER_CLERK, CHANGES: CHANGES_CLERK}

YES, NO = "是", "否"
