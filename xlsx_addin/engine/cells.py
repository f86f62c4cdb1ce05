"""The formula functions' logic on raw cell values (what each UDF returns), Excel-free.

Arguments arrive as xlwings passes them: floats, str, None, bool, and lists of lists for
ranges (``ndim=2``); Excel error values arrive as text ('#N/A', ``err_to_str=True``). A 1-D
list is read as one row for a table and as one column for a column argument (xlwings
without ``ndim=2``).

Nothing here computes a rule: the inputs mapping is built from the (name, value) tables and
handed to the engine (score_unit, survey, level_of, rectifies, the 规则 table parser).

Every public function returns a value for a cell and never raises:
- a refused input or rules table → ``错误:…`` (the engine's Chinese message);
- a blank required input → ``待填写``;
- anything unexpected → ``错误:计算失败(…)``, never a traceback.
Column functions return N×1 lists of lists and answer every row on its own.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Hashable, Mapping

from xlsx_addin.engine.cell_args import (
    ERROR,
    INFO_LABEL,
    LIST_SEP,
    PENDING,
    REASON_SEP,
    RULES_ORIGIN,
    SURVEY_LABEL,
    cell_function,
    as_column,
    column_cell,
    per_row,
    base_name,
    frozen_value,
    row_count,
    cell_message,
    plain_value,
    as_rows,
    rules_cache_key,
    as_scalar,
    scheme_from_key,
    as_name_table,
    scheme_for,
    version_problem,
)  # noqa: F401 - the functions' shared arguments and answers, part of this module's API
from xlsx_addin.model.errors import InputError, SchemeError
from xlsx_addin.engine.inputs import ballots, is_blank, normalise_survey, to_count, to_level, to_number
from xlsx_addin.contracts.names import INPUTS
from xlsx_addin.engine.scheme.loader import BUILTIN, DEFAULT_SCHEME, load_scheme
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.overrides import rows_to_table
from xlsx_addin.engine.scoring import UnitResult, level_of, passed_items, rectifies, score_unit
from xlsx_addin.engine.survey import SurveyResult, survey, tally
from xlsx_addin.engine.survey import participation as participation_rate

YES, NO = "是", "否"


# --- one unit ------------------------------------------------------------------------------
def unit_inputs(item_scores: Any, item_scores_reviewed: Any, info: Any, survey_table: Any) -> dict[str, Any]:
    """The inputs mapping of the names contract from the unit functions' four arguments."""
    inputs: dict[str, Any] = {"item_scores": item_scores, "item_scores_reviewed": item_scores_reviewed}
    for what, table in ((INFO_LABEL, as_name_table(info, INFO_LABEL)), (SURVEY_LABEL, as_name_table(survey_table, SURVEY_LABEL))):
        for name, value in table.items():
            if name in inputs:
                raise InputError(f"{what}中的名称 {name} 与其他区域重复", name=name)
            inputs[name] = value
    return inputs


@functools.lru_cache(maxsize=256)
def _score_cached(rules_key: tuple, items: Hashable, reviewed: Hashable, info: Hashable, survey_t: Hashable):
    scheme, problem = scheme_from_key(rules_key)
    if scheme is None:
        raise SchemeError(problem)
    return score_unit(scheme, unit_inputs(items, reviewed, info, survey_t))


def unit_result(item_scores: Any, item_scores_reviewed: Any, info: Any, survey_table: Any,
                rules: Any = None) -> UnitResult:
    """score_unit on the cells; raises the engine's errors. Cached: a workbook asks ~10 times per change."""
    return _score_cached(rules_cache_key(rules), frozen_value(item_scores), frozen_value(item_scores_reviewed), frozen_value(info),
                         frozen_value(survey_table))


@cell_function
def base(item_scores, item_scores_reviewed, info, survey_table, rules=None):
    return unit_result(item_scores, item_scores_reviewed, info, survey_table, rules).base_score


@cell_function
def bonus(item_scores, item_scores_reviewed, info, survey_table, rules=None):
    return unit_result(item_scores, item_scores_reviewed, info, survey_table, rules).bonus


@cell_function
def penalty(item_scores, item_scores_reviewed, info, survey_table, rules=None):
    return unit_result(item_scores, item_scores_reviewed, info, survey_table, rules).penalty


@cell_function
def final(item_scores, item_scores_reviewed, info, survey_table, rules=None):
    return unit_result(item_scores, item_scores_reviewed, info, survey_table, rules).final_score


@cell_function
def level(item_scores, item_scores_reviewed, info, survey_table, rules=None):
    return unit_result(item_scores, item_scores_reviewed, info, survey_table, rules).level_name


@cell_function
def reasons(item_scores, item_scores_reviewed, info, survey_table, rules=None):
    return REASON_SEP.join(unit_result(item_scores, item_scores_reviewed, info, survey_table, rules).reasons)


@cell_function
def rectify(item_scores, item_scores_reviewed, info, survey_table, rules=None):
    return YES if unit_result(item_scores, item_scores_reviewed, info, survey_table, rules).rectify else NO


def _star_scheme(rules: Any) -> Scheme:
    scheme = scheme_for(rules)
    if scheme.item_pass_share is None:
        raise InputError(f"“{scheme.name}”不按{scheme.item_term}达标得星,本函数仅用于十星级等得星方案")
    return scheme


@cell_function
def stars(item_scores, item_scores_reviewed, info, survey_table, rules=None):
    scheme = _star_scheme(rules)
    r = unit_result(item_scores, item_scores_reviewed, info, survey_table, rules)
    names = [scheme.items[i].label for i in passed_items(scheme, r.item_scores)]
    return LIST_SEP.join(names) if names else "无"


@cell_function
def star_count(item_scores, item_scores_reviewed, info, survey_table, rules=None):
    _star_scheme(rules)
    return unit_result(item_scores, item_scores_reviewed, info, survey_table, rules).items_passed


# --- survey --------------------------------------------------------------------------------
def _survey(scheme: Scheme, raw: Mapping[str, Any]) -> SurveyResult:
    return survey(scheme, normalise_survey(scheme, raw))


def _participation(scheme: Scheme, member_count: Any, members_present: Any) -> float | str:
    counts = {}
    for name, value in (("member_count", member_count), ("members_present", members_present)):
        counts[name] = None if is_blank(value) else to_count(name, value, scheme, INPUTS[name].minimum or 0)
    rate = participation_rate(counts["member_count"], counts["members_present"])
    return PENDING if rate is None else rate


def _satisfaction(scheme: Scheme, raw: Mapping[str, Any]) -> float | str:
    sv = _survey(scheme, raw)
    if sv.total.ballots == 0:
        return PENDING
    if sv.satisfaction_rate is None:  # every ballot invalid: the engine says so
        return sv.problem or PENDING
    return sv.satisfaction_rate


@cell_function
def participation(member_count, members_present, rules=None):
    return _participation(scheme_for(rules), as_scalar(member_count, "党员总数"), as_scalar(members_present, "参加测评党员人数"))


@cell_function
def satisfaction(survey_table, rules=None):
    return _satisfaction(scheme_for(rules), as_name_table(survey_table, SURVEY_LABEL))


@cell_function
def survey_note(survey_table, info, rules=None):
    scheme = scheme_for(rules)
    raw = unit_inputs(None, None, info, survey_table)
    sv = _survey(scheme, raw)
    if sv.total.ballots == 0:
        return PENDING
    return sv.problem or sv.caveat or ""


# --- a score or a level alone, and the column forms ----------------------------------------
def _score_label(scheme: Scheme) -> str:
    return f"{scheme.item_term}达标数" if scheme.level_rule == "items_passed" else "综合得分"


def _level_text(scheme: Scheme, value: Any) -> str:
    if is_blank(value):
        return PENDING
    return scheme.level_name(level_of(scheme, to_number(_score_label(scheme), value, scheme)))


def _rectify_text(scheme: Scheme, value: Any) -> str:
    if is_blank(value):
        return PENDING
    return YES if rectifies(scheme, to_level(scheme.level_term, value, scheme)) else NO


@cell_function
def level_of_score(score, rules=None):
    scheme = scheme_for(rules)
    return _level_text(scheme, as_scalar(score, _score_label(scheme)))


@column_cell
def levels(score_column, rules=None):
    scheme = scheme_for(rules)
    return per_row(_level_text, as_column(score_column, "得分区域"), scheme)


@column_cell
def rectify_column(level_column, rules=None):
    scheme = scheme_for(rules)
    return per_row(_rectify_text, as_column(level_column, f"{scheme.level_term}区域"), scheme)


def _votes_row(scheme: Scheme, row: list) -> float | str:
    if all(is_blank(c) for c in row):
        return PENDING
    raw = dict(zip(scheme.vote_inputs, row))
    # The column holds only ballots: the engine's ballot check and tally give what
    # survey() would (it adds only checks against people present, absent here).
    total = tally(scheme, ballots(scheme, raw)[0])
    rate = total.satisfaction_rate  # None when no ballot is valid
    if total.ballots and rate is not None:
        return rate
    return _satisfaction(scheme, raw)  # blank or all invalid: the engine's full path says which


def vote_columns(scheme: Scheme) -> list[str]:
    """The columns of a votes block, in order: the ballot options, then the invalid ballots."""
    return [o.label for o in scheme.survey.options] + [scheme.survey.invalid_label]


@column_cell
def satisfaction_column(votes_block, rules=None):
    scheme = scheme_for(rules)
    rows = as_rows(votes_block) or [[None] * len(scheme.vote_inputs)]
    want = len(scheme.vote_inputs)
    bad = {len(r) for r in rows} - {want}
    if bad:
        raise InputError(f"测评票数区域应为{want}列({LIST_SEP.join(vote_columns(scheme))}),现为{max(bad)}列")
    return per_row(_votes_row, rows, scheme)


def _participation_row(scheme: Scheme, pair: tuple) -> float | str:
    member_count, members_present = pair
    if is_blank(member_count) or is_blank(members_present):
        return PENDING
    return _participation(scheme, member_count, members_present)


@column_cell
def participation_column(member_count_column, members_present_column):
    counts = as_column(member_count_column, "党员总数区域")
    present = as_column(members_present_column, "参加测评党员人数区域")
    if len(counts) != len(present):
        raise InputError(f"党员总数区域({len(counts)}行)与参加测评党员人数区域({len(present)}行)行数不同")
    return per_row(_participation_row, zip(counts, present), load_scheme(DEFAULT_SCHEME))


# --- result blocks: one call answers a whole block of the form ------------------------------
# Each element is the single function of the same key (XJ_RESULT's "level" is XJ_LEVEL), so a
# block and the single cells can never disagree; the engine runs once (unit_result is cached).
UNIT_RESULT_KEYS = ("base", "bonus", "penalty", "final", "level", "reasons", "rectify")
STAR_RESULT_KEYS = ("stars", "star_count")
SURVEY_RESULT_KEYS = ("participation", "satisfaction", "survey_note")


def result_keys(scheme: Scheme) -> tuple[str, ...]:
    """The rows XJ_RESULT returns, top to bottom: the unit keys, then for star schemes the stars."""
    return UNIT_RESULT_KEYS + (STAR_RESULT_KEYS if scheme.item_pass_share is not None else ())


def _block_scheme(rules: Any) -> Scheme:
    """The scheme that sizes a block; a refused 规则 table still names its base scheme when it can."""
    try:
        return scheme_for(rules)
    except Exception:
        pass
    try:
        name = base_name(rows_to_table(rules_cache_key(rules), RULES_ORIGIN))
        return load_scheme(name if name in BUILTIN else DEFAULT_SCHEME)
    except Exception:
        return load_scheme(DEFAULT_SCHEME)


def unit_block(item_scores, item_scores_reviewed, info, survey_table, rules=None) -> list[list]:
    """XJ_RESULT: one column, the values of result_keys(scheme) in order."""
    keys = result_keys(_block_scheme(rules))
    return [[_UNIT_BY_KEY[k](item_scores, item_scores_reviewed, info, survey_table, rules)] for k in keys]


@cell_function
def _participation_of_tables(survey_table, info, rules=None):
    raw = unit_inputs(None, None, info, survey_table)
    return participation(raw.get("member_count"), raw.get("members_present"), rules)


def survey_block(survey_table, info, rules=None) -> list[list]:
    """XJ_SURVEY: one column, participation (member_count and members_present read from the
    tables), satisfaction and the survey note, as XJ_PARTICIPATION, XJ_SATISFACTION, XJ_SURVEY_NOTE."""
    return [[_participation_of_tables(survey_table, info, rules)], [satisfaction(survey_table, rules)],
            [survey_note(survey_table, info, rules)]]


_UNIT_BY_KEY: dict[str, Callable] = {
    "base": base, "bonus": bonus, "penalty": penalty, "final": final, "level": level, "reasons": reasons,
    "rectify": rectify, "stars": stars, "star_count": star_count,
}


# --- by formula name -----------------------------------------------------------------------
# Each UDF's logic under its formula name: XJ_BASE → cells.xj_base (templates/results.py looks
# functions up this way to give the formula cells their cached values).
UDF_FUNCTIONS: dict[str, Callable] = {
    "XJ_BASE": base, "XJ_BONUS": bonus, "XJ_PENALTY": penalty, "XJ_FINAL": final, "XJ_LEVEL": level,
    "XJ_REASONS": reasons, "XJ_RECTIFY": rectify, "XJ_STARS": stars, "XJ_STAR_COUNT": star_count,
    "XJ_PARTICIPATION": participation, "XJ_SATISFACTION": satisfaction, "XJ_SURVEY_NOTE": survey_note,
    "XJ_LEVEL_OF": level_of_score, "XJ_LEVELS": levels, "XJ_RECTIFY_COL": rectify_column,
    "XJ_SATISFACTION_COL": satisfaction_column, "XJ_PARTICIPATION_COL": participation_column,
    "XJ_RESULT": unit_block, "XJ_SURVEY": survey_block,
}
xj_base, xj_bonus, xj_penalty, xj_final, xj_level = base, bonus, penalty, final, level
xj_reasons, xj_rectify, xj_stars, xj_star_count = reasons, rectify, stars, star_count
xj_participation, xj_satisfaction, xj_survey_note = participation, satisfaction, survey_note
xj_level_of, xj_levels, xj_rectify_col = level_of_score, levels, rectify_column
xj_satisfaction_col, xj_participation_col = satisfaction_column, participation_column
xj_result, xj_survey = unit_block, survey_block


def clear_caches() -> None:
    scheme_from_key.cache_clear()
    _score_cached.cache_clear()
