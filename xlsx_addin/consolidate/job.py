"""一键汇总: read every unit workbook of a folder tree, re-score from the raw inputs, apply quotas per set.

The summary's rules (settings.scheme_source + settings.overrides) apply to every unit; a unit's own
规则 sheet and its stored results are only compared and reported. Nothing in the input folder is
ever written. A bad file or value becomes a row of 问题清单; everything else goes on.
"""
from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..archives import is_archive, members
from ..errors import InputError, RatingError, SchemeError
from ..inputs import excel_error, is_blank, key_text, shown
from ..legacy_reader import source_label
from ..names import INPUTS, MASS_PREFIX
from ..quotas import apply_quotas, check_mode
from ..package import Refused
from ..reader import RAW_SHEET, RULES_TABLE, SCHEME_ID, UnitFile, read_unit, read_unit_data
from ..scheme.loader import load_scheme
from ..scheme.models import Scheme
from ..scheme.overrides import SCHEME_KEY, VERSION_KEY, apply_overrides, parameters, parse_number, rows_to_table
from ..scoring import UnitResult, rectifies, score_unit
from .previous import read_previous_levels
from ..problems import Problem
from .model import Consolidation, SetSummary, Settings, UnitRow
from ..files.dedupe import dedupe
from ..files.discover import OTHER_FORMATS, find_files
from ..files.pool import map_files
from ..progress import Progress

NO_PARENT = "未填写上级党组织"
ALL_SET = "全部"
HINT, ERROR = "提示", "错误"



# --- settings --------------------------------------------------------------------------------------
def summary_scheme(settings: Settings) -> Scheme:
    """The rules of the consolidation: the scheme (built-in name or YAML path) with the overrides table."""
    scheme = load_scheme(settings.scheme_source)
    if settings.overrides:
        scheme = apply_overrides(scheme, settings.overrides, origin="汇总表规则表")
    return scheme


def check_settings(settings: Settings) -> None:
    """Refuse unusable settings with a Chinese message (RatingError): the CLI turns it into exit code 2."""
    d = Path(settings.input_dir)
    if not d.exists():
        raise RatingError(f"单位填报表文件夹 {d} 不存在")
    if not d.is_dir():
        raise RatingError(f"{d} 不是文件夹,请给出单位填报表所在的文件夹")
    check_mode(settings.quota_mode)
    if settings.set_by not in ("parent_org", "all"):
        raise RatingError(f"评定组“{settings.set_by}”无效,应为 parent_org(按上级党组织)或 all(全部单位一起)")
    if settings.previous is not None and not Path(settings.previous).is_file():
        raise RatingError(f"上年度汇总表 {settings.previous} 不存在")
    if settings.ledgers is not None and not Path(settings.ledgers).is_file():
        raise RatingError(f"台账汇总 {settings.ledgers} 不存在")


def units_of(path: str, rel: str, problems: list[Problem]) -> Iterable[UnitFile]:
    """The workbooks a file holds: itself, or each unit workbook of a .zip archive (read in memory)."""
    if not is_archive(path):
        yield read_unit(path, rel)
        return
    try:
        for m in members(path, OTHER_FORMATS):
            unit = UnitFile(path=path, rel=f"{rel}/{m.name}", mtime=m.mtime)
            if m.data is None:
                problems.append(Problem(file=unit.rel, reason=m.refused, severity=m.severity))
                continue
            yield read_unit_data(unit, m.data)
    except Refused as why:
        problems.append(Problem(file=rel, reason=str(why), severity=ERROR))


class FileReader:
    """read_unit as an isolated task: a file whose reading crashed becomes a UnitFile with that problem."""

    def __call__(self, path: str, rel: str) -> UnitFile:
        if is_archive(path):
            return self.failed(path, rel, "这是压缩包,请用一键汇总读取其中的单位填报表")
        return read_unit(path, rel)

    @staticmethod
    def failed(path: str, rel: str, reason: str) -> UnitFile:
        unit = UnitFile(path=path, rel=rel)
        unit.problem(reason)
        return unit


def read_files(files: list[tuple[str, str]], workers: int | None = None,
               progress: Progress | None = None) -> list[UnitFile]:
    """Read every file, in order, in isolated worker processes."""
    return map_files(files, FileReader(), workers, progress)


# --- one unit --------------------------------------------------------------------------------------
@dataclass
class Candidate:
    """One unit to rate: raw inputs and where they came from."""

    file: UnitFile
    inputs: dict[str, Any]
    source: str  # shown in 一览表 and 问题清单
    raw_row: int | None = None  # row of a summary's 原始数据 sheet
    result: UnitResult | None = None  # set by UnitScorer; None when scoring refused the unit
    findings: list[Problem] = field(default_factory=list)  # what scoring found, reported if the unit is kept

    @property
    def key(self) -> tuple:
        """The unit's identity for dedupe: org_code, else upper level + name, each normalised (key_text)."""
        code = key_text(self.inputs.get("org_code"))
        if code:
            return ("code", code)
        return ("name", key_text(self.inputs.get("parent_org")), key_text(self.inputs.get("org_name")))

    def problem(self, reason: str, *, name: str | None = None, index: int | None = None, value: Any = "",
                severity: str = ERROR, cell: str | None = None) -> Problem:
        if self.raw_row is not None:
            sheet, where = RAW_SHEET, f"第{self.raw_row}行" + (f" {name}" if name else "")
        elif name:
            sheet, where = self.file.where(name, index)
        else:
            sheet, where = "", ""
        return Problem(file=self.file.rel, sheet=sheet,
                       cell=cell if cell is not None else where, value=shown(value), reason=reason, severity=severity)


def _text(value: Any) -> str:
    return "" if is_blank(value) else shown(value).strip()


def contract_names(scheme: Scheme) -> list[str]:
    votes = list(scheme.vote_inputs)
    return list(INPUTS) + votes + [MASS_PREFIX + v for v in votes]


def candidates_of(unit: UnitFile, scheme: Scheme, problems: list[Problem]) -> list[Candidate]:
    """Check a read file against the contract and the scheme; the units it holds (none when refused)."""
    problems.extend(unit.problems)
    if unit.failed:
        return []
    names = contract_names(scheme)
    if unit.raw_units is not None:  # a town's summary workbook: its raw rows are units
        sid = unit.raw_scheme_id
        if sid and sid != scheme.id:
            problems.append(Problem(unit.rel, RAW_SHEET, "", sid, f"该汇总表使用评定方案“{sid}”,与本次汇总方案"
                                    f"“{scheme.id}”不同,其中的单位未参与评定", ERROR))
            return []
        allowed = set(names)
        return [Candidate(unit, {k: v for k, v in inputs.items() if k in allowed},
                          f"{unit.rel}:{source}" if source else unit.rel, row)
                for inputs, source, row in unit.raw_units]
    if "commitments" in unit.names and "item_scores" not in unit.refs:  # issue 15's 半年台账 in the same folder
        problems.append(Problem(unit.rel, reason="这是半年台账,不是单位填报表,已跳过(用 xlsx-addin ledgers 汇总)",
                                severity=HINT))
        return []
    if "org_name" not in unit.refs and "item_scores" not in unit.refs:
        if "一览表" in unit.sheets:
            problems.append(Problem(unit.rel, reason="这是汇总表,不是单位填报表,已跳过", severity=HINT))
        else:
            problems.append(Problem(unit.rel, reason="不是本系统的单位填报表(没有模板的定义名称,如 org_name、"
                                    "item_scores),未参与评定;请用下发的模板填报", severity=ERROR))
        return []
    sid = _text(unit.scheme_id)
    if SCHEME_ID in unit.refs and sid and sid != scheme.id:
        sheet, cell = unit.where(SCHEME_ID)
        problems.append(Problem(unit.rel, sheet, cell, sid, f"本单位填报表使用评定方案“{sid}”,与本次汇总方案“{scheme.id}”"
                                f"({scheme.name})不同,未参与评定;请用本次下发的模板重新填报", ERROR))
        return []
    version = unit.template_version
    if not is_blank(version) and _text(version) != str(scheme.version):
        sheet, cell = unit.where("template_version")
        problems.append(Problem(unit.rel, sheet, cell, _text(version), f"填报表的模板版本“{_text(version)}”与本次汇总的方案版本"
                                f"“{scheme.version}”不同,已按本次汇总的规则评定;如有疑问请用新模板重新填报", HINT))
    missing = [n for n in names if n not in unit.refs and n not in _bad_names(unit)]
    if missing:
        problems.append(Problem(unit.rel, reason=f"填报表缺少定义名称:{'、'.join(missing)}(模板被改动或版本不符),"
                                "未参与评定;请用下发的模板重新填报", severity=ERROR))
        return []
    return [Candidate(unit, unit.inputs(set(names)), source_label(unit))]


def _bad_names(unit: UnitFile) -> set[str]:
    return {p.cell for p in unit.problems}


_SLOT_RE = re.compile(r"第(\d+)(?:\.(\d+))?项")


def input_problem(c: Candidate, exc: InputError, scheme: Scheme) -> Problem:
    """A refused input as a 问题清单 row: the defined name's cell, or the exact cell of a score item."""
    name = exc.name
    reason = f"{exc},该单位未参与评定"
    value = exc.value
    if name in ("item_scores", "item_scores_reviewed"):
        index = _score_index(c.inputs.get(name), str(exc), exc.value, scheme)
        if index is not None:
            cells = c.inputs.get(name)
            return c.problem(reason, name=name, index=index, value=cells[index] if isinstance(cells, list) else value)
        return c.problem(reason, name=name, value="" if isinstance(value, list) else value)
    if name in ("votes", "mass_votes"):
        names = [(MASS_PREFIX if name == "mass_votes" else "") + v for v in scheme.vote_inputs]
        if c.raw_row is not None:
            return c.problem(reason, name=name, value=value)
        refs = [c.file.refs[n] for n in names if n in c.file.refs]
        sheet = refs[0].sheet if refs else ""
        return Problem(c.file.rel, sheet, _cells_text([r.a1 for r in refs]), shown(value), reason, ERROR)
    if name is not None and name in c.inputs:
        return c.problem(reason, name=name, value=c.inputs.get(name) if not isinstance(value, list) else value)
    return c.problem(reason, value=value)


def _score_index(cells: Any, message: str, value: Any, scheme: Scheme) -> int | None:
    if not isinstance(cells, list):
        return None
    m = _SLOT_RE.search(message)
    if m:
        item = int(m.group(1)) - 1
        if m.group(2) is None:
            if len(cells) == len(scheme.items) and 0 <= item < len(cells):
                return item
        else:
            index = sum(len(it.sub_items) for it in scheme.items[:item]) + int(m.group(2)) - 1
            if 0 <= index < len(cells):
                return index
    if value is not None and not isinstance(value, list):
        for i, cell in enumerate(cells):
            if type(cell) is type(value) and cell == value:
                return i
    return None


def _cells_text(cells: list[str]) -> str:
    """E5,E6,E7 → E5:E7 when the cells make one column; else joined by commas."""
    m = [re.match(r"([A-Z]+)(\d+)$", c) for c in cells]
    if cells and all(m) and len({x.group(1) for x in m}) == 1:
        rows = [int(x.group(2)) for x in m]
        if rows == list(range(rows[0], rows[0] + len(rows))):
            return cells[0] if len(cells) == 1 else f"{cells[0]}:{cells[-1]}"
    return ",".join(cells)


# --- comparisons (提示 only: the summary's rules and the recomputation always win) -------------------
class RulesComparer:
    """Compare a unit's 规则 table with the summary's rules; identical tables are compared once."""

    def __init__(self, scheme: Scheme):
        self.params = {p.key: p for p in parameters(scheme)}
        self.cache: dict[tuple, str | None] = {}

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
                first = next((i for i, row in enumerate(rows) if key in (_text(v) for v in row[:2])), None)
        if not diffs:
            return None
        more = f"等{len(diffs)}处" if len(diffs) > 6 else ""
        return ("本单位规则表与本次汇总的规则不同(以汇总规则为准,本单位的规则未使用):" + ";".join(diffs[:6]) + more,
                first)


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
        why = "本单位规则表与汇总规则不同" if rules_differ else "表内结果未重新计算或被手工修改"
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
            _slim(unit)
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
            r = score_unit(scheme, cand.inputs)
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
        if not diff:
            return None
        message, row = diff
        ref = cand.file.refs[RULES_TABLE]
        index = row * (ref.col2 - ref.col1 + 1) + min(2, ref.col2 - ref.col1) if row is not None else None
        sheet, cell = cand.file.where(RULES_TABLE, index)
        value = rows[row][min(2, len(rows[row]) - 1)] if row is not None else ""
        return Problem(cand.file.rel, sheet, cell, shown(value), message, HINT)


def _slim(unit: UnitFile) -> None:
    """Drop what only the checks and the scoring needed: the parent keeps rel, mtime and refs (to name cells)."""
    unit.values = {}
    unit.raw_units = None
    unit.problems = []
    unit.names = []
    unit.sheets = []


# --- last year -------------------------------------------------------------------------------------
def previous_levels(path: Path, scheme: Scheme) -> dict[str, int]:
    """Last year's final level by unit key and by org_name, from an earlier summary's 一览表."""
    out: dict[str, int] = {}
    for key, name in read_previous_levels(path).items():
        level = scheme.level_by_name(name)
        if level is not None:
            out[key] = level.rank
    return out


# --- the job ---------------------------------------------------------------------------------------
def consolidate(settings: Settings, progress: Progress | None = None, workers: int | None = None) -> Consolidation:
    """Read, re-score and rate every unit workbook under settings.input_dir (see the module notes)."""
    check_settings(settings)
    scheme = summary_scheme(settings)
    if scheme.stars is not None:  # 双十星 workbooks: a branch and its members per file
        from .star_job import consolidate_stars

        return consolidate_stars(settings, progress=progress, workers=workers)
    prev = previous_levels(Path(settings.previous), scheme) if settings.previous is not None else None
    c = Consolidation(scheme=scheme, settings=settings)

    t0 = time.perf_counter()
    files, problems = find_files(Path(settings.input_dir), settings.exclude)
    if progress is not None:
        progress(0, len(files))
    done = map_files(files, UnitScorer(scheme), workers=workers, progress=progress)
    c.files_seen = len(files)
    t1 = time.perf_counter()
    c.seconds["read"] = t1 - t0  # reading and scoring every unit (in the worker processes)

    cands: list[Candidate] = []
    for file_problems, file_cands in done:
        problems.extend(file_problems)
        cands.extend(file_cands)
    rated: list[tuple[Candidate, UnitResult]] = []
    for cand in dedupe(cands, problems):
        problems.extend(cand.findings)
        if cand.result is not None:
            rated.append((cand, cand.result))

    c.units, c.sets = _rate_sets(rated, scheme, settings, prev, problems)
    c.files_rated = len({cand.file.rel for cand, _ in rated})
    if settings.ledgers is not None:  # the half-year ledgers as evidence (issue 15): shown, no score changed
        from ..ledgers.evidence import read_evidence

        c.evidence, notes = read_evidence(settings.ledgers)
        problems.extend(notes)
    c.problems = problems
    c.seconds["score"] = time.perf_counter() - t1  # dedupe, quotas per set, last year's levels
    return c


def _rate_sets(rated: list[tuple[Candidate, UnitResult]], scheme: Scheme, settings: Settings,
               prev: dict[str, int] | None, problems: list[Problem]) -> tuple[list[UnitRow], list[SetSummary]]:
    groups: dict[str, list[tuple[Candidate, UnitResult]]] = {}
    for cand, r in rated:
        if settings.set_by == "all":
            name = ALL_SET
        elif r.parent_org:
            name = r.parent_org
        else:
            name = NO_PARENT
            problems.append(cand.problem(f"未填写上级党组织,归入“{NO_PARENT}”组单独评定(配额在该组内计算)",
                                         name="parent_org", severity=HINT))
        groups.setdefault(name, []).append((cand, r))

    ranks = [lv.rank for lv in scheme.levels]
    rows: list[UnitRow] = []
    sets: list[SetSummary] = []
    for name in sorted(groups, key=lambda s: (s == NO_PARENT, s)):
        members = sorted(groups[name], key=lambda x: x[0].source)
        results = [r for _, r in members]
        before = Counter(r.rule_level for r in results)
        statuses = apply_quotas(scheme, results, settings.quota_mode)
        after = Counter(r.level for r in results)
        sets.append(SetSummary(name=name, size=len(results), quotas=statuses,
                               counts_before={k: before.get(k, 0) for k in ranks},
                               counts_after={k: after.get(k, 0) for k in ranks}))
        for cand, r in members:
            key = r.org_code or r.org_name
            if prev is not None:  # --previous wins over the unit's own prev_level input
                found = prev.get(r.org_code) if r.org_code in prev else prev.get(r.org_name)
                if found is not None:
                    r.prev_level = found
            rows.append(UnitRow(result=r, set_name=name, source_file=cand.source, key=key, inputs=cand.inputs))
    return rows, sets
