"""星级评定 formula functions for Excel (xlwings UDFs). Names and argument order: docs/DESIGN.md.

Each function is one call into xlsx_addin.engine.cells, which does the work without Excel.
Ranges arrive as 2-D lists (ndim=2), Excel error values as text (err_to_str=True).
"""
from __future__ import annotations

import functools

import xlwings as xw

from xlsx_addin.engine import cells
from xlsx_addin.engine.double_ten import cells as star_cells
from xlsx_addin.model.versions import XLWINGS_VERSION

CATEGORY = "星级评定"

__all__ = [
    "XJ_BASE", "XJ_BONUS", "XJ_PENALTY", "XJ_FINAL", "XJ_LEVEL", "XJ_REASONS", "XJ_RECTIFY",
    "XJ_STARS", "XJ_STAR_COUNT", "XJ_PARTICIPATION", "XJ_SATISFACTION", "XJ_SURVEY_NOTE",
    "XJ_LEVEL_OF", "XJ_LEVELS", "XJ_RECTIFY_COL", "XJ_SATISFACTION_COL", "XJ_PARTICIPATION_COL",
    "XJ_RESULT", "XJ_SURVEY", "XJ_STAR_RESULT", "XJ_STAR_TABLE", "XJ_MEMBER_STARS",
]

# Argument descriptions shown by Excel's function wizard (at most 255 characters each).
ITEM_SCORES = "自评得分区域(名称 item_scores):每项一格,按项目顺序;十星级也可逐细项填写"
ITEM_SCORES_REVIEWED = "上级审核得分区域(名称 item_scores_reviewed):与自评得分同形状;全部填写时按审核得分计算,可留空"
INFO = "基本信息区域:两列(名称、值),如 org_name、member_count、honor_level、absences 等;名称为空的行跳过"
SURVEY = "测评汇总区域:两列(名称、值),如 members_present、masses_present、votes_satisfied、votes_invalid 等"
RULES = "可选:本工作簿的规则表区域(参数、key、值、说明),其中 scheme 行指明评定方案;省略时按默认方案 five_star"


def _pinned(fn):
    """Answer 错误:… naming both versions when the running xlwings is not the pinned one: the
    workbook's VBA runtime and wrappers were generated from the pinned version."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return cells.version_problem("xlwings", xw.__version__, XLWINGS_VERSION) or fn(*args, **kwargs)

    return wrapper


def _unit_args(f):
    """The five arguments every unit function shares, in the contract's order."""
    f = xw.arg("item_scores", ndim=2, err_to_str=True, doc=ITEM_SCORES)(f)
    f = xw.arg("item_scores_reviewed", ndim=2, err_to_str=True, doc=ITEM_SCORES_REVIEWED)(f)
    f = xw.arg("info", ndim=2, err_to_str=True, doc=INFO)(f)
    f = xw.arg("survey", ndim=2, err_to_str=True, doc=SURVEY)(f)
    f = xw.arg("rules", ndim=2, err_to_str=True, doc=RULES)(f)
    return f


def _survey_args(f):
    """The arguments of the survey functions that read both tables: survey, info, [rules]."""
    f = xw.arg("survey", ndim=2, err_to_str=True, doc=SURVEY)(f)
    f = xw.arg("info", ndim=2, err_to_str=True, doc=INFO)(f)
    f = xw.arg("rules", ndim=2, err_to_str=True, doc=RULES)(f)
    return f


# --- one unit ------------------------------------------------------------------------------
@xw.func(category=CATEGORY)
@_unit_args
@_pinned
def XJ_BASE(item_scores, item_scores_reviewed, info, survey, rules=None):
    """基础得分:各项得分之和(上级审核得分填全时按审核得分)。"""
    return cells.base(item_scores, item_scores_reviewed, info, survey, rules)


@xw.func(category=CATEGORY)
@_unit_args
@_pinned
def XJ_BONUS(item_scores, item_scores_reviewed, info, survey, rules=None):
    """加分合计(表彰、创新推广等)。"""
    return cells.bonus(item_scores, item_scores_reviewed, info, survey, rules)


@xw.func(category=CATEGORY)
@_unit_args
@_pinned
def XJ_PENALTY(item_scores, item_scores_reviewed, info, survey, rules=None):
    """扣分合计(正数,通报批评、处分、满意率低等)。"""
    return cells.penalty(item_scores, item_scores_reviewed, info, survey, rules)


@xw.func(category=CATEGORY)
@_unit_args
@_pinned
def XJ_FINAL(item_scores, item_scores_reviewed, info, survey, rules=None):
    """综合得分 = 基础得分 + 加分 - 扣分。"""
    return cells.final(item_scores, item_scores_reviewed, info, survey, rules)


@xw.func(category=CATEGORY)
@_unit_args
@_pinned
def XJ_LEVEL(item_scores, item_scores_reviewed, info, survey, rules=None):
    """评定星级(等次):按分数段定级后再执行否决、封顶、降级规则(未含上级配额调整)。"""
    return cells.level(item_scores, item_scores_reviewed, info, survey, rules)


@xw.func(category=CATEGORY)
@_unit_args
@_pinned
def XJ_REASONS(item_scores, item_scores_reviewed, info, survey, rules=None):
    """改变评定结果的每一条规则说明,以“；”分隔。"""
    return cells.reasons(item_scores, item_scores_reviewed, info, survey, rules)


@xw.func(category=CATEGORY)
@_unit_args
@_pinned
def XJ_RECTIFY(item_scores, item_scores_reviewed, info, survey, rules=None):
    """是否列入整改(集中整顿):“是”或“否”。"""
    return cells.rectify(item_scores, item_scores_reviewed, info, survey, rules)


@xw.func(category=CATEGORY)
@_unit_args
@_pinned
def XJ_STARS(item_scores, item_scores_reviewed, info, survey, rules=None):
    """十星级:已得的星(得分达到该星分值规定比例),以“、”分隔。"""
    return cells.stars(item_scores, item_scores_reviewed, info, survey, rules)


@xw.func(category=CATEGORY)
@_unit_args
@_pinned
def XJ_STAR_COUNT(item_scores, item_scores_reviewed, info, survey, rules=None):
    """十星级:得星数。"""
    return cells.star_count(item_scores, item_scores_reviewed, info, survey, rules)


# --- survey --------------------------------------------------------------------------------
@xw.func(category=CATEGORY)
@xw.arg("member_count", err_to_str=True, doc="党员总数(单个单元格)")
@xw.arg("members_present", err_to_str=True, doc="参加测评党员人数(单个单元格)")
@xw.arg("rules", ndim=2, err_to_str=True, doc=RULES)
@_pinned
def XJ_PARTICIPATION(member_count, members_present, rules=None):
    """测评参与率 = 参加测评党员人数 ÷ 党员总数(小数,请设置为百分比格式)。"""
    return cells.participation(member_count, members_present, rules)


@xw.func(category=CATEGORY)
@xw.arg("survey", ndim=2, err_to_str=True, doc=SURVEY)
@xw.arg("rules", ndim=2, err_to_str=True, doc=RULES)
@_pinned
def XJ_SATISFACTION(survey, rules=None):
    """满意率 = (满意 + 基本满意) ÷ 有效票(小数,请设置为百分比格式)。"""
    return cells.satisfaction(survey, rules)


@xw.func(category=CATEGORY)
@_survey_args
@_pinned
def XJ_SURVEY_NOTE(survey, info, rules=None):
    """测评说明:测评无效或无法计算满意率的原因;测评有效时为空。"""
    return cells.survey_note(survey, info, rules)


# --- a score or a level alone --------------------------------------------------------------
@xw.func(category=CATEGORY)
@xw.arg("score", err_to_str=True, doc="综合得分(单个单元格);十星级方案为得星数")
@xw.arg("rules", ndim=2, err_to_str=True, doc=RULES)
@_pinned
def XJ_LEVEL_OF(score, rules=None):
    """按分数段得出的星级(等次),不含否决、封顶和配额调整。"""
    return cells.level_of_score(score, rules)


# --- column forms: one call per column -----------------------------------------------------
@xw.func(category=CATEGORY)
@xw.arg("score_column", ndim=2, err_to_str=True, doc="综合得分列(一列,每行一个单位);十星级方案为得星数列")
@xw.arg("rules", ndim=2, err_to_str=True, doc=RULES)
@_pinned
def XJ_LEVELS(score_column, rules=None):
    """整列得分对应的星级(等次),返回同样行数的一列。"""
    return cells.levels(score_column, rules)


@xw.func(category=CATEGORY)
@xw.arg("level_column", ndim=2, err_to_str=True, doc="星级(等次)名称列(一列,每行一个单位)")
@xw.arg("rules", ndim=2, err_to_str=True, doc=RULES)
@_pinned
def XJ_RECTIFY_COL(level_column, rules=None):
    """整列星级(等次)是否列入整改:“是”或“否”,返回同样行数的一列。"""
    return cells.rectify_column(level_column, rules)


@xw.func(category=CATEGORY)
@xw.arg("votes_block", ndim=2, err_to_str=True,
        doc="测评票数区域:每行一个单位,各列依次为各选项票数和无效票(五星级:满意、基本满意、不满意、无效票)")
@xw.arg("rules", ndim=2, err_to_str=True, doc=RULES)
@_pinned
def XJ_SATISFACTION_COL(votes_block, rules=None):
    """整块票数对应的满意率(小数),返回同样行数的一列。"""
    return cells.satisfaction_column(votes_block, rules)


@xw.func(category=CATEGORY)
@xw.arg("member_count_column", ndim=2, err_to_str=True, doc="党员总数列(一列,每行一个单位)")
@xw.arg("members_present_column", ndim=2, err_to_str=True, doc="参加测评党员人数列(与党员总数列同样行数)")
@_pinned
def XJ_PARTICIPATION_COL(member_count_column, members_present_column):
    """整列测评参与率(小数),返回同样行数的一列。"""
    return cells.participation_column(member_count_column, members_present_column)


# --- result blocks: one call fills a block (xlwings: one array call instead of many) -------
@xw.func(category=CATEGORY)
@_unit_args
@_pinned
def XJ_RESULT(item_scores, item_scores_reviewed, info, survey, rules=None):
    """本单位评定结果一列(自上而下):基础得分、加分、扣分、综合得分、星级(等次)、原因、是否整改;十星级方案再加已得的星、得星数。"""
    return cells.unit_block(item_scores, item_scores_reviewed, info, survey, rules)


@xw.func(category=CATEGORY)
@_survey_args
@_pinned
def XJ_SURVEY(survey, info, rules=None):
    """民主测评结果一列(自上而下):测评参与率、满意率(小数)、测评说明。"""
    return cells.survey_block(survey, info, rules)


# --- 双十星 (评星表): the organisation's and the members' result blocks --------------------------
STAR_INFO = "党组织信息区域:两列(名称、值),如 org_name、org_type、member_count、masses_present、target_rank_bottom"
STAR_RULES = "本工作簿的规则表区域(参数、key、值、说明),其中 scheme 行指明评定方案(double_ten_star 或 double_ten_star_member)"


def _star_args(f):
    """The organisation's arguments: info, the four star columns, rules."""
    f = xw.arg("info", ndim=2, err_to_str=True, doc=STAR_INFO)(f)
    f = xw.arg("star_names", ndim=2, err_to_str=True, doc="星目名称列(名称 star_names,10格;共性星可留空)")(f)
    f = xw.arg("star_votes_for", ndim=2, err_to_str=True, doc="各星赞成票数列(名称 star_votes_for,10格)")(f)
    f = xw.arg("star_votes_valid", ndim=2, err_to_str=True, doc="各星有效票数列(名称 star_votes_valid,10格)")(f)
    f = xw.arg("star_records", ndim=2, err_to_str=True, doc="各星日常管理记录列(名称 star_records,是/否/空)")(f)
    f = xw.arg("rules", ndim=2, err_to_str=True, doc=STAR_RULES)(f)
    return f


@xw.func(category=CATEGORY)
@_star_args
@_pinned
def XJ_STAR_RESULT(info, star_names, star_votes_for, star_votes_valid, star_records, rules=None):
    """双十星党组织评定结果一列(自上而下):得星数、星级、已得星目、是否整顿、是否优先、说明。"""
    return star_cells.xj_star_result(info, star_names, star_votes_for, star_votes_valid, star_records, rules)


@xw.func(category=CATEGORY)
@_star_args
@_pinned
def XJ_STAR_TABLE(info, star_names, star_votes_for, star_votes_valid, star_records, rules=None):
    """双十星党组织每颗星一行:采用的星目、得票率、是否得星、未得星说明。"""
    return star_cells.xj_star_table(info, star_names, star_votes_for, star_votes_valid, star_records, rules)


@xw.func(category=CATEGORY)
@xw.arg("members", ndim=2, err_to_str=True,
        doc="党员评星表的填写列(每名党员一行:姓名、类别、10颗星赞成票、有效票数、10颗星日常管理记录)")
@xw.arg("member_star_names", ndim=2, err_to_str=True, doc="本支部党员个性星名称(名称 member_star_names,4格)")
@xw.arg("info", ndim=2, err_to_str=True, doc=STAR_INFO)
@xw.arg("rules", ndim=2, err_to_str=True, doc=STAR_RULES)
@_pinned
def XJ_MEMBER_STARS(members, member_star_names, info, rules=None):
    """双十星党员评定结果,每名党员一行:得星数、星级、处置/优先、已得星目、未得星说明。"""
    return star_cells.xj_member_stars(members, member_star_names, info, rules)
