"""A locality's own numbers: a flat key → value table (the 规则 sheet) applied over a scheme.

Precedence, lowest first (tests/test_engine_overrides.py checks each rule):
1. The base scheme: a built-in name, or a scheme file, which replaces the built-in whole.
2. Rows of the 规则 table override the base one key at a time; a key that is absent or
   whose value is blank keeps the base value.
3. The table's `scheme` row, when present, must name the base scheme; a table written
   for another scheme is refused, never half-applied.
4. A key given twice, an unknown key or a value of the wrong kind is refused with the
   row's key, label and value; nothing of the table is applied then.
5. In a consolidation the summary's rules apply to every unit; a unit's own 规则 sheet
   is never used, only compared and reported when it differs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from typing_extensions import assert_never

from xlsx_addin.contracts.names import input_spec
from xlsx_addin.model.errors import SchemeError
from xlsx_addin.engine.scheme.loader import scheme_from_dict
from xlsx_addin.engine.scheme.double_ten_models import RecordRule, VoteShareRule
from xlsx_addin.engine.scheme.keys import (
    SCHEME_KEY,
    VERSION_KEY,
    adjustment_key,
    condition_part_key,
    condition_value_key,
    item_points_key,
    min_score_key,
    quota_share_key,
    star_key,
    star_rule_key,
    sub_item_points_key,
)
from xlsx_addin.engine.scheme.rules import (
    AdjustmentRule,
    BonusByLevel,
    CapLevel,
    CapQuota,
    Demote,
    DistributionQuota,
    FloorQuota,
    PointsPerCount,
    SetLevel,
    ThresholdPoints,
)
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.table_rows import rows_to_table as rows_to_table  # re-exported: its old home
from xlsx_addin.engine.scheme.loader import load_scheme



_FROZEN_FIELDS = {"id", "kind", "input", "invalid_input", "rank"}


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    value: Any
    note: str = ""


def parameters(scheme: Scheme) -> list[Parameter]:
    """The editable numbers of a scheme with Chinese labels: the rows of a 规则 sheet."""
    term = scheme.level_term
    out = [
        Parameter(SCHEME_KEY, "评定方案", scheme.id, f"{scheme.name}(不要修改)"),
        Parameter(VERSION_KEY, "方案版本", scheme.version, "模板版本(不要修改)"),
    ]
    if scheme.total_points is not None:
        out.append(Parameter("total_points", "总分", scheme.total_points, "各项标准分值合计须等于总分"))
    for i, item in enumerate(scheme.items if scheme.stars is None else [], 1):  # stars have no points
        out.append(Parameter(item_points_key(i), f"第{i}项 {item.label} 标准分值", item.points))
        for j, sub in enumerate(item.sub_items, 1):
            out.append(Parameter(sub_item_points_key(i, j), f"第{i}.{j}项 {sub.label} 分值", sub.points))
    for lv in scheme.levels:
        if lv.min_score is not None:
            out.append(Parameter(min_score_key(lv.rank), f"{lv.name}最低分", lv.min_score, "含本数"))
    if scheme.item_pass_share is not None:
        out.append(Parameter("item_pass_share", "得星比例", scheme.item_pass_share, "该项得分不低于其分值的该比例即得星"))
    rectify = f"{scheme.stars.rectify_label}标记" if scheme.stars else "整改标记"
    out.append(Parameter("rectify_max_rank", f"{rectify}:{term}不高于", scheme.rectify_max_rank,
                         f"等次序号:{'、'.join(f'{lv.rank}={lv.name}' for lv in scheme.levels)}"))
    if scheme.survey.min_participation is not None:
        out.append(Parameter("survey.min_participation", "测评最低参与率", scheme.survey.min_participation,
                             "参加测评党员人数÷党员总数,低于此数测评无效"))
    for rule in scheme.adjustments:
        out.extend(_rule_parameters(rule, scheme))
    out.extend(_star_parameters(scheme))
    for q in scheme.quotas:
        match q:
            case DistributionQuota():
                for rank, share in q.shares.items():
                    out.append(Parameter(quota_share_key(q.id, rank), f"{scheme.level_name(rank)}比例", share))
            case CapQuota() | FloorQuota():
                out.append(Parameter(quota_share_key(q.id), q.label, q.share,
                                     "向下取整" if q.rounding == "floor" else "向上取整" if q.rounding == "ceil" else "四舍五入"))
            case _:
                assert_never(q)
    return out


def _rule_parameters(rule: AdjustmentRule, scheme: Scheme) -> list[Parameter]:
    """An adjustment rule's numbers: its points, its conditions' values, the level it caps at or sets."""
    out = []
    match rule:
        case BonusByLevel():
            for word, pts in rule.points.items():
                out.append(Parameter(adjustment_key(rule.id, "points", word), f"{rule.label}:{word}加分", pts,
                                     "只按最高级别计一次"))
            return out
        case PointsPerCount():
            return [Parameter(adjustment_key(rule.id, "points"), f"{rule.label}:分值", rule.points, "负数为扣分")]
        case ThresholdPoints():
            out.append(Parameter(adjustment_key(rule.id, "points"), f"{rule.label}:分值", rule.points, "负数为扣分"))
        case CapLevel() | SetLevel() | Demote():
            pass
        case _:
            assert_never(rule)
    for path, cond in _simple_conditions(rule.when, adjustment_key(rule.id, "when")):
        out.append(Parameter(condition_value_key(path), f"{rule.label}:条件值({_condition_words(cond)})", cond.value))
    term = scheme.level_term
    for attr in ("max_level", "level"):
        rank = getattr(rule, attr, None)
        if rank is not None:
            out.append(Parameter(adjustment_key(rule.id, attr), f"{rule.label}:最高{term}" if attr == "max_level"
                                 else f"{rule.label}:定为{term}", rank, f"等次序号,{rank}={scheme.level_name(rank)}"))
    return out


def _star_parameters(scheme: Scheme) -> list[Parameter]:
    """双十星: the vote threshold, the record-set stars, the privileged level and the goal."""
    st = scheme.stars
    if st is None:
        return []
    term = scheme.level_term
    ranks = "、".join(f"{lv.rank}={lv.name}" for lv in scheme.levels)
    out = []
    for rule in st.rules:
        match rule:
            case VoteShareRule():
                out.append(Parameter(star_rule_key(rule.id, "threshold"), f"{rule.label}:得星比例", rule.threshold,
                                     "赞成票数÷有效票数高于此数(不含本数)即得星"))
            case RecordRule():
                out.append(Parameter(star_rule_key(rule.id, "stars"), f"{rule.label}:可直接认定的星", "、".join(rule.stars),
                                     f"记录为{rule.earned_word}即得星、为{rule.not_earned_word}即不得星,留空按民主测评;用顿号分隔"))
            case _:
                assert_never(rule)
    out.append(Parameter(star_key("privileged_min_rank"), f"{st.privileged_label}:{term}不低于", st.privileged_min_rank,
                         f"等次序号:{ranks}"))
    if st.goal is not None:
        out.append(Parameter(star_key("goal", "rank"), f"{st.goal.label}:{term}不低于", st.goal.rank, f"等次序号:{ranks}"))
        out.append(Parameter(star_key("goal", "share"), f"{st.goal.label}:占比", st.goal.share, "目标而非配额,只报告不调整"))
    return out


def _simple_conditions(cond, path):
    if cond.input is not None:
        yield path, cond
        return
    for name in ("all", "any"):
        for k, sub in enumerate(getattr(cond, name) or []):
            yield from _simple_conditions(sub, condition_part_key(path, name, k))


def apply_overrides(scheme: Scheme, table: Mapping[str, Any], origin: str = "规则表") -> Scheme:
    """A new scheme with the table's values; the table is applied whole or not at all."""
    labels = {p.key: p.label for p in parameters(scheme)}
    data = scheme.model_dump(mode="python")
    changed = False
    for key, value in table.items():
        label = labels.get(key, key)
        if _blank(value):
            continue
        if key == SCHEME_KEY:
            if str(value).strip() not in (scheme.id, scheme.name):  # its id or the Chinese name shown everywhere
                raise SchemeError(f"{origin}属于评定方案“{value}”,与当前方案“{scheme.name}”({scheme.id})不符,不能套用")
            continue
        if key == VERSION_KEY:
            continue
        parent, last, old = _locate(data, key, origin, value)
        if last in _FROZEN_FIELDS:
            if not isinstance(old, (dict, list)) and _coerce(value, old, key, label, origin) == old:
                continue  # the value as built in (a 规则 sheet lists it): nothing changes
            raise SchemeError(f"{origin}参数 {key}({label})的值“{value}”不能套用:该参数不能修改")
        new = _coerce(value, old, key, label, origin)
        if new != old:
            parent[last] = new
            changed = True
    if not changed:
        return scheme
    try:
        return scheme_from_dict(data, origin)
    except SchemeError as exc:
        raise SchemeError(f"{origin}的参数不能套用:{exc}".replace(f"方案文件 {origin} 有误:", "")) from None


def apply_rules(scheme: Scheme | str, table: Mapping[str, Any]) -> Scheme:
    """A 规则 table (key → value) applied over `scheme` (a Scheme or a built-in name / path) under
    the precedence above; refusals raise SchemeError (a RatingError) naming the key and value."""

    return apply_overrides(load_scheme(scheme), table)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _locate(data: Any, key: str, origin: str, value: Any = None):
    parts = key.split(".")
    node = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, dict):
            slot = _dict_slot(node, part)
            if slot is None:
                break
            if last:
                if isinstance(node[slot], dict) or (isinstance(node[slot], list) and not _words(node[slot])):
                    break
                return node, slot, node[slot]
            node = node[slot]
        elif isinstance(node, list):
            idx = _list_slot(node, part)
            if idx is None or last:
                break
            node = node[idx]
        else:
            break
    raise SchemeError(f"{origin}中的参数 {key}(值“{value}”)不存在(请核对参数名)")


def _dict_slot(node: dict, part: str):
    if part in node:
        return part
    if part.lstrip("-").isdigit() and int(part) in node:
        return int(part)
    return None


def _list_slot(node: list, part: str) -> int | None:
    for i, el in enumerate(node):
        if isinstance(el, dict):
            if "id" in el and el["id"] == part:
                return i
            if "rank" in el and part.isdigit() and el["rank"] == int(part):
                return i
    if part.isdigit() and not any(isinstance(el, dict) and ("id" in el or "rank" in el) for el in node):
        i = int(part) - 1
        if 0 <= i < len(node):
            return i
    return None


def _words(node: list) -> bool:
    return bool(node) and all(isinstance(el, str) for el in node)


def _coerce(value: Any, old: Any, key: str, label: str, origin: str) -> Any:
    if isinstance(old, list):  # a list of words, typed as one text: 计生星、法纪星
        words = [w.strip() for w in str(value).replace(",", "、").replace("，", "、").split("、") if w.strip()]
        if not words:
            raise SchemeError(f"{origin}参数 {key}({label})的值“{value}”须为用顿号分隔的名称")
        return words
    if isinstance(old, bool):
        text = str(value).strip().lower()
        if text in ("是", "true", "1", "yes"):
            return True
        if text in ("否", "false", "0", "no"):
            return False
        raise SchemeError(f"{origin}参数 {key}({label})的值“{value}”须为 是 或 否")
    if isinstance(old, (int, float)) or old is None:
        number = parse_number(value)
        if number is None:
            if old is None:
                return str(value).strip()
            raise SchemeError(f"{origin}参数 {key}({label})的值“{value}”不是数字")
        if isinstance(old, int) and not isinstance(old, bool) and key.endswith(("rank", "level", "max_level")):
            if number != int(number):
                raise SchemeError(f"{origin}参数 {key}({label})的值“{value}”须为整数")
            return int(number)
        return number
    return str(value).strip()


def parse_number(value: Any) -> float | None:
    """Numbers as clerks type them: 10, '10', '１０', '10%' (→ 0.1). None when not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an int beyond the float range
            return None
        return number if number - number == 0 else None  # NaN and ±inf are not numbers a cell can hold
    if not isinstance(value, str):
        return None
    text = value.strip().translate(_FULLWIDTH).replace(",", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    try:
        number = float(text)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number / 100 if percent else number


_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋％，", "0123456789.-+%,")


_OP_WORDS = {"==": "为", "!=": "不为", ">": "大于", ">=": "不小于", "<": "小于", "<=": "不大于"}


def _condition_words(cond: Any) -> str:
    """A condition as the 规则 sheet prints it: the input's Chinese label and the comparison in words."""
    spec = input_spec(str(cond.input))
    return f"{spec.label if spec else cond.input}{_OP_WORDS.get(cond.op, cond.op)}"
