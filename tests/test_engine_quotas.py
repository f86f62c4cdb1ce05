"""Quota enforcement inside one rating set (docs/RULES.md "Quota enforcement"), computed by hand.

five_star: 五星级 at most floor(0.10·N); 一星级 + 不定星级 at least ceil(0.10·N).
"""
from __future__ import annotations

import pytest

from xlsx_addin import RatingError, load_scheme, rate_set, score_unit

S = load_scheme("five_star")


def items_for(total: float) -> list[float]:
    out, left = [], total
    for _ in range(10):
        take = min(10.0, left)
        out.append(take)
        left -= take
    return out


def unit(name: str, total: float, sat: int | None = None, **kw) -> dict:
    """A unit with base `total`; sat = satisfied ballots of 10 (valid survey, all present)."""
    d = {"org_name": name, "item_scores": items_for(total)}
    if sat is not None:
        d.update(member_count=10, members_present=10, votes_satisfied=sat, votes_unsatisfied=10 - sat)
    d.update(kw)
    return d


def count(rs, ranks) -> int:
    return sum(r.level in ranks for r in rs)


@pytest.mark.parametrize("n, cap, floor", [(1, 0, 1), (9, 0, 1), (10, 1, 1), (11, 1, 2), (19, 1, 2),
                                           (20, 2, 2), (21, 2, 3), (30, 3, 3), (70, 7, 7)])
def test_limits_floor_and_ceil_without_float_noise(n, cap, floor):
    # 0.1·30 = 3.0000000000000004 in floating point: must still give cap 3 and floor 3
    rs = rate_set(S, [unit(f"U{i}", 75) for i in range(n)])
    limits = {q.id: q.limit for q in rs.quotas}
    assert limits == {"top_cap": cap, "bottom_floor": floor}


def test_thirty_distinct_five_star_units():
    # 30 units scoring 100, 99.5, … 85.5; 21 of them ≥ 90 (五星级)
    # cap 3: the top three keep 五星级, the 18 others ≥ 90 drop to 四星级
    # floor 3: nobody ≤ 一星级 → the three lowest (86.5, 86, 85.5) go to 一星级
    units = [unit(f"U{i:02d}", 100 - 0.5 * i) for i in range(30)]
    rs = rate_set(S, units)
    assert [r.level for r in rs[:3]] == [5, 5, 5]
    assert all(r.level == 4 for r in rs[3:27])
    assert [r.level_name for r in rs[27:]] == ["一星级"] * 3
    assert count(rs, {5}) == 3 and count(rs, {0, 1}) == 3
    for r in rs[3:21]:
        assert r.reasons == ["五星级超出配额(上限3个),调整为四星级"]
    for r in rs[27:]:
        assert len(r.reasons) == 1 and "至少3个" in r.reasons[0] and "一星级" in r.reasons[0]
    assert all(r.reasons == [] for r in rs[:3])
    assert all(q.holds_after and not q.holds_before for q in rs.quotas)


def test_no_change_when_quotas_hold():
    # N = 10: one 五星级 (≤ 1) and one 一星级 (≥ 1)
    totals = [95, 88, 85, 84, 83, 82, 81, 75, 65, 55]
    rs = rate_set(S, [unit(f"U{i}", t) for i, t in enumerate(totals)])
    assert [r.level for r in rs] == [5, 4, 4, 4, 4, 4, 4, 3, 2, 1]
    assert all(r.reasons == [] for r in rs)
    assert all(q.holds_before and q.holds_after and q.moved == 0 for q in rs.quotas)


def test_ranking_final_score_first():
    # N = 10, two 五星级 at 95 and 92; cap 1 → the 92 goes down; one 一星级 already there
    totals = [92, 95, 85, 85, 85, 85, 85, 85, 85, 55]
    rs = rate_set(S, [unit(f"U{i}", t) for i, t in enumerate(totals)])
    assert rs[0].level_name == "四星级" and rs[1].level_name == "五星级"


def test_ranking_satisfaction_breaks_final_score_ties():
    # both final 95; satisfaction 80 % vs 90 % → the 80 % unit goes down
    rest = [unit(f"R{i}", 85) for i in range(7)] + [unit("low", 55)]
    rs = rate_set(S, [unit("A", 95, sat=8), unit("B", 95, sat=9)] + rest)
    assert (rs[0].level_name, rs[1].level_name) == ("四星级", "五星级")


def test_ranking_base_score_breaks_remaining_ties():
    # A: base 97 − 2 (one member violation) = 95; B: base 95. Same final, same satisfaction 90 %.
    # Higher base ranks higher → B goes down.
    rest = [unit(f"R{i}", 85) for i in range(7)] + [unit("low", 55)]
    rs = rate_set(S, [unit("A", 97, sat=9, member_violations=1), unit("B", 95, sat=9)] + rest)
    assert rs[0].final_score == rs[1].final_score == 95
    assert (rs[0].level_name, rs[1].level_name) == ("五星级", "四星级")


def test_invalid_survey_satisfaction_not_used_for_ranking():
    # A: 100 % satisfied but only 7 of 10 members present (invalid survey) → ranks as "no rate";
    # B: valid 60 %. Same final 95: B ranks higher, A goes down.
    a = unit("A", 95, member_count=10, members_present=7, votes_satisfied=7)
    rest = [unit(f"R{i}", 85) for i in range(7)] + [unit("low", 55)]
    rs = rate_set(S, [a, unit("B", 95, sat=6)] + rest)
    assert rs[0].final_score == rs[1].final_score == 95  # 60 % is not < 60 %: no penalty for B
    assert (rs[0].level_name, rs[1].level_name) == ("四星级", "五星级")


def test_tied_group_across_cap_boundary_moves_together():
    # N = 10, cap 1: two units fully tied at 95 (same satisfaction, same base) → both go down
    rest = [unit(f"R{i}", 85) for i in range(7)] + [unit("low", 55)]
    rs = rate_set(S, [unit("A", 95), unit("B", 95)] + rest)
    assert rs[0].level_name == rs[1].level_name == "四星级"
    assert count(rs, {5}) == 0  # the cap is never exceeded
    assert all("上限1个" in r.reasons[0] for r in rs[:2])


def test_tied_group_across_floor_boundary_moves_together():
    # N = 10, floor 1, nobody ≤ 一星级; the two lowest are tied at 70 → both to 一星级 (floor met, 2 ≥ 1)
    totals = [85, 85, 84, 84, 83, 83, 82, 81, 70, 70]
    rs = rate_set(S, [unit(f"U{i}", t) for i, t in enumerate(totals)])
    assert [r.level_name for r in rs[8:]] == ["一星级", "一星级"]
    assert count(rs, {0, 1}) == 2
    assert all(r.reasons == [] for r in rs[:8])


def test_small_set_cap_zero_enforced_with_status_note():
    # N = 5: cap floor(0.5) = 0 → no unit may keep 五星级; floor ceil(0.5) = 1
    rs = rate_set(S, [unit(f"U{i}", 100 - i) for i in range(5)])
    assert [r.level_name for r in rs] == ["四星级", "四星级", "四星级", "四星级", "一星级"]
    cap = next(q for q in rs.quotas if q.id == "top_cap")
    assert cap.limit == 0 and "0个" in cap.note and "仅标记" in cap.note
    # the lowest unit moved twice: both reasons are kept, in order
    assert len(rs[4].reasons) == 2
    assert "超出配额" in rs[4].reasons[0] and "一星级" in rs[4].reasons[1]


def test_flag_mode_never_changes_a_level_but_lists_every_would_be_move():
    units = [unit(f"U{i}", 100 - i) for i in range(5)]
    rs = rate_set(S, units, quota_mode="flag")
    assert [r.level_name for r in rs] == ["五星级"] * 5
    assert [r.quota_level for r in rs] == [4, 4, 4, 4, 1]
    for r in rs:
        assert r.reasons and all(x.startswith("配额提示(未调整):") for x in r.reasons)
    for q in rs.quotas:  # in flag mode the statistics show the levels as they stand
        assert q.count_after == q.count_before and q.holds_after == q.holds_before is False


def test_enforce_and_flag_agree_on_who_moves():
    units = [unit(f"U{i}", 100 - 0.5 * i) for i in range(30)]
    enforced = rate_set(S, units)
    flagged = rate_set(S, units, quota_mode="flag")
    assert [r.level for r in enforced] == [r.quota_level for r in flagged]
    assert [r.level for r in flagged] == [r.rule_level for r in flagged]


def test_every_moved_unit_carries_a_reason_and_rectify_follows():
    units = [unit(f"U{i}", 100 - 0.5 * i) for i in range(30)]
    for r in rate_set(S, units):
        assert r.quota_moved == bool(r.quota_reason)
        if r.level != r.rule_level:
            assert r.reasons and r.quota_reason
        assert r.rectify == (r.level <= 1)


def test_cap_moves_down_exactly_one_level_from_rule_level():
    # a unit whose rule level is 五星级 goes to 四星级, never lower, by the cap alone
    totals = [99, 98, 97, 85, 85, 85, 85, 85, 85, 40]
    rs = rate_set(S, [unit(f"U{i}", t) for i, t in enumerate(totals)])
    assert [r.level for r in rs[:3]] == [5, 4, 4]


def test_vetoed_unit_counts_for_the_floor():
    # the lowest band here is 三星级, but one unit is 不定星级 by the satisfaction veto → floor met
    units = [unit(f"U{i}", 85) for i in range(9)] + [unit("V", 85, sat=4)]
    rs = rate_set(S, units)
    assert rs[9].level_name == "不定星级"
    assert all(r.level_name == "四星级" and r.reasons == [] for r in rs[:9])


def test_unknown_quota_mode_refused():
    with pytest.raises(RatingError, match="配额模式"):
        rate_set(S, [unit("A", 90)], quota_mode="strict")


def test_rate_set_accepts_scored_results():
    results = [score_unit(S, unit(f"U{i}", 100 - i)) for i in range(5)]
    rs = rate_set(S, results)
    assert rs.mode == "enforce" and len(rs) == 5 and rs[0].result is results[0]
    assert rs[0].level_name == "四星级"  # cap 0 for N = 5
    assert results[0].level_name == "五星级" and rs[0].base_score == results[0].base_score  # the result is not changed


def test_a_result_is_immutable():
    import dataclasses

    r = score_unit(S, unit("A", 90))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.level = 0  # type: ignore[misc]
    rated = rate_set(S, [r])[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rated.level = 0  # type: ignore[misc]


def test_empty_set():
    rs = rate_set(S, [])
    assert list(rs) == [] and all(q.limit == 0 for q in rs.quotas)


# --- the level after vetoes and caps ranks first (docs/RULES.md "Quota enforcement") ------------------
def town(**overrides) -> list[dict]:
    """The town of 6 of issue 13: cap floor(0.6) = 0, floor ceil(0.6) = 1."""
    units = {"第一村": unit("第一村", 95), "第二村": unit("第二村", 92), "第三村": unit("第三村", 86),
             "第四村": unit("第四村", 88), "第五村": unit("第五村", 90),
             "机关": unit("机关", 93, election_overdue_months=13)}  # overdue > 1 year: at most 三星级
    for name, d in overrides.items():
        units[name] = d
    return [dict(d, org_name=f"城关镇{name}") for name, d in units.items()]


def by_name(rs) -> dict[str, str]:
    return {r.org_name: r.level_name for r in rs}


def test_floor_lowers_the_capped_unit_not_a_higher_level_one():
    rs = rate_set(S, town())
    assert rs[5].rule_level == 3 and rs[2].rule_level == 4  # 机关 93 → 三星级 (cap); 第三村 86 → 四星级
    assert by_name(rs) == {"城关镇第一村": "四星级", "城关镇第二村": "四星级", "城关镇第三村": "四星级",
                           "城关镇第四村": "四星级", "城关镇第五村": "四星级", "城关镇机关": "一星级"}
    assert rs[5].reasons[-1] == "一星级及以下比例下限未达到(至少1个),按排名由三星级调整为一星级"
    floor = next(q for q in rs.quotas if q.id == "bottom_floor")
    assert [(m.org_name, m.from_level, m.to_level) for m in floor.moves] == [("城关镇机关", 3, 1)]
    cap = next(q for q in rs.quotas if q.id == "top_cap")  # 95, 92 and 90 were 五星级: cap 0 → 四星级
    assert [m.org_name for m in cap.moves] == ["城关镇第一村", "城关镇第二村", "城关镇第五村"]
    assert all((m.from_level, m.to_level) == (5, 4) for m in cap.moves)


def test_floor_among_capped_units_takes_the_lowest_score():
    # two units capped at 三星级 (93 and 87): the floor takes the 87 one; 第三村 (86, 四星级) stays
    rs = rate_set(S, town(第四村=unit("第四村", 87, election_overdue_months=14)))
    assert by_name(rs)["城关镇第四村"] == "一星级"
    assert by_name(rs)["城关镇机关"] == "三星级" and by_name(rs)["城关镇第三村"] == "四星级"


def test_floor_tie_among_capped_units_moves_both():
    # both capped at 三星级 with the same final, satisfaction and base score: treated alike
    rs = rate_set(S, town(第四村=unit("第四村", 93, election_overdue_months=14)))
    assert by_name(rs)["城关镇第四村"] == by_name(rs)["城关镇机关"] == "一星级"
    floor = next(q for q in rs.quotas if q.id == "bottom_floor")
    assert floor.limit == 1 and floor.count_after == 2 and floor.moved == 2
    assert sum(r.level_name == "一星级" for r in rs) == 2


def test_floor_tie_broken_by_satisfaction_among_capped_units():
    # same level (capped) and same final score: the lower satisfaction (70 % < 80 %) goes
    rs = rate_set(S, town(第四村=unit("第四村", 93, sat=7, election_overdue_months=14),
                          机关=unit("机关", 93, sat=8, election_overdue_months=13)))
    assert by_name(rs)["城关镇第四村"] == "一星级" and by_name(rs)["城关镇机关"] == "三星级"


def test_every_candidate_capped():
    # all six capped at 三星级 (elections overdue > 1 year): the level ties, so the final score decides:
    # the lowest (86) goes to 一星级; nobody is 五星级, so the cap of 0 holds without moving anyone
    units = [unit(f"U{i}", t, election_overdue_months=13) for i, t in enumerate([95, 93, 91, 90, 88, 86])]
    rs = rate_set(S, units)
    assert [r.rule_level for r in rs] == [3] * 6
    assert [r.level_name for r in rs] == ["三星级"] * 5 + ["一星级"]
    cap, floor = rs.quotas
    assert cap.holds_before and cap.moves == [] and floor.moved == 1


def test_every_candidate_capped_at_different_levels():
    # caps at 四星级 (overdue, unexcused, ≤ 1 year) and 三星级 (> 1 year): every 三星级 ranks below
    # every 四星级 whatever the score, so the floor (2 of 11) takes the two lowest 三星级 ones
    units = ([unit(f"F{i}", 98 - i, election_overdue_months=6) for i in range(6)]
             + [unit(f"T{i}", 99 - i, election_overdue_months=13) for i in range(5)])
    rs = rate_set(S, units)
    assert [r.rule_level for r in rs] == [4] * 6 + [3] * 5
    assert [r.level_name for r in rs] == ["四星级"] * 6 + ["三星级"] * 3 + ["一星级"] * 2
    assert [m.org_name for m in rs.quotas[1].moves] == ["T3", "T4"]


def test_flag_mode_lists_the_capped_unit_for_the_floor():
    rs = rate_set(S, town(), quota_mode="flag")
    assert by_name(rs)["城关镇机关"] == "三星级" and rs[5].quota_level == 1
    assert rs[2].quota_level == 4  # 第三村 would not move
    floor = next(q for q in rs.quotas if q.id == "bottom_floor")
    assert [m.org_name for m in floor.moves] == ["城关镇机关"]


def test_vetoed_unit_ranks_below_a_higher_level_for_the_cap_boundary():
    # distinct ranks inside the cap are unchanged: only units at the top level compete for it
    rs = rate_set(S, [unit("A", 99), unit("B", 91), unit("C", 95, sat=4)] + [unit(f"R{i}", 85) for i in range(7)])
    assert rs[2].level_name == "不定星级"  # vetoed: counts for the floor, not for the cap
    assert (rs[0].level_name, rs[1].level_name) == ("五星级", "四星级")
