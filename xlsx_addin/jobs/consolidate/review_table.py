"""The upper level's sheets of an item-scored summary, as plain rows (contracts/review_sheet.py):

- 评分定级表: one row per rated unit (by set), per item its own score and the clerk's 上级评分 (what the clerk
  typed, kept as typed, refused values included: 问题清单 names them), the totals, 测评满意率, 拟定等次 (the level
  computed with the scores in force) and the clerk's 审核意见;
- 上级复审: the units proposed for the scheme's top level (五星级, 好 …), listed for the next level's review, with the
  clerk's 复审意见. A sheet of its own rather than a section: it is the list sent up, printed on its own.
"""
from __future__ import annotations

from typing import Any

from xlsx_addin.contracts.review_sheet import (
    NOTE,
    BELOW,
    OPINION,
    PROPOSED,
    RECHECK,
    RECHECK_OPINION,
    REVIEW,
    SATISFACTION,
    SELF_TOTAL,
    UPPER_TOTAL,
    self_header,
    upper_header,
    upper_item,
)
from xlsx_addin.contracts.summary import CODE, NAME, SET
from xlsx_addin.io.rawdata import THIS_LEVEL
from xlsx_addin.io.tables.layout import PrintSetup
from xlsx_addin.io.tables.table import Records, Table, has_content
from xlsx_addin.jobs.consolidate.model import Consolidation, UnitRow


def _num(x: float | None) -> float | int | None:
    if x is None:
        return None
    x = round(float(x), 6)
    return int(x) if x.is_integer() else x


def review_table(c: Consolidation, kept: Records | None = None) -> Table | None:
    """评分定级表 (None for a 双十星 scheme: its stars are voted, not scored by item)."""
    s = c.scheme
    if s.stars is not None:
        return None
    kept = kept or Records()
    header = [NAME, CODE, SET]
    kinds = ["text", "center", "text"]
    widths: list[float] = [22, 11, 11]
    for i, item in enumerate(s.items):
        header += [self_header(i, item.label), upper_header(i, item.label)]
        kinds += ["score", "clerk"]
        widths += [6.5, 6.5]
    below = {id(u): carried_text(u) for u in c.units}
    shown_below = any(below.values())  # a county: the towns' scores its units came with
    header += [SELF_TOTAL] + ([BELOW] if shown_below else []) + [UPPER_TOTAL, SATISFACTION, PROPOSED, OPINION]
    kinds += ["score"] + (["text"] if shown_below else []) + ["score", "pct", "center", "clerk"]
    widths += [6.5] + ([16] if shown_below else []) + [7, 7, 8, 22]
    rows = []
    for u in c.units:
        r = u.result
        rec = kept.find(r.org_code, r.org_name)
        typed = typed_by_item(rec, len(s.items))
        own = r.reported_scores or list(r.item_scores)
        row: list[Any] = [r.org_name, r.org_code or "", u.set_name]
        for i in range(len(s.items)):
            row += [_num(own[i]) if i < len(own) else None, typed[i]]
        row += [_num(sum(own))] + ([below[id(u)]] if shown_below else [])
        row += [_num(r.base_score), _num(r.satisfaction_rate), r.level_name,
                _clerk(rec.get(OPINION) if rec else None)]
        rows.append(row)
    rows += [[], [NOTE]]  # how to fill it in, under the units (a title row: the carry-over knows it as the program's)
    return Table(REVIEW, header, rows, kinds, widths, titles=[len(rows) - 1], print_setup=PrintSetup(header_rows=1))


def carried_text(u: UnitRow) -> str:
    """The upper scores a subordinate summary set and still in force: `第3项6分(五河镇/汇总表.xlsx)`."""
    scores = u.result.upper_scores or []
    parts = [f"第{i + 1}项{_num(v)}分({who})" for i, (v, who) in enumerate(zip(scores, u.upper_by))
             if v is not None and who and who != THIS_LEVEL]
    return ";".join(parts)


def typed_by_item(rec: dict[str, Any] | None, n: int) -> list[Any]:
    """The clerk's typed 上级评分 per item from an earlier sheet's record (by the item number in the header)."""
    out: list[Any] = [None] * n
    for h, value in (rec or {}).items():
        i = upper_item(h)
        if i is not None and 0 <= i < n and out[i] is None:
            out[i] = _clerk(value)
    return out


def _clerk(value: Any) -> Any:
    return value if has_content(value) else None


def recheck_table(c: Consolidation, kept: Records | None = None) -> Table | None:
    """上级复审: the units rated at the scheme's top level, for the next level's review (None: 双十星)."""
    s = c.scheme
    if s.stars is not None:
        return None
    kept = kept or Records()
    top = max(lv.rank for lv in s.levels)
    header = ["序号", NAME, CODE, SET, "综合得分", UPPER_TOTAL, SATISFACTION, PROPOSED, "说明", RECHECK_OPINION]
    kinds = ["int", "text", "center", "text", "score", "score", "pct", "center", "text", "clerk"]
    widths: list[float] = [5, 26, 11, 13, 8, 8, 8, 8, 40, 24]
    units: list[UnitRow] = sorted((u for u in c.units if u.result.level == top),
                                  key=lambda u: (u.set_name, -u.result.final_score, u.result.org_name))
    rows = []
    for k, u in enumerate(units, 1):
        r = u.result
        rec = kept.find(r.org_code, r.org_name)
        rows.append([k, r.org_name, r.org_code or "", u.set_name, _num(r.final_score), _num(r.base_score),
                     _num(r.satisfaction_rate), r.level_name, "；".join(x for x in r.reasons if x),
                     _clerk(rec.get(RECHECK_OPINION) if rec else None)])
    return Table(RECHECK, header, rows, kinds, widths)


def upper_lines(c: Consolidation) -> list[str]:
    """The report's lines on the upper level's step: units rated with typed 上级评分, those for 上级复审."""
    s = c.scheme
    if s.stars is not None or not c.units:
        return []
    changed = [u for u in c.units if u.result.upper_scores and any(x.startswith("上级评分:") for x in u.result.reasons)]
    top = max(lv.rank for lv in s.levels)
    listed = sum(1 for u in c.units if u.result.level == top)
    lines = [""]
    if changed:
        items = sum(sum(1 for x in u.result.reasons if x.startswith("上级评分:")) for u in changed)
        lines.append(f"上级评分:{len(changed)}个单位按“{REVIEW}”中的上级评分评定(调整{items}项)。")
    lines.append(f"拟定为{s.level_name(top)}的{listed}个单位列在“{RECHECK}”中,报上级复审。")
    return lines
