"""Units for the differential tests of the universal workbook: random ones and every boundary.

Each case is (label, inputs keyed by the names contract). Values are what a clerk can put in a
cell: numbers, texts, blanks (None); item scores one per cell of the template.
"""
from __future__ import annotations

import random
from typing import Any

from xlsx_addin import Scheme

Case = tuple[str, dict[str, Any]]


def cells_points(scheme: Scheme) -> list[float]:
    """The points of each score cell of the template (per sub-item when the scheme has them)."""
    if scheme.sub_item_count:
        return [s.points for it in scheme.items for s in it.sub_items]
    return [it.points for it in scheme.items]


def _scores(scheme: Scheme, rng: random.Random, share: float) -> list[float]:
    out = []
    for p in cells_points(scheme):
        if scheme.sub_item_all_or_nothing:
            out.append(p if rng.random() < share else 0)
        else:
            out.append(min(p, max(0, round(p * rng.uniform(share - 0.25, share + 0.15) * 2) / 2)))
    return out


def _survey(scheme: Scheme, rng: random.Random, members: int, sat_share: float) -> dict[str, Any]:
    present = rng.randint(int(members * 0.7), members)
    masses = rng.choice([0, 0, rng.randint(1, 15)])
    ballots = present + masses
    invalid = rng.choice([0, 0, 1, 2]) if ballots > 4 else 0
    valid = ballots - invalid
    opts = scheme.survey.options
    sat = int(round(valid * sat_share))
    counts = {o.input: 0 for o in opts}
    sat_opts = [o for o in opts if o.satisfied]
    other = [o for o in opts if not o.satisfied]
    first = rng.randint(0, sat)
    counts[sat_opts[0].input] = first
    counts[sat_opts[-1].input] += sat - first
    rest = valid - sat
    for o in other[:-1]:
        k = rng.randint(0, rest)
        counts[o.input] = k
        rest -= k
    counts[other[-1].input] += rest
    out: dict[str, Any] = {"members_present": present, "masses_present": masses or rng.choice([None, 0]),
                           scheme.survey.invalid_input: invalid, **counts}
    if masses and rng.random() < 0.5:  # the masses' share tallied separately
        left = masses
        for o in opts:
            k = min(left, counts[o.input])
            out["mass_" + o.input] = k
            left -= k
        out["mass_" + scheme.survey.invalid_input] = 0
    return out


def random_unit(scheme: Scheme, rng: random.Random, i: int) -> dict[str, Any]:
    members = rng.randint(5, 80)
    unit: dict[str, Any] = {
        "org_name": f"测试第{i}党支部", "org_code": f"T{i:04d}", "parent_org": rng.choice(["城关镇党委", "李山镇党委"]),
        "org_type": rng.choice(scheme.choices.get("org_types", ["其他"])), "member_count": members,
        "item_scores": _scores(scheme, rng, rng.uniform(0.4, 1.0)),
    }
    if rng.random() < 0.25:
        unit["item_scores_reviewed"] = _scores(scheme, rng, rng.uniform(0.5, 1.0))
    if rng.random() < 0.5:
        unit["honor_level"] = rng.choice(["无", "市级", "省级", "国家级"])
        unit["innovation_level"] = rng.choice(["无", "市级", "省级", None])
    for name in ("criticism_committee", "criticism_city", "leader_discipline_minor", "leader_discipline_major",
                 "member_violations", "absences"):
        if rng.random() < 0.3:
            unit[name] = rng.choice([0, 1, 1, 2, 3, 4])
    if rng.random() < 0.3:
        unit["election_overdue_months"] = rng.choice([0, 3, 12, 13, 24])
        unit["election_overdue_excused"] = rng.choice(["是", "否", None])
    if rng.random() < 0.3:
        unit["prev_level"] = rng.choice([lv.name for lv in scheme.levels])
    if rng.random() < 0.9:
        unit.update(_survey(scheme, rng, members, rng.uniform(0.35, 1.0)))
    return unit


def _full(scheme: Scheme, **kw) -> dict[str, Any]:
    pts = cells_points(scheme)
    unit: dict[str, Any] = {"org_name": "边界测试支部", "member_count": 20, "item_scores": list(pts),
                            "members_present": 20, "masses_present": 0, "votes_satisfied": 18,
                            "votes_basic": 2, "votes_unsatisfied": 0, "votes_invalid": 0}
    unit.update(kw)
    return unit


def _scores_summing(scheme: Scheme, total: float) -> list[float]:
    """Per-cell scores (not all-or-nothing schemes) adding up to `total`, filled from the first cell."""
    out, left = [], total
    for p in cells_points(scheme):
        take = min(p, left)
        out.append(take)
        left = round(left - take, 9)
    return out


def boundary_cases(scheme: Scheme) -> list[Case]:
    pts = cells_points(scheme)
    top = sum(pts)
    cases: list[Case] = [("full marks", _full(scheme))]
    if not scheme.sub_item_all_or_nothing:
        for total in (90, 89.5, 80, 79.5, 70, 60, 59.5, 50, 49.5, 0, 92.25):
            if total <= top:
                cases.append((f"base {total}", _full(scheme, item_scores=_scores_summing(scheme, total))))
    else:
        for k in (0, 1, 3, 5, 8, 12):
            cases.append((f"{k} standards missed", _full(scheme, item_scores=[0 if i < k else p for i, p in enumerate(pts)])))
    cases += [
        ("above 100 with bonuses", _full(scheme, honor_level="国家级", innovation_level="省级")),
        ("satisfaction exactly 60%", _full(scheme, votes_satisfied=10, votes_basic=2, votes_unsatisfied=8)),
        ("satisfaction exactly 50%", _full(scheme, votes_satisfied=5, votes_basic=5, votes_unsatisfied=10)),
        ("satisfaction 59.9%", _full(scheme, member_count=1000, members_present=1000, votes_satisfied=599,
                                     votes_basic=0, votes_unsatisfied=401)),
        ("satisfaction 63.25% (rounding)", _full(scheme, member_count=400, members_present=400, votes_satisfied=253,
                                                 votes_basic=0, votes_unsatisfied=147)),
        ("participation exactly 80%", _full(scheme, members_present=16, votes_satisfied=14, votes_basic=2)),
        ("participation 79%", _full(scheme, member_count=100, members_present=79, votes_satisfied=70, votes_basic=0,
                                    votes_unsatisfied=9)),
        ("absences 2", _full(scheme, absences=2)),
        ("absences 3", _full(scheme, absences=3)),
        ("overdue 12 unexcused", _full(scheme, election_overdue_months=12, election_overdue_excused="否")),
        ("overdue 13 excused", _full(scheme, election_overdue_months=13, election_overdue_excused="是")),
        ("overdue 13 unexcused", _full(scheme, election_overdue_months=13)),
        ("overdue 0.5 month", _full(scheme, election_overdue_months=0.5)),
        ("reviewed complete", _full(scheme, item_scores_reviewed=[p / 2 if not scheme.sub_item_all_or_nothing else 0
                                                                  for p in pts])),
        ("reviewed half filled", _full(scheme, item_scores_reviewed=[p if i % 2 else None for i, p in enumerate(pts)])),
        ("masses tallied apart", _full(scheme, masses_present=5, votes_satisfied=20, votes_basic=3, votes_unsatisfied=2,
                                       mass_votes_satisfied=4, mass_votes_basic=1, mass_votes_unsatisfied=0)),
        ("all ballots invalid", _full(scheme, votes_satisfied=0, votes_basic=0, votes_unsatisfied=0, votes_invalid=20)),
        ("no ballots yet", _full(scheme, members_present=None, masses_present=None, votes_satisfied=None,
                                 votes_basic=None, votes_unsatisfied=None)),
        ("no member count", _full(scheme, member_count=None)),
        ("prev level given", _full(scheme, prev_level=scheme.levels[-1].name)),
        ("criticisms and discipline", _full(scheme, criticism_committee=1, criticism_city=2, leader_discipline_minor=1,
                                            leader_discipline_major=1, member_violations=3)),
        # blanks: 待填写
        ("no org name", _full(scheme, org_name=None)),
        ("one score missing", _full(scheme, item_scores=[None] + list(pts[1:]))),
        ("no scores", _full(scheme, item_scores=[None] * len(pts))),
        # refused values: 错误:
        ("score above points", _full(scheme, item_scores=[pts[0] + 2] + list(pts[1:]))),
        ("negative score", _full(scheme, item_scores=list(pts[:-1]) + [-1])),
        ("score not a number", _full(scheme, item_scores=["很好"] + list(pts[1:]))),
        ("score as text number", _full(scheme, item_scores=[str(pts[0])] + list(pts[1:]))),
        ("reviewed above points", _full(scheme, item_scores_reviewed=[pts[0] + 1] + list(pts[1:]))),
        ("count not whole", _full(scheme, absences=1.5)),
        ("count negative", _full(scheme, criticism_city=-1)),
        ("count is text", _full(scheme, member_violations="两人")),
        ("member count zero", _full(scheme, member_count=0)),
        ("months negative", _full(scheme, election_overdue_months=-2)),
        ("unknown honour", _full(scheme, honor_level="县级")),
        ("yes/no word wrong", _full(scheme, election_overdue_excused="不是")),
        ("unknown previous level", _full(scheme, prev_level="六星级")),
        ("present above members", _full(scheme, members_present=25, votes_satisfied=20, votes_basic=5)),
        ("ballots above present", _full(scheme, members_present=10, votes_satisfied=18, votes_basic=2)),
        ("mass votes above total", _full(scheme, masses_present=5, mass_votes_satisfied=19)),
        ("votes not whole", _full(scheme, votes_basic=2.5)),
        ("huge count", _full(scheme, absences=1e9)),
        ("very long org type", _full(scheme, org_type="很长" * 40)),
    ]
    if scheme.sub_item_all_or_nothing:
        cases.append(("half a standard", _full(scheme, item_scores=[pts[0] / 2] + list(pts[1:]))))
    return [(label, _for_scheme(scheme, unit)) for label, unit in cases]


def _for_scheme(scheme: Scheme, unit: dict[str, Any]) -> dict[str, Any]:
    """Ballot names of another scheme are dropped (six_good has votes_unknown), and adjustment inputs the scheme's
    rules do not read (its form has no cell for them: Scheme.form_inputs)."""
    allowed = set(scheme.vote_inputs) | {"mass_" + v for v in scheme.vote_inputs}
    form = set(scheme.form_inputs)
    return {k: v for k, v in unit.items()
            if not (k.removeprefix("mass_").startswith("votes_") and k not in allowed)
            and (k in form or k.removeprefix("mass_").startswith("votes_"))}


def cases(scheme: Scheme, n_random: int, seed: int = 7) -> list[Case]:
    rng = random.Random(f"{scheme.id}-{seed}")
    out = boundary_cases(scheme)
    out += [(f"random {i}", _for_scheme(scheme, random_unit(scheme, rng, i))) for i in range(n_random)]
    return out


# 规则 edits per scheme (consistent: item points still add up to the total)
RULE_EDITS: dict[str, dict[str, Any]] = {
    "five_star": {"levels.5.min_score": 92, "levels.1.min_score": 55, "adjustments.honor.points.省级": 6,
                  "adjustments.absences.points": -2.5, "adjustments.low_satisfaction.when.value": 0.65,
                  "adjustments.very_low_satisfaction.when.value": 0.55, "adjustments.absences_demote.when.value": 2,
                  "adjustments.election_overdue_year.when.value": 24, "survey.min_participation": 0.85,
                  "items.1.points": 15, "items.2.points": 5, "rectify_max_rank": 2},
    "four_grade": {"levels.3.min_score": 85, "levels.1.min_score": 65, "items.1.points": 25, "items.2.points": 5},
    "ten_star": {"item_pass_share": 0.7, "items.7.points": 8, "total_points": 98, "rectify_max_rank": 5},
    "six_good": {"levels.3.min_score": 88, "levels.2.min_score": 75, "items.1.sub_items.1.points": 4,
                 "items.1.sub_items.2.points": 6},
}
