"""Models of two general extensions: items chosen by type, and items (stars) earned by vote or record.

- `ItemsByType`: a type input (org_type / member_type) chooses the labels (and points) of some item
  positions; a type that no set lists names those items itself through `names_input`.
- `Stars`: each item is a star earned by the first rule that decides it — a 是/否 record for the
  stars a `record` rule lists, else a vote share strictly above a `vote_share` rule's threshold.
"""
from __future__ import annotations

import string
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TypedItem(_Strict):
    """An item of a type's set: a label, and points when they differ from the position's item."""

    label: str = Field(min_length=1)
    points: float | None = Field(default=None, gt=0)
    guide: str = ""


class ItemSet(_Strict):
    types: list[str] = Field(min_length=1)  # the type words (as clerks type them) that choose this set
    items: list[TypedItem | str] = Field(min_length=1)

    def typed_items(self) -> list[TypedItem]:
        return [TypedItem(label=i) if isinstance(i, str) else i for i in self.items]


class ItemsByType(_Strict):
    input: Literal["org_type", "member_type"]
    positions: list[int] = Field(min_length=1)  # 1-based positions of scheme.items a set fills
    names_input: Literal["star_names"] | None = None  # how a type of no set names its items
    sets: list[ItemSet] = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self):
        if len(set(self.positions)) != len(self.positions) or any(p < 1 for p in self.positions):
            raise ValueError("positions 须为不重复的正整数(从1起的项目序号)")
        seen: dict[str, int] = {}
        for k, s in enumerate(self.sets, 1):
            if len(s.items) != len(self.positions):
                raise ValueError(f"第{k}组({'、'.join(s.types)})有{len(s.items)}项,应为{len(self.positions)}项")
            labels = [i.label for i in s.typed_items()]
            if len(set(labels)) != len(labels):
                raise ValueError(f"第{k}组({'、'.join(s.types)})的项目名称不能重复")
            for t in s.types:
                if t.strip() in seen:
                    raise ValueError(f"类别“{t}”同时出现在第{seen[t.strip()]}组和第{k}组")
                seen[t.strip()] = k
        return self

    def set_for(self, type_word: str | None) -> ItemSet | None:
        word = (type_word or "").strip()
        return next((s for s in self.sets if word in (t.strip() for t in s.types)), None)


STAR_FIELDS = ("label", "star", "index", "share", "threshold", "votes_for", "votes_valid", "record")


class _StarRule(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    reason: str  # why a star was not earned by this rule; fields from STAR_FIELDS

    @field_validator("reason")
    @classmethod
    def _known_fields(cls, text: str) -> str:
        for _, name, _, _ in string.Formatter().parse(text):
            if name is not None and name not in STAR_FIELDS:
                raise ValueError(f"说明模板中的 {{{name}}} 无法识别,可用:{sorted(STAR_FIELDS)}")
        return text


class RecordRule(_StarRule):
    """The listed stars are set by a 是/否 daily-management record when one is given."""

    kind: Literal["record"]
    stars: list[str] = Field(min_length=1)
    earned_word: str = "是"
    not_earned_word: str = "否"


class VoteShareRule(_StarRule):
    """A star is earned when votes for ÷ valid votes is strictly greater than the threshold."""

    kind: Literal["vote_share"]
    threshold: float = Field(ge=0, lt=1)


StarRule = Annotated[Union[RecordRule, VoteShareRule], Field(discriminator="kind")]


class Goal(_Strict):
    """A share of the rated (e.g. members at 十星级) that a town aims for: reported, never enforced."""

    label: str
    rank: int = Field(ge=0)  # at this level or higher
    share: float = Field(gt=0, le=1)  # met when the share is at least this (以上 includes the number)
    text: str  # template: {share} (the share reached), {goal}, {level}, {count}, {total}, {met}

    @field_validator("text")
    @classmethod
    def _known_fields(cls, text: str) -> str:
        allowed = ("share", "goal", "level", "count", "total", "met")
        for _, name, _, _ in string.Formatter().parse(text):
            if name is not None and name not in allowed:
                raise ValueError(f"说明模板中的 {{{name}}} 无法识别,可用:{sorted(allowed)}")
        return text


class Stars(_Strict):
    subject: Literal["organisation", "member"]
    rules: list[StarRule] = Field(min_length=1)  # per star, the first rule that decides it
    privileged_min_rank: int = Field(ge=0)  # 八星级以上: at this level or higher
    privileged_label: str
    privileges: list[str] = []
    rectify_label: str  # 整顿 (organisations) / 处置 (members)
    goal: Goal | None = None

    @model_validator(mode="after")
    def _unique_ids(self):
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError("得星规则 id 不能重复")
        return self

    def record_stars(self) -> set[str]:
        return {s for r in self.rules if isinstance(r, RecordRule) for s in r.stars}
