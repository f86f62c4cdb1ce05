"""Quota enforcement inside one rating set (docs/RULES.md "Quota enforcement")."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from typing_extensions import assert_never

from xlsx_addin.model.choices import DEFAULT_QUOTA_MODE, QuotaMode
from xlsx_addin.model.errors import RatingError
from xlsx_addin.engine.scheme.loader import load_scheme
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.rules import CapQuota, DistributionQuota, FloorQuota
from xlsx_addin.engine.result import RatedUnit
from xlsx_addin.engine.scoring import UnitResult, rectifies, score_unit

@dataclass
class QuotaMove:
    """One unit a quota moved (or, in flag mode, would move): from → to level rank."""

    org_name: str
    org_code: str | None
    from_level: int
    to_level: int


@dataclass
class QuotaStatus:
    id: str
    label: str
    kind: str
    levels: list[str]
    limit: int  # at most (cap) / at least (floor) this many units; for a distribution, units moved
    count_before: int
    count_after: int
    moved: int
    holds_before: bool
    holds_after: bool
    note: str = ""
    moves: list[QuotaMove] = field(default_factory=list)  # the units this quota moved, best-ranked first


class RatedSet(list):
    """The units rated (RatedUnit) in input order, with the quota status of the set."""

    def __init__(self, results: Iterable[RatedUnit], quotas: list[QuotaStatus], mode: str):
        super().__init__(results)
        self.quotas = quotas
        self.mode = mode


def _count(share: float, n: int, rounding: str) -> int:
    x = round(share * n, 9)  # 0.1 × 30 must be 3, not 3.0000000000000004
    return math.floor(x) if rounding == "floor" else math.ceil(x) if rounding == "ceil" else int(x + 0.5)


def rank_key(r: UnitResult, scheme: Scheme) -> tuple[float, ...]:
    """Higher is better: the level after vetoes and caps first, then the scheme's ranking keys, missing last.

    A unit held at a lower level by a veto or cap ranks below every unit of a higher level, so no quota
    ever puts a unit below one that stood below it before the quotas (docs/RULES.md "Quota enforcement").
    An invalid survey (participation below the minimum) ranks as having no satisfaction rate:
    it must not be used silently, not even as a tie-breaker.
    """
    values = {"final_score": r.final_score, "base_score": r.base_score,
              "satisfaction_rate": r.survey.rule_satisfaction_rate}
    return (r.rule_level, *(-math.inf if (v := values[k]) is None else round(v, 9) for k in scheme.ranking))


def check_mode(mode: str) -> QuotaMode:
    """The QuotaMode of a text; RatingError (Chinese) for any other word."""
    try:
        return QuotaMode(mode)
    except ValueError:
        raise RatingError(f"配额模式“{mode}”无效,应为 {QuotaMode.allowed()}") from None


def apply_quotas(scheme: Scheme, results: list[UnitResult], mode: str = DEFAULT_QUOTA_MODE) -> RatedSet:
    """The set rated: each unit's RatedUnit (in enforce mode the quotas move its level; in flag mode they
    are only reasons) and each quota's status (`.quotas`). The results themselves are not changed."""
    mode = check_mode(mode)
    n = len(results)
    keys = [rank_key(r, scheme) for r in results]
    levels = [r.rule_level for r in results]
    why: list[list[str]] = [[] for _ in range(n)]  # every quota that moved the unit, in order
    statuses = []
    for q in scheme.quotas:
        before = list(levels)
        if isinstance(q, DistributionQuota):
            limit, note = _distribute(scheme, q, keys, levels, why)
            statuses.append(QuotaStatus(q.id, q.label, q.kind, [scheme.level_name(r) for r in q.shares], limit,
                                        n, n, sum(a != b for a, b in zip(before, levels)), True, True, note,
                                        _moves(results, keys, before, levels)))
            continue
        limit = _count(q.share, n, q.rounding)
        inside = [i for i in range(n) if levels[i] in q.levels]
        match q:
            case CapQuota():
                for i in _beyond_cap(inside, keys, limit) if len(inside) > limit else []:
                    new = scheme.next_lower(levels[i])
                    why[i].append(f"{scheme.level_name(levels[i])}超出配额(上限{limit}个),调整为{scheme.level_name(new)}")
                    levels[i] = new
            case FloorQuota():
                for i in _below_floor(inside, keys, limit, n) if len(inside) < limit else []:
                    why[i].append(f"{q.label}未达到(至少{limit}个),按排名由{scheme.level_name(levels[i])}"
                                  f"调整为{scheme.level_name(q.target_level)}")
                    levels[i] = q.target_level
            case _:
                assert_never(q)
        count_before = sum(lv in q.levels for lv in before)
        count_after = sum(lv in q.levels for lv in levels)
        cap = isinstance(q, CapQuota)
        ok = (lambda c: c <= limit) if cap else (lambda c: c >= limit)
        note = ""
        if cap and limit == 0 and n:
            names = "、".join(scheme.level_name(r) for r in q.levels)
            note = (f"本组仅{n}个单位,按比例{names}名额为0个:强制模式下任何单位都不能评为{names};"
                    f"如需保留,请上级党组织改用“仅标记”模式")
        statuses.append(QuotaStatus(q.id, q.label, q.kind, [scheme.level_name(r) for r in q.levels], limit,
                                    count_before, count_after, sum(a != b for a, b in zip(before, levels)),
                                    ok(count_before), ok(count_after), note, _moves(results, keys, before, levels)))

    if mode is QuotaMode.FLAG:
        for s in statuses:
            s.count_after = s.count_before
            s.holds_after = s.holds_before
    rated = []
    for i, r in enumerate(results):
        moved = levels[i] != r.rule_level
        if moved and mode is QuotaMode.ENFORCE:
            level, reasons = levels[i], [*r.reasons, *why[i]]
        else:
            level, reasons = r.level, [*r.reasons, *(f"配额提示(未调整):{w}" for w in why[i])] if moved else list(r.reasons)
        rated.append(RatedUnit(r, level, scheme.level_name(level), rectifies(scheme, level), reasons, levels[i],
                               "；".join(why[i]) if moved else None, r.prev_level))
    return RatedSet(rated, statuses, mode)


def _moves(results: list[UnitResult], keys: list[tuple], before: list[int], after: list[int]) -> list[QuotaMove]:
    """The units one quota moved, best-ranked first (input order among equals)."""
    moved = sorted((i for i in range(len(results)) if before[i] != after[i]), key=lambda i: keys[i], reverse=True)
    return [QuotaMove(results[i].org_name, results[i].org_code, before[i], after[i]) for i in moved]


def _group_ties(order: list[int], keys: list[tuple], cut: int) -> int:
    """Move a cut position back so that a tied group straddling it falls wholly below it."""
    while 0 < cut < len(order) and keys[order[cut - 1]] == keys[order[cut]]:
        cut -= 1
    return cut


def _beyond_cap(inside: list[int], keys: list[tuple], limit: int) -> list[int]:
    order = sorted(inside, key=lambda i: keys[i], reverse=True)
    return order[_group_ties(order, keys, limit):]


def _below_floor(inside: list[int], keys: list[tuple], limit: int, n: int) -> list[int]:
    skip = set(inside)
    others = sorted((i for i in range(n) if i not in skip), key=lambda i: keys[i])  # lowest first
    take = limit - len(inside)
    while take < len(others) and take > 0 and keys[others[take - 1]] == keys[others[take]]:
        take += 1
    return others[:take]


def _distribute(scheme: Scheme, q: DistributionQuota, keys: list[tuple], levels: list[int], why: list) -> tuple[int, str]:
    n = len(levels)
    order = sorted(range(n), key=lambda i: keys[i], reverse=True)
    ranks = sorted(q.shares, reverse=True)
    target = [0] * n
    start, cum = 0, 0.0
    for pos, rank in enumerate(ranks):
        cum += q.shares[rank]
        end = n if pos == len(ranks) - 1 else _count(cum, n, "floor")
        for i in order[start:end]:
            target[i] = rank
        start = max(start, end)
    # a tied group takes the lowest level any of its members got
    by_key: dict[tuple, int] = {}
    for i in order:
        by_key[keys[i]] = min(by_key.get(keys[i], target[i]), target[i])
    # competition ranking (1, 1, 3 …): tied units share a position, whatever the input order
    position: dict[int, int] = {}
    for p, i in enumerate(order, 1):
        position[i] = position[order[p - 2]] if p > 1 and keys[order[p - 2]] == keys[i] else p
    moved = 0
    for i in range(n):
        new = by_key[keys[i]]
        if new != levels[i]:
            why[i].append(f"按{q.label},排名第{position[i]}/{n},由{scheme.level_name(levels[i])}调整为{scheme.level_name(new)}")
            levels[i] = new
            moved += 1
    return moved, ""


def rate_set(scheme: Scheme | str, units: Iterable[Mapping[str, Any] | UnitResult],
             quota_mode: str = DEFAULT_QUOTA_MODE) -> RatedSet:
    """Score every unit of one rating set and apply the scheme's quotas across it."""
    scheme = load_scheme(scheme)
    check_mode(quota_mode)  # before scoring: a wrong mode is refused at once
    results = [u.result if isinstance(u, RatedUnit) else u if isinstance(u, UnitResult) else score_unit(scheme, u)
               for u in units]
    return apply_quotas(scheme, results, quota_mode)
