"""The per-file task of a 双十星 consolidation: each 评星表 holds a branch and its members.

The organisation is read and checked as any unit (read_unit, UnitScorer.score: refused inputs, 规则
differences, stale stored results); added here: the members of member_table, each scored by the member
scheme, with every refusal a 问题清单 row naming the table's cell (double_ten/kind.py rates them).
"""
from __future__ import annotations

import re
from typing import Any

from xlsx_addin.model.errors import InputError, RatingError
from xlsx_addin.engine.inputs import is_blank, shown
from xlsx_addin.model.problems import Problem
from xlsx_addin.io.reader import RAW_SHEET, SCHEME_ID, UNIT_WORKBOOK, read_unit
from xlsx_addin.engine.scheme.loader import load_scheme
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scoring import score_unit
from xlsx_addin.contracts import double_ten_book as book
from xlsx_addin.engine.double_ten.cells import member_inputs
from xlsx_addin.model.problems import ERROR, HINT
from xlsx_addin.jobs.consolidate.double_ten import raw as star_raw
from xlsx_addin.jobs.consolidate.candidates import Candidate, cell_text, own_output
from xlsx_addin.jobs.consolidate.scorer import UnitScorer, slim

ORG_NAMES = tuple(book.ORG_INFO) + ("star_names", "star_votes_for", "star_votes_valid", "star_records")
REQUIRED = ORG_NAMES + (book.MEMBER_TABLE, "member_star_names")
INPUT_COLUMNS = book.MEMBER_INPUT_COLUMNS  # the clerk's columns of member_table (name … records)
_STAR_RE = re.compile(r"第(\d+)颗星")
_STAR_LISTS = ("star_names", "star_votes_for", "star_votes_valid", "star_records")


def member_scheme(org: Scheme) -> Scheme:
    """The member scheme that goes with an organisation scheme: <id>_member (built-in or beside a file)."""
    try:
        return load_scheme(f"{org.id}_member")
    except RatingError:
        raise RatingError(f"评定方案“{org.id}”没有对应的党员评星方案“{org.id}_member”") from None


class StarScorer:
    """Read one 双十星 workbook; score the branch (UnitScorer.score) and each member of member_table."""

    def __init__(self, org: Scheme, member: Scheme):
        self.org, self.member = org, member
        self.unit_scorer = UnitScorer(org)

    def __call__(self, path: str, rel: str) -> tuple[list[Problem], list[Candidate], list[list[Candidate]]]:
        try:
            return self._one(path, rel)
        except Exception as exc:  # noqa: BLE001 - one file never stops the town
            return [Problem(rel, reason=f"处理文件时发生意外错误({type(exc).__name__}:{exc}),该文件未参与评定;"
                            "请在 Excel 中打开检查后另存再提交", severity=ERROR)], [], []

    @staticmethod
    def failed(path: str, rel: str, reason: str) -> tuple[list[Problem], list[Candidate], list[list[Candidate]]]:
        """What a file whose reading crashed or hung gives (consolidate/pool.py): one 问题清单 row, nothing rated."""
        return [Problem(file=rel, reason=reason, severity=ERROR)], [], []

    def _one(self, path: str, rel: str) -> tuple[list[Problem], list[Candidate], list[list[Candidate]]]:
        unit = read_unit(path, UNIT_WORKBOOK, rel)
        problems: list[Problem] = list(unit.problems)
        if unit.failed:
            return problems, [], []
        own = own_output(unit)  # this job's earlier output in the same folder: not read again
        if own is not None:
            return problems + [own], [], []
        if unit.raw_units is not None:  # a town's 双十星 summary: its 原始数据 rows are organisations and members
            return self._summary(unit, problems)
        why = self._not_a_star_book(unit)
        if why is not None:
            problems.append(why)
            return problems, [], []
        org = Candidate(unit, {n: unit.values.get(n) for n in ORG_NAMES if n in unit.values}, unit.rel)
        self.score_org(org)
        members = self.members(unit, org, problems)
        slim(unit)
        return problems, [org], [members, []]

    def _summary(self, unit, problems: list[Problem]) -> tuple[list[Problem], list[Candidate], list[list[Candidate]]]:
        """A summary's organisations, each with its members (same file, same identity), and members whose
        organisation is not in it (it was refused there): rated from the inputs as the 评星表 gave them."""
        sid = unit.raw_scheme_id
        if sid and sid != self.org.id:
            problems.append(Problem(unit.rel, RAW_SHEET, "", sid, f"该汇总表使用评定方案“{sid}”,与本次汇总方案"
                                    f"“{self.org.id}”不同,其中的党组织和党员未参与评定", ERROR))
            return problems, [], []
        orgs: list[Candidate] = []
        members: list[Candidate] = []
        for subject, inputs, source, row in star_raw.units_of(unit.raw_units):
            cand = Candidate(unit, inputs, f"{unit.rel}:{source}" if source else unit.rel, row)
            if subject == star_raw.MEMBER:
                self.score_raw_member(cand)
                members.append(cand)
            elif subject == star_raw.ORG:
                self.score_org(cand)
                orgs.append(cand)
            else:
                problems.append(Problem(unit.rel, RAW_SHEET, f"第{row}行", subject, "原始数据的 subject 列应为"
                                        f"“{star_raw.ORG}”或“{star_raw.MEMBER}”,该行未参与评定", ERROR))
        of = {o.key: i for i, o in enumerate(orgs)}
        grouped: list[list[Candidate]] = [[] for _ in range(len(orgs) + 1)]  # the last: no organisation row
        for m in members:
            grouped[of.get(m.key, len(orgs))].append(m)
        unit.raw_units = None
        slim(unit)
        return problems, orgs, grouped

    def score_raw_member(self, cand: Candidate) -> None:
        """A member row of a summary's 原始数据: its refusal names that row."""
        who = cell_text(cand.inputs.get("member_name")) or f"第{cand.raw_row}行"
        try:
            cand.result = score_unit(self.member, cand.inputs)
        except InputError as exc:
            cand.findings.append(cand.problem(f"党员“{who}”:{exc},该党员未参与评定", name=exc.name, value=exc.value
                                              if not isinstance(exc.value, list) else ""))
        except Exception as exc:  # noqa: BLE001 - one member never stops the county
            cand.findings.append(cand.problem(f"党员“{who}”评定时发生意外错误({type(exc).__name__}:{exc}),"
                                              "该党员未参与评定"))

    def _not_a_star_book(self, unit) -> Problem | None:
        if book.MEMBER_TABLE not in unit.refs and "star_votes_for" not in unit.refs:
            if "一览表" in unit.sheets:
                return Problem(unit.rel, reason="这是汇总表,不是双十星评星表,已跳过", severity=HINT)
            if "item_scores" in unit.refs:
                return Problem(unit.rel, reason="这是其他评定方案的单位填报表,不是双十星评星表,未参与评定", severity=ERROR)
            return Problem(unit.rel, reason="不是本系统的双十星评星表(没有模板的定义名称,如 star_votes_for、member_table),"
                           "未参与评定;请用下发的评星表填报", severity=ERROR)
        sid = cell_text(unit.scheme_id)
        if SCHEME_ID in unit.refs and sid and sid != self.org.id:
            sheet, cell = unit.where(SCHEME_ID)
            return Problem(unit.rel, sheet, cell, sid, f"本评星表使用评定方案“{sid}”,与本次汇总方案“{self.org.id}”不同,"
                           "未参与评定;请用本次下发的评星表重新填报", ERROR)
        missing = [n for n in REQUIRED if n not in unit.refs]
        if missing:
            return Problem(unit.rel, reason=f"评星表缺少定义名称:{'、'.join(missing)}(模板被改动或版本不符),未参与评定;"
                           "请用下发的评星表重新填报", severity=ERROR)
        return None

    def score_org(self, cand: Candidate) -> None:
        self.unit_scorer.score(cand)
        cand.findings[:] = [_star_cell(cand, p) for p in cand.findings]

    def members(self, unit, org: Candidate, problems: list[Problem]) -> list[Candidate]:
        rows = unit.values.get(book.MEMBER_TABLE)
        ref = unit.refs[book.MEMBER_TABLE]
        if not isinstance(rows, list) or not rows:
            return []
        header = [cell_text(h) for h in rows[0]]
        if header[:INPUT_COLUMNS] != list(book.MEMBER_HEADERS[:INPUT_COLUMNS]):
            problems.append(Problem(unit.rel, ref.sheet, ref.a1, "", "党员评星表的表头被改动(列被插入、删除或改名),"
                                    "党员未参与评定;请用下发的评星表重新填报", ERROR))
            return []
        own = unit.values.get("member_star_names")
        own = own if isinstance(own, list) else [own]
        out = []
        for i, row in enumerate(rows[1:], 1):
            cells = list(row[:INPUT_COLUMNS])
            if all(is_blank(c) for c in cells):
                continue
            member = {"member_name": cells[book.M_NAME], "member_type": cells[book.M_TYPE],
                      "star_votes_for": cells[book.M_VOTES:book.M_VOTES + book.N],
                      "star_votes_valid": cells[book.M_VALID],
                      "star_records": cells[book.M_RECORDS:book.M_RECORDS + book.N]}
            inputs = member_inputs(org.inputs, member, own, self.member)
            excel_row = ref.row1 + i + 1
            source = f"{unit.rel}:{ref.sheet}第{excel_row}行"
            cand = Candidate(unit, inputs, source)
            self.score_member(cand, i, row, ref)
            out.append(cand)
        noted = [(c, c.result.notes[0]) for c in out if c.result is not None and c.result.notes]
        if noted:  # one 提示 for the table (masses not stated), not one per member
            who = "、".join(cell_text(c.inputs.get("member_name")) for c, _ in noted[:3]) + ("等" if len(noted) > 3 else "")
            problems.append(Problem(unit.rel, ref.sheet, ref.a1, "", f"党员评星表中{len(noted)}名党员({who}):"
                                    f"{noted[0][1]}(已评定,请核实)", HINT))
        return out

    def score_member(self, cand: Candidate, i: int, row: list[Any], ref) -> None:
        def at(col: int) -> tuple[str, str]:
            return ref.sheet, ref.cell(i * (ref.col2 - ref.col1 + 1) + col)

        who = cell_text(cand.inputs.get("member_name")) or f"第{ref.row1 + i + 1}行"
        try:
            r = score_unit(self.member, cand.inputs)
        except InputError as exc:
            sheet, cell = at(_member_column(exc))
            value = _member_value(exc, row)
            cand.findings.append(Problem(cand.file.rel, sheet, cell, shown(value),
                                         f"党员“{who}”:{exc},该党员未参与评定", ERROR))
            return
        except Exception as exc:  # noqa: BLE001 - one member never stops the town
            sheet, cell = at(0)
            cand.findings.append(Problem(cand.file.rel, sheet, cell, "", f"党员“{who}”评定时发生意外错误"
                                         f"({type(exc).__name__}:{exc}),该党员未参与评定", ERROR))
            return
        stored = row[book.M_LEVEL] if len(row) > book.M_LEVEL else None
        if not is_blank(stored) and cell_text(stored) != r.level_name and not cell_text(stored).startswith(("错误", "待填写")):
            sheet, cell = at(book.M_LEVEL)
            cand.findings.append(Problem(cand.file.rel, sheet, cell, shown(stored),
                                         f"党员“{who}”表内保存的星级为“{cell_text(stored)}”,重新计算为“{r.level_name}”:"
                                         "表内结果未重新计算或被手工修改,汇总以重新计算的结果为准", HINT))
        cand.result = r


def _star_index(exc: InputError) -> int | None:
    m = _STAR_RE.search(str(exc))
    return int(m.group(1)) - 1 if m else None


def _member_column(exc: InputError) -> int:
    k = _star_index(exc)
    if exc.name == "member_type":
        return book.M_TYPE
    if exc.name == "star_votes_for" and k is not None:
        return book.M_VOTES + k
    if exc.name == "star_votes_valid":
        return book.M_VALID
    if exc.name == "star_records" and k is not None:
        return book.M_RECORDS + k
    return book.M_NAME


def _member_value(exc: InputError, row: list[Any]) -> Any:
    col = _member_column(exc)
    return row[col] if col < len(row) and exc.name != "member_name" else exc.value if not isinstance(exc.value, list) else ""


def _star_cell(cand: Candidate, p: Problem) -> Problem:
    """A refused star input of the branch: the exact cell of that star (第k颗星 of the message)."""
    m = _STAR_RE.search(p.reason)
    for name in _STAR_LISTS:
        ref = cand.file.refs.get(name)
        if ref is not None and m and p.cell == ref.a1:
            k = int(m.group(1)) - 1
            if 0 <= k < ref.size:
                values = cand.inputs.get(name)
                value = values[k] if isinstance(values, list) and k < len(values) else p.value
                return Problem(p.file, p.sheet, ref.cell(k), shown(value), p.reason, p.severity)
    return p


__all__ = ["StarScorer", "member_scheme"]
