"""002's 《分类定级情况汇总表》: the rated units counted by 党组织类别 (农村, 社区, 机关, 学校, 企业, 社会组织 …),
each level's number and share, and the units to rectify; a summary sheet of the schemes that keep it
(Scheme.summary_by_type) when the units carry a category (the org_type input)."""
from __future__ import annotations

from typing import Any

from xlsx_addin.contracts.summary import CATEGORY, CATEGORY_HEAD
from xlsx_addin.io.tables.table import Table
from xlsx_addin.jobs.consolidate.model import Consolidation

UNTYPED = "未填类别"


def _share(k: int, n: int) -> float | None:
    return round(k / n, 6) if n else None


def category_table(c: Consolidation) -> Table | None:
    """One row per 党组织类别 (in the order of the scheme's list, then as met), and 合计; None when the scheme
    does not keep it or no unit names its category."""
    s = c.scheme
    if not s.summary_by_type:
        return None
    kinds_of = [(u, (str(u.result.org_type).strip() if u.result.org_type else "")) for u in c.units]
    if not any(kind for _, kind in kinds_of):
        return None
    known = list(s.choices.get("org_types") or [])
    seen = [k or UNTYPED for _, k in kinds_of]
    order = [k for k in known if k in seen] + [k for k in dict.fromkeys(seen) if k not in known and k != UNTYPED]
    if UNTYPED in seen:
        order.append(UNTYPED)
    levels = s.levels
    header = [CATEGORY_HEAD, "党组织数"] + [f"{lv.name}(个)" for lv in levels] + [f"{lv.name}占比" for lv in levels] \
        + ["需整改(个)"]
    kinds = ["text", "int"] + ["int"] * len(levels) + ["pct"] * len(levels) + ["int"]
    widths: list[float] = [18.0, 9.0] + [8.0] * (2 * len(levels)) + [10.0]
    rows: list[list[Any]] = []
    total = {lv.rank: 0 for lv in levels}
    for kind in order:
        units = [u for u, k in kinds_of if (k or UNTYPED) == kind]
        counts = [sum(1 for u in units if u.result.level == lv.rank) for lv in levels]
        for lv, k in zip(levels, counts):
            total[lv.rank] += k
        rows.append([kind, len(units)] + counts + [_share(k, len(units)) for k in counts]
                    + [sum(1 for u in units if u.result.rectify)])
    n = len(c.units)
    counts = [total[lv.rank] for lv in levels]
    rows.append(["合计", n] + counts + [_share(k, n) for k in counts] + [sum(1 for u in c.units if u.result.rectify)])
    return Table(CATEGORY, header, rows, kinds, widths)
