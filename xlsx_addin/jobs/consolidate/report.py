"""The short Chinese report after a consolidation (CLI, window, demo): levels per set, quotas, problems."""
from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from xlsx_addin.model.choices import QuotaMode
from xlsx_addin.jobs.consolidate.review_table import upper_lines
from xlsx_addin.jobs.consolidate.model import Consolidation, Written
from xlsx_addin.jobs.consolidate.roster import reporting_lines
from xlsx_addin.jobs.consolidate.small_sets import warning_lines


def outcome_lines(c: Consolidation, out_file: Path, seconds: float | None = None) -> list[str]:
    """The short Chinese report of a consolidation: the kind's lines (levels, quotas, lists), then the problems."""
    return c.kind.report_lines(c) + reporting_lines(c.reporting) + warning_lines(c.warnings) + tail_lines(c, out_file, seconds)


def item_lines(c: Consolidation) -> list[str]:
    """An item-scored consolidation: levels per set, quota moves, rectification, rises and falls."""
    scheme = c.scheme
    ranks = [lv.rank for lv in scheme.levels]
    lines = [f"评定方案:{scheme.name}({scheme.id});读取文件{c.files_seen}个,评定党组织{len(c.units)}个。", ""]

    by_set: dict[str, Counter] = defaultdict(Counter)
    for u in c.units:
        by_set[u.set_name][u.result.level] += 1
    header = ["评定组"] + [scheme.level_name(r) for r in ranks] + ["合计"]
    rows = []
    total: Counter[int] = Counter()
    order = [s.name for s in c.sets if s.name in by_set] or sorted(by_set)
    order += [name for name in by_set if name not in order]
    for name in order:
        counts = by_set[name]
        total.update(counts)
        rows.append([name] + [counts.get(r, 0) for r in ranks] + [sum(counts.values())])
    rows.append(["合计"] + [total.get(r, 0) for r in ranks] + [sum(total.values())])
    lines.append(f"各评定组{scheme.level_term}分布(配额调整后):")
    lines += ["  " + s for s in table_lines(header, rows)]

    n = max(1, sum(total.values()))
    shares = "、".join(f"{scheme.level_name(r)}{total.get(r, 0) / n:.0%}" for r in ranks if total.get(r, 0))
    lines += ["", f"全县占比:{shares}"]

    moved = [u for u in c.units if u.result.quota_moved]
    mode = c.settings.quota_mode
    if not scheme.quotas:
        lines += ["", "配额:本方案未设比例限制。"]
    else:
        lines += ["", f"配额({mode.label}):{len(moved)}个单位因配额{'调整' if mode is QuotaMode.ENFORCE else '被标记'}。"]
    broken = [(s.name, q) for s in c.sets for q in s.quotas if not q.holds_before and q.kind != "distribution"]
    flag = mode is QuotaMode.FLAG
    for set_name, q in broken[:8]:
        limit = f"上限{q.limit}个" if q.kind == "cap" else f"下限{q.limit}个"
        if flag:  # nothing moved: say what flag mode did
            lines.append(f"  · {set_name}:{q.label}({limit}),现有{q.count_before}个,不符合;"
                         f"标记{q.moved}个(仅标记,等次未调整)")
        else:
            lines.append(f"  · {set_name}:{q.label}({limit}),调整前{q.count_before}个,调整后{q.count_after}个,"
                         f"调整{q.moved}个")
    if len(broken) > 8:
        lines.append(f"  · ……另有{len(broken) - 8}处,详见汇总表“统计”表")
    spread = [(s.name, q) for s in c.sets for q in s.quotas if q.kind == "distribution"]
    if spread:
        done = "标记" if flag else "调整"
        lines.append(f"  · {spread[0][1].label}:{len(spread)}个评定组,共{done}{sum(q.moved for _, q in spread)}个单位"
                     + ("(仅标记,等次未调整)" if flag else ""))

    rectify = [u for u in c.units if u.result.rectify]
    lines += ["", f"需整顿(整改)的党组织:{len(rectify)}个(已列入“整改台账”)。"]
    for u in rectify[:10]:
        lines.append(f"  · {u.set_name} {u.result.org_name}:{u.result.level_name},综合得分{u.result.final_score:g}")
    if len(rectify) > 10:
        lines.append(f"  · ……共{len(rectify)}个,详见汇总表“整改台账”")

    up = sum(1 for u in c.units if (u.result.change or 0) > 0)
    down = sum(1 for u in c.units if (u.result.change or 0) < 0)
    if up or down:
        rise, fall = scheme.change_words
        lines += ["", f"与上年度相比:{rise}{up}个,{fall}{down}个(须报上级审批)。"]
    lines += upper_lines(c)
    return lines


def tail_lines(c: Consolidation, out_file: Path, seconds: float | None = None) -> list[str]:
    """The report's end, shared by every scheme: the problems (errors first), the output file, the time."""
    lines: list[str] = []
    errors = [p for p in c.problems if p.is_error]
    hints = [p for p in c.problems if not p.is_error]
    lines += ["", f"问题清单:{len(errors)}个错误,{len(hints)}条提示。"]
    for p in (errors + hints)[:6]:
        where = " ".join(x for x in (p.sheet, p.cell) if x)
        lines.append(f"  · [{p.severity}] {p.file}{(' ' + where) if where else ''}:{p.reason}")
    if len(c.problems) > 6:
        lines.append(f"  · ……共{len(c.problems)}条,详见汇总表“问题清单”")

    lines += ["", f"汇总表:{out_file.resolve()}"]
    if seconds is not None:
        lines.append(f"用时{seconds:.1f}秒。")
    return lines


# --- the command -------------------------------------------------------------------------------
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: Any, width: int, right: bool = False) -> str:
    text = str(text)
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def table_lines(header: list[str], rows: list[list[Any]]) -> list[str]:
    widths = [max(_width(str(c)) for c in col) for col in zip(header, *rows)]
    lines = ["  ".join(_pad(h, w, i > 0) for i, (h, w) in enumerate(zip(header, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_pad(c, w, i > 0) for i, (c, w) in enumerate(zip(row, widths))))
    return lines


def backup_lines(written: Written) -> list[str]:
    """Where the previous summary went, and the overwritten edits (the run must say both)."""
    lines = []
    if written.backup is not None:
        lines.append(f"上次的汇总表已备份为:{Path(written.backup).resolve()}")
    edits = len(written.edits)
    if edits:
        lines.append(f"汇总表中有{edits}处计算结果被手工改动,已按规则重新计算,原值列在“问题清单”中。")
    return lines


def summary_lines(c: Consolidation, out_file: Path, seconds: float | None = None,
                  written: Written | None = None) -> list[str]:
    """The report printed after a run (CLI, window): the outcome, then how long each stage took.
    With `written`, the clerk's overwritten edits count among the problems and the write among the stages."""
    if written is not None:
        c = replace(c, problems=c.problems + written.edits)
    stages = dict(c.seconds, **({"write": written.seconds} if written is not None else {}))
    return outcome_lines(c, out_file, seconds) + [_timings(stages)]


def _timings(seconds: dict[str, float]) -> str:
    names = {"read": "读取并评分", "score": "配额与比对", "write": "写出"}
    return "各阶段用时:" + ",".join(f"{names.get(k, k)}{v:.1f}秒" for k, v in seconds.items())
