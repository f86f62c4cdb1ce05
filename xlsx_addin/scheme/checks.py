"""Cross-field checks of a scheme, run by the model validator (messages in Chinese)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..names import DERIVED, INPUTS

if TYPE_CHECKING:
    from .models import Scheme


def _fail(where: str, why: str) -> None:
    raise ValueError(f"{where}:{why}")


def check_scheme(s: "Scheme") -> None:
    ranks = [lv.rank for lv in s.levels]
    if ranks != sorted(set(ranks), reverse=True):
        _fail("levels", "等次须按 rank 从高到低排列且不重复")
    names = [lv.name for lv in s.levels]
    if len(set(names)) != len(names):
        _fail("levels", "等次名称不能重复")
    if s.level_rule == "bands":
        bounds = [lv.min_score for lv in s.levels[:-1]]
        if any(b is None for b in bounds):
            _fail("levels", "除最低一档外,每个等次都须写明最低分 min_score")
        if any(a <= b for a, b in zip(bounds, bounds[1:])):
            _fail("levels", f"各等次最低分须从高到低递减,现为{bounds}")
    else:
        if s.item_pass_share is None:
            _fail("item_pass_share", "按达标项数定级时须写明得星比例")
        if sorted(ranks) != list(range(len(s.items) + 1)):
            _fail("levels", f"按达标项数定级时,等次 rank 须为 0 到 {len(s.items)}")
    if s.total_points is not None:
        total = sum(it.points for it in s.items)
        if abs(total - s.total_points) > 1e-9:
            _fail("items", f"各项标准分值合计{total:g}分,与总分{s.total_points:g}分不符")
    if s.rectify_max_rank not in ranks:
        _fail("rectify_max_rank", f"等次 {s.rectify_max_rank} 不存在")

    vote_inputs = s.vote_inputs
    if len(set(vote_inputs)) != len(vote_inputs):
        _fail("survey", "测评选项的输入名不能重复")
    known = set(INPUTS) | set(DERIVED) | set(vote_inputs)

    ids = [r.id for r in s.adjustments]
    if len(set(ids)) != len(ids):
        _fail("adjustments", "规则 id 不能重复")
    for rule in s.adjustments:
        where = f"adjustments.{rule.id}"
        for name in _rule_inputs(rule):
            if name not in known:
                _fail(where, f"输入项 {name} 不在名称约定中")
        if rule.kind == "bonus_by_level":
            spec = INPUTS[rule.input]
            if spec.kind != "choice" or spec.choices not in s.choices:
                _fail(where, f"{rule.input} 须为有可选级别的输入项")
            unknown = set(rule.points) - set(s.choices[spec.choices])
            if unknown:
                _fail(where, f"级别 {sorted(unknown)} 不在可选项 {s.choices[spec.choices]} 中")
        for attr in ("max_level", "level"):
            rank = getattr(rule, attr, None)
            if rank is not None and rank not in ranks:
                _fail(f"{where}.{attr}", f"等次 {rank} 不存在")

    qids = [q.id for q in s.quotas]
    if len(set(qids)) != len(qids):
        _fail("quotas", "配额 id 不能重复")
    for q in s.quotas:
        where = f"quotas.{q.id}"
        if q.kind == "distribution":
            if sorted(q.shares) != sorted(ranks):
                _fail(where, "强制分布须为每个等次写明比例")
            continue
        if set(q.levels) - set(ranks):
            _fail(where, f"等次 {sorted(set(q.levels) - set(ranks))} 不存在")
        if q.kind == "floor" and q.target_level not in q.levels:
            _fail(where, "target_level 须是计入下限的等次之一")


def _rule_inputs(rule) -> list[str]:
    return rule.when.inputs() if hasattr(rule, "when") else [rule.input]
