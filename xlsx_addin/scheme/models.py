"""Strict pydantic models of a rating scheme (the rules as data)."""
from __future__ import annotations

import string
from typing import Annotated, Literal, NamedTuple, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .checks import check_scheme
from .star_models import ItemsByType, Stars

Number = Union[int, float]
Op = Literal["<", "<=", ">", ">=", "==", "!="]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubItem(Strict):
    label: str
    points: float = Field(gt=0)
    guide: str = ""


class Item(Strict):
    label: str
    points: float = Field(gt=0)
    guide: str = ""
    sub_items: list[SubItem] = []

    @model_validator(mode="after")
    def _sub_items_fit(self):
        total = sum(s.points for s in self.sub_items)
        if self.sub_items and total > self.points + 1e-9:
            raise ValueError(f"「{self.label}」的细项分值合计{total:g}超过该项分值{self.points:g}")
        return self


class Level(Strict):
    rank: int = Field(ge=0)
    name: str
    min_score: float | None = None  # inclusive lower bound of the band; None = below every band
    follow_up: str = ""  # 晋位争星 guidance shown to clerks


class Comparison(NamedTuple):
    """A simple condition's parts, each of them set."""

    input: str
    op: Op
    value: Number | str | bool


class Condition(Strict):
    """Either one comparison {input, op, value} or all/any of nested conditions."""

    input: str | None = None
    op: Op | None = None
    value: Number | str | bool | None = None
    all: list["Condition"] | None = None
    any: list["Condition"] | None = None

    @model_validator(mode="after")
    def _one_form(self):
        simple = self.input is not None or self.op is not None
        forms = [simple, self.all is not None, self.any is not None]
        if sum(forms) != 1:
            raise ValueError("条件须为 {input, op, value} 或 all/any 之一")
        if simple and (self.input is None or self.op is None or self.value is None):
            raise ValueError("条件须同时写明 input、op、value")
        if simple and isinstance(self.value, str) and self.op not in ("==", "!="):
            raise ValueError(f"文字条件只能用 == 或 !=,不能用 {self.op}")
        return self

    def inputs(self) -> list[str]:
        if self.input is not None:
            return [self.input]
        return [name for c in self.parts() for name in c.inputs()]

    def parts(self) -> list["Condition"]:
        """The nested conditions of an all/any condition (none for a simple one)."""
        return self.all or self.any or []

    def comparison(self) -> Comparison:
        """A simple condition's input, op and value (the validator has checked that all three are set)."""
        if self.input is None or self.op is None or self.value is None:
            raise ValueError("not a simple {input, op, value} condition")
        return Comparison(self.input, self.op, self.value)


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


Adjustment = Annotated[
    Union[BonusByLevel, PointsPerCount, ThresholdPoints, CapLevel, SetLevel, Demote],
    Field(discriminator="kind"),
]
LEVEL_RULES = (CapLevel, SetLevel, Demote)  # rules that act on the level, after banding


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


class SurveyOption(Strict):
    input: str = Field(pattern=r"^votes_[a-z_]+$")
    label: str
    satisfied: bool


class Survey(Strict):
    options: list[SurveyOption] = Field(min_length=2)
    invalid_input: str = Field(default="votes_invalid", pattern=r"^votes_[a-z_]+$")
    invalid_label: str = "无效票"
    min_participation: float | None = Field(default=None, ge=0, le=1)
    items: list[str] = []  # what the ballot asks about; empty = the scheme's items


RankingKey = Literal["final_score", "satisfaction_rate", "base_score"]


class Scheme(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    version: int = Field(ge=1)
    level_term: str  # 星级 / 等次: headers say 最终星级 or 最终等次
    item_term: str = "评定内容"
    total_points: float | None = None
    items: list[Item] = Field(min_length=1)
    sub_item_all_or_nothing: bool = False  # each standard scores all or nothing
    level_rule: Literal["bands", "items_passed"] = "bands"
    item_pass_share: float | None = Field(default=None, gt=0, le=1)
    levels: list[Level] = Field(min_length=2)
    rectify_max_rank: int = Field(ge=0)
    survey: Survey
    choices: dict[str, list[str]] = {}
    adjustments: list[Adjustment] = []
    quotas: list[Quota] = []
    ranking: list[RankingKey] = ["final_score", "satisfaction_rate", "base_score"]
    notes: list[str] = []  # decisions on ambiguities, shown in 填表说明
    items_by_type: ItemsByType | None = None  # item labels (and points) chosen by org_type / member_type
    stars: Stars | None = None  # items are stars earned by vote share or record (双十星)

    @model_validator(mode="after")
    def _consistent(self):
        check_scheme(self)
        return self

    # --- lookups -------------------------------------------------------------
    def level_name(self, rank: int) -> str:
        return self._by_rank()[rank].name

    def level_by_name(self, name: str) -> Level | None:
        return next((lv for lv in self.levels if lv.name == name), None)

    def by_type(self) -> ItemsByType:
        """The scheme's `items_by_type`, for code that runs only where the scheme has one."""
        if self.items_by_type is None:
            raise ValueError(f"方案「{self.name}」没有按类型选定的评定内容(items_by_type)")
        return self.items_by_type

    def star_rules(self) -> Stars:
        """The scheme's `stars`, for code that runs only on a 双十星 scheme."""
        if self.stars is None:
            raise ValueError(f"方案「{self.name}」不是按星评定的方案(stars)")
        return self.stars

    def _by_rank(self) -> dict[int, Level]:
        return {lv.rank: lv for lv in self.levels}

    @property
    def top_rank(self) -> int:
        return self.levels[0].rank

    @property
    def bottom_rank(self) -> int:
        return self.levels[-1].rank

    def next_lower(self, rank: int) -> int:
        ranks = [lv.rank for lv in self.levels]
        i = ranks.index(rank)
        return ranks[min(i + 1, len(ranks) - 1)]

    @property
    def sub_item_count(self) -> int:
        return sum(len(it.sub_items) for it in self.items)

    @property
    def vote_inputs(self) -> list[str]:
        return [o.input for o in self.survey.options] + [self.survey.invalid_input]
