"""xlsx_addin.engine.cells: every formula function against the engine, on cell values as xlwings passes them."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsx_addin import apply_overrides, load_scheme, parameters, score_unit
from xlsx_addin.engine import cells
from xlsx_addin.engine.scoring import band
from xlsx_addin.engine.survey import percent

PENDING = "待填写"
UNIT_FUNCS = {
    "base": lambda r, s: r.base_score,
    "bonus": lambda r, s: r.bonus,
    "penalty": lambda r, s: r.penalty,
    "final": lambda r, s: r.final_score,
    "level": lambda r, s: r.level_name,
    "reasons": lambda r, s: "；".join(r.reasons),
    "rectify": lambda r, s: "是" if r.rectify else "否",
}
STAR_FUNCS = {
    "stars": lambda r, s: "、".join(it.label for it, x in zip(s.items, r.item_scores)
                                   if x >= s.item_pass_share * it.points - 1e-9) or "无",
    "star_count": lambda r, s: r.items_passed,
}
SURVEY_NAMES = {"members_present", "masses_present"}


def column(values):
    """A named column as xlwings passes it with ndim=2."""
    return [[v] for v in values]


def cell_args(inputs: dict):
    """The four unit arguments (item_scores, item_scores_reviewed, info, survey) from an inputs mapping."""
    info, survey = [], []
    for name, value in inputs.items():
        if name in ("item_scores", "item_scores_reviewed"):
            continue
        target = survey if name in SURVEY_NAMES or "votes_" in name else info
        target.append([name, value])
    info.append([None, None])  # a blank row of the range: skipped
    reviewed = inputs.get("item_scores_reviewed")
    n = len(inputs.get("item_scores") or [])
    return (column(inputs.get("item_scores") or [None] * 10),
            column(reviewed if reviewed is not None else [None] * n or [None] * 10), info, survey)


def rules_rows(scheme, **changes):
    """A 规则 range (参数, key, 值, 说明) as the templates write it, with a header row."""
    rows = [["参数", "key", "值", "说明"]]
    for p in parameters(scheme):
        rows.append([p.label, p.key, changes.get(p.key, p.value), p.note or None])
    return rows


def typical(**extra):
    base = dict(org_name="城关镇第一支部", org_code="A001", parent_org="城关镇党委", org_type="农村", member_count=20.0,
                item_scores=[9.0, 9.0, 9.0, 9.0, 9.0, 8.0, 9.0, 9.0, 9.0, 9.0], honor_level="省级",
                criticism_committee=1.0, members_present=18.0, votes_satisfied=12.0, votes_basic=3.0,
                votes_unsatisfied=2.0, votes_invalid=1.0)
    base.update(extra)
    return base


STATES = {
    "typical": typical(),
    "vetoed": typical(votes_satisfied=3.0, votes_basic=4.0, votes_unsatisfied=10.0),  # satisfaction < 50 %
    "capped": typical(item_scores=[10.0] * 10, election_overdue_months=14.0, election_overdue_excused="是"),
    "demoted": typical(item_scores=[10.0] * 10, absences=3.0),
    "reviewed": typical(item_scores_reviewed=[8.0] * 10),
    "low_participation": typical(members_present=10.0, votes_satisfied=3.0, votes_basic=1.0, votes_unsatisfied=5.0),
    "masses": typical(masses_present=10.0, mass_votes_satisfied=5.0, mass_votes_basic=2.0,
                      mass_votes_unsatisfied=2.0, mass_votes_invalid=0.0, votes_satisfied=17.0, votes_basic=5.0,
                      votes_unsatisfied=4.0, votes_invalid=1.0),
    "bottom": typical(item_scores=[4.0] * 10, criticism_city=2.0),
}


def check_unit(inputs, scheme, rules=None):
    r = score_unit(scheme, inputs)
    args = cell_args(inputs)
    for name, want in UNIT_FUNCS.items():
        got = getattr(cells, name)(*args, rules)
        assert got == want(r, scheme), name
    return r


@pytest.mark.parametrize("state", sorted(STATES))
def test_five_star_states_match_score_unit(state):
    r = check_unit(STATES[state], load_scheme("five_star"))
    args = cell_args(STATES[state])
    assert cells.level_of_score(r.final_score) == load_scheme("five_star").level_name(r.band_level)
    assert cells.stars(*args).startswith("错误:")  # five_star earns no stars
    assert cells.star_count(*args).startswith("错误:")


def test_states_change_the_outcome():
    """The fixtures really exercise the rules they are named after."""
    s = load_scheme("five_star")
    assert score_unit(s, STATES["vetoed"]).level == 0
    assert score_unit(s, STATES["capped"]).level == 3
    assert score_unit(s, STATES["demoted"]).level == 4
    assert score_unit(s, STATES["reviewed"]).item_source == "reviewed"
    assert score_unit(s, STATES["bottom"]).rectify
    assert cells.rectify(*cell_args(STATES["bottom"])) == "是"
    assert "三星级" in cells.reasons(*cell_args(STATES["capped"]))


def test_scalar_results_are_plain_values():
    args = cell_args(STATES["typical"])
    assert isinstance(cells.final(*args), float)
    assert cells.level(*args) == score_unit("five_star", STATES["typical"]).level_name


def ten_star_inputs(per_star, **extra):
    return dict(org_name="五一村党支部", member_count=30.0, item_scores=per_star, **extra)


@pytest.mark.parametrize("per_star", [
    [10.0, 8.0, 7.9, 9.0, 10.0, 6.0, 8.0, 8.0, 10.0, 2.0],
    [10.0] * 10,
    [0.0] * 10,
])
def test_ten_star_matches_score_unit(per_star):
    scheme = load_scheme("ten_star")
    rules = rules_rows(scheme)
    inputs = ten_star_inputs(per_star)
    r = check_unit(inputs, scheme, rules)
    args = cell_args(inputs)
    for name, want in STAR_FUNCS.items():
        assert getattr(cells, name)(*args, rules) == want(r, scheme), name
    assert cells.level_of_score(r.items_passed, rules) == r.level_name


def test_ten_star_by_sub_item():
    scheme = load_scheme("ten_star")
    subs = [sub.points for it in scheme.items for sub in it.sub_items]
    subs[0] = 0.0  # 维护稳定星 8 of 10: still earned
    subs[-1] = 0.0  # 廉洁自律星 7 of 10: not earned
    inputs = ten_star_inputs(subs)
    args = (column(subs), column([None] * len(subs)), [["org_name", "五一村党支部"]], None)
    rules = [["scheme", "ten_star"]]  # (key, 值) rows
    r = score_unit(scheme, inputs)
    assert cells.star_count(*args, rules) == r.items_passed == 9  # 增收致富星's sub-items give 8 of 10: earned
    assert "维护稳定星" in cells.stars(*args, rules) and "廉洁自律星" not in cells.stars(*args, rules)
    assert cells.level(*args, rules) == r.level_name == "九星级"


def test_ten_star_level_of_takes_a_star_count():
    rules = [["scheme", "ten_star"]]
    assert cells.level_of_score(7.0, rules) == "七星级"
    assert cells.level_of_score(0.0, rules) == "无星"
    assert cells.level_of_score(85.0, rules).startswith("错误:")
    assert cells.level_of_score(7.5, rules).startswith("错误:")


FOUR = dict(org_name="某某大学机关党支部", member_count=40.0, item_scores=[18.0, 9.0, 14.0, 13.0, 9.0, 14.0, 14.0],
            members_present=35.0, votes_satisfied=20.0, votes_basic=10.0, votes_unsatisfied=4.0,
            votes_invalid=1.0)


def test_four_grade_with_its_rules_table():
    scheme = load_scheme("four_grade")
    rules = rules_rows(scheme)
    r = check_unit(FOUR, scheme, rules)
    assert r.level_name == "好"
    assert cells.satisfaction(cell_args(FOUR)[3], rules) == pytest.approx(r.satisfaction_rate)
    assert cells.level_of_score(91.0, rules) == "好"
    assert cells.level_of_score(79.5, rules) == "一般"
    assert cells.rectify_column([["较差"], ["一般"]], rules) == [["是"], ["否"]]


def test_four_grade_rules_table_overrides_apply():
    scheme = load_scheme("four_grade")
    rules = rules_rows(scheme, **{"levels.3.min_score": 95.0})
    local = apply_overrides(scheme, {"levels.3.min_score": 95.0})
    r = check_unit(FOUR, local, rules)
    assert r.level_name == "较好"
    assert cells.level_of_score(91.0, rules) == "较好"


def test_four_grade_votes_without_its_rules_are_refused():
    """Without the 规则 table the default five_star applies, whose ten items the seven scores do not fit."""
    assert cells.level(*cell_args(FOUR)).startswith("错误:")


# --- blanks and refusals -------------------------------------------------------------------
ALL_UNIT = list(UNIT_FUNCS)


def test_wholly_blank_form_is_pending():
    blank = (column([None] * 10), column([None] * 10), [[None, None], ["org_name", None], ["member_count", None]],
             [["members_present", None], ["votes_satisfied", None]])
    for name in ALL_UNIT:
        assert getattr(cells, name)(*blank) == PENDING, name
    for name in ALL_UNIT:
        assert getattr(cells, name)(None, None, None, None) == PENDING, name
    assert cells.stars(*blank, [["scheme", "ten_star"]]) == PENDING


@pytest.mark.parametrize("change", [
    {"org_name": None},
    {"org_name": "   "},
    {"item_scores": [9.0] * 9 + [None]},
])
def test_blank_required_input_is_pending(change):
    inputs = typical(**change)
    with pytest.raises(Exception):
        score_unit("five_star", inputs)
    for name in ALL_UNIT:
        assert getattr(cells, name)(*cell_args(inputs)) == PENDING, name


def test_refused_item_score_names_the_item():
    inputs = typical(item_scores=[9.0, 9.0, 12.0] + [9.0] * 7)
    got = cells.final(*cell_args(inputs))
    assert got == "错误:自评得分(item_scores):第3项“党组织战斗堡垒作用强”得分12超过标准分值10"
    for name in ALL_UNIT:
        assert getattr(cells, name)(*cell_args(inputs)) == got


@pytest.mark.parametrize("err", ["#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?"])
def test_excel_error_values(err):
    items = [9.0] * 10
    items[4] = err
    got = cells.base(*cell_args(typical(item_scores=items)))
    assert got.startswith("错误:") and err in got and "第5项" in got
    got = cells.level(*cell_args(typical(member_count=err)))
    assert got.startswith("错误:") and err in got and "党员总数" in got
    assert cells.participation(err, 10.0).startswith("错误:")
    assert err in cells.level_of_score(err)
    assert cells.levels([[err], [95.0]])[1] == ["五星级"] and err in cells.levels([[err]])[0][0]
    assert err in cells.rectify_column([[err]])[0][0]
    assert err in cells.satisfaction_column([[10.0, 1.0, err, 0.0]])[0][0]


@pytest.mark.parametrize("change, words", [
    ({"honor_level": "县级"}, "表彰"),
    ({"member_count": 0.0}, "党员总数"),
    ({"absences": 1.5}, "整数"),
    ({"votes_invalid": -1.0}, "负数"),
    ({"members_present": 25.0}, "超过党员总数"),
    ({"votes_satisfied": 30.0}, "超过参加测评人数"),
])
def test_refused_inputs_show_the_engine_message(change, words):
    inputs = typical(**change)
    got = cells.level(*cell_args(inputs))
    assert got.startswith("错误:") and words in got
    with pytest.raises(Exception) as exc:
        score_unit("five_star", inputs)
    assert got == "错误:" + str(exc.value)


def test_unknown_and_duplicate_names():
    items, reviewed, info, survey = cell_args(typical())
    got = cells.final(items, reviewed, info + [["honour_level", "省级"]], survey)
    assert got.startswith("错误:") and "honour_level" in got
    got = cells.final(items, reviewed, info + [["org_name", "另一个"]], survey)
    assert got.startswith("错误:") and "org_name" in got and "重复" in got
    got = cells.final(items, reviewed, info + [["members_present", 18.0]], survey)
    assert got.startswith("错误:") and "重复" in got
    padded = [[" org_name ", "城关镇第一支部"]] + info[1:]
    assert cells.final(items, reviewed, padded, survey) == cells.final(items, reviewed, info, survey)


def test_wrong_shapes():
    items, reviewed, info, survey = cell_args(typical())
    got = cells.final(items, reviewed, [row + ["说明"] for row in info], survey)
    assert got == "错误:基本信息区域应为2列(名称、值),现为3列"
    got = cells.final(items, reviewed, info, [[r[0]] for r in survey])
    assert got == "错误:测评汇总区域应为2列(名称、值),现为1列"
    got = cells.final(items[:9], reviewed, info, survey)
    assert got.startswith("错误:") and "9个值" in got
    # item scores as a row or as a 1-D list are the same values
    assert cells.final([[v[0] for v in items]], reviewed, info, survey) == cells.final(items, reviewed, info, survey)
    assert cells.final([v[0] for v in items], None, info, survey) == cells.final(items, reviewed, info, survey)
    # a 1-D list is one (name, value) row
    assert cells.final(items, None, ["org_name", "x"], None) == cells.final(items, None, [["org_name", "x"]], None)
    assert cells.level_of_score([[90.0, 80.0]]) == "错误:综合得分应为单个单元格"
    assert cells.level_of_score([[90.0]]) == "五星级"
    assert cells.participation([[20.0], [30.0]], 10.0) == "错误:党员总数应为单个单元格"
    assert cells.final(items, reviewed, [["org_name", "x"], ["member_count"]], survey).startswith("错误:")


# --- the 规则 range -------------------------------------------------------------------------
def test_rules_table_for_the_default_scheme_changes_the_numbers():
    scheme = load_scheme("five_star")
    rules = rules_rows(scheme, **{"adjustments.honor.points.省级": 6.0})
    local = apply_overrides(scheme, {"adjustments.honor.points.省级": 6.0})
    r = check_unit(STATES["typical"], local, rules)
    assert r.bonus == 6.0


@pytest.mark.parametrize("rows, words", [
    ([["scheme", "five_star"], ["levels.5.min_score", "九十"]], "不是数字"),
    ([["scheme", "five_star"], ["levels.9.min_score", 95.0]], "不存在"),
    ([["scheme", "five_star"], ["levels.5.min_score", 95.0], ["levels.5.min_score", 96.0]], "重复"),
    ([["scheme", "nine_star"]], "不是内置方案"),
    ([["scheme", "C:/schemes/my.yaml"]], "不是内置方案"),
])
def test_refused_rules_table(rows, words):
    got = cells.final(*cell_args(typical()), rows)
    assert got.startswith("错误:规则表") and words in got
    assert cells.levels([[90.0], [80.0]], rows) == [[got], [got]]
    assert cells.level_of_score(90.0, rows) == got


def test_rules_are_parsed_once_per_content():
    cells.clear_caches()
    rules = rules_rows(load_scheme("five_star"))
    for score in range(50):
        cells.level_of_score(float(score), [list(r) for r in rules])  # a fresh copy each time, as Excel sends
    info = cells.scheme_from_key.cache_info()
    assert info.misses == 1 and info.hits == 49


def test_blank_rules_cells_mean_the_default():
    assert cells.level_of_score(89.5, None) == cells.level_of_score(89.5, [[None, None, None, None]]) == "四星级"


# --- survey functions ----------------------------------------------------------------------
@pytest.mark.parametrize("state", sorted(STATES))
def test_survey_functions_match_score_unit(state):
    inputs = STATES[state]
    r = score_unit("five_star", inputs)
    _, _, info, survey = cell_args(inputs)
    assert cells.participation(inputs["member_count"], inputs["members_present"]) == pytest.approx(r.participation_rate)
    assert cells.satisfaction(survey) == pytest.approx(r.satisfaction_rate)
    assert cells.survey_note(survey, info) == (r.survey.problem or "")


def test_low_participation_note():
    _, _, info, survey = cell_args(STATES["low_participation"])
    note = cells.survey_note(survey, info)
    assert "测评无效" in note and percent(0.5) in note
    assert cells.participation(20.0, 10.0) == 0.5


def test_survey_blanks_and_refusals():
    assert cells.participation(None, 10.0) == PENDING
    assert cells.participation(20.0, None) == PENDING
    assert cells.participation(20.0, 25.0).startswith("错误:") and "超过党员总数" in cells.participation(20.0, 25.0)
    assert cells.participation("二十", 10.0).startswith("错误:")
    assert cells.participation("20", "18") == 0.9
    assert cells.satisfaction(None) == PENDING
    assert cells.satisfaction([["votes_satisfied", None], ["votes_invalid", 0.0]]) == PENDING
    assert cells.satisfaction([["votes_invalid", 5.0]]) == "测评票5张全部无效,无法计算满意率"
    assert cells.satisfaction([["votes_satisfied", 3.0], ["votes_unsatisfied", 1.0]]) == 0.75
    assert cells.satisfaction([["votes_satisfied", 3.5]]).startswith("错误:")
    assert cells.survey_note(None, None) == PENDING
    assert cells.survey_note([["votes_satisfied", 3.0]], [["member_count", 20.0]]).startswith("未填写")


# --- column forms --------------------------------------------------------------------------
def test_levels_column():
    scores = [95.0, 89.5, None, "#N/A", "abc", 49.99, 120.0, "85", "  "]
    got = cells.levels(column(scores))
    assert got == [[cells.level_of_score(s)] for s in scores]
    assert [g[0] for g in got[:3]] == ["五星级", "四星级", PENDING]
    assert got[5] == ["不定星级"] and got[6] == ["五星级"] and got[7] == ["四星级"] and got[8] == [PENDING]
    scheme = load_scheme("five_star")
    for s in (95.0, 89.5, 49.99):
        assert got[scores.index(s)][0] == scheme.level_name(band(scheme, s, None))


def test_column_shapes():
    assert cells.levels([95.0, 55.0]) == [["五星级"], ["一星级"]]  # a 1-D list is a column
    assert cells.levels(95.0) == [["五星级"]]
    assert cells.levels(None) == [[PENDING]]
    assert cells.levels([]) == [[PENDING]]
    assert cells.levels([[95.0, 80.0], [70.0, 60.0]]) == [["错误:得分区域应为一列,现为2列"]] * 2
    got = cells.rectify_column([["五星级", "x"]] * 3)
    assert got == [["错误:星级区域应为一列,现为2列"]] * 3
    assert cells.participation_column([[20.0]] * 3, [[10.0]] * 2)[0][0].startswith("错误:")
    assert len(cells.participation_column([[20.0]] * 3, [[10.0]] * 2)) == 3


def test_rectify_column():
    got = cells.rectify_column(column(["五星级", "一星级", "不定星级", None, "六星级", 1.0, 4.0]))
    assert [g[0] for g in got[:4]] == ["否", "是", "是", PENDING]
    assert got[4][0].startswith("错误:") and "六星级" in got[4][0]
    assert got[5] == ["是"] and got[6] == ["否"]  # ranks are accepted as the engine accepts them
    for state in STATES.values():
        r = score_unit("five_star", state)
        assert cells.rectify_column([[r.level_name]]) == [[cells.rectify(*cell_args(state))]]


def test_satisfaction_column_matches_the_scalar_function():
    scheme = load_scheme("five_star")
    block = [[12.0, 3.0, 2.0, 1.0], [None, None, None, None], [0.0, 0.0, 0.0, 5.0], [0.0, 0.0, 0.0, 0.0],
             [1.0, None, 1.0, None], ["#N/A", 1.0, 1.0, 0.0], [1.5, 0.0, 0.0, 0.0]]
    got = cells.satisfaction_column(block)
    for row, (value,) in zip(block, got):
        assert value == cells.satisfaction([[n, v] for n, v in zip(scheme.vote_inputs, row)])
    assert got[0][0] == pytest.approx(15 / 17) and got[1][0] == PENDING and got[3][0] == PENDING
    assert got[2][0] == "测评票5张全部无效,无法计算满意率"
    assert got[4][0] == 0.5
    assert got[5][0].startswith("错误:") and got[6][0].startswith("错误:")
    assert cells.satisfaction_column([[1.0, 2.0, 3.0]]) == [
        ["错误:测评票数区域应为4列(满意、基本满意、不满意、无效票),现为3列"]]
    assert cells.satisfaction_column(None) == [[PENDING]]


def test_satisfaction_column_six_good_has_five_columns():
    rules = rules_rows(load_scheme("six_good"))
    got = cells.satisfaction_column([[20.0, 10.0, 3.0, 1.0, 1.0]], rules)
    assert got == [[pytest.approx(30 / 34)]]
    assert cells.satisfaction_column([[20.0, 10.0, 3.0, 1.0]], rules)[0][0].startswith("错误:测评票数区域应为5列")


def test_participation_column():
    counts = [20.0, 20.0, None, 20.0, "#REF!", 10.0]
    present = [18.0, None, 5.0, 25.0, 3.0, 10.0]
    got = cells.participation_column(column(counts), column(present))
    assert got[0] == [0.9] and got[1] == [PENDING] and got[2] == [PENDING] and got[5] == [1.0]
    assert got[3][0].startswith("错误:") and "#REF!" in got[4][0]
    for (c, p), (value,) in zip(zip(counts, present), got):
        assert value == cells.participation(c, p)


# --- never raises --------------------------------------------------------------------------
scalars = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 200),
                    st.text(max_size=6), st.sampled_from(["#N/A", "#VALUE!", "五星级", "org_name", "votes_basic",
                                                          "scheme", "five_star", "ten_star", "10%", "１０"]))
cells_values = st.one_of(scalars, st.lists(scalars, max_size=5),
                         st.lists(st.lists(scalars, min_size=1, max_size=5), max_size=12))


@settings(max_examples=150, deadline=None)
@given(st.lists(cells_values, min_size=5, max_size=5))
def test_no_function_ever_raises(args):
    for name in [*UNIT_FUNCS, *STAR_FUNCS]:
        out = getattr(cells, name)(*args)
        assert isinstance(out, (str, float, int)), name
    for fn, n in ((cells.participation, 3), (cells.satisfaction, 2), (cells.survey_note, 3),
                  (cells.level_of_score, 2)):
        out = fn(*args[:n])
        assert isinstance(out, (str, float, int)) and not (isinstance(out, float) and math.isnan(out))
    for fn, n in ((cells.levels, 2), (cells.rectify_column, 2), (cells.satisfaction_column, 2),
                  (cells.participation_column, 2)):
        out = fn(*args[:n])
        assert isinstance(out, list) and out and all(isinstance(r, list) and len(r) == 1 for r in out)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 50).map(float)), min_size=4, max_size=4),
                min_size=1, max_size=20))
@pytest.mark.slow
def test_satisfaction_column_rows_agree_with_the_engine(block):
    scheme = load_scheme("five_star")
    got = cells.satisfaction_column(block)
    assert len(got) == len(block)
    for row, (value,) in zip(block, got):
        raw = {n: v for n, v in zip(scheme.vote_inputs, row)}
        votes = [v or 0 for v in row]
        if sum(votes) == 0:
            assert value == PENDING
        elif sum(votes[:3]) == 0:
            assert "全部无效" in value
        else:
            r = score_unit(scheme, {"org_name": "x", "item_scores": [5.0] * 10, **raw})
            assert value == pytest.approx(r.satisfaction_rate)
            satisfied, basic, unsatisfied = votes[:3]  # five_star: 满意 and 基本满意 count, 无效票 do not
            assert value == pytest.approx((satisfied + basic) / (satisfied + basic + unsatisfied))


def test_functions_by_formula_name():
    """cells.xj_<name> is the logic of UDF XJ_<NAME> (the template builder looks them up so)."""
    import udfs

    from xlsx_addin.engine.double_ten import cells as star_cells

    assert set(cells.UDF_FUNCTIONS) | set(star_cells.STAR_UDF_FUNCTIONS) == set(udfs.__all__)
    for name, fn in cells.UDF_FUNCTIONS.items():
        assert getattr(cells, name.lower()) is fn
    for name, fn in star_cells.STAR_UDF_FUNCTIONS.items():
        assert getattr(star_cells, name.lower()) is fn
    args = cell_args(STATES["capped"])
    for name in ("XJ_BASE", "XJ_FINAL", "XJ_LEVEL", "XJ_REASONS", "XJ_RECTIFY"):
        assert getattr(udfs, name)(*args) == cells.UDF_FUNCTIONS[name](*args)
