"""score_unit: base → bonuses → penalties → band → vetoes/caps, every change with a Chinese reason."""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from xlsx_addin.engine.adjust import (
    TOL,
    number_text,
    rule_reason,
    score_delta,
    apply_level_rules,
    band,
    passed_items,
    rectifies,
)
from xlsx_addin.engine.adjust import above_level, first_condition, holds, level_of, rule_fields  # noqa: F401 - engine API
from xlsx_addin.engine.inputs import normalise
from xlsx_addin.engine.itemsets import scheme_for_type
from xlsx_addin.engine.result import UnitResult
from xlsx_addin.engine.scheme.loader import load_scheme
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.double_ten.scoring import score_stars
from xlsx_addin.engine.survey import survey
from xlsx_addin.engine.upper import apply_upper, check_upper_scores

__all__ = ["UnitResult", "apply_level_rules", "rectifies", "score_unit"]


def score_unit(scheme: Scheme | str, inputs: Mapping[str, Any], *,
               upper_scores: Sequence[Any] | None = None) -> UnitResult:
    """Score one unit. upper_scores: the upper level's typed score per item (评分定级表; None or blank = the
    unit's own score stays in force), applied over item_scores_reviewed / item_scores (engine/upper.py);
    InputError (name "upper_scores", index = the item) when one is refused."""
    scheme = load_scheme(scheme)
    if scheme.stars is not None:  # 双十星: stars earned by vote share or record (xlsx_addin/stars.py)
        return score_stars(scheme, inputs)
    if scheme.items_by_type is not None:
        scheme = scheme_for_type(scheme, inputs)
    unit = normalise(scheme, inputs)
    sv = survey(scheme, unit)
    reasons: list[str] = []
    notes = list(unit.notes)
    if sv.caveat:
        notes.append(sv.caveat)
    if sv.problem:
        notes.append(sv.problem)
        if sv.total.ballots:
            reasons.append(sv.problem)

    reported = list(unit.item_scores)  # the unit's own scores in force (its file's)
    items, upper_reasons = apply_upper(scheme, reported, upper_scores)
    base = round(math.fsum(reported), 9)
    if unit.item_source == "reviewed" and abs(base - math.fsum(unit.self_scores)) > TOL:
        reasons.append(f"采用上级审核得分{number_text(base)}分(自评{number_text(math.fsum(unit.self_scores))}分)")
    reasons += upper_reasons
    base = round(math.fsum(items), 9)
    passed_idx = passed_items(scheme, items)
    passed = len(passed_idx) if scheme.item_pass_share is not None else None

    ctx: dict[str, Any] = dict(unit.values)
    ctx.update(unit.votes)
    ctx.update(base_score=base, participation_rate=sv.participation_rate,
               satisfaction_rate=sv.rule_satisfaction_rate, items_passed=passed)

    bonus = penalty = 0.0
    for rule in scheme.adjustments:
        delta, fields = score_delta(rule, ctx)
        if not delta:
            continue
        if delta > 0:
            bonus += delta
        else:
            penalty -= delta
        reasons.append(rule_reason(rule, scheme, **fields))
    bonus, penalty = round(bonus, 9), round(penalty, 9)
    final = round(base + bonus - penalty, 9)
    ctx["final_score"] = final

    banded = band(scheme, final, passed)
    level = apply_level_rules(scheme, banded, ctx, reasons)

    return UnitResult(
        org_name=unit.get("org_name"), org_code=unit.get("org_code"), parent_org=unit.get("parent_org"),
        org_type=unit.get("org_type"), base_score=base, bonus=bonus, penalty=penalty, final_score=final,
        level=level, level_name=scheme.level_name(level), reasons=reasons,
        rectify=rectifies(scheme, level), band_level=banded, rule_level=level,
        item_scores=items, item_source="upper" if upper_reasons else unit.item_source, items_passed=passed, survey=sv,
        notes=notes, prev_level=unit.get("prev_level"),
        stars=[scheme.items[i].label for i in passed_idx], reported_scores=reported,
        upper_scores=check_upper_scores(scheme, upper_scores) if upper_scores is not None else None,
    )

