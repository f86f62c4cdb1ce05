"""Items chosen by type (分类指导): a scheme's `items_by_type` maps org_type / member_type words to the
labels (and points) of some item positions. Any scheme can use it; 双十星 also lets a type that no
set lists name its items itself (`names_input`).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from xlsx_addin.model.errors import InputError, MissingInputError
from xlsx_addin.engine.inputs import flatten, is_blank, quoted, shown
from xlsx_addin.contracts.names import known_input
from xlsx_addin.engine.scheme.models import Scheme


def type_label(scheme: Scheme) -> str:
    name = scheme.by_type().input
    return f"{known_input(name).label}({name})"


def known_types(scheme: Scheme) -> str:
    return ";".join("、".join(s.types[:3]) + ("等" if len(s.types) > 3 else "") for s in scheme.by_type().sets)


def type_value(scheme: Scheme, raw: Mapping[str, Any]) -> str | None:
    value = raw.get(scheme.by_type().input)
    return None if is_blank(value) else shown(value).strip()


def item_labels(scheme: Scheme, type_word: str | None, names: Sequence[Any] | None = None) -> list[str]:
    """The labels of the scheme's items for this type; `names` are the labels a unit typed (blank = from the type).

    A type of a set fixes the labels of the set's positions (a typed label must agree); any other
    type must name them all. With a names input, the other positions must be named too.
    """
    ibt = scheme.by_type()
    n = len(scheme.items)
    given = _names(scheme, names, n)
    group = ibt.set_for(type_word)
    slots = [p - 1 for p in ibt.positions]
    labels = [it.label for it in scheme.items]
    named = {p: label for p, label in enumerate(given) if label is not None}
    term = scheme.item_term
    if group is not None:
        for p, it in zip(slots, group.typed_items()):
            if given[p] is not None and given[p] != it.label:
                raise InputError(f"第{p + 1}项{term}名称“{quoted(given[p])}”与{type_label(scheme)}“{type_word}”的规定"
                                 f"“{it.label}”不符(按类别确定的{term}可留空)", name=ibt.names_input, value=given[p])
            labels[p] = it.label
    else:
        missing = [p + 1 for p in slots if p not in named]
        if missing:
            where = positions_text(missing)
            if type_word is None:
                raise MissingInputError(f"{type_label(scheme)}未填写:请选择类别,或自行填写{where}{term}名称",
                                        name=ibt.input)
            how = f"请自行填写{where}{term}名称" if ibt.names_input else "请改为方案中的类别"
            raise InputError(f"{type_label(scheme)}“{quoted(type_word)}”不是方案规定的类别"
                             f"(可选:{known_types(scheme)}),{how}", name=ibt.input, value=type_word)
        for p in slots:
            labels[p] = named[p]
    if ibt.names_input is not None:
        for p in range(n):
            if p in slots:
                continue
            if p not in named:
                raise MissingInputError(f"第{p + 1}项{term}({scheme.items[p].label})名称未填写",
                                        name=ibt.names_input)
            labels[p] = named[p]
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise InputError(f"{term}名称“{label}”重复,同一单位的{term}不能重名", name=ibt.names_input, value=label)
        seen.add(label)
    return labels


def positions_text(numbers: list[int]) -> str:
    """第1至6项 for a run, 第1、3项 otherwise."""
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"第{numbers[0]}至{numbers[-1]}项"
    return "第" + "、".join(map(str, numbers)) + "项"


def _names(scheme: Scheme, names: Sequence[Any] | None, n: int) -> list[str | None]:
    name = scheme.by_type().names_input
    if names is None or name is None:
        return [None] * n
    cells = flatten(names)
    if all(is_blank(c) for c in cells):
        return [None] * n
    if len(cells) != n:
        raise InputError(f"{known_input(name).label}({name})有{len(cells)}个值,应为{n}个", name=name, value=names)
    return [None if is_blank(c) else shown(c).strip() for c in cells]


def scheme_for_type(scheme: Scheme, raw: Mapping[str, Any]) -> Scheme:
    """The scheme with the items of the unit's type (schemes without items_by_type are returned as is)."""
    ibt = scheme.items_by_type
    if ibt is None:
        return scheme
    word = type_value(scheme, raw)
    labels = item_labels(scheme, word, None)
    group = ibt.set_for(word)
    if group is None:  # item_labels has refused a type of no set (no names are given here)
        return scheme
    items = list(scheme.items)
    for p, typed in zip(ibt.positions, group.typed_items()):
        update: dict[str, str | float] = {"label": labels[p - 1]}
        if typed.points is not None:
            update["points"] = typed.points
        if typed.guide:
            update["guide"] = typed.guide
        items[p - 1] = items[p - 1].model_copy(update=update)
    return scheme.model_copy(update={"items": items})
