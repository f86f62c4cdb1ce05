"""five_star rules (docs/RULES.md "Scheme five_star"), one test per rule, expectations computed by hand.

Default numbers (five_star.yaml): 10 items × 10 points; bands 90/80/70/60/50;
honours and innovation city +3 / province +5 / national +8 (highest only, each);
工委 −3, 市委 −5 per criticism; leader minor −3, major −5, member −2 per person; absences −3 each;
satisfaction < 60 % → −5, < 50 % → 不定星级; election caps; absences ≥ 3 → min(level−1, 四星级).
"""
from __future__ import annotations

import pytest

from xlsx_addin import load_scheme, score_unit

S = load_scheme("five_star")


def items_for(total: float) -> list[float]:
    """Ten item scores (each 0..10) summing exactly to total: full items first, then the rest."""
    out = []
    left = total
    for _ in range(10):
        take = min(10.0, left)
        out.append(take)
        left -= take
    assert abs(left) < 1e-9
    return out


def unit(total: float = 100, **kw):
    d = {"org_name": "测试支部", "item_scores": items_for(total)}
    d.update(kw)
    return d


def survey(satisfied: int, basic: int, unsatisfied: int, invalid: int = 0, members: int | None = None):
    """A valid survey: everyone present (participation 100 %)."""
    n = satisfied + basic + unsatisfied + invalid
    members = n if members is None else members
    return dict(member_count=members, members_present=n, votes_satisfied=satisfied, votes_basic=basic,
                votes_unsatisfied=unsatisfied, votes_invalid=invalid)


def has(reasons: list[str], *parts: str) -> bool:
    return any(all(p in r for p in parts) for r in reasons)


# --- bands --------------------------------------------------------------------------------

@pytest.mark.parametrize("score, name, rank", [
    (100, "五星级", 5),
    (90, "五星级", 5),       # lower bound inclusive
    (89.5, "四星级", 4),     # no rounding: 89.5 is not 90
    (89.99, "四星级", 4),
    (80, "四星级", 4),
    (79.9, "三星级", 3),
    (70, "三星级", 3),
    (69.5, "二星级", 2),
    (60, "二星级", 2),
    (59.9, "一星级", 1),
    (50, "一星级", 1),
    (49.5, "不定星级", 0),
    (0, "不定星级", 0),
])
def test_band_lower_bounds_inclusive_no_rounding(score, name, rank):
    r = score_unit(S, unit(score))
    assert r.base_score == pytest.approx(score)
    assert r.final_score == pytest.approx(score)  # no adjustments
    assert (r.level, r.level_name) == (rank, name)
    assert r.band_level == rank
    assert r.reasons == []  # nothing changed the outcome


def test_score_above_100_stays_as_computed_and_is_five_star():
    # 100 + national honour 8 + national innovation 8 = 116
    r = score_unit(S, unit(100, honor_level="国家级", innovation_level="国家级"))
    assert (r.base_score, r.bonus, r.penalty, r.final_score) == (100, 16, 0, 116)
    assert r.level_name == "五星级"


# --- bonuses --------------------------------------------------------------------------------

@pytest.mark.parametrize("word, points", [("市级", 3), ("省级", 5), ("国家级", 8)])
def test_honour_bonus_by_level(word, points):
    # 80 + points
    r = score_unit(S, unit(80, honor_level=word))
    assert r.bonus == points
    assert r.final_score == 80 + points
    assert len(r.reasons) == 1 and word in r.reasons[0] and f"加{points}分" in r.reasons[0]


@pytest.mark.parametrize("word, points", [("市级", 3), ("省级", 5), ("国家级", 8)])
def test_innovation_bonus_by_level(word, points):
    r = score_unit(S, unit(80, innovation_level=word))
    assert r.bonus == points and r.final_score == 80 + points
    assert has(r.reasons, word, "推广", f"加{points}分")


@pytest.mark.parametrize("given", [["市级", "省级", "国家级"], "市级、国家级", "市级，省级", "市级,国家级", ("省级", "市级")])
def test_only_the_highest_honour_counts(given):
    # several honours: only the highest (国家级 8 / 省级 5), not the sum
    expected = 5 if "国家级" not in given else 8
    r = score_unit(S, unit(70, honor_level=given))
    assert r.bonus == expected
    assert r.final_score == 70 + expected
    assert len(r.reasons) == 1


def test_honour_and_innovation_are_independent():
    # 82 + 省级 honour 5 + 市级 innovation 3 = 90 → 五星级 (band moved from 四星级 by bonuses)
    r = score_unit(S, unit(82, honor_level="省级", innovation_level="市级"))
    assert r.bonus == 8 and r.final_score == 90
    assert r.level_name == "五星级"
    assert len(r.reasons) == 2


def test_no_honour_gives_no_bonus_and_no_reason():
    r = score_unit(S, unit(85, honor_level="无", innovation_level="无"))
    assert r.bonus == 0 and r.reasons == []


# --- penalties -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, count, each", [
    ("criticism_committee", 2, 3),      # 工委通报批评 −3 each
    ("criticism_city", 2, 5),           # 市委通报批评 −5 each
    ("leader_discipline_minor", 2, 3),  # 班子成员 严重警告以下 −3 per person
    ("leader_discipline_major", 2, 5),  # 班子成员 撤销党内职务以上 −5 per person
    ("member_violations", 2, 2),        # 一般党员 −2 per person
    ("absences", 2, 3),                 # absences −3 each (2 < 3: no demotion)
])
def test_each_penalty_kind(name, count, each):
    r = score_unit(S, unit(95, **{name: count}))
    assert r.penalty == count * each
    assert r.final_score == 95 - count * each
    assert len(r.reasons) == 1
    assert f"{count}" in r.reasons[0] and f"扣{count * each}分" in r.reasons[0]


def test_penalties_add_up_and_combine_with_bonuses():
    # base 90; honour 省级 +5; 工委 1×−3, 市委 1×−5, minor 1×−3, major 1×−5, member 2×−2, absences 1×−3
    # bonus 5; penalty 3+5+3+5+4+3 = 23; final 90 + 5 − 23 = 72 → 三星级
    r = score_unit(S, unit(90, honor_level="省级", criticism_committee=1, criticism_city=1,
                           leader_discipline_minor=1, leader_discipline_major=1, member_violations=2, absences=1))
    assert (r.bonus, r.penalty, r.final_score) == (5, 23, 72)
    assert r.level_name == "三星级"
    assert len(r.reasons) == 7


def test_penalty_is_applied_before_banding():
    # base 92 − 市委 5 = 87 → 四星级 (the band uses the final score)
    r = score_unit(S, unit(92, criticism_city=1))
    assert r.final_score == 87 and r.level_name == "四星级" and r.band_level == 4


# --- satisfaction ----------------------------------------------------------------------------

def test_satisfaction_below_60_costs_5_points():
    # (5 + 0) / 9 valid = 55.6 % < 60 % → −5; 95 − 5 = 90 → still 五星级
    r = score_unit(S, unit(95, **survey(5, 0, 4)))
    assert r.satisfaction_rate == pytest.approx(5 / 9)
    assert r.penalty == 5 and r.final_score == 90
    assert r.level_name == "五星级"
    assert has(r.reasons, "满意率", "60%", "扣5分")


def test_satisfaction_exactly_60_is_not_below():
    # (4 + 2) / 10 = 60 % exactly: no penalty
    r = score_unit(S, unit(95, **survey(4, 2, 4)))
    assert r.satisfaction_rate == pytest.approx(0.6)
    assert r.penalty == 0 and r.reasons == []


def test_satisfaction_exactly_50_penalised_but_not_vetoed():
    # 5 / 10 = 50 %: < 60 % → −5, not < 50 % → no veto; 100 − 5 = 95 → 五星级
    r = score_unit(S, unit(100, **survey(3, 2, 5)))
    assert r.final_score == 95 and r.level_name == "五星级"
    assert len(r.reasons) == 1


def test_satisfaction_below_50_means_no_star():
    # 4 / 10 = 40 % < 50 %: −5 (final 95) and then 不定星级 whatever the score
    r = score_unit(S, unit(100, **survey(2, 2, 6)))
    assert r.final_score == 95 and r.band_level == 5
    assert (r.level, r.level_name) == (0, "不定星级")
    assert has(r.reasons, "50%", "不定星级")
    assert r.rectify is True


# --- election ------------------------------------------------------------------------------------

def test_election_overdue_unexcused_caps_at_four_stars():
    r = score_unit(S, unit(95, election_overdue_months=3, election_overdue_excused="否"))
    assert r.band_level == 5 and r.level_name == "四星级"
    assert r.final_score == 95  # a cap, not a penalty
    assert has(r.reasons, "换届", "五星级", "四星级")


def test_election_overdue_blank_excuse_counts_as_unexcused():
    r = score_unit(S, unit(95, election_overdue_months=1))
    assert r.level_name == "四星级"


def test_election_overdue_excused_within_a_year_no_cap():
    r = score_unit(S, unit(95, election_overdue_months=6, election_overdue_excused="是"))
    assert r.level_name == "五星级" and r.reasons == []


def test_election_overdue_exactly_12_months_is_not_more_than_a_year():
    # 12 is not > 12: only the unexcused cap (四星级)
    r = score_unit(S, unit(95, election_overdue_months=12, election_overdue_excused="否"))
    assert r.level_name == "四星级"
    assert len(r.reasons) == 1


@pytest.mark.parametrize("excused", ["是", "否"])
def test_election_overdue_more_than_a_year_caps_at_three_excused_or_not(excused):
    r = score_unit(S, unit(95, election_overdue_months=13, election_overdue_excused=excused))
    assert r.level_name == "三星级"
    assert has(r.reasons, "换届逾期超过12个月", "三星级")


def test_election_cap_without_effect_gives_no_reason():
    # band already 三星级 (75): caps at four and at three change nothing
    r = score_unit(S, unit(75, election_overdue_months=13, election_overdue_excused="否"))
    assert r.level_name == "三星级" and r.reasons == []


# --- absences ------------------------------------------------------------------------------------

@pytest.mark.parametrize("base, absences, final, band, level", [
    (100, 3, 91, 5, 4),   # 100 − 9 = 91 五星级 → min(5−1, 4) = 4 四星级
    (98, 3, 89, 4, 3),    # 98 − 9 = 89 四星级 → min(3, 4) = 3 三星级
    (100, 4, 88, 4, 3),   # 100 − 12 = 88 四星级 → 三星级
    (62, 3, 53, 1, 0),    # 62 − 9 = 53 一星级 → 不定星级
    (40, 3, 31, 0, 0),    # floored at 不定星级
    (100, 2, 94, 5, 5),   # 2 < 3: no demotion
])
def test_three_or_more_absences_drop_one_star_and_forbid_five(base, absences, final, band, level):
    r = score_unit(S, unit(base, absences=absences))
    assert r.penalty == 3 * absences and r.final_score == final
    assert r.band_level == band and r.level == level
    demoted = [x for x in r.reasons if "累计" in x]
    assert len(demoted) == (1 if band != level else 0)


# --- order of evaluation ---------------------------------------------------------------------------

def test_order_caps_then_absence_rule():
    # base 100, absences 3 → −9 → final 91 → band 五星级
    # election unexcused → 四星级; > 12 months → 三星级; absences: min(3−1, 4) = 二星级
    r = score_unit(S, unit(100, absences=3, election_overdue_months=13, election_overdue_excused="否"))
    assert r.final_score == 91 and r.band_level == 5
    assert r.level_name == "二星级"
    assert len(r.reasons) == 4  # the −9, cap to four, cap to three, demotion
    assert "扣9分" in r.reasons[0]
    assert "四星级" in r.reasons[1] and "三星级" in r.reasons[2] and "二星级" in r.reasons[3]


def test_order_bonus_lifts_band_before_caps():
    # base 85 + 国家级 8 = 93 → 五星级, then election unexcused → 四星级
    r = score_unit(S, unit(85, honor_level="国家级", election_overdue_months=2))
    assert r.final_score == 93 and r.band_level == 5 and r.level_name == "四星级"


def test_order_veto_first_then_nothing_left_to_demote():
    # 30 % satisfaction: −5, then 不定星级; absence rule cannot go lower: only 3 reasons
    # final 100 − 5 − 9 = 86
    r = score_unit(S, unit(100, absences=3, **survey(3, 0, 7)))
    assert r.final_score == 86 and r.level_name == "不定星级"
    assert len(r.reasons) == 3


# --- reviewed scores ----------------------------------------------------------------------------------

def test_reviewed_scores_used_when_every_item_filled():
    r = score_unit(S, unit(100, item_scores_reviewed=[8] * 10))
    assert r.base_score == 80 and r.level_name == "四星级"  # 8 × 10 = 80
    assert r.item_source == "reviewed"
    assert has(r.reasons, "上级审核", "80", "100")


def test_reviewed_scores_ignored_when_partly_filled():
    r = score_unit(S, unit(100, item_scores_reviewed=[8] * 9 + [None]))
    assert r.base_score == 100 and r.item_source == "self"
    assert r.reasons == []
    assert any("未填全" in n for n in r.notes)


def test_reviewed_scores_equal_to_self_give_no_reason():
    r = score_unit(S, unit(85, item_scores_reviewed=items_for(85)))
    assert r.item_source == "reviewed" and r.base_score == 85 and r.reasons == []


# --- reasons and rectification ------------------------------------------------------------------------

def test_no_reason_when_nothing_changed():
    r = score_unit(S, unit(93, honor_level="无", election_overdue_months=0, absences=0, **survey(8, 1, 1)))
    assert r.reasons == [] and r.bonus == 0 and r.penalty == 0


def test_reasons_are_chinese():
    r = score_unit(S, unit(100, honor_level="市级", criticism_city=1, election_overdue_months=13))
    assert len(r.reasons) == 4  # +3, −5, cap four, cap three
    for text in r.reasons:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("score, rectify", [(100, False), (60, False), (55, True), (20, True)])
def test_rectify_for_one_star_and_no_star(score, rectify):
    # 二星级 (60) not flagged; 一星级 (55) and 不定星级 (20) → 集中整顿
    r = score_unit(S, unit(score))
    assert r.rectify is rectify


def test_result_carries_identity_and_prev_level_change():
    r = score_unit(S, unit(85, org_code="A01", parent_org="某镇党委", prev_level="三星级"))
    assert (r.org_name, r.org_code, r.parent_org) == ("测试支部", "A01", "某镇党委")
    assert r.prev_level == 3 and r.change == 1  # 四星级 − 三星级
