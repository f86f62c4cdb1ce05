"""The result blocks XJ_RESULT and XJ_SURVEY: one call per block, every element equal to its single function."""
from __future__ import annotations

import inspect
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_cells import FOUR, STATES, cell_args, cells_values, rules_rows, ten_star_inputs, typical
from tests.test_engine_properties import unit_inputs

from xlsx_addin.engine import cells
from xlsx_addin import load_scheme, score_unit
from xlsx_addin.model.versions import XLWINGS_VERSION

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = ("five_star", "four_grade", "ten_star", "six_good")
SINGLE = {"base": cells.base, "bonus": cells.bonus, "penalty": cells.penalty, "final": cells.final,
          "level": cells.level, "reasons": cells.reasons, "rectify": cells.rectify, "stars": cells.stars,
          "star_count": cells.star_count}


def singles(scheme, args, rules):
    return [[SINGLE[k](*args, rules)] for k in cells.result_keys(scheme)]


def survey_singles(info_rows, survey_rows, rules, member_count, members_present):
    return [[cells.participation(member_count, members_present, rules)], [cells.satisfaction(survey_rows, rules)],
            [cells.survey_note(survey_rows, info_rows, rules)]]


def test_the_documented_order():
    assert cells.result_keys(load_scheme("five_star")) == (
        "base", "bonus", "penalty", "final", "level", "reasons", "rectify")
    assert cells.result_keys(load_scheme("ten_star")) == cells.UNIT_RESULT_KEYS + ("stars", "star_count")
    assert cells.SURVEY_RESULT_KEYS == ("participation", "satisfaction", "survey_note")
    # each key is the single function XJ_<KEY> (and the result_<key> name of the form)
    for key in cells.UNIT_RESULT_KEYS + cells.STAR_RESULT_KEYS + cells.SURVEY_RESULT_KEYS:
        assert "XJ_" + key.upper() in cells.UDF_FUNCTIONS, key


@pytest.mark.parametrize("state", sorted(STATES))
def test_five_star_block_is_the_single_functions(state):
    inputs = STATES[state]
    args = cell_args(inputs)
    block = cells.unit_block(*args)
    r = score_unit("five_star", inputs)
    assert block == singles(load_scheme("five_star"), args, None)
    assert [row[0] for row in block][:5] == [r.base_score, r.bonus, r.penalty, r.final_score, r.level_name]
    _, _, info, survey = args
    assert cells.survey_block(survey, info) == survey_singles(info, survey, None, inputs["member_count"],
                                                             inputs["members_present"])


def test_ten_star_block_adds_the_stars():
    scheme = load_scheme("ten_star")
    rules = rules_rows(scheme)
    args = cell_args(ten_star_inputs([10.0, 8.0, 7.9, 9.0, 10.0, 6.0, 8.0, 8.0, 10.0, 2.0]))
    block = cells.unit_block(*args, rules)
    assert len(block) == 9 and block == singles(scheme, args, rules)
    assert block[-1] == [cells.star_count(*args, rules)] and "、" in block[-2][0]


def test_four_grade_block_with_its_rules():
    scheme = load_scheme("four_grade")
    rules = rules_rows(scheme)
    args = cell_args(FOUR)
    assert cells.unit_block(*args, rules) == singles(scheme, args, rules)
    assert cells.unit_block(*args, rules)[4] == ["好"]


def test_blocks_answer_pending_and_errors_per_element():
    blank = cell_args({"item_scores": [None] * 10})
    assert cells.unit_block(*blank) == [[cells.PENDING]] * 7
    bad = cell_args(typical(member_count="二十"))
    block = cells.unit_block(*bad)
    assert len(block) == 7 and all(row[0].startswith("错误:") and "党员总数" in row[0] for row in block)
    _, _, info, survey = bad
    sv = cells.survey_block(survey, info)
    assert sv[0][0].startswith("错误:") and sv == survey_singles(info, survey, None, "二十", 18.0)
    assert cells.survey_block(None, None) == [[cells.PENDING]] * 3


def test_refused_rules_fill_the_block_of_the_scheme_it_names():
    scheme = load_scheme("ten_star")
    rules = rules_rows(scheme, **{"items.1.points": "很多"})
    args = cell_args(ten_star_inputs([10.0] * 10))
    block = cells.unit_block(*args, rules)
    assert len(block) == 9 and all(row[0].startswith("错误:") for row in block)
    assert block == singles(scheme, args, rules)
    unknown = cells.unit_block(*args, [["scheme", "no_such"]])
    assert len(unknown) == 7 and all("no_such" in row[0] for row in unknown)


@pytest.mark.parametrize("name", SCHEMES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_units_equal_the_single_functions(name, data):
    scheme = load_scheme(name)
    inputs = data.draw(unit_inputs(name, 1))
    if data.draw(st.booleans()):  # half the units have a reviewed column, complete or half filled
        reviewed = [0.0, *inputs["item_scores"][1:]]
        if data.draw(st.booleans()):
            reviewed[: len(reviewed) // 2] = [None] * (len(reviewed) // 2)
        inputs["item_scores_reviewed"] = reviewed
    rules = rules_rows(scheme)
    args = cell_args(inputs)
    block = cells.unit_block(*args, rules)
    assert block == singles(scheme, args, rules)
    r = score_unit(scheme, inputs)
    assert block[3] == [r.final_score] and block[4] == [r.level_name]
    _, _, info, survey = args
    assert cells.survey_block(survey, info, rules) == survey_singles(
        info, survey, rules, inputs.get("member_count"), inputs.get("members_present"))


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.lists(cells_values, min_size=5, max_size=5))
def test_blocks_never_raise_and_agree_on_junk(args):
    block = cells.unit_block(*args)
    assert isinstance(block, list) and len(block) in (7, 9)
    assert all(isinstance(row, list) and len(row) == 1 and isinstance(row[0], (str, float, int)) for row in block)
    keys = cells.result_keys(load_scheme("ten_star")) if len(block) == 9 else cells.UNIT_RESULT_KEYS
    assert block == [[SINGLE[k](*args)] for k in keys]
    sv = cells.survey_block(*args[:3])
    assert len(sv) == 3 and sv[1:] == [[cells.satisfaction(args[0], args[2])], [cells.survey_note(*args[:3])]]


def test_udfs_are_the_blocks():
    import udfs

    args = cell_args(STATES["capped"])
    assert udfs.XJ_RESULT(*args) == cells.unit_block(*args) == cells.UDF_FUNCTIONS["XJ_RESULT"](*args)
    assert udfs.XJ_SURVEY(args[3], args[2]) == cells.survey_block(args[3], args[2])


# --- the xlwings pin -----------------------------------------------------------------------
def test_pyproject_pins_the_one_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [d for d in project["dependencies"] if d.replace(" ", "").startswith("xlwings")]
    assert pins == [f"xlwings=={XLWINGS_VERSION}"]
    assert metadata.version("xlwings") == XLWINGS_VERSION


def test_another_xlwings_version_answers_an_error(monkeypatch):
    import xlwings

    import udfs

    args = cell_args(STATES["typical"])
    assert isinstance(udfs.XJ_FINAL(*args), float)
    monkeypatch.setattr(xlwings, "__version__", "0.99.0")
    for name in udfs.__all__:
        fn = getattr(udfs, name)
        out = fn(*[None] * len(inspect.signature(fn).parameters)) if name != "XJ_FINAL" else fn(*args)
        assert out.startswith("错误:") and "0.99.0" in out and XLWINGS_VERSION in out, name
