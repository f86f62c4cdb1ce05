"""The engine applies the upper level's typed scores (score_unit's upper_scores, engine/upper.py)."""
from __future__ import annotations

import pytest

from xlsx_addin import InputError, load_scheme, score_unit
from xlsx_addin.jobs.demo.county import generate_county


def _unit(scheme_id: str) -> dict:
    return generate_county(1, scheme_id, seed=9)[0][1]


def test_typed_item_replaces_the_score_in_force_and_says_so():
    scheme = load_scheme("five_star")
    unit = _unit("five_star")
    own = score_unit(scheme, unit)
    upper = [None] * 10
    upper[2] = own.item_scores[2] - 3
    r = score_unit(scheme, unit, upper_scores=upper)
    assert r.base_score == pytest.approx(own.base_score - 3)
    assert r.reported_scores == own.item_scores and r.item_scores[2] == own.item_scores[2] - 3
    assert f"上级评分:第3项“{scheme.items[2].label}”由{own.item_scores[2]:g}分调整为{own.item_scores[2] - 3:g}分" in r.reasons
    assert r.item_source == "upper"


def test_blank_or_equal_changes_nothing_and_beats_the_files_reviewed_scores():
    scheme = load_scheme("five_star")
    unit = _unit("five_star")
    own = score_unit(scheme, unit)
    same = score_unit(scheme, unit, upper_scores=["", None, *own.item_scores[2:]])
    assert same.reasons == own.reasons and same.final_score == own.final_score and same.level == own.level
    reviewed = dict(unit, item_scores_reviewed=[5] * 10)
    r = score_unit(scheme, reviewed, upper_scores=[9] + [None] * 9)
    assert r.item_scores == [9.0] + [5.0] * 9  # 评分定级表 > item_scores_reviewed > item_scores
    assert any(x.startswith("上级评分:第1项") and "由5分调整为9分" in x for x in r.reasons)


@pytest.mark.parametrize("value, index", [("九", 1), (11, 3), (-1, 0), ("90%", 2)])
def test_refused_values_name_their_item(value, index):
    upper: list = [None] * 10
    upper[index] = value
    with pytest.raises(InputError) as exc:
        score_unit("five_star", _unit("five_star"), upper_scores=upper)
    assert exc.value.name == "upper_scores" and exc.value.index == index and exc.value.value == value


def test_an_item_with_sub_items_takes_its_total():
    scheme = load_scheme("ten_star")
    unit = _unit("ten_star")
    r = score_unit(scheme, unit, upper_scores=[0] + [None] * 9)
    assert r.item_scores[0] == 0 and r.reported_scores[0] == score_unit(scheme, unit).item_scores[0]
    six = load_scheme("six_good")
    if six.sub_item_all_or_nothing:  # standards all or nothing: only a total they can give
        with pytest.raises(InputError, match="可能的得分"):
            score_unit(six, _unit("six_good"), upper_scores=[0.5] + [None] * 5)
