"""What the engine gives for a unit: UnitResult (score_unit, immutable) and RatedUnit (the same unit
within its rating set: the quotas' level and reason, and last year's level)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from xlsx_addin.engine.survey import SurveyResult


@dataclass(frozen=True)
class UnitResult:
    org_name: str
    org_code: str | None
    parent_org: str | None
    org_type: str | None
    base_score: float
    bonus: float
    penalty: float
    final_score: float
    level: int
    level_name: str
    reasons: list[str]
    rectify: bool
    band_level: int  # level from the score alone, before vetoes, caps and quotas
    rule_level: int  # level after vetoes and caps, before quotas
    item_scores: list[float]
    item_source: str  # "upper" (a typed 上级评分 changed an item), "reviewed" or "self"
    items_passed: int | None  # items at or above the pass share (ten_star: stars earned)
    survey: SurveyResult
    notes: list[str] = field(default_factory=list)  # remarks that did not change the outcome
    prev_level: int | None = None
    stars: list[str] = field(default_factory=list)  # names of the stars earned, in order (ten_star, 双十星)
    privileged: bool = False  # 双十星: at the privileged level or higher (八星级以上)
    star_detail: Any = None  # 双十星: stars.StarDetail (who, type, each star's outcome)
    reported_scores: list[float] = field(default_factory=list)  # the unit's own item scores in force (its file's)
    upper_scores: list[float | None] | None = None  # the upper level's typed score per item (None: not typed)

    @property
    def satisfaction_rate(self) -> float | None:
        return self.survey.satisfaction_rate

    @property
    def participation_rate(self) -> float | None:
        return self.survey.participation_rate

    @property
    def change(self) -> int | None:
        """Levels gained (+) or lost (−) against last year; None without last year's level."""
        return None if self.prev_level is None else self.level - self.prev_level

    # before a rating set: nothing moved it
    @property
    def quota_level(self) -> int | None:
        return None

    @property
    def quota_reason(self) -> str | None:
        return None

    @property
    def quota_moved(self) -> bool:
        return False


@dataclass(frozen=True)
class RatedUnit:
    """A unit rated within its set (rate_set, the consolidation): its UnitResult unchanged, and the set's
    outcome. level / level_name / rectify / reasons are after the quotas (in flag mode the quotas' moves
    are only reasons); every other attribute is the UnitResult's."""

    result: UnitResult
    level: int
    level_name: str
    rectify: bool
    reasons: list[str]
    quota_level: int  # the level the quotas give (differs from level in flag mode)
    quota_reason: str | None
    prev_level: int | None  # last year's level: the unit's own input, or the --previous summary's

    def __getattr__(self, name: str) -> Any:  # base_score, survey, stars … : the unit's own result
        if name == "result":
            raise AttributeError(name)
        return getattr(self.result, name)

    @property
    def quota_moved(self) -> bool:
        return self.quota_level != self.result.rule_level

    @property
    def change(self) -> int | None:
        """Levels gained (+) or lost (−) against last year; None without last year's level."""
        return None if self.prev_level is None else self.level - self.prev_level

    def with_previous(self, prev_level: int | None) -> "RatedUnit":
        return replace(self, prev_level=prev_level)


def unrated(r: UnitResult) -> RatedUnit:
    """A result as rated alone: no quota moved it."""
    return RatedUnit(r, r.level, r.level_name, r.rectify, list(r.reasons), r.rule_level, None, r.prev_level)


