"""Texts tell the numbers in force: every reason template takes its numbers from its rule.

Each case overrides one rule's numbers through apply_rules (a 规则 table) and checks that the
reason shows the new number and not the built-in one.
"""
from __future__ import annotations

import pytest

from xlsx_addin import RatingError, apply_rules, load_scheme, score_unit


def unit(**kw):
    base = {"org_name": "测试支部", "member_count": 20, "item_scores": [9] * 10, "members_present": 20,
            "votes_satisfied": 10, "votes_basic": 5, "votes_unsatisfied": 5, "votes_invalid": 0}
    base.update(kw)
    return base


def reason_with(result, word):
    hits = [r for r in result.reasons if word in r]
    assert hits, result.reasons
    return hits[0]


def test_satisfaction_threshold_in_force():
    # 15 of 20 valid ballots satisfied -> 75 %; raise the 60 % threshold to 80 %
    scheme = apply_rules("five_star", {"adjustments.low_satisfaction.when.value": 0.8})
    text = reason_with(score_unit(scheme, unit()), "民主评议满意率")
    assert text == "民主评议满意率75%低于80%,扣5分"
    assert "60%" not in text


def test_satisfaction_threshold_and_points_in_force():
    scheme = apply_rules("five_star", {"adjustments.low_satisfaction.when.value": 0.65,
                                       "adjustments.low_satisfaction.points": -4})
    r = score_unit(scheme, unit(votes_satisfied=6, votes_basic=6, votes_unsatisfied=7))  # 12/19 = 63.2 %
    assert reason_with(r, "民主评议满意率") == "民主评议满意率63.2%低于65%,扣4分"
    assert r.penalty == 4


def test_no_star_threshold_in_force():
    scheme = apply_rules("five_star", {"adjustments.very_low_satisfaction.when.value": 0.55})
    r = score_unit(scheme, unit(votes_satisfied=5, votes_basic=5, votes_unsatisfied=10))  # 50 %
    assert "民主评议满意率50%低于55%,不定星级" in r.reasons
    assert r.level_name == "不定星级"


def test_absence_threshold_in_force():
    scheme = apply_rules("five_star", {"adjustments.absences_demote.when.value": 2})
    r = score_unit(scheme, unit(absences=2, votes_satisfied=20, votes_basic=0, votes_unsatisfied=0))
    text = reason_with(r, "累计2次")
    assert "(2次及以上)" in text and "3次" not in text
    assert "不得定为五星级并降低一个星级" in text


def test_absence_cap_named_from_rule():
    scheme = apply_rules("five_star", {"adjustments.absences_demote.max_level": 3})
    r = score_unit(scheme, unit(absences=3, votes_satisfied=20, votes_basic=0, votes_unsatisfied=0))
    assert "不得定为四星级及以上并降低一个星级" in reason_with(r, "累计3次")


def test_absence_points_in_force():
    scheme = apply_rules("five_star", {"adjustments.absences.points": -2.5})
    r = score_unit(scheme, unit(absences=2, votes_satisfied=20, votes_basic=0, votes_unsatisfied=0))
    assert "无故缺席会议培训或未按时完成任务2次,每次扣2.5分,共扣5分" in r.reasons


def test_overdue_months_in_force():
    scheme = apply_rules("five_star", {"adjustments.election_overdue_year.when.value": 24})
    r = score_unit(scheme, unit(election_overdue_months=25, election_overdue_excused="是",
                                votes_satisfied=20, votes_basic=0, votes_unsatisfied=0))
    assert reason_with(r, "换届逾期") == "换届逾期超过24个月,最高定为三星级,由五星级调整为三星级"
    r = score_unit(scheme, unit(election_overdue_months=13, election_overdue_excused="是",
                                votes_satisfied=20, votes_basic=0, votes_unsatisfied=0))
    assert not [x for x in r.reasons if "换届" in x]


def test_overdue_cap_level_in_force():
    scheme = apply_rules("five_star", {"adjustments.election_overdue.max_level": 3})
    r = score_unit(scheme, unit(election_overdue_months=2, votes_satisfied=20, votes_basic=0, votes_unsatisfied=0))
    assert reason_with(r, "未按期换届") == "无特殊理由、无请示未按期换届,不得定为四星级及以上,由五星级调整为三星级"


def test_bonus_points_in_force():
    scheme = apply_rules("five_star", {"adjustments.honor.points.省级": 6})
    r = score_unit(scheme, unit(honor_level="省级", votes_satisfied=20, votes_basic=0, votes_unsatisfied=0))
    assert "获省级表彰或署名文章报道(以最高的为准),加6分" in r.reasons


@pytest.mark.parametrize("key", ["criticism_committee", "criticism_city", "leader_discipline_minor",
                                 "leader_discipline_major", "member_violations"])
def test_per_count_points_in_force(key):
    scheme = apply_rules("five_star", {f"adjustments.{key}.points": -7})
    r = score_unit(scheme, unit(**{key: 2}, votes_satisfied=20, votes_basic=0, votes_unsatisfied=0))
    text = reason_with(r, "共扣14分")
    assert "扣7分" in text


def test_min_participation_in_force():
    scheme = apply_rules("five_star", {"survey.min_participation": 0.9})
    r = score_unit(scheme, unit(members_present=17, votes_satisfied=17, votes_basic=0, votes_unsatisfied=0))
    assert r.reasons[0] == "测评参与率85%低于90%,测评无效,满意率不计入评定"


def test_every_builtin_reason_uses_fields_for_rule_numbers():
    """No digit of a rule's own numbers is typed into a reason template."""
    from xlsx_addin import BUILTIN

    for name in BUILTIN:
        for rule in load_scheme(name).adjustments:
            literal = rule.reason
            for field in ("{threshold}", "{points}", "{value}", "{count}"):
                literal = literal.replace(field, "")
            assert not any(ch.isdigit() for ch in literal), (name, rule.id, rule.reason)


def test_apply_rules_refuses_with_key_and_value():
    with pytest.raises(RatingError) as exc:
        apply_rules("five_star", {"adjustments.absences.points": "很多"})
    assert "adjustments.absences.points" in str(exc.value) and "很多" in str(exc.value)
