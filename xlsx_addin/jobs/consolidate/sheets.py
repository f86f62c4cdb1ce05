"""The summary workbook's sheets as plain rows: one source for the XlsxWriter file and the xlwings button.

Nothing here formats or touches a file: `summary_tables` turns a Consolidation into one `Table`
per sheet (header + rows of plain values). `writer.py` lays them out with XlsxWriter;
`excel.py` (the 一键汇总 button) writes the same rows into the open workbook.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from xlsx_addin.model.choices import QuotaMode
from xlsx_addin.model.identity import text_key, unit_key
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.overrides import parameters
from xlsx_addin.io.tables.layout import NoteRows, PrintSetup, QuotaGroup, StatsLayout
from xlsx_addin.io.tables.table import Records, Table, has_content, problems_table
from xlsx_addin.contracts.summary import (
    CODE,
    LEDGER,
    LEDGER_CLERK,
    NAME,
    NO,
    OVERVIEW,
    PARENT,
    PREVIOUS,
    PUBLICITY,
    RECTIFY,
    RULES,
    SET,
    SOURCE,
    STATS,
    YES,
    change_header,
    changes_sheet,
)
from xlsx_addin.jobs.consolidate.categories import category_table
from xlsx_addin.jobs.consolidate.model import Consolidation, UnitRow
from xlsx_addin.jobs.consolidate.reported_sheet import reported_table
from xlsx_addin.jobs.consolidate.settings_sheet import settings_table
from xlsx_addin.io.ledger_summary import COLUMNS, rates
from xlsx_addin.contracts.review_sheet import RECHECK, REVIEW
from xlsx_addin.jobs.consolidate.review_table import recheck_table, review_table
from xlsx_addin.jobs.consolidate.publicity import period_text
from xlsx_addin.jobs.consolidate.raw_sheet import raw_table

SELF_TOTAL_OVERVIEW = "自评得分"  # 一览表: the unit's own total (its file's), before the upper level's scores


def final_header(scheme: Scheme) -> str:
    """最终星级 (星级 schemes) or 最终等次 (等次 schemes)."""
    return f"最终{scheme.level_term}"


# --- formatting helpers (text only) --------------------------------------------------------
def _num(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    x = round(float(x), 6)
    return int(x) if x.is_integer() else x


def _level_name(scheme: Scheme, rank: int | None) -> str:
    if rank is None:
        return ""
    try:
        return scheme.level_name(rank)
    except KeyError:
        return str(rank)


def change_text(scheme: Scheme, change: int | None) -> str:
    """+1 → 晋1星 / 升1个等次; −2 → 减2星 / 降2个等次; 0 → 持平."""
    if change is None:
        return ""
    if change == 0:
        return "持平"
    if scheme.level_term == "星级":
        return f"{'晋' if change > 0 else '减'}{abs(change)}星"
    rise, fall = scheme.change_words
    return f"{rise[0] if change > 0 else fall[0]}{abs(change)}个{scheme.level_term}"


def previous_name(scheme: Scheme, u: UnitRow) -> str:
    return _level_name(scheme, u.result.prev_level)


def quota_text(scheme: Scheme, u: UnitRow, mode: str) -> str:
    r = u.result
    if not r.quota_moved:
        return ""
    to = _level_name(scheme, r.quota_level)
    if mode == QuotaMode.FLAG:
        return f"应调为{to}(仅标记,未调整)"
    return f"{_level_name(scheme, r.rule_level)}→{to}"


def reasons_text(u: UnitRow) -> str:
    r = u.result
    parts = [x for x in r.reasons if x]
    parts += [f"提示:{n}" for n in r.notes if n and n not in r.reasons]
    return "；".join(parts)


# --- the sheets ----------------------------------------------------------------------------
def overview_table(c: Consolidation) -> Table:
    s, mode = c.scheme, c.settings.quota_mode
    header = [NAME, CODE, SET, PARENT, "基础得分", "加分", "减分", "综合得分", "参与率", "满意率",
              "规则定级", "配额调整", final_header(s), PREVIOUS, change_header(*s.change_words), "说明", RECTIFY, SOURCE]
    kinds = ["text", "center", "text", "text", "score", "score", "score", "score", "pct", "pct",
             "center", "text", "center", "center", "center", "text", "center", "text"]
    widths: list[float] = [24, 11, 13, 13, 7, 5.5, 5.5, 7, 7, 7, 8.5, 13, 8.5, 8.5, 8, 40, 6, 24]
    rows = []
    for u in c.units:
        r = u.result
        rows.append([
            r.org_name, r.org_code or "", u.set_name, r.parent_org or "",
            _num(r.base_score), _num(r.bonus), _num(r.penalty), _num(r.final_score),
            _num(r.participation_rate), _num(r.satisfaction_rate),
            _level_name(s, r.rule_level), quota_text(s, u, mode), r.level_name,
            previous_name(s, u), change_text(s, u.result.change), reasons_text(u),
            YES if r.rectify else NO, u.source_file,
        ])
    if s.stars is None:  # the unit's own total beside the total in force (基础得分: the 评分定级表 may change items)
        header[-1:-1], kinds[-1:-1], widths[-1:-1] = [SELF_TOTAL_OVERVIEW], ["score"], [7]
        for u, row in zip(c.units, rows):
            own = u.result.reported_scores
            row[-1:-1] = [_num(sum(own)) if own else _num(u.result.base_score)]
    with_evidence(c, header, kinds, widths, rows)
    # printed: everything but 来源文件 (the file paths are for the screen)
    return Table(OVERVIEW, header, rows, kinds, widths, print_setup=PrintSetup(columns=len(header) - 1))


def with_evidence(c: Consolidation, header: list[str], kinds: list[str], widths: list[float],
                  rows: list[list[Any]]) -> None:
    """The half-year ledgers' summary as evidence (issue 15): 承诺完成率, 整改销号率 before 来源文件 (the
    last column) of each unit's row, when the consolidation was given one (settings.ledgers)."""
    if c.evidence is None:
        return
    header[-1:-1], kinds[-1:-1], widths[-1:-1] = list(COLUMNS), ["pct", "pct"], [8, 8]
    for u, row in zip(c.units, rows):
        row[-1:-1] = rates(c.evidence, u.result.org_code, u.result.org_name)


# the quota table below the level counts; 评定组 and 配额 side by side make the chart's two-level axis
QUOTA_HEADER = (SET, "配额", "参评单位数", "涉及等次", "类型", "名额", "调整前个数", "调整前是否符合",
                "调整后个数", "调整后是否符合", "调整单位数", "说明")
QUOTA_KINDS = ("text", "text", "int", "text", "center", "int", "int", "center", "int", "center", "int", "text")
QUOTA_WIDTHS = (16, 18, 8, 15, 10, 6, 8, 8, 8, 8, 8, 30)
QUOTA_CHART_COLUMNS = ("名额", "调整前个数", "调整后个数")
MOVES_PER_NOTE = 30  # moved units per 提示 row: a row stays a few printed lines high


def quota_header(scheme: Scheme) -> list[str]:
    """The quota table's header: the levels column says 涉及星级 or 涉及等次."""
    return [f"涉及{scheme.level_term}" if h == "涉及等次" else h for h in QUOTA_HEADER]


def stats_table(c: Consolidation) -> Table:
    """Counts and shares per level per set; below, each quota's limit and whether it holds; then the
    提示 rows (a cap of 0 in a small set, the units each quota moved), each one wide merged row."""
    s = c.scheme
    levels = s.levels
    flag = c.settings.quota_mode is QuotaMode.FLAG
    header = ([SET, "单位数"] + [f"{lv.name}(个)" for lv in levels] + [f"{lv.name}占比" for lv in levels]
              + ["配额标记单位数" if flag else "配额调整单位数"])
    kinds = ["text", "int"] + ["int"] * len(levels) + ["pct"] * len(levels) + ["int"]
    first = [16, 8] + [9] * (len(levels) * 2) + [12]
    # one set of column widths serves both tables: each column as wide as the wider of the two needs
    widths: list[float] = [max(first[i] if i < len(first) else 0, QUOTA_WIDTHS[i] if i < len(QUOTA_WIDTHS) else 0)
              for i in range(max(len(first), len(QUOTA_WIDTHS)))]
    rows: list[list[Any]] = []
    moved_by_set: dict[str, int] = {}
    for u in c.units:
        if u.result.quota_moved:
            moved_by_set[u.set_name] = moved_by_set.get(u.set_name, 0) + 1
    total = {lv.rank: 0 for lv in levels}
    n_all = 0
    for st in c.sets:
        counts = [st.counts_after.get(lv.rank, 0) for lv in levels]
        for lv, k in zip(levels, counts):
            total[lv.rank] += k
        n_all += st.size
        rows.append([st.name, st.size] + counts + [_share(k, st.size) for k in counts] + [moved_by_set.get(st.name, 0)])
    set_rows = (0, len(rows) - 1) if rows else None
    counts = [total[lv.rank] for lv in levels]
    rows.append(["合计", n_all] + counts + [_share(k, n_all) for k in counts] + [sum(moved_by_set.values())])

    rows.append([])
    titles = [len(rows)]
    mode_text = c.settings.quota_mode.label
    rows.append([f"配额执行情况(配额模式:{mode_text};评定组:{c.settings.set_by.label})"])
    subheaders = [len(rows)]
    rows.append([("标记单位数" if flag and h == "调整单位数" else h) for h in quota_header(s)])
    first_quota = len(rows)
    notes: list[str] = list(c.warnings)  # sets too small for their quotas first (small_sets.py)
    # quota by quota (the scheme's order), each over every set: one chart per cap/floor quota
    order = [q.id for q in c.scheme.quotas]
    pairs = sorted(((order.index(q.id) if q.id in order else len(order), k, st, q)
                    for k, st in enumerate(c.sets) for q in st.quotas), key=lambda x: (x[0], x[1]))
    groups: list[QuotaGroup] = []
    for _, _, st, q in pairs:
        kind = {"cap": "上限(至多)", "floor": "下限(至少)"}.get(q.kind, "比例分布")
        dist = q.kind == "distribution"
        short = []  # the 说明 cell stays short; the whole text is a 提示 row below
        if q.note:
            short.append("名额为0,见下方提示" if q.kind == "cap" and q.limit == 0 else "见下方提示")
            notes.append(f"{st.name}:{q.note}")
        if flag and not dist and not q.holds_before:
            short.append("仅标记:未调整")
        if q.moves:
            short.append("调整单位见下方提示" if not flag else "应调整单位见下方提示")
            notes.extend(_moves_notes(s, st.name, q, flag))
        if not dist and (not groups or groups[-1].id != q.id):
            groups.append(QuotaGroup(q.id, q.label, (len(rows), len(rows))))
        if not dist:
            groups[-1] = replace(groups[-1], rows=(groups[-1].rows[0], len(rows)))
        rows.append([st.name, q.label, st.size, "、".join(q.levels), kind,
                     "" if dist else q.limit, "" if dist else q.count_before,
                     "" if dist else ("符合" if q.holds_before else "不符合"),
                     "" if dist else q.count_after,
                     "" if dist else ("符合" if q.holds_after else "不符合"), q.moved, ";".join(short)])
    if not c.sets:  # the empty template: one chart per cap/floor quota of the scheme, over an empty row
        groups = [QuotaGroup(q.id, q.label, (first_quota, first_quota))
                  for q in c.scheme.quotas if q.kind != "distribution"]
    note_rows: tuple[int, ...] = ()
    if notes:
        rows.append([])
        titles.append(len(rows))
        rows.append(["提示"])
        note_rows = tuple(range(len(rows), len(rows) + len(notes)))
        rows.extend([[n] for n in notes])
    layout = StatsLayout(set_rows, (2, 1 + len(levels)), tuple(groups))
    return Table(STATS, header, rows, kinds, widths, titles=titles, subheaders=subheaders,
                 notes=NoteRows(note_rows, len(QUOTA_HEADER)), lower_kinds=list(QUOTA_KINDS), stats=layout)


def _moves_notes(s: Scheme, set_name: str, q, flag: bool) -> list[str]:
    """The units one quota moved in one set, as 提示 lines of at most MOVES_PER_NOTE units each."""
    what = "应调整(仅标记,未调整)" if flag else "调整"
    items = [f"{m.org_name}({_level_name(s, m.from_level)}→{_level_name(s, m.to_level)})" for m in q.moves]
    out = []
    for k in range(0, len(items), MOVES_PER_NOTE):
        part = "、".join(items[k:k + MOVES_PER_NOTE])
        more = f"(续{k // MOVES_PER_NOTE + 1})" if k else ""
        out.append(f"{set_name}:{q.label}{what}{len(items)}个单位{more}:{part}")
    return out


def _share(k: int, n: int) -> float | None:
    return round(k / n, 6) if n else None


def ledger_table(c: Consolidation, kept: Records | None = None) -> Table:
    """One row per unit flagged for rectification; the clerk's columns come back from `kept`."""
    s = c.scheme
    header = [NAME, CODE, SET, final_header(s), "问题"] + list(LEDGER_CLERK)
    kinds = ["text", "center", "text", "center", "text"] + ["clerk"] * len(LEDGER_CLERK)
    widths = [24, 11, 13, 8.5, 40, 16, 28, 9, 11, 14, 11]
    kept = kept or Records()
    rows, used = [], set()
    for u in c.units:
        r = u.result
        if not r.rectify:
            continue
        problem = "；".join(x for x in r.reasons if x) or f"{r.level_name}(综合得分{_num(r.final_score)}分)"
        follow = _follow_up(s, r.level)
        if follow:
            problem = f"{problem}。{follow}"
        rec = kept.find(r.org_code, r.org_name)
        if rec is not None:
            used.add(id(rec))
        rows.append([r.org_name, r.org_code or "", u.set_name, r.level_name, problem]
                    + [_kept(rec, col) for col in LEDGER_CLERK])
    # earlier entries of units no longer flagged stay on the ledger while the clerk has written in them
    # (units that left the set altogether go to the 已移出单位 block: consolidate/carryover.py)
    present = Records((unit_key(u.result.org_code, u.result.org_name),
                       {NAME: u.result.org_name, CODE: u.result.org_code}) for u in c.units)
    for rec in kept.values():
        if id(rec) in used or not any(has_content(rec.get(col)) for col in LEDGER_CLERK):
            continue
        if present.find(rec.get(CODE), rec.get(NAME)) is None:
            continue
        old = text_key(rec.get("问题"))
        note = "【本次汇总未标记整改,保留原记录】"
        rows.append([text_key(rec.get(NAME)), text_key(rec.get(CODE)), text_key(rec.get(SET)),
                     text_key(rec.get(final_header(s))), old if old.startswith(note) else note + old]
                    + [_kept(rec, col) for col in LEDGER_CLERK])
    return Table(LEDGER, header, rows, kinds, widths)


def _kept(rec: Mapping[str, Any] | None, col: str) -> Any:
    if rec is None:
        return None
    value = rec.get(col)
    return value if has_content(value) else None


def _follow_up(s: Scheme, rank: int) -> str:
    lv = next((x for x in s.levels if x.rank == rank), None)
    return lv.follow_up if lv else ""


def changes_table(c: Consolidation, kept: Records | None = None) -> Table:
    """Units whose level rose or fell against last year: reported up for approval (晋星/减星)."""
    s = c.scheme
    header = [NAME, CODE, SET, PREVIOUS, final_header(s), change_header(*s.change_words), "综合得分", "说明", "审批意见"]
    kinds = ["text", "center", "text", "center", "center", "center", "score", "text", "clerk"]
    widths = [24, 11, 13, 8.5, 8.5, 8, 8, 44, 24]
    kept = kept or Records()
    changed = [u for u in c.units if u.result.change]
    changed.sort(key=lambda u: (0 if (u.result.change or 0) > 0 else 1, u.set_name))  # rises first, then falls
    rows = []
    for u in changed:
        r = u.result
        rec = kept.find(r.org_code, r.org_name)
        rows.append([r.org_name, r.org_code or "", u.set_name, previous_name(s, u), r.level_name,
                     change_text(s, u.result.change), _num(r.final_score), reasons_text(u),
                     _kept(rec, "审批意见")])
    return Table(changes_sheet(*s.change_words), header, rows, kinds, widths)


def publicity_table(c: Consolidation) -> Table:
    """One block per level, top level first: a title row, then its units by score."""
    s = c.scheme
    header = ["序号", NAME, PARENT, "综合得分", final_header(s)]
    kinds = ["int", "text", "text", "score", "center"]
    widths: list[float] = [6, 40, 22, 10, 10]
    rows: list[list[Any]] = []
    titles = []
    by_level: dict[int, list[UnitRow]] = {}
    for u in c.units:
        by_level.setdefault(u.result.level, []).append(u)
    for lv in s.levels:
        units = sorted(by_level.get(lv.rank, []), key=lambda u: (-u.result.final_score, u.result.org_name))
        titles.append(len(rows))
        rows.append([f"{lv.name}(共{len(units)}个)"])
        for i, u in enumerate(units, 1):
            rows.append([i, u.result.org_name, u.result.parent_org or u.set_name, _num(u.result.final_score), lv.name])
        if not units:
            rows.append(["", "(无)"])
    titles.append(len(rows))  # the 公示's dates (设置; publicity.py)
    rows.append([period_text(c.settings.publicity_start, c.settings.publicity_end)])
    return Table(PUBLICITY, header, rows, kinds, widths, titles=titles)


# --- 规则 ----------------------------------------------------------------------------------
RULES_HEADER = ["参数", "key", "值", "说明"]


def rules_table(scheme: Scheme) -> Table:
    rows = [[p.label, p.key, p.value, p.note] for p in parameters(scheme)]
    return Table(RULES, RULES_HEADER, rows, ["text", "text", "num", "text"], [40, 40, 12, 50])


# --- everything ----------------------------------------------------------------------------
@dataclass
class Kept:
    """The clerk's entries of an earlier summary, per sheet (整改台账, 晋星减星, 评分定级表, 上级复审)."""

    sheets: dict[str, Records] = field(default_factory=dict)

    def get(self, sheet: str) -> Records:
        return self.sheets.get(sheet) or Records()


def summary_tables(c: Consolidation, kept: Kept | None = None) -> dict[str, Table]:
    """Every data sheet of the summary (in order) plus 设置 and 规则, as plain rows."""
    kept = kept or Kept()
    tables = [
        overview_table(c), stats_table(c), ledger_table(c, kept.get(LEDGER)), changes_table(c, kept.get(changes_sheet(*c.scheme.change_words))),
        publicity_table(c), problems_table(c.problems), settings_table(c.scheme, c.settings, c), rules_table(c.scheme),
    ]
    raw = raw_table(c)
    if raw is not None:
        tables.insert(6, raw)
    upper = [t for t in (review_table(c, kept.get(REVIEW)), recheck_table(c, kept.get(RECHECK))) if t is not None]
    tables[4:4] = upper  # the upper level's sheets after 晋星减星 (review_table.py)
    after_stats = [category_table(c), reported_table(c.reporting) if c.reporting is not None else None]
    tables[2:2] = [t for t in after_stats if t is not None]  # 002's 情况汇总表 by 党组织类别; 上报情况 (a roster)
    return {t.name: t for t in tables}


__all__ = [
    "Kept", "final_header", "summary_tables", "with_evidence",
]
