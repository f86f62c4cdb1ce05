"""UnitResult: what score_unit gives for one unit (the engine's output type)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .survey import SurveyResult


@dataclass
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
    item_source: str  # "reviewed" or "self"
    items_passed: int | None  # items at or above the pass share (ten_star: stars earned)
    survey: SurveyResult
    notes: list[str] = field(default_factory=list)  # remarks that did not change the outcome
    quota_level: int | None = None  # the level the quotas give (differs from level in flag mode)
    quota_reason: str | None = None
    prev_level: int | None = None
    stars: list[str] = field(default_factory=list)  # names of the stars earned, in order (ten_star, 双十星)
    privileged: bool = False  # 双十星: at the privileged level or higher (八星级以上)
    star_detail: Any = None  # 双十星: stars.StarDetail (who, type, each star's outcome)

    @property
    def satisfaction_rate(self) -> float | None:
        return self.survey.satisfaction_rate

    @property
    def participation_rate(self) -> float | None:
        return self.survey.participation_rate

    @property
    def quota_moved(self) -> bool:
        return self.quota_level is not None and self.quota_level != self.rule_level

    @property
    def change(self) -> int | None:
        """Levels gained (+) or lost (−) against last year; None without last year's level."""
        return None if self.prev_level is None else self.level - self.prev_level


