"""A scheme's parts as strict pydantic models: items, sub-items, levels and conditions."""
from __future__ import annotations

from typing import Literal, NamedTuple, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
