"""The hidden 原始数据 sheet of an item-scored summary: every rated unit's raw inputs (io/rawdata.py layout),
with the upper level's scores in force, so a town's summary can be consolidated again at county level."""
from __future__ import annotations

from xlsx_addin.contracts.summary import RAW
from xlsx_addin.io import rawdata
from xlsx_addin.io.tables.layout import PrintSetup
from xlsx_addin.io.tables.table import Table
from xlsx_addin.jobs.consolidate.model import Consolidation


def raw_table(c: Consolidation) -> Table | None:
    """Every rated unit's raw inputs (rawdata.py layout), so a town's summary can be consolidated again
    at county level. Row 1: the marker and the scheme id; row 2: the keys (names contract; hidden); row 3: the
    columns' Chinese titles; data from row 4 (contracts/summary.py RAW_LABELS)."""
    rated = [(u.source_file, rawdata.with_upper(u.inputs, u.result.upper_scores, u.upper_by))
             for u in c.units if u.inputs is not None]
    if not rated:
        return None
    keys = rawdata.columns(c.scheme)
    header = [rawdata.MARKER, "scheme", c.scheme.id, RAW_NOTE]
    header += [""] * (len(keys) - len(header))
    rows = [keys, rawdata.header_labels(c.scheme, keys)]
    rows += [rawdata.to_row(c.scheme, inputs, source, keys) for source, inputs in rated]
    kinds = ["text" if k in ("org_name", "org_code", "parent_org", "org_type", rawdata.SOURCE) else "num" for k in keys]
    widths: list[float] = [24 if k in ("org_name", rawdata.SOURCE) else 10 for k in keys]
    return Table(RAW, header, rows, kinds, widths, subheaders=[0, 1], print_setup=PrintSetup(header_rows=3))


RAW_NOTE = ("本表是各单位的原始填报数据,供上级党组织再次汇总使用,请勿修改;本表已隐藏,不打印"
            "(右键工作表标签选“取消隐藏”可查看)")
