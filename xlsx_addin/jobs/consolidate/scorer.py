"""A worker's task: read, check and score one file's units; compare the results and rules it stored."""
from __future__ import annotations

from typing import Any

from xlsx_addin.model.errors import InputError, RatingError, SchemeError
from xlsx_addin.model.problems import ERROR, HINT, Problem
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.keys import SCHEME_KEY, VERSION_KEY
from xlsx_addin.engine.scheme.overrides import parameters, parse_number, rows_to_table
from xlsx_addin.engine.scoring import UnitResult, rectifies, score_unit
from xlsx_addin.io.unitfile import RULES_TABLE, UnitFile
from xlsx_addin.io.rawdata import UPPER
from xlsx_addin.engine.upper import NAME as UPPER_NAME
from xlsx_addin.model.values import excel_error, is_blank, shown
from xlsx_addin.jobs.consolidate.candidates import Candidate, cell_text, candidates_of, input_problem, units_of


# --- comparisons (提示 only: the summary's rules and the recomputation always win) -------------------
# the beginnings of these 提示 (rule_notes.py groups the units whose rules differ alike into one row)
RULES_DIFFER = "本单位规则表与本次汇总的规则不同(以汇总规则为准,本单位的规则未使用):"
RESULT_BY_OTHER_RULES = "本单位规则表与汇总规则不同"

class RulesComparer:
    """Compare a unit's 规则 table with the summary's rules; identical tables are compared once."""

    def __init__(self, scheme: Scheme):
        self.params = {p.key: p for p in parameters(scheme)}
        self.cache: dict[tuple, tuple[str, int | None] | None] = {}

    def differences(self, rows: list[list[Any]]) -> tuple[str, int | None] | None:
        """(Chinese message, index of the first differing row) or None when the rules agree."""
        try:
            key = tuple(map(tuple, rows))
            hash(key)
        except TypeError:
            key = tuple(tuple(shown(v) for v in row) for row in rows)
        if key not in self.cache:
            self.cache[key] = self._compare(rows)
        return self.cache[key]

    def _compare(self, rows: list[list[Any]]) -> tuple[str, int | None] | None:
        try:
            table = rows_to_table(rows, "本单位规则表")
        except SchemeError as exc:
            return f"本单位规则表无法识别({exc})", None
        diffs = []
        first = None
        for key, value in table.items():
            if key in (SCHEME_KEY, VERSION_KEY) or is_blank(value):
                continue
            p = self.params.get(key)
            if p is None:
                diffs.append(f"{key} 本单位为{shown(value)}、汇总规则中没有此参数")
            elif not _same(value, p.value):
                diffs.append(f"{p.label}({key}) 本单位为{shown(value)}、汇总为{shown(p.value)}")
            if diffs and first is None:
                first = next((i for i, row in enumerate(rows) if key in (cell_text(v) for v in row[:2])), None)
        if not diffs:
            return None
        more = f"等{len(diffs)}处" if len(diffs) > 6 else ""
        return RULES_DIFFER + ";".join(diffs[:6]) + more, first


def _same(a: Any, b: Any) -> bool:
    x, y = parse_number(a), parse_number(b)
    if x is not None and y is not None:
        return abs(x - y) <= 1e-9
    return shown(a).strip() == shown(b).strip()


# stored result name → (label, how to get the recomputed value, tolerance)
_RESULTS = {
    "result_base_score": ("基础得分", lambda r, s: r.base_score, 0.005),
    "result_bonus": ("加分", lambda r, s: r.bonus, 0.005),
    "result_penalty": ("减分", lambda r, s: r.penalty, 0.005),
    "result_final_score": ("综合得分", lambda r, s: r.final_score, 0.005),
    "result_level": ("评定结果", lambda r, s: s.level_name(r.rule_level), None),
    "result_rectify": ("整顿标记", lambda r, s: "是" if rectifies(s, r.rule_level) else "否", None),
    "result_participation_rate": ("党员参与率", lambda r, s: r.participation_rate, 0.0005),
    "result_satisfaction_rate": ("满意率", lambda r, s: r.satisfaction_rate, 0.0005),
}


def stored_result_problems(c: Candidate, r: UnitResult, scheme: Scheme, rules_differ: bool = False) -> list[Problem]:
    """Stored (cached) results that differ from the recomputation: stale or edited by hand."""
    out = []
    for name, (label, get, tol) in _RESULTS.items():
        stored = c.inputs.get(name) if c.raw_row is not None else c.file.values.get(name)
        if is_blank(stored) or excel_error(stored):
            continue  # never calculated (filled by a program) or opened without the add-in (#NAME?): not an error
        fresh = get(r, scheme)
        if _result_equal(stored, fresh, tol):
            continue
        text = "空白" if fresh is None else (f"{fresh:.4g}" if isinstance(fresh, float) and tol and tol < 0.001
                                           else shown(round(fresh, 6) if isinstance(fresh, float) else fresh))
        why = RESULT_BY_OTHER_RULES if rules_differ else "表内结果未重新计算或被手工修改"
        out.append(c.problem(f"表内保存的{label}为“{shown(stored)}”,按汇总规则重新计算为“{text}”:{why},"
                             f"汇总以重新计算的结果为准", name=name, value=stored, severity=HINT))
    return out


def _result_equal(stored: Any, fresh: Any, tol: float | None) -> bool:
    if tol is None:
        return shown(stored).strip() == shown(fresh).strip()
    x = parse_number(stored)
    if fresh is None:
        return False if x is not None else True
    if x is None:
        return False
    return abs(x - float(fresh)) <= tol


# --- reading and scoring one file (a worker process's task) -----------------------------------------
class UnitScorer:
    """Read one file, check it against the contract and score its units by the summary's rules.

    Returns (the file's problems, its candidates with their result and findings). The parent only
    dedupes, applies the quotas and writes, so a worker sends back results, inputs and the refs that
    name cells, not the file's other values (its 规则 table, ≈ 2/3 of them, is compared here).
    """

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.rules = RulesComparer(scheme)

    def __call__(self, path: str, rel: str) -> tuple[list[Problem], list[Candidate]]:
        problems: list[Problem] = []
        cands: list[Candidate] = []
        for unit in units_of(path, rel, problems):
            found = candidates_of(unit, self.scheme, problems)
            for cand in found:
                self.score(cand)
            slim(unit)
            cands.extend(found)
        return problems, cands

    @staticmethod
    def failed(path: str, rel: str, reason: str) -> tuple[list[Problem], list[Candidate]]:
        """What a file whose reading crashed or hung gives: one 问题清单 row, no unit."""
        return [Problem(file=rel, reason=reason, severity=ERROR)], []

    def score(self, cand: Candidate) -> None:
        """Set cand.result (None when refused) and cand.findings."""
        scheme, out = self.scheme, cand.findings
        try:
            r = upper_scored(cand, scheme) if cand.upper is not None else score_unit(scheme, cand.inputs)
        except InputError as exc:
            out.append(input_problem(cand, exc, scheme))
            return
        except RatingError as exc:
            out.append(cand.problem(f"{exc},该单位未参与评定"))
            return
        except Exception as exc:  # noqa: BLE001 - one unit never stops the county
            out.append(cand.problem(f"评分时发生意外错误({type(exc).__name__}:{exc}),该单位未参与评定"))
            return
        if cand.raw_row is None:
            diff = self.rules_problem(cand)
            if diff is not None:
                out.append(diff)
            out.extend(stored_result_problems(cand, r, scheme, rules_differ=diff is not None))
        for note in r.notes:
            out.append(cand.problem(f"{note}(已评定,请核实)", severity=HINT))
        cand.result = r

    def rules_problem(self, cand: Candidate) -> Problem | None:
        """A 提示 when the unit's own 规则 table differs from the summary's rules."""
        rows = cand.file.rules_rows
        diff = self.rules.differences(rows) if rows else None
        if rows is None or not diff:
            return None
        message, row = diff
        ref = cand.file.refs[RULES_TABLE]
        index = row * (ref.col2 - ref.col1 + 1) + min(2, ref.col2 - ref.col1) if row is not None else None
        sheet, cell = cand.file.where(RULES_TABLE, index)
        value = rows[row][min(2, len(rows[row]) - 1)] if row is not None else ""
        return Problem(cand.file.rel, sheet, cell, shown(value), message, HINT)


def upper_scored(cand: Candidate, scheme: Scheme) -> UnitResult:
    """A subordinate summary's unit with the upper level's scores it carries (its 原始数据); a refused one is
    named and the unit scored with its own scores."""
    try:
        return score_unit(scheme, cand.inputs, upper_scores=cand.upper)
    except InputError as exc:
        if exc.name != UPPER_NAME:
            raise
        cand.findings.append(cand.problem(f"{exc},未采用(该单位按本单位得分评定)", name=f"{UPPER}.{(exc.index or 0) + 1}",
                                          value=exc.value))
        cand.upper, cand.upper_by = None, []
        return score_unit(scheme, cand.inputs)


def slim(unit: UnitFile) -> None:
    """Drop what only the checks and the scoring needed: the parent keeps rel, mtime and refs (to name cells)."""
    unit.values = {}
    unit.raw_units = None
    unit.problems = []
    unit.names = []
    unit.sheets = []
