"""A scheme's rules as strict pydantic models, one class per kind: adjustments (bonuses, penalties, caps, set
levels, demotions) and quotas."""
from __future__ import annotations

import string
from typing import Annotated, Literal, Union

from pydantic import Field, field_validator

from xlsx_addin.engine.scheme.parts import Condition, Strict


# Fields a reason template may use. Numbers of the rule itself come from the rule (threshold,
# points, max_level …), never typed into the text, so a locality's 规则 values show in force.
TEMPLATE_FIELDS = ("label", "count", "points", "value", "word", "level", "from_level", "to_level",
                   "threshold", "max_level", "above_max", "by")


class _Rule(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    reason: str

    @field_validator("reason")
    @classmethod
    def _known_fields(cls, text: str) -> str:
        for _, field, _, _ in string.Formatter().parse(text):
            if field is not None and field not in TEMPLATE_FIELDS:
                raise ValueError(f"说明模板中的 {{{field}}} 无法识别,可用:{sorted(TEMPLATE_FIELDS)}")
        return text


class BonusByLevel(_Rule):
    """Points by the highest level word of one input (only the highest counts)."""

    kind: Literal["bonus_by_level"]
    input: str
    points: dict[str, float]


class PointsPerCount(_Rule):
    """points × count of one input; negative points are a penalty."""

    kind: Literal["points_per_count"]
    input: str
    points: float


class ThresholdPoints(_Rule):
    """Fixed points when a condition holds (e.g. satisfaction below 60 %: −5)."""

    kind: Literal["threshold"]
    when: Condition
    points: float


class CapLevel(_Rule):
    kind: Literal["cap_level"]
    when: Condition
    max_level: int = Field(ge=0)


class SetLevel(_Rule):
    kind: Literal["set_level"]
    when: Condition
    level: int = Field(ge=0)


class Demote(_Rule):
    """Drop `by` levels, then cap at max_level when given; never below the lowest level."""

    kind: Literal["demote"]
    when: Condition
    by: int = Field(default=1, ge=1)
    max_level: int | None = Field(default=None, ge=0)


# every kind of adjustment rule: dispatch with `match rule: case BonusByLevel(): …` and end with
# `case _: assert_never(rule)`, so that a new kind fails mypy wherever it is not handled
AdjustmentRule = Union[BonusByLevel, PointsPerCount, ThresholdPoints, CapLevel, SetLevel, Demote]
Adjustment = Annotated[AdjustmentRule, Field(discriminator="kind")]
LevelRule = Union[CapLevel, SetLevel, Demote]  # rules that act on the level, after banding
LEVEL_RULES = (CapLevel, SetLevel, Demote)


class _Quota(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str


class CapQuota(_Quota):
    """At most share·N units at `levels`; the rest, lowest-ranked first, go down one level."""

    kind: Literal["cap"]
    levels: list[int] = Field(min_length=1)
    share: float = Field(ge=0, le=1)
    rounding: Literal["floor", "ceil", "round"] = "floor"


class FloorQuota(_Quota):
    """At least share·N units at `levels`; the lowest-ranked others are lowered to target_level."""

    kind: Literal["floor"]
    levels: list[int] = Field(min_length=1)
    share: float = Field(ge=0, le=1)
    rounding: Literal["floor", "ceil", "round"] = "ceil"
    target_level: int


class DistributionQuota(_Quota):
    """Forced distribution: levels given by rank in the set, shares from the top level down."""

    kind: Literal["distribution"]
    shares: dict[int, float]

    @field_validator("shares")
    @classmethod
    def _sum_one(cls, shares: dict[int, float]) -> dict[int, float]:
        if any(v < 0 for v in shares.values()):
            raise ValueError("各等次比例不能为负数")
        if abs(sum(shares.values()) - 1) > 1e-9:
            raise ValueError(f"各等次比例合计须为100%,现为{sum(shares.values()):.0%}")
        return shares


Quota = Annotated[Union[CapQuota, FloorQuota, DistributionQuota], Field(discriminator="kind")]
