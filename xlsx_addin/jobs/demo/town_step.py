"""The demo's upper-level step: the town clerk types a few 上级评分 into the summary's 评分定级表, as a clerk
would in Excel (saved with openpyxl), so the shell's next consolidation rates with them (shells/demo.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xlsx_addin.contracts.review_sheet import OPINION, REVIEW, self_header, upper_header
from xlsx_addin.contracts.summary import NAME, SET
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.overrides import parse_number
from xlsx_addin.model.identity import text_key


@dataclass(frozen=True)
class Typed:
    """One 上级评分 the demo typed: the unit, the item (0-based), the unit's own score and the town's."""

    org_name: str
    set_name: str
    item: int
    own: float
    upper: float


def type_upper_scores(summary: Path, scheme: Scheme, count: int = 3) -> list[Typed]:
    """Type `count` 上级评分 into the summary's 评分定级表 (units of the sets in turn, each the set's best on one item,
    lowered by 2 points) with a 审核意见; the cells typed."""
    import openpyxl

    if scheme.stars is not None:
        return []
    wb = openpyxl.load_workbook(summary)
    if REVIEW not in wb.sheetnames:
        return []
    ws = wb[REVIEW]
    header = [text_key(c.value) for c in ws[1]]
    col = {h: j + 1 for j, h in enumerate(header) if h}
    rows = [r for r in range(2, ws.max_row + 1) if isinstance(ws.cell(r, col[NAME]).value, str)
            and ws.cell(r, col[SET]).value]
    by_set: dict[str, list[int]] = {}
    for r in rows:
        by_set.setdefault(str(ws.cell(r, col[SET]).value), []).append(r)
    typed: list[Typed] = []
    sets = sorted(by_set.items())
    for k in range(min(count, len(rows))):
        set_name, members = sets[k % len(sets)]
        item = (2 + k) % len(scheme.items)
        own_col, upper_col = col[self_header(item, scheme.items[item].label)], col[upper_header(item, scheme.items[item].label)]
        taken = {t.org_name for t in typed}
        scores = {r: parse_number(ws.cell(r, own_col).value) or 0.0 for r in members
                  if ws.cell(r, col[NAME]).value not in taken}
        if not scores:
            continue
        r = max(scores, key=lambda r: (scores[r], -r))
        own = scores[r]
        upper = max(own - 2, 0.0)
        ws.cell(r, upper_col).value = upper
        ws.cell(r, col[OPINION]).value = "经镇党委实地核查,该项扣2分"
        typed.append(Typed(str(ws.cell(r, col[NAME]).value), set_name, item, own, upper))
    wb.save(summary)
    return typed
