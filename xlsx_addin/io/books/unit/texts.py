"""Texts that quote the 规则 numbers: rendered for today's values, or as a formula over the 规则 sheet.

A text is a tuple of parts: literal strings and `P` (a parameter of the 规则 table, shown as a
number, a percentage or a level name). In a workbook it becomes a formula, so that the text a
clerk reads always states the numbers in force, even after the county edits the 规则 sheet.
Scheme notes may quote parameters as {p:KEY}, {pct:KEY} or {level:KEY}.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Union

from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.overrides import parameters
from xlsx_addin.model.textfmt import num, percent
from xlsx_addin.io.books.unit.formulas import cat, choose_name, lit, num_text, percent_text


@dataclass(frozen=True)
class P:
    key: str
    style: str = "num"  # num | abs (points shown without their sign: 扣3分) | pct | level


Part = Union[str, P]
Txt = tuple[Part, ...]


def t(*parts: Part | Txt) -> Txt:
    """A text from parts (nested texts are flattened, empty strings dropped)."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, tuple):
            out.extend(part)
        elif part != "":
            out.append(part)
    return tuple(out)


def join(texts: Iterable[Txt], sep: str) -> Txt:
    out: list[Part] = []
    for i, text in enumerate(texts):
        if i:
            out.append(sep)
        out.extend(text)
    return tuple(out)


def has_params(text: Txt) -> bool:
    return any(isinstance(p, P) for p in text)


def values_of(scheme: Scheme) -> dict[str, object]:
    return {p.key: p.value for p in parameters(scheme)}


def render(text: Txt, scheme: Scheme, values: dict[str, object] | None = None) -> str:
    values = values if values is not None else values_of(scheme)
    out = []
    for part in text:
        if isinstance(part, str):
            out.append(part)
            continue
        value = _number(part.key, values[part.key])
        if part.style == "pct":
            out.append(percent(value))
        elif part.style == "level":
            out.append(scheme.level_name(int(value)))
        elif part.style == "abs":
            out.append(num(abs(value)))
        else:
            out.append(num(value))
    return "".join(out)


def _number(key: str, value: object) -> float:
    """A number a text quotes (a P part always points at a numeric 规则 value)."""
    if isinstance(value, (int, float)):
        return float(value)
    raise TypeError(f"规则值 {key} 不是数字:{value!r}")


def formula(text: Txt, scheme: Scheme, cell_of: Callable[[str], str]) -> str:
    """The text as a formula (without '='): each P reads its 规则 值 cell; a blank or non-number
    值 shows the built value, as apply_overrides keeps it."""
    values = values_of(scheme)
    parts = []
    for part in text:
        if isinstance(part, str):
            parts.append(lit(part))
            continue
        c = cell_of(part.key)
        value = f'IFERROR(VALUE({c}&""),{num(_number(part.key, values[part.key]))})'
        if part.style == "pct":
            parts.append(f"({percent_text(value)})")
        elif part.style == "level":
            parts.append(choose_name(value, [scheme.level_name(r) for r in range(len(scheme.levels))]))
        elif part.style == "abs":
            parts.append(f"({num_text(f'ABS({value})')})")
        else:
            parts.append(f"({num_text(value)})")
    return cat(*parts)


_PLACEHOLDER = re.compile(r"\{(p|pct|level):([A-Za-z0-9_.\u4e00-\u9fff]+)\}")


def parse_note(note: str) -> Txt:
    """A scheme note with {p:KEY} / {pct:KEY} / {level:KEY} placeholders as a text."""
    parts: list[Part] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(note):
        parts.append(note[pos:m.start()])
        parts.append(P(m.group(2), {"p": "num", "pct": "pct", "level": "level"}[m.group(1)]))
        pos = m.end()
    parts.append(note[pos:])
    return t(*parts)
