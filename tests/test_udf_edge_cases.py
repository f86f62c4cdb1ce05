"""What a cell can hand the formula functions (xlsx_addin/cells.py): never an exception, never a traceback.

Every answer is a value for a cell: a finite number, a level/yes-no word, 待填写 for a blank
required input, or a short Chinese `错误:…` text. `错误:计算失败(…)` means an exception other
than the engine's own RatingError reached the catch-all: that is a bug, and fails here too.
"""
from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from xlsx_addin import cells, load_scheme

CJK = re.compile(r"[\u4e00-\u9fff]")
SCHEME = load_scheme("five_star")
LEVEL_NAMES = {lv.name for lv in SCHEME.levels}

MAX_DOUBLE = 1.7976931348623157e308

# What xlwings can deliver for one cell (err_to_str=True: error values as text) and a few Python extras.
SCALARS = [
    None, "", "   ", "abc", "十", "８５", "85%", "8５.5", "1,000", "- 3", "0x10", "1e3", "＋５", True, False,
    "#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA",
    0, 0.0, -0.0, -1, 1, 3.5, 10, 10.000000001, 1e-300, MAX_DOUBLE, -MAX_DOUBLE, 2**63, 10**20,
    float("nan"), dt.datetime(2026, 9, 10), dt.date(2026, 1, 1), "五星级", "是", "否", "=1+1", "\n", "\t8\t",
    "x" * 5000,
]
NON_FINITE = [float("inf"), float("-inf"), 10**400]  # a cell cannot hold these; Python callers can
SHAPES = [
    [], [[]], [[None]], [[None, None]], [None], [[1, 2], [3]], [[1], [2, 3]], [1, 2, 3], [[1], [2], [3]],
    [[1, 2, 3]], [[[1]]], [["a", "b"]], [("org_name", "x")], (("org_name", "x"),), [[1.0] * 40],
    [[1.0]] * 11, [[None]] * 10, [["#N/A"]] * 10,
]


def ok_value(v, *, allow_number=True) -> None:
    """A value a formula cell may show."""
    if v is None or v == "":
        return
    if isinstance(v, bool):
        raise AssertionError(f"bool {v!r} reached a cell")
    if isinstance(v, (int, float)):
        assert allow_number, v
        assert math.isfinite(v), f"non-finite number {v!r} reached a cell"
        return
    assert isinstance(v, str), f"{type(v).__name__} {v!r} reached a cell"
    if v in ("待填写", "是", "否", "无") or v in LEVEL_NAMES:
        return
    if v.startswith("错误:"):
        assert "计算失败" not in v, f"an unexpected exception reached the catch-all: {v}"
        assert CJK.search(v), v
        assert len(v) <= 600, f"message too long ({len(v)}): {v[:200]}…"
        assert "Traceback" not in v
        return
    assert CJK.search(v) or not v.strip(), f"unexpected text {v!r}"  # reasons, notes: Chinese


def ok_column(v, height: int | None = None) -> None:
    assert isinstance(v, list) and v, v
    for row in v:
        assert isinstance(row, list) and len(row) == 1, v
        ok_value(row[0])
    if height is not None:
        assert len(v) == height, (len(v), height)


def good_unit():
    items = [[9.0], [9.0], [8.0], [9.0], [10.0], [9.0], [9.0], [8.0], [9.0], [10.0]]
    reviewed = [[None]] * 10
    info = [["org_name", "城关镇第一村党支部"], ["org_code", "001"], ["member_count", 30.0],
            ["honor_level", "省级"], ["absences", 1.0], [None, None]]
    survey = [["members_present", 27.0], ["masses_present", 0.0], ["votes_satisfied", 20.0], ["votes_basic", 5.0],
              ["votes_unsatisfied", 2.0], ["votes_invalid", 0.0]]
    return items, reviewed, info, survey


UNIT_FUNCTIONS = [cells.base, cells.bonus, cells.penalty, cells.final, cells.level, cells.reasons, cells.rectify,
                  cells.stars, cells.star_count]


def test_good_unit_baseline():
    items, reviewed, info, survey = good_unit()
    assert cells.final(items, reviewed, info, survey) == 92
    assert cells.level(items, reviewed, info, survey) == "五星级"


@pytest.mark.parametrize("value", SCALARS + NON_FINITE, ids=lambda v: repr(v)[:24])
def test_scalar_functions(value):
    ok_value(cells.level_of_score(value))
    ok_value(cells.participation(value, 20.0))
    ok_value(cells.participation(30.0, value))
    ok_value(cells.participation(value, value))
    ok_value(cells.satisfaction([["votes_satisfied", value], ["votes_basic", 1.0]]))
    ok_value(cells.satisfaction(value))
    ok_value(cells.survey_note(value, value))
    ok_column(cells.levels([[value], [85.0]]), 2)
    ok_column(cells.rectify_column([[value], ["一星级"]]), 2)
    ok_column(cells.satisfaction_column([[value, 1.0, 1.0, 0.0]]), 1)
    ok_column(cells.participation_column([[value]], [[3.0]]), 1)


@pytest.mark.parametrize("value", SCALARS + NON_FINITE, ids=lambda v: repr(v)[:24])
def test_unit_functions_one_bad_cell(value):
    items, reviewed, info, survey = good_unit()
    variants = []
    for i in (0, 4, 9):  # an item score
        it = [list(r) for r in items]
        it[i][0] = value
        variants.append((it, reviewed, info, survey))
    for name in ("member_count", "org_name", "honor_level", "absences", "org_code"):
        inf = [r if r[0] != name else [name, value] for r in info]
        variants.append((items, reviewed, inf, survey))
    for name in ("members_present", "votes_satisfied", "votes_invalid"):
        sv = [r if r[0] != name else [name, value] for r in survey]
        variants.append((items, reviewed, info, sv))
    rv = [[value]] * 10
    variants.append((items, rv, info, survey))
    variants.append((items, reviewed, info + [[value, 1.0]], survey))  # an unknown name
    for args in variants:
        for fn in UNIT_FUNCTIONS:
            ok_value(fn(*args))
            ok_value(fn(*args, value))  # the rules argument itself odd
    ok_value(cells.level_of_score(85.0, value))
    ok_column(cells.levels([[85.0]], value))


@pytest.mark.parametrize("shape", SHAPES, ids=lambda v: repr(v)[:24])
def test_wrong_shapes(shape):
    items, reviewed, info, survey = good_unit()
    for fn in UNIT_FUNCTIONS:
        ok_value(fn(shape, reviewed, info, survey))
        ok_value(fn(items, shape, info, survey))
        ok_value(fn(items, reviewed, shape, survey))
        ok_value(fn(items, reviewed, info, shape))
        ok_value(fn(items, reviewed, info, survey, shape))
    ok_value(cells.participation(shape, shape))
    ok_value(cells.satisfaction(shape))
    ok_value(cells.survey_note(shape, info))
    ok_value(cells.level_of_score(shape))
    for col in (cells.levels(shape), cells.rectify_column(shape), cells.satisfaction_column(shape),
                cells.participation_column(shape, shape), cells.participation_column([[30.0]], shape)):
        ok_column(col)


def test_one_dimensional_lists_are_columns_or_rows():
    items, reviewed, info, survey = good_unit()
    flat = [r[0] for r in items]
    assert cells.final(flat, [None] * 10, info, survey) == cells.final(items, reviewed, info, survey)
    assert cells.levels([95.0, 85.0, 10.0]) == [["五星级"], ["四星级"], ["不定星级"]]
    # a one-row range of ten scores is not the ten-row column: answered, not raised
    ok_value(cells.final([flat], reviewed, info, survey))


def test_rules_range_edge_cases():
    items, reviewed, info, survey = good_unit()
    for rules in ([["参数", "key", "值", "说明"], ["评定方案", "scheme", "nine_star", ""]],
                  [["评定方案", "scheme", "four_grade", ""]],
                  [["五星级最低分", "levels.5.min_score", "abc", ""]],
                  [["五星级最低分", "levels.5.min_score", "#N/A", ""]],
                  [["五星级最低分", "levels.5.min_score", 200.0, ""]],
                  [["x", "no.such.key", 1.0, ""]],
                  [[None, None, None, None]] * 45,
                  [["评定方案", "scheme", "five_star"]]):
        for fn in UNIT_FUNCTIONS:
            ok_value(fn(items, reviewed, info, survey, rules))
        ok_value(cells.level_of_score(85.0, rules))
        ok_column(cells.levels([[85.0], [None]], rules), 2)


def test_huge_ranges_answer_quickly():
    big = [[float(i % 100)] for i in range(20000)]
    out = cells.levels(big)
    ok_column(out, 20000)
    out = cells.satisfaction_column([[1.0, 2.0, 3.0, 0.0]] * 5000)
    ok_column(out, 5000)
