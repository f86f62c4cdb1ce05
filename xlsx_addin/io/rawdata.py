"""The 原始数据 sheet: every rated unit's raw inputs, one row each, so that a town's summary can be
consolidated again at county level and re-scored from the raw inputs like a unit file."""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from xlsx_addin.engine.inputs import describe, is_blank
from xlsx_addin.contracts.names import INPUTS, MASS_PREFIX, VOTE_PREFIX, input_spec
from xlsx_addin.contracts.summary import RAW, RAW_LABELS, RAW_MARKER
from xlsx_addin.engine.scheme.models import Scheme

SHEET, MARKER = RAW, RAW_MARKER
SOURCE = "source_file"
_LISTS = ("item_scores", "item_scores_reviewed")
# the upper level's scores in force (评分定级表), per item, and who set them: carried up to the next level
UPPER, UPPER_BY = "item_scores_upper", "upper_by"
THIS_LEVEL = "本级"  # in UPPER_BY: set in the summary holding this sheet (a reader puts that summary's name)


def columns(scheme: Scheme) -> list[str]:
    """Column keys: scalar inputs, then one column per score cell (item_scores.1 …), ballots, source."""
    width = scheme.sub_item_count or len(scheme.items)
    cols = [n for n, spec in INPUTS.items() if spec.kind != "scores"]
    for name in _LISTS:
        cols += [f"{name}.{i}" for i in range(1, width + 1)]
    cols += scheme.vote_inputs + [MASS_PREFIX + v for v in scheme.vote_inputs]
    if scheme.stars is None:
        cols += [f"{UPPER}.{i}" for i in range(1, len(scheme.items) + 1)] + [UPPER_BY]
    return cols + [SOURCE]


def label_of(key: str, scheme: Scheme | None = None) -> str:
    """A column's Chinese title (contracts/summary.py RAW_LABELS): the input's label, 自评得分3 for item_scores.3,
    测评“满意”票数 for a vote (by the scheme's own words when given), RAW_LABELS' title, else the key itself."""
    if key in RAW_LABELS:
        return RAW_LABELS[key]
    base, _, idx = key.partition(".")
    if base in (UPPER, UPPER_BY):  # the upper level's scores in force and who set them (评分定级表)
        return f"上级评分{idx}" if idx else "上级评分来源"
    spec = input_spec(base)
    if spec is not None:
        return f"{spec.label}{idx}" if idx else spec.label
    if scheme is not None and not idx and (key.startswith(VOTE_PREFIX) or key.startswith(MASS_PREFIX + VOTE_PREFIX)):
        return describe(key, scheme).split("(")[0]
    return key


def header_labels(scheme: Scheme, keys: Sequence[str] | None = None) -> list[str]:
    """The Chinese title of each column (row 3 of the sheet)."""
    return [label_of(k, scheme) for k in (keys if keys is not None else columns(scheme))]


def is_label_row(keys: Sequence[str], row: Sequence[Any]) -> bool:
    """Whether `row` (the one after the keys) is the Chinese titles' row, not a unit."""
    if "org_name" not in keys:
        return False
    i = list(keys).index("org_name")
    return i < len(row) and str(row[i] or "").strip() == label_of("org_name")


def to_row(scheme: Scheme, inputs: Mapping[str, Any], source: str, keys: Sequence[str] | None = None) -> list[Any]:
    """One unit's row; `keys` is columns(scheme), passed in when writing many rows."""
    lists = {name: _as_list(inputs.get(name)) for name in _LISTS}
    row: list[Any] = []
    for key in keys if keys is not None else columns(scheme):
        base, _, idx = key.partition(".")
        if key == SOURCE:
            row.append(source)
        elif idx:
            values = lists[base] if base in lists else _as_list(inputs.get(base))
            i = int(idx) - 1
            row.append(values[i] if i < len(values) else None)
        else:
            value = inputs.get(key)
            row.append(value if not isinstance(value, (list, tuple)) else "、".join(map(str, value)))
    return row


def from_rows(keys: Sequence[str], rows: Iterable[Sequence[Any]],
              first_row: int = 3) -> list[tuple[dict[str, Any], str, int]]:
    """(inputs, source file, row number) per data row, the first being sheet row `first_row`; list columns are
    gathered back into lists."""
    out = []
    for n, row in enumerate(rows, first_row):
        if all(is_blank(v) for v in row):
            continue
        inputs: dict[str, Any] = {}
        lists: dict[str, list] = {}
        source = ""
        for key, value in zip(keys, row):
            base, _, idx = str(key).partition(".")
            if key == SOURCE:
                source = "" if is_blank(value) else str(value)
            elif idx and base in _LISTS:
                lists.setdefault(base, []).append(value)
            elif not is_blank(value):
                inputs[key] = value
        for base, values in lists.items():
            if not all(is_blank(v) for v in values):
                while values and is_blank(values[-1]) and len(values) > 1:
                    values.pop()
                inputs[base] = values
        out.append((inputs, source, n))
    return out


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        flat: list[Any] = []
        for v in value:
            flat.extend(v if isinstance(v, (list, tuple)) else [v])
        return flat
    return [value]


def upper_of(inputs: Mapping[str, Any], n_items: int, here: str) -> tuple[list[Any] | None, list[str]]:
    """A 原始数据 row's upper-level scores per item (None: none typed) and who set each ('' where none);
    THIS_LEVEL in the row reads as `here` (the summary the row came from)."""
    values = [inputs.get(f"{UPPER}.{i}") for i in range(1, n_items + 1)]
    if all(is_blank(v) for v in values):
        return None, [""] * n_items
    by = who_by_item(inputs.get(UPPER_BY), n_items)
    return values, [(here if w == THIS_LEVEL else w) if not is_blank(v) else "" for v, w in zip(values, by)]


def who_by_item(text: Any, n_items: int) -> list[str]:
    """`第1项:本级;第3项:五河镇/汇总表.xlsx` (or one name for every item) → who per item."""
    text = "" if is_blank(text) else str(text).strip()
    out = [""] * n_items
    parts = [p for p in text.replace("；", ";").split(";") if p.strip()]
    if len(parts) == 1 and not parts[0].startswith("第"):
        return [parts[0].strip()] * n_items
    for part in parts:
        head, _, who = part.partition(":")
        digits = head.strip().removeprefix("第").removesuffix("项")
        if digits.isdigit() and 1 <= int(digits) <= n_items:
            out[int(digits) - 1] = who.strip()
    return out


def who_text(by_item: Sequence[str]) -> str:
    """Who set the upper scores, for UPPER_BY: one name, or `第1项:…;第3项:…` when they differ."""
    named = [(i, w) for i, w in enumerate(by_item, 1) if w]
    if not named:
        return ""
    if len({w for _, w in named}) == 1:
        return named[0][1]
    return ";".join(f"第{i}项:{w}" for i, w in named)


def with_upper(inputs: Mapping[str, Any], upper: Sequence[Any] | None, by_item: Sequence[str]) -> Mapping[str, Any]:
    """A unit's inputs with the upper level's scores in force and who set them, as to_row writes them."""
    if upper is None or all(is_blank(v) for v in upper):
        return inputs
    return {**inputs, UPPER: list(upper), UPPER_BY: who_text(by_item)}
