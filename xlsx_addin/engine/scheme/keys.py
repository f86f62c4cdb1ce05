"""The keys of a 规则 table (the flat key → value rows of a workbook's 规则 sheet), spelled here only:
`items.3.points`, `levels.5.min_score`, `adjustments.<id>.…`, `quotas.<id>.share` … Positions and
sub-condition numbers are 1-based. The scheme's own error messages name their place with the same keys."""
from __future__ import annotations

SCHEME_KEY = "scheme"
VERSION_KEY = "version"


def item_points_key(i: int) -> str:
    return f"items.{i}.points"


def sub_item_points_key(i: int, j: int) -> str:
    return f"items.{i}.sub_items.{j}.points"


def min_score_key(rank: int) -> str:
    return f"levels.{rank}.min_score"


def adjustment_key(rule_id: str, *fields: object) -> str:
    """adjustments.<id>[.<field>…]: 'adjustments.veto.max_level', 'adjustments.honours.points.县级'."""
    return ".".join(("adjustments", rule_id, *map(str, fields)))


def quota_key(quota_id: str, *fields: object) -> str:
    """quotas.<id>[.<field>…]."""
    return ".".join(("quotas", quota_id, *map(str, fields)))


def quota_share_key(quota_id: str, rank: int | None = None) -> str:
    """A cap or floor quota's share; with rank, a distribution's share of that level."""
    return quota_key(quota_id, "share") if rank is None else quota_key(quota_id, "shares", rank)


def star_key(*fields: object) -> str:
    """stars.<field>…: the 双十星 settings ('stars.privileged_min_rank', 'stars.goal.share')."""
    return ".".join(("stars", *map(str, fields)))


def star_rule_key(rule_id: str, field: str) -> str:
    return star_key("rules", rule_id, field)


def condition_part_key(path: str, kind: str, k: int) -> str:
    """The k-th (0-based) condition of an all/any condition at path."""
    return f"{path}.{kind}.{k + 1}"


def condition_value_key(path: str) -> str:
    return f"{path}.value"
