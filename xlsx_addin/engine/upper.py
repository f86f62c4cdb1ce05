"""The upper level's own scores (评分定级表, docs/RULES.md "The upper level's step"): per item, a typed 上级评分
replaces the item's score in force (an item with sub-items: its total); a blank leaves it. `score_unit` applies
them (its `upper_scores` argument), so a summary's level for typed scores is score_unit's by construction."""
from __future__ import annotations

from typing import Any, Sequence

from xlsx_addin.engine.adjust import number_text
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.overrides import parse_number
from xlsx_addin.model.errors import InputError
from xlsx_addin.model.values import excel_error, is_blank, quoted

NAME = "upper_scores"  # InputError.name of a refused typed score (index: the item's position)
LABEL = "上级评分"
_TOL = 1e-9


def item_label(scheme: Scheme, index: int) -> str:
    """第3项“党组织战斗堡垒作用强” (index 0-based)."""
    return f"第{index + 1}项“{scheme.items[index].label}”"


def check_upper_scores(scheme: Scheme, typed: Sequence[Any]) -> list[float | None]:
    """The typed scores per item as numbers (None: blank, the score in force stays). InputError (name
    NAME, index = the item) for a value that is not a number, is negative, exceeds the item's points, or
    (standards scored all or nothing) is no total the item's standards can give."""
    if len(typed) > len(scheme.items):
        raise InputError(f"{LABEL}有{len(typed)}项,本方案只有{len(scheme.items)}项", name=NAME, value=list(typed))
    out: list[float | None] = []
    for i, cell in enumerate(typed):
        if is_blank(cell):
            out.append(None)
            continue
        where = f"{LABEL}:{item_label(scheme, i)}"
        item = scheme.items[i]
        err = excel_error(cell)
        if err:
            raise InputError(f"{where}为 Excel 错误值 {err}", name=NAME, value=cell, index=i)
        if isinstance(cell, str) and cell.strip().endswith(("%", "％")):
            raise InputError(f"{where}的值“{quoted(cell)}”是百分数,应填写分值", name=NAME, value=cell, index=i)
        score = parse_number(cell)
        if score is None:
            raise InputError(f"{where}的值“{quoted(cell)}”不是数字", name=NAME, value=cell, index=i)
        if score < 0:
            raise InputError(f"{where}得分{number_text(score)}不能为负数", name=NAME, value=cell, index=i)
        if score > item.points + _TOL:
            raise InputError(f"{where}得分{number_text(score)}超过该项分值{number_text(item.points)}", name=NAME,
                             value=cell, index=i)
        if scheme.sub_item_all_or_nothing and item.sub_items:
            sums = _subset_sums([s.points for s in item.sub_items])
            if not any(abs(score - s) <= _TOL for s in sums):
                raise InputError(f"{where}得分{number_text(score)}无效,该项各标准达成得分、不达成不得分,可能的得分为:"
                                 f"{'/'.join(number_text(s) for s in sums)}", name=NAME, value=cell, index=i)
        out.append(float(score))
    return out + [None] * (len(scheme.items) - len(out))


def apply_upper(scheme: Scheme, scores: list[float], typed: Sequence[Any] | None) -> tuple[list[float], list[str]]:
    """The item scores in force after the upper level's typed scores, and one reason per changed item."""
    if typed is None:
        return list(scores), []
    upper = check_upper_scores(scheme, typed)
    out, reasons = list(scores), []
    for i, value in enumerate(upper):
        if value is None:
            continue
        if abs(value - scores[i]) > _TOL:
            reasons.append(f"{LABEL}:{item_label(scheme, i)}由{number_text(scores[i])}分调整为{number_text(value)}分")
        out[i] = value
    return out, reasons


def _subset_sums(points: list[float]) -> list[float]:
    sums = {0.0}
    for p in points:
        sums |= {round(s + p, 9) for s in sums}
    return sorted(sums)
