"""The 双十星 summary's 原始数据 sheet: the inputs of every organisation and member rated, one row each, so a
county can consolidate its towns' summaries again and rate them from these inputs like 评星表 files.

Layout (as consolidate/rawdata.py, which the reader already reads): A1 the marker, then "scheme" and the
organisation scheme's id; row 2 the keys (hidden), row 3 their Chinese titles; data from row 4. A row's `subject` is 党组织 or 党员; the star
inputs are one column per star (`star_votes_for.1` … `.10`); a member's valid votes (one number for all
stars, as the 评星表 has it) sit in `star_votes_valid`, an organisation's in `star_votes_valid.1` … `.10`.
A member belongs to the organisation row of the same file with the same identity (Candidate.key).
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from xlsx_addin.engine.inputs import flatten
from xlsx_addin.jobs.consolidate.model import Consolidation
from xlsx_addin.io.rawdata import MARKER, SOURCE, label_of
from xlsx_addin.io.tables.layout import PrintSetup
from xlsx_addin.io.tables.table import Table
from xlsx_addin.contracts.summary import RAW

N = 10
ORG, MEMBER = "党组织", "党员"
SUBJECT = "subject"
SCALARS = ("org_name", "org_code", "parent_org", "org_type", "member_count", "masses_present", "target_rank_bottom",
           "prev_level", "member_name", "member_type", "star_votes_valid")
LISTS = ("star_names", "star_votes_for", "star_votes_valid", "star_records")
KEYS = [SUBJECT, *SCALARS] + [f"{name}.{i}" for name in LISTS for i in range(1, N + 1)] + [SOURCE]
_TEXT = {SUBJECT, "org_name", "org_code", "parent_org", "org_type", "target_rank_bottom", "prev_level", "member_name",
         "member_type", SOURCE}


def _row(subject: str, inputs: Mapping[str, Any], source: str) -> list[Any]:
    values: dict[str, Any] = {SUBJECT: subject, SOURCE: source}
    for name in SCALARS:
        value = inputs.get(name)
        if not isinstance(value, (list, tuple)):
            values[name] = value
    for name in LISTS:
        raw = inputs.get(name)
        if isinstance(raw, (list, tuple)):
            for i, v in enumerate(flatten(raw)[:N], 1):
                values[f"{name}.{i}"] = v
    return [values.get(k) for k in KEYS]


def raw_table(c: Consolidation) -> Table | None:
    """The 原始数据 table of a 双十星 summary: organisations rated, then members rated."""
    rows = [_row(ORG, u.inputs, u.source_file) for u in c.units if u.inputs is not None]
    rows += [_row(MEMBER, u.inputs, u.source_file) for u in c.members if u.inputs is not None]
    if not rows:
        return None
    header = [MARKER, "scheme", c.scheme.id, "本表是各党组织和党员的原始评星数据,供上级党组织再次汇总使用,请勿修改;"
              "本表已隐藏,不打印(右键工作表标签选“取消隐藏”可查看)"]
    header += [""] * (len(KEYS) - len(header))
    kinds = ["text" if k in _TEXT else "num" for k in KEYS]
    widths: list[float] = [24 if k in ("org_name", SOURCE) else 10 for k in KEYS]
    titles = [label_of(k, c.scheme) for k in KEYS]  # row 3: the Chinese titles (row 2, the keys, is hidden)
    return Table(RAW, header, [list(KEYS), titles] + rows, kinds, widths, subheaders=[0, 1],
                 print_setup=PrintSetup(header_rows=3))


def units_of(raw_units: Iterable[tuple[dict[str, Any], str, int]]) -> list[tuple[str, dict[str, Any], str, int]]:
    """(subject, inputs, source, row) per row the reader gave (rawdata.from_rows); star inputs as N-cell lists."""
    out = []
    for flat, source, row in raw_units:
        inputs = {k: v for k, v in flat.items() if "." not in k and k != SUBJECT}
        for name in LISTS:
            cells = [flat.get(f"{name}.{i}") for i in range(1, N + 1)]
            if name == "star_votes_valid" and "star_votes_valid" in inputs:
                continue  # a member's one number for all stars
            inputs[name] = cells
        out.append((str(flat.get(SUBJECT) or "").strip(), inputs, source, row))
    return out


__all__ = ["KEYS", "MEMBER", "ORG", "raw_table", "units_of"]
