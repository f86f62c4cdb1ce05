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


def columns(scheme: Scheme) -> list[str]:
    """Column keys: scalar inputs, then one column per score cell (item_scores.1 …), ballots, source."""
    width = scheme.sub_item_count or len(scheme.items)
    cols = [n for n, spec in INPUTS.items() if spec.kind != "scores"]
    for name in _LISTS:
        cols += [f"{name}.{i}" for i in range(1, width + 1)]
    cols += scheme.vote_inputs + [MASS_PREFIX + v for v in scheme.vote_inputs]
    return cols + [SOURCE]


def label_of(key: str, scheme: Scheme | None = None) -> str:
    """A column's Chinese title (contracts/summary.py RAW_LABELS): the input's label, 自评得分3 for item_scores.3,
    测评“满意”票数 for a vote (by the scheme's own words when given), RAW_LABELS' title, else the key itself."""
    if key in RAW_LABELS:
        return RAW_LABELS[key]
    base, _, idx = key.partition(".")
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
