"""The short Chinese report after a 台账汇总 (CLI, demo)."""
from __future__ import annotations

from pathlib import Path

from xlsx_addin.model.problems import count_errors


def summary_lines(run, out: Path) -> list[str]:
    s = run.settings
    b = run.branches
    errors = count_errors(run.problems)
    lines = [
        f"台账汇总完成({s.period.label},统计截止{s.as_of.isoformat()}):读取文件{run.files_seen}个,汇总党组织{len(b)}个。",
        f"承诺{sum(x.commitments for x in b)}项,已完成{sum(x.done for x in b)}项(其中逾期完成{sum(x.done_late for x in b)}项),"
        f"逾期未完成{sum(x.overdue for x in b)}项;整改事项{sum(x.rect_total for x in b)}项,"
        f"未销号{sum(x.rect_open for x in b)}项(其中逾期{sum(x.rect_overdue for x in b)}项),已销号{sum(x.rect_closed for x in b)}项。",
        f"未开展群众评议的党组织{sum(1 for x in b if not x.mass_held)}个;未按时报送{len(run.not_on_time)}个"
        f"(应报送日期{s.due.isoformat()})。",
        f"问题清单:{errors}个错误,{len(run.problems) - errors}条提示。",
        f"台账汇总:{out.resolve()}",
    ]
    return lines
