"""Normalise a unit's raw inputs (as typed in Excel or given in Python) by the names contract."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Sequence, overload

from xlsx_addin.model.errors import InputError, MissingInputError
from xlsx_addin.contracts.names import INPUTS, MASS_PREFIX, STAR_INPUTS, InputName
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.overrides import parse_number
from xlsx_addin.model.values import EXCEL_ERRORS, QUOTE_LIMIT, excel_error, is_blank, key_text, quoted, shown  # noqa: F401 - the input primitives

_TOL = 1e-9
MAX_MAGNITUDE = 1e7  # no count, month or score of a unit comes near this: a typing slip, not data
MAX_TEXT = 200  # characters of a name, code or type (the longest real 党组织名称 is under 60)


@dataclass
class UnitInputs:
    """Clean values: counts as int, words checked, item scores per item (sub-items summed)."""

    values: dict[str, Any]
    item_scores: list[float]
    item_source: str  # "reviewed" or "self"
    self_scores: list[float]
    votes: dict[str, int]
    mass_votes: dict[str, int] | None
    notes: list[str] = field(default_factory=list)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def describe(name: str, scheme: Scheme | None = None) -> str:
    spec = INPUTS.get(name) or STAR_INPUTS.get(name)
    if spec is not None:
        return f"{spec.label}({name})"
    if scheme is not None:
        for opt in scheme.survey.options:
            for prefix, who in (("", ""), (MASS_PREFIX, "群众")):
                if name == prefix + opt.input:
                    return f"{who}测评“{opt.label}”票数({name})"
        if name.endswith(scheme.survey.invalid_input):
            who = "群众" if name.startswith(MASS_PREFIX) else ""
            return f"{who}测评{scheme.survey.invalid_label}数({name})"
    return name


def refuse(name: str, value: Any, why: str, scheme: Scheme | None = None) -> InputError:
    return InputError(f"{describe(name, scheme)}的值“{quoted(value)}”{why}", name=name, value=value)


def to_number(name: str, value: Any, scheme: Scheme | None = None) -> float:
    err = excel_error(value)
    if err:
        raise InputError(f"{describe(name, scheme)}为 Excel 错误值 {err},请先修正该单元格", name=name, value=value)
    number = parse_number(value)
    if number is None:
        raise refuse(name, value, "不是数字", scheme)
    if abs(number) > MAX_MAGNITUDE:
        raise refuse(name, value, "数值过大,请核对", scheme)
    return number


def to_count(name: str, value: Any, scheme: Scheme | None = None, minimum: float = 0) -> int:
    number = to_number(name, value, scheme)
    if abs(number - round(number)) > _TOL:
        raise refuse(name, value, "须为整数", scheme)
    if number < minimum:
        raise refuse(name, value, "不能为负数" if minimum == 0 else f"须不小于{minimum:g}", scheme)
    return int(round(number))


def flatten(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            out.extend(flatten(v))
        return out
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return flatten(value.tolist())
    return [value]


def _word(name: str, value: Any, allowed: Sequence[str], scheme: Scheme) -> str:
    text = str(value).strip()
    if text not in allowed:
        raise refuse(name, value, f"不是可选项,应为:{'/'.join(allowed)}", scheme)
    return text


def normalise_one(spec: InputName, value: Any, scheme: Scheme) -> Any:
    name = spec.name
    if excel_error(value):  # every kind: '#N/A' is an Excel error, not a wrong word or a text
        raise InputError(f"{describe(name, scheme)}为 Excel 错误值 {excel_error(value)},请先修正该单元格",
                         name=name, value=value)
    if spec.kind == "text":
        if is_blank(value) or not key_text(value):
            return None
        text = shown(value).strip()
        if len(text) > MAX_TEXT:
            raise refuse(name, value, f"过长({len(text):,}个字符,最多{MAX_TEXT}个),不像{INPUTS[name].label},"
                         "请核对该单元格", scheme)
        return text
    if spec.kind == "count":
        if is_blank(value):
            return None if name in ("member_count", "members_present", "masses_present") else 0
        return to_count(name, value, scheme, spec.minimum or 0)
    if spec.kind == "number":
        if is_blank(value):
            return 0.0
        number = to_number(name, value, scheme)
        if spec.minimum is not None and number < spec.minimum:
            raise refuse(name, value, "不能为负数", scheme)
        return number
    if spec.kind == "yesno":
        if is_blank(value) or value is False:
            return "否"
        if value is True:
            return "是"
        return _word(name, value, scheme.choices.get("yes_no", ["是", "否"]), scheme)
    if spec.kind == "choice":
        if is_blank(value):
            return "无"
        allowed = scheme.choices.get(spec.choices or "", [])
        words = [w for w in flatten(value) if not is_blank(w)]
        if len(words) == 1 and isinstance(words[0], str):
            words = [w for w in words[0].replace(",", "、").replace("，", "、").split("、") if w.strip()]
        if not allowed:
            return "、".join(str(w).strip() for w in words)
        checked = [_word(name, w, allowed, scheme) for w in words]
        return checked[0] if len(checked) == 1 else tuple(checked)
    if spec.kind == "level":
        if is_blank(value):
            return None
        return to_level(name, value, scheme)
    raise AssertionError(spec.kind)


def to_level(name: str, value: Any, scheme: Scheme) -> int:
    """A level given by its name (五星级, 好 …) or its rank number; InputError otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ranks = {lv.rank for lv in scheme.levels}
        if value in ranks:
            return int(value)
    level = scheme.level_by_name(str(value).strip())
    if level is None:
        raise refuse(name, value, f"不是本方案的{scheme.level_term}名称,应为:{'/'.join(lv.name for lv in scheme.levels)}", scheme)
    return level.rank


@overload
def item_score_list(name: str, raw: Any, scheme: Scheme, required: Literal[True]) -> list[float]: ...
@overload
def item_score_list(name: str, raw: Any, scheme: Scheme, required: bool) -> list[float] | None: ...
def item_score_list(name: str, raw: Any, scheme: Scheme, required: bool) -> list[float] | None:
    """Per-item scores from one value per item or per sub-item; None when wholly blank."""
    cells = flatten(raw) if raw is not None else []
    label = INPUTS[name].label
    if all(is_blank(c) for c in cells):
        if required:
            raise MissingInputError(f"{label}({name})未填写", name=name, value=raw)
        return None
    n_items, n_subs = len(scheme.items), scheme.sub_item_count
    if len(cells) not in (n_items, n_subs) or (len(cells) == n_subs == 0):
        want = f"{n_items}项" + (f"或{n_subs}个细项" if n_subs else "")
        raise InputError(f"{label}({name})有{len(cells)}个值,本方案应为{want}", name=name, value=raw)
    slots = _slots(scheme, per_sub=len(cells) == n_subs and n_subs != n_items)
    blanks = [(k, where) for k, (where, c) in enumerate(zip(slots, cells)) if is_blank(c)]
    if blanks:
        if not required:
            return None
        k, slot = blanks[0]
        raise MissingInputError(f"{label}({name}):{slot[0]}未填写", name=name, value=raw, index=k)
    per_item = [0.0] * n_items
    per_item_entry = not (len(slots) == n_subs and n_subs != n_items)
    for k, ((where, points, item_index), cell) in enumerate(zip(slots, cells)):
        err = excel_error(cell)
        if err:
            raise InputError(f"{label}({name}):{where}为 Excel 错误值 {err},请先修正该单元格", name=name, value=cell, index=k)
        if isinstance(cell, str) and cell.strip().endswith(("%", "％")):
            raise InputError(f"{label}({name}):{where}的值“{quoted(cell)}”是百分数,得分应填写分值(如9),不是百分比,"
                             "请改填分值", name=name, value=cell, index=k)
        score = parse_number(cell)
        if score is None:
            raise InputError(f"{label}({name}):{where}的值“{quoted(cell)}”不是数字", name=name, value=cell, index=k)
        if score < 0:
            raise InputError(f"{label}({name}):{where}得分{shown(score)}不能为负数", name=name, value=cell, index=k)
        if score > points + _TOL:
            raise InputError(f"{label}({name}):{where}得分{shown(score)}超过标准分值{shown(points)}", name=name, value=cell, index=k)
        if not per_item_entry and scheme.sub_item_all_or_nothing and 0 < score < points - _TOL:
            raise InputError(f"{label}({name}):{where}得分{shown(score)}无效,该标准达成得{shown(points)}分、不达成得0分",
                             name=name, value=cell, index=k)
        if per_item_entry and scheme.sub_item_all_or_nothing and scheme.items[item_index].sub_items:
            sums = _subset_sums([s.points for s in scheme.items[item_index].sub_items])
            if not any(abs(score - s) <= _TOL for s in sums):
                raise InputError(f"{label}({name}):{where}得分{shown(score)}无效,该项各标准达成得分、不达成不得分,"
                                 f"可能的得分为:{'/'.join(shown(s) for s in sums)}", name=name, value=cell, index=k)
        per_item[item_index] += score
    return [math.fsum([s]) for s in per_item]


def _subset_sums(points: list[float]) -> list[float]:
    """Every total that standards scored all or nothing can give, ascending."""
    sums = {0.0}
    for p in points:
        sums |= {round(s + p, 9) for s in sums}
    return sorted(sums)


def _slots(scheme: Scheme, per_sub: bool) -> list[tuple[str, float, int]]:
    if not per_sub:
        return [(f"第{i + 1}项“{it.label}”", it.points, i) for i, it in enumerate(scheme.items)]
    return [(f"第{i + 1}.{j + 1}项“{sub.label}”", sub.points, i)
            for i, it in enumerate(scheme.items) for j, sub in enumerate(it.sub_items)]


def check_names(scheme: Scheme, raw: Mapping[str, Any]) -> None:
    if not isinstance(raw, Mapping):
        raise InputError("单位数据须为“名称→值”的对应表")
    if all(k in INPUTS for k in raw):  # the common case, without building the sets below
        return
    vote_names = set(scheme.vote_inputs)
    known = set(INPUTS) | vote_names | {MASS_PREFIX + v for v in vote_names} | (set(STAR_INPUTS) if scheme.stars else set())
    unknown = sorted(k for k in raw if k not in known and not _empty_foreign_vote(k, raw[k]))
    if unknown:
        raise InputError(f"不认识的输入名称:{'、'.join(quoted(u) for u in unknown[:5])}{'等' if len(unknown) > 5 else ''}(请对照名称约定)", name=str(unknown[0]))


def ballots(scheme: Scheme, raw: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, int] | None]:
    """The ballot counts (votes_*, and mass_votes_* when any is filled), checked; names are not checked here."""
    names = scheme.vote_inputs
    votes = {v: _vote(v, raw.get(v), scheme) for v in names}
    mass_raw = {v: raw.get(MASS_PREFIX + v) for v in names}
    mass_votes = None
    if any(not is_blank(x) for x in mass_raw.values()):
        mass_votes = {v: _vote(MASS_PREFIX + v, x, scheme) for v, x in mass_raw.items()}
        for v in names:
            if mass_votes[v] > votes[v]:
                raise refuse(MASS_PREFIX + v, mass_votes[v], f"超过该选项总票数{votes[v]}(总票数含党员和群众)", scheme)
    return votes, mass_votes


SURVEY_INPUTS = ("member_count", "members_present", "masses_present")


def normalise_survey(scheme: Scheme, raw: Mapping[str, Any]) -> UnitInputs:
    """Only what the survey needs (member count, people present, ballots), checked as normalise() does.

    For the survey formulas, which must work before the rest of the form is filled; other
    known names in raw are ignored, unknown names are refused. No item scores (empty lists).
    """
    check_names(scheme, raw)
    values = {name: normalise_one(INPUTS[name], raw.get(name), scheme) for name in SURVEY_INPUTS}
    votes, mass_votes = ballots(scheme, raw)
    return UnitInputs(values=values, item_scores=[], item_source="self", self_scores=[], votes=votes,
                      mass_votes=mass_votes)


def normalise(scheme: Scheme, raw: Mapping[str, Any]) -> UnitInputs:
    check_names(scheme, raw)

    values: dict[str, Any] = {}
    for name, spec in INPUTS.items():
        if spec.kind != "scores":
            values[name] = normalise_one(spec, raw.get(name), scheme)
    if values["org_name"] is None:
        raise MissingInputError("党组织名称(org_name)未填写", name="org_name")

    self_scores = item_score_list("item_scores", raw.get("item_scores"), scheme, required=True)
    reviewed = item_score_list("item_scores_reviewed", raw.get("item_scores_reviewed"), scheme, required=False)
    notes = []
    if reviewed is None and not all(is_blank(c) for c in flatten(raw.get("item_scores_reviewed"))):
        notes.append("上级审核得分未填全,按自评得分计算")

    votes, mass_votes = ballots(scheme, raw)
    return UnitInputs(
        values=values,
        item_scores=reviewed if reviewed is not None else self_scores,
        item_source="reviewed" if reviewed is not None else "self",
        self_scores=self_scores,
        votes=votes,
        mass_votes=mass_votes,
        notes=notes,
    )


def _empty_foreign_vote(name: Any, value: Any) -> bool:
    """A ballot option of another scheme (six_good's votes_unknown …) is harmless while blank or 0."""
    is_vote = isinstance(name, str) and name.removeprefix(MASS_PREFIX).startswith("votes_")
    return is_vote and (is_blank(value) or parse_number(value) == 0)


def _vote(name: str, value: Any, scheme: Scheme) -> int:
    return 0 if is_blank(value) else to_count(name, value, scheme)
