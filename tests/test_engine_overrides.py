"""The 规则 table and scheme files: each precedence rule at the top of xlsx_addin/scheme/overrides.py,
rows_to_table parsing, and loading errors that name the file, the rule and the field."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from xlsx_addin import SchemeError, apply_overrides, load_scheme, parameters, rate_set, rows_to_table, score_unit
from xlsx_addin.engine.scheme.loader import builtin_path

S = load_scheme("five_star")


def unit(scores, **kw):
    d = {"org_name": "测试支部", "item_scores": scores}
    d.update(kw)
    return d


def five_star_data() -> dict:
    return yaml.safe_load(builtin_path("five_star").read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict | str, name: str = "local.yaml") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


# --- rule 1: the base scheme: a built-in name, or a file that replaces the built-in whole ---------------

def test_rule1_builtin_by_name():
    assert load_scheme("five_star").id == "five_star"
    assert load_scheme().id == "five_star"  # default scheme


def test_rule1_scheme_file_replaces_the_builtin_whole(tmp_path):
    # a locality's copy: five items of 20 points, 五星级 from 95, no bonus rules at all
    data = five_star_data()
    data["items"] = [{"label": f"内容{i}", "points": 20} for i in range(1, 6)]
    data["levels"][0]["min_score"] = 95
    data["adjustments"] = []
    scheme = load_scheme(write(tmp_path, data))
    assert len(scheme.items) == 5
    r = score_unit(scheme, unit([20, 20, 20, 20, 14], honor_level="国家级"))
    # 94 < 95 → 四星级; no honour rule in the file, so the built-in +8 does not apply
    assert (r.final_score, r.bonus, r.level_name) == (94, 0, "四星级")
    # ten values (the built-in shape) are refused by the file's scheme
    with pytest.raises(Exception, match="5项"):
        score_unit(scheme, unit([10] * 10))
    assert len(load_scheme("five_star").items) == 10  # the built-in itself is untouched


# --- rule 2: rows override one key at a time; absent or blank keeps the base ------------------------

def test_rule2_one_key_overrides_the_rest_kept():
    local = apply_overrides(S, {"levels.5.min_score": 95})
    assert local.levels[0].min_score == 95
    assert [lv.min_score for lv in local.levels[1:]] == [80, 70, 60, 50, None]  # kept
    assert score_unit(local, unit([10] * 9 + [4])).level_name == "四星级"  # 94 < 95
    assert score_unit(S, unit([10] * 9 + [4])).level_name == "五星级"      # base unchanged


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_rule2_blank_value_keeps_the_base(blank):
    local = apply_overrides(S, {"levels.5.min_score": blank, "quotas.top_cap.share": blank})
    assert local.levels[0].min_score == 90 and local.quotas[0].share == 0.1


def test_rule2_empty_table_is_the_base():
    assert apply_overrides(S, {}) is S


def test_rule2_bonus_points_by_word():
    local = apply_overrides(S, {"adjustments.honor.points.国家级": 10})
    r = score_unit(local, unit([8] * 10, honor_level="国家级"))
    assert r.bonus == 10 and r.final_score == 90  # 80 + 10


def test_rule2_penalty_points():
    local = apply_overrides(S, {"adjustments.criticism_city.points": -4})
    assert score_unit(local, unit([10] * 10, criticism_city=2)).final_score == 92  # 100 − 2 × 4


def test_rule2_condition_value_as_percent():
    # satisfaction threshold raised to 70 %: 65 % now costs 5 points
    local = apply_overrides(S, {"adjustments.low_satisfaction.when.value": "70%"})
    survey = dict(member_count=20, members_present=20, votes_satisfied=13, votes_unsatisfied=7)  # 65 %
    assert score_unit(local, unit([10] * 10, **survey)).penalty == 5
    assert score_unit(S, unit([10] * 10, **survey)).penalty == 0


def test_rule2_nested_condition_and_level_rank():
    # election cap "more than a year" → from 24 months, and cap at 二星级 instead of 三星级
    local = apply_overrides(S, {"adjustments.election_overdue_year.when.value": 24,
                                "adjustments.election_overdue_year.max_level": 2,
                                "adjustments.election_overdue.when.all.2.value": "是"})
    # the unexcused cap now applies to "excused == 是" (a locality's odd choice, but it is data)
    r = score_unit(local, unit([10] * 10, election_overdue_months=25, election_overdue_excused="是"))
    assert r.level_name == "二星级"  # 五 → 四 (all.2 now matches 是) → 二
    r = score_unit(local, unit([10] * 10, election_overdue_months=13, election_overdue_excused="否"))
    assert r.level_name == "五星级"  # 13 ≤ 24 and excused == 否 no longer matches


@pytest.mark.parametrize("text, share", [("10%", 0.10), ("20%", 0.20), ("２０％", 0.20), (0.2, 0.2), ("0.2", 0.2)])
def test_rule2_percent_strings(text, share):
    local = apply_overrides(S, {"quotas.top_cap.share": text})
    assert local.quotas[0].share == pytest.approx(share)


def test_rule2_quota_share_changes_the_cap():
    # 20 %: N = 10 → cap 2
    local = apply_overrides(S, {"quotas.top_cap.share": "20%"})
    units = [unit([10] * 10, org_name=f"U{i}") for i in range(3)] + \
            [unit([8] * 10, org_name=f"V{i}") for i in range(6)] + [unit([5] * 10, org_name="W")]
    # the three at 100 are tied: the cap moves the whole tied group → none keeps 五星级
    assert [r.level for r in rate_set(local, units)[:3]] == [4, 4, 4]
    units[0]["honor_level"] = "市级"  # 103: now ranked first, alone above the tied pair
    rs = rate_set(local, units)
    assert [r.level for r in rs[:3]] == [5, 4, 4]
    assert next(q for q in rs.quotas if q.id == "top_cap").limit == 2


def test_rule2_items_rebalanced_must_still_sum_to_total():
    local = apply_overrides(S, {"items.1.points": 15, "items.2.points": 5})
    assert [it.points for it in local.items[:3]] == [15, 5, 10]
    with pytest.raises(Exception, match="超过标准分值5"):
        score_unit(local, unit([15, 6] + [10] * 8))


def test_rule2_items_no_longer_summing_to_total_refused():
    # 15 + 9 × 10 = 105 ≠ 100
    with pytest.raises(SchemeError, match="合计105分.*总分100分"):
        apply_overrides(S, {"items.1.points": 15})


# --- rule 3: the scheme row must name the base scheme ----------------------------------------------

def test_rule3_scheme_row_matching_is_accepted():
    local = apply_overrides(S, {"scheme": "five_star", "version": 1, "levels.5.min_score": 92})
    assert local.levels[0].min_score == 92


def test_rule3_table_of_another_scheme_refused_not_half_applied():
    with pytest.raises(SchemeError, match="four_grade"):
        apply_overrides(S, {"levels.5.min_score": 92, "scheme": "four_grade"})
    assert load_scheme("five_star").levels[0].min_score == 90


# --- rule 4: duplicate, unknown or wrong-kind rows refused, nothing applied ----------------------------

def test_rule4_duplicate_key_refused_with_rows_label_and_values():
    rows = [("参数", "key", "值", "说明"),
            ("五星级最低分", "levels.5.min_score", 92, ""),
            ("五星级比例上限", "quotas.top_cap.share", "10%", ""),
            ("五星级最低分", "levels.5.min_score", 95, "")]
    with pytest.raises(SchemeError) as exc:
        rows_to_table(rows)
    text = str(exc.value)
    assert "第2行和第4行" in text and "levels.5.min_score" in text and "五星级最低分" in text
    assert "92" in text and "95" in text


def test_rule4_unknown_key_refused_with_key_and_value():
    with pytest.raises(SchemeError) as exc:
        apply_overrides(S, {"levels.5.min_score": 92, "levels.5.min_scroe": 91})
    assert "levels.5.min_scroe" in str(exc.value) and "91" in str(exc.value) and "不存在" in str(exc.value)


@pytest.mark.parametrize("key", ["items.11.points", "adjustments.nosuch.points", "quotas.top_cap.nosuch",
                                 "levels.9.min_score", "adjustments.honor.points"])
def test_rule4_keys_that_do_not_name_one_number_refused(key):
    with pytest.raises(SchemeError, match="不存在"):
        apply_overrides(S, {key: 1})


def test_rule4_wrong_kind_value_refused_with_key_label_value():
    with pytest.raises(SchemeError) as exc:
        apply_overrides(S, {"levels.5.min_score": "九十"})
    text = str(exc.value)
    assert "levels.5.min_score" in text and "五星级最低分" in text and "九十" in text and "不是数字" in text


def test_rule4_rank_must_be_an_integer():
    with pytest.raises(SchemeError, match="须为整数"):
        apply_overrides(S, {"adjustments.election_overdue_year.max_level": 2.5})


def test_rule4_frozen_fields_refused():
    with pytest.raises(SchemeError, match="不能修改"):
        apply_overrides(S, {"adjustments.honor.input": "innovation_level"})


def test_rule4_whole_table_or_nothing():
    # one good row, one bad row: the error is raised and the good row is not applied anywhere
    with pytest.raises(SchemeError):
        apply_overrides(S, {"levels.5.min_score": 95, "quotas.top_cap.share": "abc"})
    assert S.levels[0].min_score == 90 and S.quotas[0].share == 0.1
    assert load_scheme("five_star").levels[0].min_score == 90


def test_rule4_values_refused_by_the_models():
    # a share above 100 % and bands out of order are refused after applying (and nothing kept)
    with pytest.raises(SchemeError, match="quotas"):
        apply_overrides(S, {"quotas.top_cap.share": "150%"})
    with pytest.raises(SchemeError, match="levels"):
        apply_overrides(S, {"levels.4.min_score": 95})  # 四星级 above 五星级 (90)


# rule 5 (the summary's rules win in a consolidation) belongs to xlsx_addin/consolidate and is tested there;
# the engine's part of it: a unit result only ever depends on the scheme passed in.
def test_rule5_engine_part_results_depend_only_on_the_scheme_given():
    local = apply_overrides(S, {"levels.5.min_score": 95})
    u = unit([10] * 9 + [2])  # 92
    assert score_unit(local, u).level_name == "四星级"
    assert rate_set(local, [u])[0].rule_level == 4  # before quotas (N = 1: the floor then takes it)
    assert score_unit(S, u).level_name == "五星级"


# --- rows_to_table ------------------------------------------------------------------------------------

def test_rows_to_table_four_columns_with_header_and_blanks():
    rows = [("参数", "key", "值", "说明"),
            ("评定方案", "scheme", "five_star", "不要修改"),
            (None, None, None, None),
            ("", "", "", ""),
            ("五星级最低分", "levels.5.min_score", 88, "含本数"),
            ("五星级比例上限", "quotas.top_cap.share", "15%", "向下取整"),
            ("一星级最低分", "levels.1.min_score", None, "留空 = 默认"),
            ("说明文字", "这不是参数", "x", "")]
    table = rows_to_table(rows)
    assert table == {"scheme": "five_star", "levels.5.min_score": 88, "quotas.top_cap.share": "15%",
                     "levels.1.min_score": None}
    local = apply_overrides(S, table)
    assert local.levels[0].min_score == 88 and local.quotas[0].share == pytest.approx(0.15)
    assert local.levels[4].min_score == 50  # blank row kept the default


def test_rows_to_table_two_columns():
    assert rows_to_table([("levels.5.min_score", 91), ("quotas.top_cap.share", "10%")]) == \
        {"levels.5.min_score": 91, "quotas.top_cap.share": "10%"}


def test_parameters_round_trip_changes_nothing():
    for name in ("five_star", "four_grade", "ten_star", "six_good"):
        scheme = load_scheme(name)
        rows = [("参数", "key", "值", "说明")] + [(p.label, p.key, p.value, p.note) for p in parameters(scheme)]
        assert apply_overrides(scheme, rows_to_table(rows)) == scheme


def test_parameters_list_every_default_number_of_five_star():
    keys = {p.key: p.value for p in parameters(S)}
    assert keys["total_points"] == 100
    assert [keys[f"items.{i}.points"] for i in range(1, 11)] == [10] * 10
    assert [keys[f"levels.{r}.min_score"] for r in (5, 4, 3, 2, 1)] == [90, 80, 70, 60, 50]
    assert keys["adjustments.honor.points.省级"] == 5 and keys["adjustments.innovation.points.国家级"] == 8
    assert keys["adjustments.absences.points"] == -3
    assert keys["survey.min_participation"] == 0.8
    assert keys["quotas.top_cap.share"] == 0.1 and keys["quotas.bottom_floor.share"] == 0.1


def test_other_schemes_rules_table_refused_on_five_star():
    rows = [(p.label, p.key, p.value, p.note) for p in parameters(load_scheme("four_grade"))]
    with pytest.raises(SchemeError, match="four_grade"):
        apply_overrides(S, rows_to_table(rows))


# --- loading errors name the file, the rule and the field -------------------------------------------

def test_load_error_names_file_rule_and_field(tmp_path):
    data = five_star_data()
    rule = next(r for r in data["adjustments"] if r["id"] == "low_satisfaction")
    del rule["points"]
    path = write(tmp_path, data)
    with pytest.raises(SchemeError) as exc:
        load_scheme(path)
    text = str(exc.value)
    assert str(path) in text
    assert "low_satisfaction" in text and "民主评议满意率低" in text
    assert "points" in text and "缺少必填字段" in text


def test_load_error_misspelt_field(tmp_path):
    data = five_star_data()
    data["quotas"][0]["shares"] = data["quotas"][0].pop("share")
    with pytest.raises(SchemeError) as exc:
        load_scheme(write(tmp_path, data))
    text = str(exc.value)
    assert "top_cap" in text and "shares" in text and "不认识的字段" in text


def test_load_error_wrong_value_kind(tmp_path):
    data = five_star_data()
    data["items"][2]["points"] = "十"
    with pytest.raises(SchemeError) as exc:
        load_scheme(write(tmp_path, data))
    assert "党组织战斗堡垒作用强" in str(exc.value) and "items.2.points" in str(exc.value)


def test_load_error_unknown_input_in_condition(tmp_path):
    data = five_star_data()
    rule = next(r for r in data["adjustments"] if r["id"] == "election_overdue_year")
    rule["when"]["input"] = "election_months"
    with pytest.raises(SchemeError, match="election_overdue_year.*election_months"):
        load_scheme(write(tmp_path, data))


def test_load_error_broken_yaml_names_line(tmp_path):
    path = write(tmp_path, "id: five_star\nitems: [ {label: a, points: 10\nlevels: x\n")
    with pytest.raises(SchemeError) as exc:
        load_scheme(path)
    assert str(path) in str(exc.value) and "行" in str(exc.value) and "格式错误" in str(exc.value)


def test_load_error_not_a_mapping_and_missing_file(tmp_path):
    with pytest.raises(SchemeError, match="键值表"):
        load_scheme(write(tmp_path, "- a\n- b\n"))
    with pytest.raises(SchemeError, match="无法读取"):
        load_scheme(tmp_path / "nosuch.yaml")
    with pytest.raises(SchemeError, match="未知的评定方案"):
        load_scheme("seven_star")


def test_load_error_items_not_summing_to_total(tmp_path):
    data = five_star_data()
    data["items"][0]["points"] = 12
    with pytest.raises(SchemeError, match="合计102分"):
        load_scheme(write(tmp_path, data))
