"""four_grade, ten_star and six_good, expectations computed by hand (docs/RULES.md "Scheme four_grade", "Scheme ten_star", "Scheme six_good")."""
from __future__ import annotations

import pytest

from xlsx_addin import InputError, load_scheme, rate_set, score_unit

FOUR = load_scheme("four_grade")
TEN = load_scheme("ten_star")
SIX = load_scheme("six_good")

FOUR_POINTS = [20, 10, 15, 15, 10, 15, 15]  # four_grade.yaml defaults (docs/RULES.md "Scheme four_grade"), sum 100


def four_items(total: float) -> list[float]:
    out, left = [], total
    for p in FOUR_POINTS:
        take = min(p, left)
        out.append(take)
        left -= take
    assert abs(left) < 1e-9
    return out


# --- four_grade --------------------------------------------------------------------------------

def test_four_grade_default_points():
    assert [it.points for it in FOUR.items] == FOUR_POINTS
    assert sum(FOUR_POINTS) == 100


@pytest.mark.parametrize("score, name, rank, rectify", [
    (100, "好", 3, False),
    (90, "好", 3, False),
    (89.5, "较好", 2, False),   # inclusive lower bounds, no rounding
    (80, "较好", 2, False),
    (79.9, "一般", 1, False),
    (60, "一般", 1, False),
    (59.9, "较差", 0, True),    # 较差 → 集中整顿
    (0, "较差", 0, True),
])
def test_four_grade_bands_and_rectify(score, name, rank, rectify):
    r = score_unit(FOUR, {"org_name": "村支部", "item_scores": four_items(score)})
    assert r.final_score == pytest.approx(score)
    assert (r.level, r.level_name, r.rectify) == (rank, name, rectify)
    assert r.reasons == []


def test_four_grade_has_no_five_star_adjustments():
    # five_star inputs are part of the names contract but four_grade has no adjustment rules
    r = score_unit(FOUR, {"org_name": "村支部", "item_scores": four_items(95), "honor_level": "国家级",
                          "criticism_city": 2, "absences": 5, "election_overdue_months": 24})
    assert (r.bonus, r.penalty, r.final_score, r.level_name) == (0, 0, 95, "好")


def test_four_grade_item_above_its_own_points_refused():
    # item 2 (工作思路) is worth 10: 12 is refused even though 12 ≤ 20
    scores = [20, 12, 15, 15, 10, 15, 13]
    with pytest.raises(InputError, match="工作思路"):
        score_unit(FOUR, {"org_name": "村支部", "item_scores": scores})


def test_four_grade_survey_satisfaction_and_no_minimum_participation():
    # ballots 满意 5, 基本满意 3, 不满意 2, invalid 2: satisfaction (5+3)/10 = 80 %
    # participation 12/40 = 30 %: four_grade has no minimum, so the survey stays usable
    r = score_unit(FOUR, {"org_name": "村支部", "item_scores": four_items(85), "member_count": 40,
                          "members_present": 12, "votes_satisfied": 5, "votes_basic": 3,
                          "votes_unsatisfied": 2, "votes_invalid": 2})
    assert r.satisfaction_rate == pytest.approx(0.8)
    assert r.participation_rate == pytest.approx(0.3)
    assert r.survey.usable and r.survey.problem is None
    assert r.survey.total.invalid == 2 and r.survey.total.valid == 10


def test_four_grade_quotas_cap_20_percent_floor_10_percent():
    # N = 10: 好 at most floor(2.0) = 2; 较差 at least ceil(1.0) = 1
    scores = [99, 98, 97, 96, 85, 84, 83, 70, 65, 61]  # 4 好, 3 较好, 3 一般, 0 较差
    rs = rate_set(FOUR, [{"org_name": f"U{i}", "item_scores": four_items(s)} for i, s in enumerate(scores)])
    # cap: U2 (97) and U3 (96) go down one level to 较好; floor: lowest-ranked U9 (61) → 较差
    assert [r.level_name for r in rs] == ["好", "好", "较好", "较好", "较好", "较好", "较好", "一般", "一般", "较差"]
    assert {q.id: q.limit for q in rs.quotas} == {"top_cap": 2, "bottom_floor": 1}
    assert all(q.holds_after for q in rs.quotas)


# --- ten_star -----------------------------------------------------------------------------------

def ten(scores) -> dict:
    return {"org_name": "村支部", "item_scores": scores}


def test_ten_star_each_star_worth_ten_and_total_100():
    assert [it.points for it in TEN.items] == [10] * 10
    assert TEN.sub_item_count == 40


@pytest.mark.parametrize("scores, stars", [
    ([10] * 10, 10),
    ([8] * 10, 10),                 # 8 = 80 % of 10: earned (≥)
    ([7.9] * 10, 0),                # below 80 %
    ([8] * 5 + [7.9] * 5, 5),
    ([8] * 4 + [7.99] * 6, 4),
    ([0] * 10, 0),
])
def test_ten_star_star_earned_at_80_percent_per_star_entry(scores, stars):
    r = score_unit(TEN, ten(scores))
    assert r.items_passed == stars and r.level == stars
    assert r.base_score == pytest.approx(sum(scores))


@pytest.mark.parametrize("stars, name, rectify", [(10, "十星级", False), (5, "五星级", False),
                                                  (4, "四星级", True), (0, "无星", True)])
def test_ten_star_names_and_rectify_below_five(stars, name, rectify):
    # ≥ 5 stars 合格; < 5 不合格 → 软弱涣散, 整顿
    r = score_unit(TEN, ten([10] * stars + [5] * (10 - stars)))
    assert r.level_name == name and r.rectify is rectify


def full_subs() -> list[list[float]]:
    return [[s.points for s in it.sub_items] for it in TEN.items]


def test_ten_star_sub_item_entry_summed_per_star():
    subs = full_subs()
    # star 1 (维护稳定星) sub-items 2/2/4/2: drop the 4-point one → 6 < 8: not earned
    subs[0][2] = 0
    # star 2 (民族团结星) 3/2/2/3: drop a 2-point one → 8 ≥ 8: earned
    subs[1][1] = 0
    # star 7 (增收致富星) sub-items sum to 8 only (seed): full 8 ≥ 8 earned; one missing → 6 not earned
    subs[6][0] = 0
    flat = [x for star in subs for x in star]
    assert len(flat) == 40
    r = score_unit(TEN, ten(flat))
    # per-star sums: 6, 8, 10, 10, 10, 10, 6, 10, 10, 10 = 90
    assert r.item_scores == [6, 8, 10, 10, 10, 10, 6, 10, 10, 10]
    assert r.base_score == 90
    assert r.items_passed == 8 and r.level_name == "八星级"


def test_ten_star_village_tidiness_third_sub_item_is_5_points():
    assert [s.points for s in TEN.items[8].sub_items] == [2, 3, 5]


def test_ten_star_sub_item_above_its_points_refused():
    flat = [x for star in full_subs() for x in star]
    flat[0] = 3  # 维护稳定星 first sub-item is worth 2
    with pytest.raises(InputError, match="超过标准分值2"):
        score_unit(TEN, ten(flat))


@pytest.mark.parametrize("n", [9, 11, 39, 41])
def test_ten_star_wrong_number_of_values_refused(n):
    with pytest.raises(InputError, match="10项或40个细项"):
        score_unit(TEN, ten([1] * n))


# --- six_good -----------------------------------------------------------------------------------

SIX_POINTS = [20, 20, 15, 15, 15, 15]


def test_six_good_dimensions():
    assert [it.points for it in SIX.items] == SIX_POINTS
    for it in SIX.items:  # the standards split each dimension exactly
        assert sum(s.points for s in it.sub_items) == pytest.approx(it.points)


def six_subs(missed: dict[tuple[int, int], bool] | None = None) -> list[float]:
    """Per-standard scores: full points, 0 where (dimension, standard) is in missed."""
    missed = missed or {}
    return [0 if (i, j) in missed else s.points
            for i, it in enumerate(SIX.items) for j, s in enumerate(it.sub_items)]


def test_six_good_all_standards_met_is_100():
    r = score_unit(SIX, {"org_name": "支部", "item_scores": six_subs()})
    assert r.base_score == 100 and r.level_name == "优秀" and not r.rectify


def test_six_good_standards_all_or_nothing_per_standard_entry():
    # miss 班子建设好 standard 1 (5) and 制度落实好 standard 3 (2.5): 100 − 7.5 = 92.5 → 优秀
    r = score_unit(SIX, {"org_name": "支部", "item_scores": six_subs({(0, 0): True, (4, 2): True})})
    assert r.item_scores[0] == 15 and r.item_scores[4] == 12.5
    assert r.base_score == 92.5 and r.level_name == "优秀"


def test_six_good_partial_standard_refused():
    flat = six_subs()
    flat[0] = 2  # a 5-point standard: 0 or 5 only
    with pytest.raises(InputError, match="达成"):
        score_unit(SIX, {"org_name": "支部", "item_scores": flat})


def test_six_good_dimension_entry_must_be_reachable_all_or_nothing():
    # 班子建设好 = four standards of 5: 15 is reachable, 17 is not
    ok = score_unit(SIX, {"org_name": "支部", "item_scores": [15, 20, 15, 15, 15, 15]})
    assert ok.base_score == 95
    with pytest.raises(InputError, match="班子建设好"):
        score_unit(SIX, {"org_name": "支部", "item_scores": [17, 20, 15, 15, 15, 15]})
    # 作用发挥好 = 7 + 7 + 6: 13 (7 + 6) is reachable, 12 is not
    assert score_unit(SIX, {"org_name": "支部", "item_scores": [20, 13, 15, 15, 15, 15]}).base_score == 93
    with pytest.raises(InputError, match="作用发挥好"):
        score_unit(SIX, {"org_name": "支部", "item_scores": [20, 12, 15, 15, 15, 15]})


@pytest.mark.parametrize("score, name, rectify", [(90, "优秀", False), (85, "良好", False),
                                                  (60, "基本合格", False), (55, "不合格", True)])
def test_six_good_unit_bands_and_rectify(score, name, rectify):
    # per-dimension entry, each a reachable all-or-nothing total, summing to `score`
    # (党员管理好 = 5 × 3 and 组织生活好 = 4+4+4+3 cannot give 5; 0 is always reachable)
    table = {90: [20, 20, 15, 15, 10, 10], 85: [20, 20, 15, 15, 10, 5], 60: [20, 20, 0, 0, 10, 10],
             55: [20, 20, 0, 0, 10, 5]}
    r = score_unit(SIX, {"org_name": "支部", "item_scores": table[score]})
    assert r.base_score == score and r.level_name == name and r.rectify is rectify


def six_units(totals: list[float]) -> list[dict]:
    """Units scored per dimension; the last dimension (基础工作好, 5/5/5) varies the total."""
    out = []
    for i, t in enumerate(totals):
        last = t - 85
        assert last in (0, 5, 10, 15)
        out.append({"org_name": f"S{i}", "item_scores": [20, 20, 15, 15, 15, last]})
    return out


def test_six_good_forced_distribution_20_50_20_10_of_ten():
    # N = 10, all distinct: ranks 1-2 优秀 (floor 2.0), 3-7 良好 (floor 7.0), 8-9 基本合格 (floor 9.0), 10 不合格
    totals = [100, 100, 95, 95, 95, 90, 90, 90, 85, 85]
    units = six_units(totals)
    # break ties by satisfaction (the second ranking key): unit i gets 10 − i satisfied of 10
    for i, u in enumerate(units):
        u.update(member_count=10, members_present=10, votes_satisfied=10 - i, votes_unsatisfied=i)
    rs = rate_set(SIX, units)
    assert [r.level_name for r in rs] == ["优秀", "优秀", "良好", "良好", "良好", "良好", "良好",
                                          "基本合格", "基本合格", "不合格"]
    moved = [r for r in rs if r.level != r.rule_level]
    assert moved and all(r.reasons and "强制分布" in r.reasons[-1] for r in moved)


def test_six_good_forced_distribution_of_seven():
    # N = 7 distinct: 优秀 floor(1.4) = 1; 良好 to floor(4.9) = 4 → ranks 2-4;
    # 基本合格 to floor(6.3) = 6 → ranks 5-6; 不合格 rank 7
    units = six_units([100] * 7)
    for i, u in enumerate(units):
        u.update(member_count=10, members_present=10, votes_satisfied=10 - i, votes_unsatisfied=i)
    rs = rate_set(SIX, units)
    assert [r.level_name for r in rs] == ["优秀", "良好", "良好", "良好", "基本合格", "基本合格", "不合格"]
    assert rs[6].rectify is True


def test_six_good_distribution_tied_group_takes_the_lower_level():
    # N = 10, units 0-2 tied at the top: 优秀 has 2 places, the tied trio straddles → all 良好;
    # positions 4-7 良好, 8-9 基本合格, 10 不合格 (distinct satisfaction below the trio)
    units = six_units([100] * 10)
    for i, u in enumerate(units):
        sat = 10 if i < 3 else 10 - i
        u.update(member_count=10, members_present=10, votes_satisfied=sat, votes_unsatisfied=10 - sat)
    rs = rate_set(SIX, units)
    assert [r.level_name for r in rs] == ["良好"] * 7 + ["基本合格"] * 2 + ["不合格"]
    # tied units share one position in their reasons (input order does not matter)
    assert all("排名第1/10" in rs[i].reasons[-1] for i in range(3))


def test_six_good_distribution_flag_mode_keeps_levels():
    units = six_units([100] * 10)
    for i, u in enumerate(units):
        u.update(member_count=10, members_present=10, votes_satisfied=10 - i, votes_unsatisfied=i)
    rs = rate_set(SIX, units, quota_mode="flag")
    assert all(r.level_name == "优秀" for r in rs)  # every unit scored 100
    # 8 units would move (ranks 3-10); each carries a hint
    hinted = [r for r in rs if any(x.startswith("配额提示") for x in r.reasons)]
    assert len(hinted) == 8
    assert rs[9].quota_level == 0 and rs[9].level == 3
