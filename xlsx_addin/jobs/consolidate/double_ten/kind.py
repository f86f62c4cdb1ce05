"""双十星 as a rating kind (model.RatingKind): each file a branch and its members (double_ten/scorer.py).

The organisations are deduplicated and rated per set as any unit; their members follow them: members
of a file that lost a duplicate are dropped with it, a summary's members whose organisation it does not
hold are rated on their own (unless that organisation was read elsewhere).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsx_addin.engine.double_ten.scoring import goal_status
from xlsx_addin.engine.result import unrated
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.contracts import double_ten_book as book
from xlsx_addin.io.tables.table import Table
from xlsx_addin.model.identity import unit_key
from xlsx_addin.model.problems import HINT, Problem
from xlsx_addin.jobs.consolidate.candidates import Candidate, cell_text
from xlsx_addin.jobs.consolidate.double_ten.scorer import StarScorer, member_scheme
from xlsx_addin.jobs.consolidate.double_ten.sheets import star_tables, write_star_summary
from xlsx_addin.jobs.consolidate.model import Consolidation, Gathered, Rating, UnitRow, Written
from xlsx_addin.jobs.consolidate.report import table_lines
from xlsx_addin.jobs.consolidate.sets import rate_sets
from xlsx_addin.jobs.consolidate.settings import Settings


@dataclass
class Members:
    """Beside the organisation candidates: each one's members, and a summary's members without theirs."""

    of: dict[int, list[Candidate]] = field(default_factory=dict)  # id(organisation candidate) → its members
    orphans: list[list[Candidate]] = field(default_factory=list)


class StarKind:
    """双十星: organisations rated as units, every member rated by the member scheme (<id>_member)."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.member = member_scheme(scheme)

    def file_task(self) -> StarScorer:
        return StarScorer(self.scheme, self.member)

    def gather(self, done: list[Any], problems: list[Problem]) -> Gathered:
        orgs: list[Candidate] = []
        members = Members()
        for file_problems, file_orgs, file_members in done:
            problems.extend(file_problems)
            orgs.extend(file_orgs)
            for cand, group in zip(file_orgs, file_members):
                members.of[id(cand)] = group
            if file_members[len(file_orgs):] and file_members[-1]:
                members.orphans.append(file_members[-1])
        return Gathered(orgs, members)

    def rate(self, kept: list[Candidate], gathered: Gathered, settings: Settings, prev: dict[str, int] | None,
             problems: list[Problem]) -> Rating:
        members: Members = gathered.extra
        rated = [(cand, cand.result) for cand in kept if cand.result is not None]
        units, sets = rate_sets(rated, self.scheme, settings, prev, problems)
        set_of = {u.source_file: u.set_name for u in units}
        branch_of = {id(m): cand.source for cand in gathered.candidates for m in members.of.get(id(cand), [])}
        known = {cand.key for cand in gathered.candidates}  # an organisation read elsewhere brings its own members
        orphans = [[m for m in group if m.key not in known] for group in members.orphans]
        rows: list[UnitRow] = []
        for group in [members.of.get(id(cand), []) for cand in kept] + orphans:
            seen: dict[str, int] = {}
            for cand in group:
                problems.extend(cand.findings)
                if cand.result is None:
                    continue
                name = cell_text(cand.inputs.get("member_name"))
                seen[name] = seen.get(name, 0) + 1
                if seen[name] == 2:
                    problems.append(Problem(cand.file.rel, book.SHEET_MEMBERS, "", name, f"党员“{name}”在本支部出现不止一次,"
                                            "均已评定;如为重复填写请删除多余的行", HINT))
                key = f"{unit_key(cand.inputs.get('org_code'), cand.inputs.get('org_name'))}/{name}"
                branch = branch_of.get(id(cand))
                own = cell_text(cand.inputs.get("org_name"))
                rows.append(UnitRow(result=unrated(cand.result), set_name=set_of.get(branch, own) if branch is not None
                                    else own, source_file=cand.source, key=key, inputs=cand.inputs))
        return Rating(units, sets, rows)

    def tables(self, c: Consolidation, kept: Any = None) -> dict[str, Table]:
        return star_tables(c, self.member)

    def write(self, c: Consolidation, out: Path, keep_from: Path | None) -> Written:
        return write_star_summary(c, self.member, out, keep_from)

    def report_lines(self, c: Consolidation) -> list[str]:
        """Organisations and members by level, each town's share against the goal, the lists."""
        org, member = c.scheme, self.member
        lines = [f"评定方案:{org.name}({org.id});读取文件{c.files_seen}个,评定党组织{len(c.units)}个、党员{len(c.members)}名。", ""]
        ranks = [lv.rank for lv in org.levels]
        orgs = Counter(u.result.level for u in c.units)
        mems = Counter(u.result.level for u in c.members)
        header = ["", *[org.level_name(r) for r in ranks], "合计"]
        rows = [["党组织", *[orgs.get(r, 0) for r in ranks], len(c.units)],
                ["党员", *[mems.get(r, 0) for r in ranks], len(c.members)]]
        lines.append("星级分布:")
        lines += ["  " + s for s in table_lines(header, rows)]
        for town in sorted({u.set_name for u in c.members}):
            results: list[Any] = [u.result for u in c.members if u.set_name == town]
            g = goal_status(member, results)
            if g is not None:
                lines.append(f"  {town}:{g.text}")
        rect = [u for u in c.units if u.result.rectify]
        disposed = [u for u in c.members if u.result.rectify]
        priv_o = sum(u.result.privileged for u in c.units)
        priv_m = sum(u.result.privileged for u in c.members)
        stars = org.star_rules()
        lines += ["", f"{stars.rectify_label}的党组织{len(rect)}个、{member.star_rules().rectify_label}的党员"
                  f"{len(disposed)}名(见“整顿处置名单”);{stars.privileged_label}:党组织{priv_o}个、党员{priv_m}名(见“优先名单”)。"]
        for u in rect[:5]:
            lines.append(f"  · {u.result.org_name}:{u.result.level_name}")
        return lines


__all__ = ["Members", "StarKind"]
