"""双十星: stars earned by vote share or by record, for organisations and members (docs/RULES.md "Scheme double_ten_star").

Each of the scheme's items is a star named by the unit's type (itemsets.py) or by the unit. Per star the
scheme's `stars.rules` are tried in order; the first that decides gives the star:
- `record`: for the stars it lists, a 是/否 daily-management record decides when one is given;
- `vote_share`: votes for ÷ valid votes strictly greater than the threshold earns the star.
Level = stars earned, then the scheme's level rules (cap by target_rank_bottom); `rectify` is 整顿 /
处置 (level ≤ rectify_max_rank), `privileged` is level ≥ privileged_min_rank.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable, Mapping

from typing_extensions import assert_never

from xlsx_addin.model.errors import InputError, MissingInputError
from xlsx_addin.engine.inputs import check_names, normalise_one, flatten, is_blank, quoted, shown, to_count
from xlsx_addin.engine.itemsets import item_labels, type_value
from xlsx_addin.contracts.names import INPUTS, STAR_INPUTS
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.double_ten_models import STAR_FIELDS, RecordRule, VoteShareRule
from xlsx_addin.engine.adjust import apply_level_rules, rectifies
from xlsx_addin.engine.result import UnitResult
from xlsx_addin.engine.survey import SurveyResult, Tally, percent

_SCALARS = ("org_name", "org_code", "parent_org", "org_type", "member_count", "members_present", "masses_present",
            "prev_level")
_STAR_SCALARS = ("member_name", "member_type", "target_rank_bottom")


@dataclass(frozen=True)
class StarOutcome:
    name: str
    earned: bool
    rule_id: str  # the rule that decided: "record" / "vote" (the scheme's ids)
    by_record: bool
    record: str | None  # 是 / 否 as given (None = blank)
    votes_for: int | None
    votes_valid: int | None

    @property
    def share(self) -> float | None:
        if self.votes_for is None or not self.votes_valid:
            return None
        return self.votes_for / self.votes_valid


@dataclass(frozen=True)
class StarDetail:
    subject: str  # "organisation" / "member"
    member_name: str | None
    type_word: str | None  # org_type / member_type as given
    names: list[str]  # the ten star names in order
    outcomes: list[StarOutcome]
    privileged_label: str
    rectify_label: str

    @property
    def earned(self) -> list[str]:
        return [o.name for o in self.outcomes if o.earned]


def _label(name: str) -> str:
    spec = STAR_INPUTS[name]
    return f"{spec.label}({name})"


def _cells(name: str, raw: Any, n: int, allow_one: bool = False) -> list[Any]:
    """n cells of a per-star input (None → n blanks); one value for all when allow_one."""
    if raw is None or (not isinstance(raw, (list, tuple)) and not hasattr(raw, "tolist") and is_blank(raw)):
        return [None] * n
    cells = flatten(raw)
    if allow_one and len(cells) == 1:
        return cells * n
    if all(is_blank(c) for c in cells):
        return [None] * n
    if len(cells) != n:
        want = f"1个(各星相同)或{n}个" if allow_one else f"{n}个"
        raise InputError(f"{_label(name)}有{len(cells)}个值,应为{want}(每颗星一个)", name=name, value=raw)
    return cells


def _count_cell(name: str, cell: Any, where: str) -> int:
    try:
        return to_count(name, cell)
    except InputError as exc:
        raise InputError(f"{where}{exc}", name=name, value=cell) from None


def _record(cell: Any, rule_words: tuple[str, str], where: str) -> str | None:
    if is_blank(cell):
        return None
    if cell is True:
        return rule_words[0]
    if cell is False:
        return rule_words[1]
    text = shown(cell).strip()
    if text not in rule_words:
        raise InputError(f"{where}{_label('star_records')}的值“{quoted(cell)}”无效,应为{'/'.join(rule_words)}或留空",
                         name="star_records", value=cell)
    return text


def _where(i: int, name: str) -> str:
    return f"第{i + 1}颗星“{name}”:"


def _bound(values: Mapping[str, Any]) -> tuple[int, str] | None:
    """The most valid votes a star can have: the voters the form states, members present (else the branch's
    members) + the mass representatives present; None when the masses are not stated (they vote too)."""
    masses = values.get("masses_present")
    present = values.get("members_present")
    members = present if present is not None else values.get("member_count")
    if masses is None or members is None:
        return None
    who = f"参加测评党员{members}人" if present is not None else f"党员总数{members}人"
    text = who + (f"与参加测评群众代表{masses}人之和{members + masses}人" if masses else "")
    return members + masses, text


def _masses_note(values: Mapping[str, Any], valid: list[int]) -> str | None:
    """With the masses not stated, valid votes above the members are rated: a 提示 asks for the masses."""
    present = values.get("members_present")
    members = present if present is not None else values.get("member_count")
    if values.get("masses_present") is not None or members is None or not valid or max(valid) <= members:
        return None
    who = f"参加测评党员{members}人" if present is not None else f"党员总数{members}人"
    return (f"有效票数{max(valid)}超过{who},未填写参加测评群众代表人数(masses_present):"
            "已按群众代表参加投票评定,请填写参加测评群众代表人数以便核对")


def evaluate(scheme: Scheme, raw: Mapping[str, Any]) -> tuple[dict[str, Any], StarDetail, list[str]]:
    """Clean scalar values, each star's outcome, and the reasons of the stars not earned."""
    check_names(scheme, raw)
    values = {name: normalise_one(INPUTS[name], raw.get(name), scheme) for name in _SCALARS}
    values.update({name: normalise_one(STAR_INPUTS[name], raw.get(name), scheme) for name in _STAR_SCALARS})
    member = scheme.star_rules().subject == "member"
    if member and values["member_name"] is None:
        raise MissingInputError(f"{_label('member_name')}未填写", name="member_name")
    if values["org_name"] is None:
        what = "所在党支部" if member else "党组织名称"
        raise MissingInputError(f"{what}(org_name)未填写", name="org_name")

    n = len(scheme.items)
    type_word = type_value(scheme, raw)
    names_input = scheme.by_type().names_input
    names = item_labels(scheme, type_word, raw.get(names_input) if names_input else None)
    votes_for = _cells("star_votes_for", raw.get("star_votes_for"), n)
    votes_valid = _cells("star_votes_valid", raw.get("star_votes_valid"), n, allow_one=True)
    records = _cells("star_records", raw.get("star_records"), n)
    bound = _bound(values)

    outcomes, reasons = [], []
    for i, name in enumerate(names):
        where = _where(i, name)
        given_for = None if is_blank(votes_for[i]) else _count_cell("star_votes_for", votes_for[i], where)
        given_valid = None if is_blank(votes_valid[i]) else _count_cell("star_votes_valid", votes_valid[i], where)
        if given_for is not None and given_valid is not None and given_for > given_valid:
            raise InputError(f"{where}赞成票数{given_for}超过有效票数{given_valid}", name="star_votes_for", value=given_for)
        if given_valid is not None and bound is not None and given_valid > bound[0]:
            raise InputError(f"{where}有效票数{given_valid}超过{bound[1]}", name="star_votes_valid",
                             value=given_valid)
        outcome = _decide(scheme, i, name, records[i], given_for, given_valid)
        outcomes.append(outcome)
        if not outcome.earned:
            reasons.append(star_reason(scheme, i, outcome))
    st = scheme.star_rules()
    detail = StarDetail(st.subject, values["member_name"], type_word, names, outcomes, st.privileged_label,
                        st.rectify_label)
    return values, detail, reasons


def _decide(scheme: Scheme, i: int, name: str, cell: Any, votes_for: int | None, votes_valid: int | None) -> StarOutcome:
    where = _where(i, name)
    record_rules = [r for r in scheme.star_rules().rules if isinstance(r, RecordRule)]
    words = (record_rules[0].earned_word, record_rules[0].not_earned_word) if record_rules else ("是", "否")
    record = _record(cell, words, where)
    if record is not None and not any(name in r.stars for r in record_rules):
        allowed = "、".join(sorted(scheme.star_rules().record_stars(), key=_order(record_rules))) or "无"
        raise InputError(f"{where}不能按日常管理记录直接认定(可直接认定的星:{allowed}),请清空该记录并填写民主测评票数",
                         name="star_records", value=cell)
    for rule in scheme.star_rules().rules:
        match rule:
            case RecordRule():
                if name in rule.stars and record is not None:
                    return StarOutcome(name, record == rule.earned_word, rule.id, True, record, votes_for, votes_valid)
            case VoteShareRule():
                if votes_for is None or votes_valid is None:
                    what = "赞成票数" if votes_for is None else "有效票数"
                    also = "(或填写日常管理记录“是/否”)" if any(name in r.stars for r in record_rules) else ""
                    raise MissingInputError(f"{where}{what}未填写{also}",
                                            name="star_votes_for" if votes_for is None else "star_votes_valid")
                if votes_valid == 0:
                    raise InputError(f"{where}有效票数为0,无法计算得票率", name="star_votes_valid", value=0)
                earned = votes_for / votes_valid > rule.threshold  # 高于: strictly greater (exact for decimal thresholds)
                return StarOutcome(name, earned, rule.id, False, record, votes_for, votes_valid)
            case _:
                assert_never(rule)
    raise AssertionError("the scheme check requires a vote_share rule")


def _order(record_rules) -> Any:
    order = [s for r in record_rules for s in r.stars]
    return lambda s: order.index(s)


def star_reason(scheme: Scheme, i: int, o: StarOutcome) -> str:
    rule = next(r for r in scheme.star_rules().rules if r.id == o.rule_id)
    fields = dict.fromkeys(STAR_FIELDS, "")
    fields.update(label=rule.label, star=o.name, index=str(i + 1), record=o.record or "",
                  votes_for="" if o.votes_for is None else str(o.votes_for),
                  votes_valid="" if o.votes_valid is None else str(o.votes_valid),
                  share=share_text(o.votes_for, o.votes_valid) if o.votes_for is not None and o.votes_valid else "",
                  threshold=share_text(Fraction(str(rule.threshold)), 1) if isinstance(rule, VoteShareRule) else "")
    return rule.reason.format(**fields)


def share_text(part: int | Fraction, whole: int | Fraction) -> str:
    """A share as a percentage to 0.1 %, halves rounded up: 90%, 90.1%, 88.8% (71 of 80).

    Exact rational arithmetic, so the workbook formula ROUND(part*1000/whole, 0) gives the same digits
    (Python's own '%.1f' rounds the binary value half to even and would differ on shares like 1/80).
    """
    tenths = math.floor(Fraction(part) * 1000 / whole + Fraction(1, 2))
    return f"{tenths // 10}" + (f".{tenths % 10}" if tenths % 10 else "") + "%"


def _no_survey(values: Mapping[str, Any]) -> SurveyResult:
    """双十星 has no satisfaction survey: the votes are per star (see StarDetail)."""
    return SurveyResult(values.get("member_count"), values.get("members_present"), values.get("masses_present"),
                        None, None, Tally(0, 0, 0, 0), None, None, False, None)


def score_stars(scheme: Scheme, raw: Mapping[str, Any]) -> UnitResult:
    values, detail, reasons = evaluate(scheme, raw)
    note = _masses_note(values, [o.votes_valid for o in detail.outcomes if o.votes_valid is not None])
    notes = [note] if note else []
    earned = detail.earned
    count = len(earned)
    ctx = dict(values, items_passed=count, base_score=float(count), final_score=float(count))
    level = apply_level_rules(scheme, count, ctx, reasons)
    flags = [1.0 if o.earned else 0.0 for o in detail.outcomes]
    return UnitResult(
        org_name=values["org_name"], org_code=values["org_code"], parent_org=values["parent_org"],
        org_type=values["org_type"], base_score=float(count), bonus=0.0, penalty=0.0, final_score=float(count),
        level=level, level_name=scheme.level_name(level), reasons=reasons, rectify=rectifies(scheme, level),
        band_level=count, rule_level=level, item_scores=flags, item_source="self", items_passed=count,
        survey=_no_survey(values), notes=notes, prev_level=values["prev_level"], stars=earned,
        privileged=level >= scheme.star_rules().privileged_min_rank, star_detail=detail,
    )


# --- the town's goal (reported, never enforced) ----------------------------------------------------

@dataclass(frozen=True)
class GoalStatus:
    label: str
    count: int  # rated at the goal level or higher
    total: int
    share: float | None
    goal: float
    met: bool
    text: str


def goal_status(scheme: Scheme, results: Iterable[UnitResult]) -> GoalStatus | None:
    """The share of results at the goal's level (十星级党员) against the goal; None when the scheme has none."""
    goal = scheme.stars.goal if scheme.stars is not None else None
    if goal is None:
        return None
    levels = [r.level for r in results]
    count = sum(1 for lv in levels if lv >= goal.rank)
    share = count / len(levels) if levels else None
    met = share is not None and share >= goal.share - 1e-12
    text = goal.text.format(count=count, total=len(levels), share=percent(share) if share is not None else "—",
                            goal=percent(goal.share), level=scheme.level_name(goal.rank),
                            met="已达到" if met else "未达到")
    return GoalStatus(goal.label, count, len(levels), share, goal.share, met, text)
