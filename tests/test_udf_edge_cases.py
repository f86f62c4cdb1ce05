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

from xlsx_addin.engine import cells
from xlsx_addin import load_scheme

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


ALL_LEVELS = {lv.name for name in ("five_star", "four_grade", "six_good", "ten_star") for lv in load_scheme(name).levels}
STAR_NAMES = {item.label for item in load_scheme("ten_star").items}
SURVEY_NOTE = re.compile(r"^测评票\d+张全部无效,无法计算满意率$|^测评参与率.+低于.+测评无效|^未填写党员总数或参加测评党员人数")


def _error_text(v: str) -> None:
    assert "计算失败" not in v, f"an unexpected exception reached the catch-all: {v}"
    assert CJK.search(v[len("错误:"):]), v
    assert len(v) <= 600, f"message too long ({len(v)}): {v[:200]}…"
    assert "Traceback" not in v


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def ok_value(v, kind: str) -> None:
    """A value the formula cell of this kind may show: its own kind of answer, 待填写 for a blank
    required input, or an 错误:… text in Chinese (never another function's kind of answer)."""
    if isinstance(v, str) and v == "待填写":
        return
    if isinstance(v, str) and v.startswith("错误:"):
        _error_text(v)
        return
    assert not isinstance(v, bool), f"bool {v!r} reached a cell"
    if kind == "number":  # a score, bonus, penalty, count
        assert _number(v), f"{kind}: {v!r}"
    elif kind == "rate":  # participation / satisfaction, or the engine's note that none can be computed
        assert (_number(v) and 0 <= v <= 1) or (isinstance(v, str) and SURVEY_NOTE.search(v)), f"{kind}: {v!r}"
    elif kind == "level":
        assert v in ALL_LEVELS, f"{kind}: {v!r}"
    elif kind == "yesno":
        assert v in ("是", "否"), f"{kind}: {v!r}"
    elif kind == "stars":
        assert v == "无" or (isinstance(v, str) and set(v.split("、")) <= STAR_NAMES), f"{kind}: {v!r}"
    elif kind == "reasons":  # empty, or sentences in Chinese; never a level, a yes/no or a number
        assert isinstance(v, str), f"{kind}: {v!r}"
        assert v == "" or all(CJK.search(part) for part in v.split("；")), f"{kind}: {v!r}"
        assert v not in ALL_LEVELS and v not in ("是", "否", "无"), f"{kind}: {v!r}"
    elif kind == "note":  # the survey's problem or caveat, or nothing
        assert v == "" or (isinstance(v, str) and SURVEY_NOTE.search(v)), f"{kind}: {v!r}"
    else:
        raise AssertionError(f"unknown kind {kind}")


def ok_column(v, kind: str, height: int | None = None) -> None:
    assert isinstance(v, list) and v, v
    if len(v) == 1 and isinstance(v[0], list) and len(v[0]) == 1 and isinstance(v[0][0], str) \
            and v[0][0].startswith("错误:"):  # a whole-range error is one cell
        _error_text(v[0][0])
        return
    for row in v:
        assert isinstance(row, list) and len(row) == 1, v
        ok_value(row[0], kind)
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


UNIT_FUNCTIONS = [(cells.base, "number"), (cells.bonus, "number"), (cells.penalty, "number"), (cells.final, "number"),
                  (cells.level, "level"), (cells.reasons, "reasons"), (cells.rectify, "yesno"), (cells.stars, "stars"),
                  (cells.star_count, "number")]


def test_good_unit_baseline():
    items, reviewed, info, survey = good_unit()
    assert cells.final(items, reviewed, info, survey) == 92
    assert cells.level(items, reviewed, info, survey) == "五星级"


@pytest.mark.parametrize("value", SCALARS + NON_FINITE, ids=lambda v: repr(v)[:24])
def test_scalar_functions(value):
    ok_value(cells.level_of_score(value), "level")
    ok_value(cells.participation(value, 20.0), "rate")
    ok_value(cells.participation(30.0, value), "rate")
    ok_value(cells.participation(value, value), "rate")
    ok_value(cells.satisfaction([["votes_satisfied", value], ["votes_basic", 1.0]]), "rate")
    ok_value(cells.satisfaction(value), "rate")
    ok_value(cells.survey_note(value, value), "note")
    ok_column(cells.levels([[value], [85.0]]), "level", 2)
    assert cells.levels([[value], [85.0]])[1] == ["四星级"]  # the good row beside it keeps its answer
    ok_column(cells.rectify_column([[value], ["一星级"]]), "yesno", 2)
    ok_column(cells.satisfaction_column([[value, 1.0, 1.0, 0.0]]), "rate", 1)
    ok_column(cells.participation_column([[value]], [[3.0]]), "rate", 1)


@pytest.mark.parametrize(("value", "final", "said"), [
    ("abc", None, "“abc”不是数字"), ("#N/A", None, "#N/A"), (-1, None, "-1不能为负数"), (11.0, None, "11超过标准分值10"),
    (True, None, "不是数字"), (None, "待填写", None), (float("nan"), "待填写", None),
    ("8.5", 90.5, None), ("８", 90.0, None), (0, 82.0, None),  # the baseline 92 with item 5 (10) replaced
])
def test_one_item_score_is_counted_or_named(value, final, said):
    items, reviewed, info, survey = good_unit()
    items[4] = [value]
    got = cells.final(items, reviewed, info, survey)
    if said is None:
        assert got == final
    else:
        assert got.startswith("错误:") and "第5项" in got and said in got, got
        assert cells.level(items, reviewed, info, survey) == got  # every result cell says the same


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
        for fn, kind in UNIT_FUNCTIONS:
            ok_value(fn(*args), kind)
            ok_value(fn(*args, value), kind)  # the rules argument itself odd
    ok_value(cells.level_of_score(85.0, value), "level")
    ok_column(cells.levels([[85.0]], value), "level")


@pytest.mark.parametrize("shape", SHAPES, ids=lambda v: repr(v)[:24])
def test_wrong_shapes(shape):
    items, reviewed, info, survey = good_unit()
    for fn, kind in UNIT_FUNCTIONS:
        ok_value(fn(shape, reviewed, info, survey), kind)
        ok_value(fn(items, shape, info, survey), kind)
        ok_value(fn(items, reviewed, shape, survey), kind)
        ok_value(fn(items, reviewed, info, shape), kind)
        ok_value(fn(items, reviewed, info, survey, shape), kind)
    ok_value(cells.participation(shape, shape), "rate")
    ok_value(cells.satisfaction(shape), "rate")
    ok_value(cells.survey_note(shape, info), "note")
    ok_value(cells.level_of_score(shape), "level")
    for col, kind in ((cells.levels(shape), "level"), (cells.rectify_column(shape), "yesno"),
                      (cells.satisfaction_column(shape), "rate"), (cells.participation_column(shape, shape), "rate"),
                      (cells.participation_column([[30.0]], shape), "rate")):
        ok_column(col, kind)


def test_one_dimensional_lists_are_columns_or_rows():
    items, reviewed, info, survey = good_unit()
    flat = [r[0] for r in items]
    assert cells.final(flat, [None] * 10, info, survey) == cells.final(items, reviewed, info, survey)
    assert cells.levels([95.0, 85.0, 10.0]) == [["五星级"], ["四星级"], ["不定星级"]]
    # a one-row range of ten scores is not the ten-row column: answered, not raised
    ok_value(cells.final([flat], reviewed, info, survey), "number")


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
        for fn, kind in UNIT_FUNCTIONS:
            ok_value(fn(items, reviewed, info, survey, rules), kind)
        ok_value(cells.level_of_score(85.0, rules), "level")
        ok_column(cells.levels([[85.0], [None]], rules), "level", 2)


def test_huge_ranges_get_an_answer_per_row():
    big = [[float(i % 100)] for i in range(20000)]
    out = cells.levels(big)
    ok_column(out, "level", 20000)
    assert out[95] == ["五星级"] and out[85] == ["四星级"] and out[10] == ["不定星级"]  # row i holds i % 100
    out = cells.satisfaction_column([[1.0, 2.0, 3.0, 0.0]] * 5000)
    ok_column(out, "rate", 5000)
    assert out[0] == [pytest.approx(0.5)] and out[-1] == out[0]  # (1 satisfied + 2 basic) of 6 valid ballots
