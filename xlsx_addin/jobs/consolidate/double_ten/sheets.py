"""The summary workbook of a 双十星 consolidation: organisations, members, lists, statistics, problems.

Sheets: 一览表 (organisations) · 党员星级 (every member) · 整顿处置名单 · 优先名单 · 统计 (levels per
branch and town, the share of ten-star members against the goal, native charts) · 问题清单 · 设置 · 规则.
Written through the summary writer's own pieces (tables, formats, page set-up, atomic write), so the
promises hold as for the other schemes: written whole or not at all, the previous output kept as a backup.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any


from xlsx_addin.io.books.kit.workbook import new_workbook
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.double_ten.scoring import goal_status
from xlsx_addin.io.tables.layout import PrintSetup, StarStatsLayout
from xlsx_addin.io.tables.table import Table
from xlsx_addin.contracts.summary import (
    BRANCH,
    CHANGE,
    CODE,
    LIST_KIND,
    LIST_WHO,
    MEMBER_NAME,
    MEMBER_RULES,
    MEMBERS,
    PRIVILEGE_LIST,
    RECTIFY_LIST,
    NAME,
    OVERVIEW,
    PREVIOUS,
    PROBLEMS,
    RAW,
    REPORTED,
    RULES,
    SET,
    SETTINGS,
    SOURCE,
    STATS,
)
from xlsx_addin.io.tables.xlsx import TITLE_FONT, Formats, atomic_write, gc_paused, write_table
from xlsx_addin.jobs.consolidate.double_ten import raw as star_raw
from xlsx_addin.jobs.consolidate.carryover import Carried, carry, read_previous, record_folder
from xlsx_addin.jobs.consolidate.clerk_sheets import write_sheets
from xlsx_addin.jobs.consolidate.model import Consolidation, UnitRow, Written
from xlsx_addin.jobs.consolidate.sheet_layout import page_setup, write_settings
from xlsx_addin.jobs.consolidate.sheets import (
    change_text,
    final_header,
    previous_name,
    problems_table,
    rules_table,
    with_evidence,
)
from xlsx_addin.jobs.consolidate.reported_sheet import reported_table
from xlsx_addin.jobs.consolidate.settings_sheet import settings_table
from xlsx_addin.engine.survey import percent

ORDER = (OVERVIEW, MEMBERS, RECTIFY_LIST, PRIVILEGE_LIST, STATS, REPORTED, PROBLEMS, SETTINGS, RULES, MEMBER_RULES, RAW)
_WIDE = {MEMBERS, RECTIFY_LIST, PRIVILEGE_LIST}


def _yes(flag: bool) -> str:
    return "是" if flag else ""


def _missing(r) -> str:
    d = r.star_detail
    return "、".join(o.name for o in d.outcomes if not o.earned)


def overview_table(c: Consolidation) -> Table:
    s = c.scheme
    st = s.star_rules()
    header = [NAME, CODE, SET, "党组织类别", "党员总数", "得星数", "已得星目", "未得星目", "按得星数", final_header(s),
              PREVIOUS, CHANGE, f"{st.rectify_label}标记", f"{st.privileged_label}标记", "说明", SOURCE]
    kinds = ["text", "center", "text", "text", "int", "int", "text", "text", "center", "center", "center", "center",
             "center", "center", "text", "text"]
    widths: list[float] = [24, 11, 14, 10, 7, 6, 34, 20, 9, 9, 8, 8, 7, 7, 40, 24]
    rows = []
    for u in c.units:
        r = u.result
        rows.append([r.org_name, r.org_code or "", u.set_name, r.org_type or "", r.survey.member_count or "",
                     len(r.stars), "、".join(r.stars), _missing(r), s.level_name(r.band_level), r.level_name,
                     previous_name(s, u), change_text(s, r.change), _yes(r.rectify), _yes(r.privileged),
                     "；".join(r.reasons), u.source_file])
    with_evidence(c, header, kinds, widths, rows)
    return Table(OVERVIEW, header, rows, kinds, widths, print_setup=PrintSetup(columns=len(header) - 1))


def members_table(c: Consolidation, m: Scheme) -> Table:
    header = [SET, BRANCH, MEMBER_NAME, "党员类别", "得星数", "已得星目", "未得星目", m.level_term,
              f"{m.star_rules().rectify_label}标记", f"{m.star_rules().privileged_label}标记", "说明", SOURCE]
    kinds = ["text", "text", "text", "text", "int", "text", "text", "center", "center", "center", "text", "text"]
    widths: list[float] = [14, 22, 10, 18, 6, 40, 22, 8, 7, 7, 40, 30]
    rows = []
    for u in c.members:
        r = u.result
        rows.append([u.set_name, r.org_name, r.star_detail.member_name, r.star_detail.type_word or "", len(r.stars),
                     "、".join(r.stars), _missing(r), r.level_name, _yes(r.rectify), _yes(r.privileged),
                     "；".join(r.reasons), u.source_file])
    return Table(MEMBERS, header, rows, kinds, widths, print_setup=PrintSetup(columns=len(header) - 1))


def rectify_table(c: Consolidation) -> Table:
    """整顿 (organisations at or below the rectify level) and 处置 (members), printable."""
    header = [LIST_KIND, SET, BRANCH, LIST_WHO, "星级", "未得星目", "处理", "说明"]
    rows: list[list[Any]] = []
    for u in c.units:
        if u.result.rectify:
            rows.append(["党组织", u.set_name, u.result.org_name, u.result.org_name, u.result.level_name,
                         _missing(u.result), c.scheme.star_rules().rectify_label, "；".join(u.result.reasons)])
    for u in c.members:
        if u.result.rectify:
            rows.append(["党员", u.set_name, u.result.org_name, u.result.star_detail.member_name, u.result.level_name,
                         _missing(u.result), u.result.star_detail.rectify_label, "；".join(u.result.reasons)])
    return Table(RECTIFY_LIST, header, rows, ["center", "text", "text", "text", "center", "text", "center", "text"],
                 [7, 14, 22, 16, 8, 26, 7, 50])


def privilege_table(c: Consolidation, m: Scheme) -> Table:
    header = [LIST_KIND, SET, BRANCH, LIST_WHO, "党员类别", "星级", "激励措施"]
    rows: list[list[Any]] = []
    for u in c.units:
        if u.result.privileged:
            rows.append(["党组织", u.set_name, u.result.org_name, u.result.org_name, "", u.result.level_name,
                         ";".join(c.scheme.star_rules().privileges)])
    for u in c.members:
        if u.result.privileged:
            rows.append(["党员", u.set_name, u.result.org_name, u.result.star_detail.member_name,
                         u.result.star_detail.type_word or "", u.result.level_name, _privileges_for(m, u)])
    return Table(PRIVILEGE_LIST, header, rows, ["center", "text", "text", "text", "text", "center", "text"],
                 [7, 14, 22, 12, 18, 8, 60])


def _privileges_for(m: Scheme, u: UnitRow) -> str:
    """The privileges that name the member's field (农村/机关/企业 …), else all of them."""
    word = u.result.star_detail.type_word or ""
    fields = [p for p in m.star_rules().privileges if "：" in p and any(w in word for w in _field_words(p.split("：")[0]))]
    general = [p for p in m.star_rules().privileges if "：" not in p]
    return ";".join(fields + general)


def _field_words(head: str) -> list[str]:
    return [w for w in head.replace("及", "、").replace("和", "、").replace("党员", "").split("、") if w]


def stats_table(c: Consolidation, m: Scheme) -> Table:
    """Members per branch by level with the ten-star share against the goal; then the organisations by level."""
    ranks = [lv.rank for lv in m.levels]
    goal = m.star_rules().goal if m.stars else None
    header = [SET, "党支部", "评定党员数"] + [m.level_name(k) for k in ranks] + [
        f"{m.level_name(goal.rank)}占比" if goal else "占比", "目标", "是否达到"]
    kinds = ["text", "text", "int"] + ["int"] * len(ranks) + ["pct", "pct", "center"]
    widths = [14, 22, 8] + [6.5] * len(ranks) + [9, 7, 8]
    by_branch: dict[tuple[str, str], list] = defaultdict(list)
    for u in c.members:
        by_branch[(u.set_name, u.result.org_name)].append(u.result)
    rows: list[list[Any]] = []
    titles: list[int] = []

    def line(set_name: str, branch: str, results: list) -> list[Any]:
        counts = Counter(r.level for r in results)
        g = goal_status(m, results)
        return ([set_name, branch, len(results)] + [counts.get(k, 0) for k in ranks]
                + ([g.share if g.share is not None else "", g.goal, "达到" if g.met else "未达到"] if g else ["", "", ""]))

    rows.append([f"一、{m.level_name(goal.rank)}党员情况(各党支部、各镇;占比目标{_pct(goal.share)}以上,是目标而非配额,只报告不调整)"
                 if goal else "一、党员星级"])
    titles.append(0)
    first = len(rows)
    for key in sorted(by_branch):
        rows.append(line(key[0], key[1], by_branch[key]))
    branch_rows = (first, len(rows) - 1) if by_branch else None
    towns: dict[str, list] = defaultdict(list)
    for u in c.members:
        towns[u.set_name].append(u.result)
    town_first = len(rows)
    for name in sorted(towns):
        rows.append(line(name, "合计", towns[name]))
    town_rows = (town_first, len(rows) - 1) if towns else None
    if len(towns) > 1:
        rows.append(line("全部", "合计", [u.result for u in c.members]))
    statuses = [goal_status(m, towns[name]) for name in sorted(towns)] if goal else []
    texts = [g.text for g in statuses if g is not None]
    for name, text in zip(sorted(towns), texts):
        rows.append([name, text])

    # the organisations by level, per set
    s = c.scheme
    org_ranks = [lv.rank for lv in s.levels]
    rows.append([])
    rows.append(["二、党组织星级情况"])
    titles.append(len(rows) - 1)
    sub = len(rows)
    rows.append([SET, "党组织数"] + [s.level_name(k) for k in org_ranks]
                + [f"{s.star_rules().privileged_label}(个)", f"{s.star_rules().rectify_label}(个)"])
    org_first = len(rows)
    for ss in c.sets:
        units = [u for u in c.units if u.set_name == ss.name]
        rows.append([ss.name, ss.size] + [ss.counts_after.get(k, 0) for k in org_ranks]
                    + [sum(u.result.privileged for u in units), sum(u.result.rectify for u in units)])
    org_rows = (org_first, len(rows) - 1) if c.sets else None
    if c.warnings:  # sets too small for their quotas (small_sets.py)
        rows += [[], ["提示"]] + [[w] for w in c.warnings]
        titles.append(len(rows) - len(c.warnings) - 1)
    layout = StarStatsLayout(branch_rows, town_rows, org_rows, member_levels=(3, 2 + len(ranks)),
                             share_col=3 + len(ranks), org_levels=(2, 1 + len(org_ranks)))
    return Table(STATS, header, rows, kinds, widths, titles=titles, subheaders=[sub],
                 lower_kinds=["text", "int"] + ["int"] * (len(org_ranks) + 2), star_stats=layout)


def _pct(x: float) -> str:

    return percent(x)


def star_tables(c: Consolidation, member: Scheme) -> dict[str, Table]:
    """Every sheet of a 双十星 summary (`member`: the scheme its members were rated by)."""
    member_rules = rules_table(member)
    member_rules.name = MEMBER_RULES
    tables = [overview_table(c), members_table(c, member), rectify_table(c), privilege_table(c, member),
              stats_table(c, member), problems_table(c.problems), settings_table(c.scheme, c.settings, c),
              rules_table(c.scheme), member_rules]
    if c.reporting is not None:  # a roster was given or found (roster.py)
        tables.append(reported_table(c.reporting))
    raw = star_raw.raw_table(c)  # the inputs, for a county's consolidation of the towns' summaries
    if raw is not None:
        tables.append(raw)
    return {t.name: t for t in tables}


def render_stars(path: Path, c: Consolidation, tables: dict[str, Table], carried: Carried | None = None) -> None:
    wb = new_workbook(path, in_memory=False)
    try:
        wb.set_properties({"title": f"{c.scheme.name}汇总表", "subject": "双十星评定汇总(一键汇总)", "author": "xlsx-addin",
                           "comments": f"评定方案 {c.scheme.id} 第{c.scheme.version}版"})
        f = Formats(wb)

        def fill(name: str, ws) -> None:
            t = tables[name]
            if name == SETTINGS:
                write_settings(ws, t, f, buttons=False)
            else:
                write_table(ws, t, f)
                if name in _WIDE:
                    ws.autofilter(0, 0, max(len(t.rows), 1), len(t.header) - 1)
            page_setup(ws, t, c.scheme)
            if name in _WIDE or name == RULES or name == MEMBER_RULES:
                ws.set_landscape()

        sheets = write_sheets(wb, [name for name in ORDER if name in tables], carried, f, fill)
        _charts(wb, sheets[STATS], tables[STATS], c)
        sheets[OVERVIEW].activate()
    finally:
        wb.close()


def _charts(wb, ws, t: Table, c: Consolidation) -> None:
    """Native charts: members by level per town, the ten-star share per branch against the goal, organisations by level."""
    layout = t.star_stats
    if layout is None:
        return
    anchor = len(t.rows) + 3
    ws.set_h_pagebreaks([anchor])
    x = 0
    if layout.town_rows:
        a, b = (r + 1 for r in layout.town_rows)
        lo, hi = layout.member_levels
        chart = wb.add_chart({"type": "column", "subtype": "stacked"})
        for col in range(lo, hi + 1):
            chart.add_series({"name": [t.name, 0, col], "categories": [t.name, a, 0, b, 0],
                              "values": [t.name, a, col, b, col], "gap": 60})
        chart.set_title({"name": "党员星级分布(各镇)", "name_font": {"size": 12, "name": TITLE_FONT}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 560, "height": 320})
        ws.insert_chart(anchor, 0, chart, {"object_position": 1})
        x = 580
    if layout.branch_rows:
        a, b = (r + 1 for r in layout.branch_rows)
        col = layout.share_col
        share = wb.add_chart({"type": "column"})
        share.add_series({"name": [t.name, 0, col], "categories": [t.name, a, 1, b, 1],
                          "values": [t.name, a, col, b, col], "fill": {"color": "#C00000"}, "gap": 40})
        goal = wb.add_chart({"type": "line"})
        goal.add_series({"name": [t.name, 0, col + 1], "categories": [t.name, a, 1, b, 1],
                         "values": [t.name, a, col + 1, b, col + 1], "line": {"color": "#404040", "dash_type": "dash"}})
        share.combine(goal)
        share.set_title({"name": "十星级党员占比(各党支部)与目标", "name_font": {"size": 12, "name": TITLE_FONT}})
        share.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
        share.set_legend({"position": "bottom"})
        share.set_size({"width": 560, "height": 320})
        ws.insert_chart(anchor, 0, share, {"object_position": 1, "x_offset": x})
    if layout.org_rows:
        a, b = (r + 1 for r in layout.org_rows)
        lo, hi = layout.org_levels
        head = t.subheaders[0] + 1  # the organisations' header row
        chart = wb.add_chart({"type": "column", "subtype": "stacked"})
        for col in range(lo, hi + 1):
            chart.add_series({"name": [t.name, head, col], "categories": [t.name, a, 0, b, 0],
                              "values": [t.name, a, col, b, col], "gap": 60})
        chart.set_title({"name": "党组织星级分布(各评定组)", "name_font": {"size": 12, "name": TITLE_FONT}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 1140, "height": 320})
        ws.insert_chart(anchor + 18, 0, chart, {"object_position": 1})


def write_star_summary(c: Consolidation, member: Scheme, out: Path, keep_from: Path | None = None) -> Written:
    """Write the 双十星 summary to `out`, whole or not at all (the previous file kept as a dated backup, backups.py).
    What the clerk typed into the previous one — `keep_from`, by default `out` itself — comes back as in a rating
    summary (carryover.py): added columns beside the same member or organisation, notes, added sheets; computed
    cells the clerk changed are recomputed and listed."""
    start = time.perf_counter()
    source = keep_from if keep_from is not None else (out if out.exists() else None)
    prev = read_previous(source) if source is not None and source.exists() else None
    tables = star_tables(c, member)
    carried = carry(c, tables, prev)
    record_folder(carried, c, out)
    with gc_paused():
        backup = atomic_write(out, lambda tmp: render_stars(tmp, c, tables, carried),
                              keep_backups=c.settings.keep_backups)
    return Written(out, backup, round(time.perf_counter() - start, 3), carried.edits)
