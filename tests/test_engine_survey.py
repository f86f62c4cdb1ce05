"""党员群众测评 arithmetic (docs/RULES.md "Survey"), expectations computed by hand."""
from __future__ import annotations

import pytest

from xlsx_addin import InputError, RatingError, load_scheme, score_unit

S = load_scheme("five_star")


def unit(**kw):
    d = {"org_name": "测试支部", "item_scores": [10] * 10}  # base 100 → 五星级
    d.update(kw)
    return d


def test_participation_is_present_over_all_members():
    # 45 of 50 members present = 90 %
    r = score_unit(S, unit(member_count=50, members_present=45, votes_satisfied=40, votes_basic=5))
    assert r.participation_rate == pytest.approx(0.9)
    assert r.survey.usable and r.survey.problem is None
    assert r.reasons == []


def test_participation_exactly_at_minimum_is_valid():
    # 8 / 10 = 80 % = the five_star minimum: valid; satisfaction (2+0)/8 = 25 % < 50 % is used → 不定星级
    r = score_unit(S, unit(member_count=10, members_present=8, votes_satisfied=2, votes_unsatisfied=6))
    assert r.participation_rate == pytest.approx(0.8)
    assert r.survey.usable
    assert r.level_name == "不定星级" and r.penalty == 5


def test_participation_below_minimum_flagged_and_satisfaction_not_used():
    # 7 / 10 = 70 % < 80 %: the survey is invalid. Satisfaction 1/7 = 14 % would mean −5 and 不定星级,
    # but it must not be used by the rules: the unit keeps 100 points and 五星级.
    r = score_unit(S, unit(member_count=10, members_present=7, votes_satisfied=1, votes_unsatisfied=6))
    assert r.participation_rate == pytest.approx(0.7)
    assert r.satisfaction_rate == pytest.approx(1 / 7)  # still computed and reported
    assert not r.survey.usable and r.survey.rule_satisfaction_rate is None
    assert r.penalty == 0 and r.final_score == 100 and r.level_name == "五星级"
    assert len(r.reasons) == 1
    assert "70%" in r.reasons[0] and "80%" in r.reasons[0] and "无效" in r.reasons[0]


def test_minimum_participation_is_a_scheme_number():
    from xlsx_addin import apply_overrides
    lower = apply_overrides(S, {"survey.min_participation": "60%"})
    r = score_unit(lower, unit(member_count=10, members_present=7, votes_satisfied=1, votes_unsatisfied=6))
    assert r.survey.usable and r.level_name == "不定星级"  # 70 % ≥ 60 %: now used, 14 % < 50 %


def test_satisfaction_counts_satisfied_and_basic_over_valid_ballots():
    # 满意 6 + 基本满意 2 = 8 of valid 6 + 2 + 2 = 10 → 80 %; 3 invalid ballots are counted, not valid
    r = score_unit(S, unit(member_count=13, members_present=13, votes_satisfied=6, votes_basic=2,
                           votes_unsatisfied=2, votes_invalid=3))
    t = r.survey.total
    assert (t.ballots, t.valid, t.invalid, t.satisfied) == (13, 10, 3, 8)
    assert r.satisfaction_rate == pytest.approx(0.8)  # not 8/13


def test_invalid_ballots_excluded_from_the_rate():
    # 6 满意 + 4 不满意 + 10 invalid: 6/10 = 60 % (not 6/20 = 30 %) → no penalty, no veto
    r = score_unit(S, unit(member_count=20, members_present=20, votes_satisfied=6, votes_unsatisfied=4,
                           votes_invalid=10))
    assert r.satisfaction_rate == pytest.approx(0.6)
    assert r.penalty == 0 and r.level_name == "五星级"


def test_all_ballots_invalid_flagged():
    r = score_unit(S, unit(member_count=5, members_present=5, votes_invalid=5))
    assert r.satisfaction_rate is None and not r.survey.usable
    assert any("全部无效" in x for x in r.reasons)
    assert r.level_name == "五星级"


def test_no_survey_held_is_neither_used_nor_flagged():
    r = score_unit(S, unit(member_count=20))
    assert r.satisfaction_rate is None and r.reasons == [] and r.notes == []


def test_ballots_without_member_count_are_used_and_flagged():
    # Participation cannot be checked (no 党员总数): not shown to be below 80 %, so the rate counts —
    # a blank count must not dodge the veto. 1 / 10 = 10 % < 50 % → −5 and 不定星级; a note says so.
    r = score_unit(S, unit(members_present=10, votes_satisfied=1, votes_unsatisfied=9))
    assert r.survey.rule_satisfaction_rate == pytest.approx(0.1)
    assert r.penalty == 5 and r.final_score == 95 and r.level_name == "不定星级"
    assert any("党员总数" in x and "照常计入" in x for x in r.notes)
    assert not any("党员总数" in x for x in r.reasons)


def test_masses_tallied_separately_and_together():
    # 20 members + 10 masses present. Totals (members + masses): 满意 18, 基本 6, 不满意 6 = 30
    # masses' own: 满意 4, 基本 2, 不满意 4 = 10 → masses 6/10 = 60 %
    # members = totals − masses: 满意 14, 基本 4, 不满意 2 = 20 → 18/20 = 90 %
    # together: 24/30 = 80 %
    r = score_unit(S, unit(member_count=20, members_present=20, masses_present=10,
                           votes_satisfied=18, votes_basic=6, votes_unsatisfied=6,
                           mass_votes_satisfied=4, mass_votes_basic=2, mass_votes_unsatisfied=4))
    sv = r.survey
    assert sv.masses.satisfaction_rate == pytest.approx(0.6) and sv.masses.ballots == 10
    assert sv.members.satisfaction_rate == pytest.approx(0.9) and sv.members.ballots == 20
    assert sv.satisfaction_rate == pytest.approx(0.8) and sv.total.ballots == 30
    assert r.participation_rate == pytest.approx(1.0)  # members only: 20 / 20


def test_masses_not_separate_when_no_mass_votes():
    r = score_unit(S, unit(member_count=10, members_present=10, votes_satisfied=10))
    assert r.survey.masses is None and r.survey.members is None


def test_more_ballots_than_participants_refused():
    # 9 present (8 members + 1 mass) but 10 ballots (incl. 1 invalid)
    with pytest.raises(InputError, match="超过参加测评人数9人"):
        score_unit(S, unit(member_count=10, members_present=8, masses_present=1,
                           votes_satisfied=5, votes_basic=3, votes_unsatisfied=1, votes_invalid=1))


def test_members_ballots_more_than_members_present_refused():
    # members' ballots = 10 − 2 = 8 > 7 members present (even though 10 ≤ 7 + 5)
    with pytest.raises(InputError, match="党员测评票数8张"):
        score_unit(S, unit(member_count=10, members_present=7, masses_present=5,
                           votes_satisfied=10, mass_votes_satisfied=2))


def test_mass_votes_above_total_refused():
    with pytest.raises(InputError, match="mass_votes_basic"):
        score_unit(S, unit(member_count=10, members_present=10, masses_present=5,
                           votes_satisfied=5, votes_basic=1, mass_votes_basic=2))


def test_members_present_above_member_count_refused():
    with pytest.raises(RatingError, match="超过党员总数10人"):
        score_unit(S, unit(member_count=10, members_present=11, votes_satisfied=11))


def test_ten_star_and_six_good_tally_their_own_options():
    # six_good options 满意/基本满意/不满意/不了解: (3+1)/(3+1+2+2) = 50 %
    six = load_scheme("six_good")
    subs = [s.points for it in six.items for s in it.sub_items]
    r = score_unit(six, {"org_name": "支部", "item_scores": subs, "member_count": 8, "members_present": 8,
                         "votes_satisfied": 3, "votes_basic": 1, "votes_unsatisfied": 2, "votes_unknown": 2})
    assert r.satisfaction_rate == pytest.approx(0.5)
    assert r.level_name == "优秀"  # six_good has no satisfaction rule
