"""The 上报情况 sheet (issue 22): per rating set 应报 / 已报 / 未报 with the missing units' names; below, the
未上报 units one a row (党组织名称, 党组织代码, 上级党组织: a later run reads them back as part of its roster)."""
from __future__ import annotations

from typing import Any

from xlsx_addin.contracts.summary import CODE, NAME, NOT_REPORTED, PARENT, REPORTED, SET
from xlsx_addin.io.tables.layout import NoteRows
from xlsx_addin.io.tables.table import Table
from xlsx_addin.jobs.consolidate.roster import Reporting

HEADER = [SET, "应报(个)", "已报(个)", "未报(个)", "未报单位", "名单外已评定(个)"]
KINDS = ["text", "int", "int", "int", "text", "int"]
LIST_HEADER = [NAME, CODE, PARENT, SET, "情况"]
LIST_KINDS = ["text", "text", "text", "text", "text"]


def reported_table(r: Reporting) -> Table:
    """The sheet's rows: the counts per set and a 合计 row, then the list of missing units, then where the
    roster came from."""
    rows: list[list[Any]] = []
    for s in r.sets:
        rows.append([s.name, s.expected, s.reported, len(s.missing), "、".join(e.org_name for e in s.missing),
                     s.unlisted])
    rows.append(["合计", r.expected, r.reported, len(r.missing), "", r.unlisted])
    rows.append([])
    titles = [len(rows)]
    rows.append([f"{NOT_REPORTED}单位名单(共{len(r.missing)}个)"])
    subheaders = [len(rows)]
    rows.append(list(LIST_HEADER))
    for set_name, e in r.missing:
        rows.append([e.org_name, e.org_code, e.parent_org, set_name, NOT_REPORTED])
    if not r.missing:
        rows.append(["", "", "", "", "(无)"])
    rows.append([])
    notes = (len(rows),)
    rows.append([f"应报名单:{r.source}。“已报”为本次有评定结果的单位;交来的文件有错误未能评定的单位也列为未报,"
                 "原因见“问题清单”。“名单外已评定”为不在名单中、本次评定了的单位。"])
    return Table(REPORTED, list(HEADER), rows, list(KINDS), [24, 11, 14, 12, 50, 12], titles=titles,
                 subheaders=subheaders, lower_kinds=list(LIST_KINDS), notes=NoteRows(notes, len(HEADER)))


__all__ = ["reported_table"]
