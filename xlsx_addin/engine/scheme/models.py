"""Strict pydantic models of a rating scheme (the rules as data)."""
from __future__ import annotations

from typing import Literal, NoReturn

from pydantic import Field, model_validator

from xlsx_addin.contracts.names import ADJUSTMENT_INPUTS, DERIVED, INPUTS, STAR_INPUTS
from xlsx_addin.engine.scheme.double_ten_models import ItemsByType, Stars, VoteShareRule
from xlsx_addin.engine.scheme.keys import adjustment_key, quota_key, star_key
from xlsx_addin.engine.scheme.parts import Item, Level, Strict
from xlsx_addin.engine.scheme.rules import LEVEL_RULES, Adjustment, BonusByLevel, DistributionQuota, FloorQuota, Quota

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
    title: str = "党员群众测评"  # the forms' titles: <scheme name><title>表, <scheme name><title>汇总表


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
    summary_by_type: bool = False  # the summary counts the levels by 党组织类别 (org_type): 002's 情况汇总表
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

    @property
    def form_inputs(self) -> list[str]:
        """The names-contract inputs of this scheme's unit workbook: all but the adjustment inputs
        (ADJUSTMENT_INPUTS) that none of its rules reads."""
        read = {name for rule in self.adjustments for name in _rule_inputs(rule)}
        return [n for n in INPUTS if n not in ADJUSTMENT_INPUTS or n in read]

    @property
    def change_words(self) -> tuple[str, str]:
        """The words for a level that rose / fell against last year: 晋星/减星 for stars, 升级/降级 for grades (等次)."""
        return ("晋星", "减星") if self.level_term == "星级" else ("升级", "降级")


# --- cross-field checks, run by the model validator (messages in Chinese) -----------------------------
def _fail(where: str, why: str) -> NoReturn:
    raise ValueError(f"{where}:{why}")


def check_scheme(s: Scheme) -> None:
    ranks = [lv.rank for lv in s.levels]
    if ranks != sorted(set(ranks), reverse=True):
        _fail("levels", "等次须按 rank 从高到低排列且不重复")
    names = [lv.name for lv in s.levels]
    if len(set(names)) != len(names):
        _fail("levels", "等次名称不能重复")
    if s.level_rule == "bands":
        given = [lv.min_score for lv in s.levels[:-1]]
        bounds = [b for b in given if b is not None]
        if len(bounds) != len(given):
            _fail("levels", "除最低一档外,每个等次都须写明最低分 min_score")
        if any(a <= b for a, b in zip(bounds, bounds[1:])):
            _fail("levels", f"各等次最低分须从高到低递减,现为{bounds}")
    else:
        if s.item_pass_share is None and s.stars is None:
            _fail("item_pass_share", "按达标项数定级时须写明得星比例(或以 stars 写明得星规则)")
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
    known = set(INPUTS) | set(DERIVED) | set(vote_inputs) | (set(STAR_INPUTS) if s.stars else set())
    _check_typed_items(s)

    ids = [r.id for r in s.adjustments]
    if len(set(ids)) != len(ids):
        _fail("adjustments", "规则 id 不能重复")
    for rule in s.adjustments:
        where = adjustment_key(rule.id)
        for name in _rule_inputs(rule):
            if name not in known:
                _fail(where, f"输入项 {name} 不在名称约定中")
        if isinstance(rule, BonusByLevel):
            spec = INPUTS[rule.input]
            if spec.kind != "choice" or spec.choices is None or spec.choices not in s.choices:
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
        where = quota_key(q.id)
        if isinstance(q, DistributionQuota):
            if sorted(q.shares) != sorted(ranks):
                _fail(where, "强制分布须为每个等次写明比例")
            continue
        if set(q.levels) - set(ranks):
            _fail(where, f"等次 {sorted(set(q.levels) - set(ranks))} 不存在")
        if isinstance(q, FloorQuota) and q.target_level not in q.levels:
            _fail(where, "target_level 须是计入下限的等次之一")


def _rule_inputs(rule) -> list[str]:
    return rule.when.inputs() if hasattr(rule, "when") else [rule.input]


def _check_typed_items(s: Scheme) -> None:
    """Items chosen by type (any scheme) and star rules (双十星) fit the scheme's items and levels."""
    ranks = {lv.rank for lv in s.levels}
    ibt = s.items_by_type
    if ibt is not None:
        if max(ibt.positions) > len(s.items):
            _fail("items_by_type.positions", f"项目序号须在1到{len(s.items)}之间")
        if ibt.names_input is not None and s.stars is None:
            _fail("items_by_type.names_input", "只有按星评定的方案(stars)可由单位自行填写项目名称")
        if s.total_points is not None:
            for k, group in enumerate(ibt.sets, 1):
                points = dict(enumerate((it.points for it in s.items), 1))
                for pos, it in zip(ibt.positions, group.typed_items()):
                    if it.points is not None:
                        points[pos] = it.points
                if abs(sum(points.values()) - s.total_points) > 1e-9:
                    _fail(f"items_by_type.sets.{k}", f"该组各项分值合计{sum(points.values()):g}分,与总分{s.total_points:g}分不符")
    st = s.stars
    if st is None:
        if ibt is not None and ibt.input != "org_type":
            _fail("items_by_type.input", "只有按星评定党员的方案可按党员类别(member_type)确定项目")
        return
    if ibt is not None and ibt.input != ("member_type" if st.subject == "member" else "org_type"):
        _fail("items_by_type.input", "评定党员按党员类别(member_type)、评定党组织按党组织类别(org_type)确定星目")
    if any(not isinstance(r, LEVEL_RULES) for r in s.adjustments):
        _fail("adjustments", "按星评定的方案没有分数,只能有定级规则(cap_level、set_level、demote)")
    if s.level_rule != "items_passed":
        _fail("level_rule", "按星评定的方案(stars)须按得星数定级(items_passed)")
    if ibt is None or ibt.names_input is None:
        _fail("items_by_type", "按星评定的方案须写明按类别确定的星目(items_by_type)及单位自填星名的输入项(names_input)")
    if st.privileged_min_rank not in ranks:
        _fail(star_key("privileged_min_rank"), f"等次 {st.privileged_min_rank} 不存在")
    if st.goal is not None and st.goal.rank not in ranks:
        _fail(star_key("goal", "rank"), f"等次 {st.goal.rank} 不存在")
    if not any(isinstance(r, VoteShareRule) for r in st.rules):
        _fail(star_key("rules"), "须有一条按民主测评得票率得星的规则(vote_share)")
