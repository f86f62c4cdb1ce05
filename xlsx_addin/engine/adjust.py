"""Evaluating a scheme's rules: conditions, bands, items passed, level rules and their reason texts."""
from __future__ import annotations

from typing import Any, Mapping

from typing_extensions import assert_never  # typing's from Python 3.11; pydantic brings it

from xlsx_addin.model.errors import InputError
from xlsx_addin.engine.scheme.rules import LEVEL_RULES, TEMPLATE_FIELDS, AdjustmentRule, BonusByLevel, CapLevel, Demote, LevelRule, PointsPerCount, SetLevel, ThresholdPoints
from xlsx_addin.engine.scheme.parts import Condition
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.model.textfmt import cn_count, num, percent

TOL = 1e-9
number_text = num


def value_text(name: str, value: Any) -> str:
    if name.endswith("_rate") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return percent(value)
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def first_condition(cond: Condition) -> Condition:
    """The first simple {input, op, value} of a condition: the one its reason quotes."""
    while cond.input is None:
        cond = cond.parts()[0]
    return cond


def rule_fields(rule, scheme: Scheme) -> dict[str, str]:
    """The reason fields that come from the rule itself (its numbers as in force)."""
    fields: dict[str, str] = {}
    when = getattr(rule, "when", None)
    if when is not None:
        first = first_condition(when).comparison()
        fields["threshold"] = value_text(first.input, first.value)
    max_level = getattr(rule, "max_level", None)
    if max_level is not None:
        fields["max_level"] = scheme.level_name(max_level)
        fields["above_max"] = above_level(scheme, max_level)
    if getattr(rule, "by", None) is not None:
        fields["by"] = cn_count(rule.by)
    return fields


def above_level(scheme: Scheme, rank: int) -> str:
    """The levels above `rank` in words: 五星级, or 四星级及以上 when there are more."""
    higher = [lv for lv in scheme.levels if lv.rank > rank]
    if not higher:
        return ""
    nearest = higher[-1].name
    return nearest if len(higher) == 1 else f"{nearest}及以上"


def holds(cond: Condition, ctx: Mapping[str, Any]) -> bool:
    if cond.all is not None:
        return all(holds(c, ctx) for c in cond.all)
    if cond.any is not None:
        return any(holds(c, ctx) for c in cond.any)
    simple = cond.comparison()
    value = ctx.get(simple.input)
    if value is None:
        return False
    if isinstance(simple.value, str) or isinstance(value, str):  # words: == and != only (the model checks)
        return (str(value) == str(simple.value)) == (simple.op == "==")
    return compare(simple.op, float(value), float(simple.value))


def compare(op: str, a: float, b: float) -> bool:
    """Comparisons that float noise cannot flip: 0.6 is not < 0.6 even as 0.59999999999."""
    if op == "<":
        return a < b - TOL
    if op == "<=":
        return a <= b + TOL
    if op == ">":
        return a > b + TOL
    if op == ">=":
        return a >= b - TOL
    return (abs(a - b) <= TOL) == (op == "==")


def _first_value(cond: Condition, ctx: Mapping[str, Any]) -> tuple[str, Any]:
    name = first_condition(cond).comparison().input
    return name, ctx.get(name)


def band(scheme: Scheme, score: float, items_passed: int | None) -> int:
    if scheme.level_rule == "items_passed":
        return int(items_passed or 0)
    for lv in scheme.levels:
        if lv.min_score is not None and score >= lv.min_score - TOL:
            return lv.rank
    return scheme.bottom_rank


def passed_items(scheme: Scheme, item_scores: list[float]) -> list[int]:
    """Indices of the items scored at or above the scheme's pass share (ten_star: the stars earned)."""
    if scheme.item_pass_share is None:
        return []
    return [i for i, (s, it) in enumerate(zip(item_scores, scheme.items))
            if s >= scheme.item_pass_share * it.points - TOL]


def level_of(scheme: Scheme, value: float) -> int:
    """The level a final score alone gives, before vetoes, caps and quotas.

    For a scheme rated by items passed (ten_star) the value is the number of items passed.
    """
    if scheme.level_rule == "items_passed":
        n = len(scheme.items)
        if abs(value - round(value)) > TOL or not 0 <= round(value) <= n:
            raise InputError(f"{scheme.item_term}达标数{number_text(value)}无效,应为0到{n}的整数", name="items_passed",
                             value=value)
        return band(scheme, 0.0, int(round(value)))
    return band(scheme, value, None)


def rectifies(scheme: Scheme, level: int) -> bool:
    """Whether a unit at this level is flagged for rectification (集中整顿)."""
    return level <= scheme.rectify_max_rank


def apply_level_rules(scheme: Scheme, level: int, ctx: Mapping[str, Any], reasons: list[str]) -> int:
    """The level after the vetoes and caps (set_level, cap_level, demote) that hold, each with its reason."""
    for rule in scheme.adjustments:
        if isinstance(rule, LEVEL_RULES) and holds(rule.when, ctx):
            new = _level_after(rule, level, scheme)
            if new != level:
                value = value_text(*_first_value(rule.when, ctx))
                reasons.append(rule_reason(rule, scheme, value=value, count=value, level=scheme.level_name(new),
                                       from_level=scheme.level_name(level), to_level=scheme.level_name(new)))
                level = new
    return level


def rule_reason(rule, scheme: Scheme, **fields: str) -> str:
    """The rule's reason template filled in; fields a kind does not provide are blank."""
    return rule.reason.format(**{**dict.fromkeys(TEMPLATE_FIELDS, ""), "label": rule.label,
                                 **rule_fields(rule, scheme), **fields})


def score_delta(rule: AdjustmentRule, ctx: Mapping[str, Any]) -> tuple[float, dict[str, str]]:
    """Points a score rule adds (+) or takes (−), with the fields of its reason; level rules give none."""
    match rule:
        case BonusByLevel():
            given = ctx.get(rule.input)
            words = given if isinstance(given, tuple) else (given,)
            best = max(((rule.points.get(w, 0.0), w) for w in words), default=(0.0, ""))
            return best[0], {"word": best[1], "points": number_text(abs(best[0]))}
        case PointsPerCount():
            count = ctx.get(rule.input) or 0
            delta = rule.points * count
            return delta, {"count": str(count), "value": number_text(abs(rule.points)),
                           "points": number_text(abs(delta))}
        case ThresholdPoints():
            if not holds(rule.when, ctx):
                return 0.0, {}
            value = value_text(*_first_value(rule.when, ctx))
            return rule.points, {"value": value, "count": value, "points": number_text(abs(rule.points))}
        case CapLevel() | SetLevel() | Demote():
            return 0.0, {}
        case _:
            assert_never(rule)


def _level_after(rule: LevelRule, level: int, scheme: Scheme) -> int:
    match rule:
        case CapLevel():
            return min(level, rule.max_level)
        case SetLevel():
            return rule.level
        case Demote():
            new = level
            for _ in range(rule.by):
                new = scheme.next_lower(new)
            return new if rule.max_level is None else min(new, rule.max_level)
        case _:
            assert_never(rule)
