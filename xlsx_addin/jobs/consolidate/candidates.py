"""The units a file holds, as candidates to rate: raw inputs by the names contract and where they came
from; a refused input as a 问题清单 row naming the exact cell."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from xlsx_addin.io.archives import is_archive, members
from xlsx_addin.io.rawdata import upper_of
from xlsx_addin.model.errors import InputError
from xlsx_addin.io.files.handed_in import other_file
from xlsx_addin.io.files.pool import map_files
from xlsx_addin.model.identity import dedupe_key
from xlsx_addin.io.legacy_reader import source_label
from xlsx_addin.io.own_output import input_root, summarised
from xlsx_addin.contracts.names import MASS_PREFIX
from xlsx_addin.io.package import Refused
from xlsx_addin.model.problems import ERROR, HINT, Problem, Severity
from xlsx_addin.model.progress import Progress
from xlsx_addin.io.reader import read_unit, read_unit_data
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scoring import UnitResult
from xlsx_addin.io.unitfile import RAW_SHEET, SCHEME_ID, UNIT_WORKBOOK, UnitFile
from xlsx_addin.model.values import is_blank, shown


def units_of(path: str, rel: str, problems: list[Problem]) -> Iterable[UnitFile]:
    """The workbooks a file holds: itself, or each unit workbook of a .zip archive (read in memory)."""
    if not is_archive(path):
        yield read_unit(path, UNIT_WORKBOOK, rel)
        return
    try:
        for m in members(path, other_file):
            unit = UnitFile(path=path, rel=f"{rel}/{m.name}", mtime=m.mtime)
            if m.data is None:
                problems.append(Problem(file=unit.rel, reason=m.refused, severity=m.severity))
                continue
            yield read_unit_data(unit, m.data, UNIT_WORKBOOK)
    except Refused as why:
        problems.append(Problem(file=rel, reason=str(why), severity=ERROR))


class FileReader:
    """read_unit as an isolated task: a file whose reading crashed becomes a UnitFile with that problem."""

    def __call__(self, path: str, rel: str) -> UnitFile:
        if is_archive(path):
            return self.failed(path, rel, "这是压缩包,请用一键汇总读取其中的单位填报表")
        return read_unit(path, UNIT_WORKBOOK, rel)

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
    upper: list[Any] | None = None  # the upper level's scores per item in force (评分定级表; a summary's 原始数据 row)
    upper_by: list[str] = field(default_factory=list)  # who set each of them ('' where none)
    findings: list[Problem] = field(default_factory=list)  # what scoring found, reported if the unit is kept

    @property
    def key(self) -> tuple:
        """The unit's identity for dedupe (identity.dedupe_key)."""
        return dedupe_key(self.inputs.get("org_code"), self.inputs.get("parent_org"), self.inputs.get("org_name"))

    def problem(self, reason: str, *, name: str | None = None, index: int | None = None, value: Any = "",
                severity: Severity = ERROR, cell: str | None = None) -> Problem:
        if self.raw_row is not None:
            sheet, where = RAW_SHEET, f"第{self.raw_row}行" + (f" {name}" if name else "")
        elif name:
            sheet, where = self.file.where(name, index)
        else:
            sheet, where = "", ""
        return Problem(file=self.file.rel, sheet=sheet,
                       cell=cell if cell is not None else where, value=shown(value), reason=reason, severity=severity)


def cell_text(value: Any) -> str:
    return "" if is_blank(value) else shown(value).strip()


def contract_names(scheme: Scheme) -> list[str]:
    votes = list(scheme.vote_inputs)
    return list(scheme.form_inputs) + votes + [MASS_PREFIX + v for v in votes]


def candidates_of(unit: UnitFile, scheme: Scheme, problems: list[Problem]) -> list[Candidate]:
    """Check a read file against the contract and the scheme; the units it holds (none when refused)."""
    problems.extend(unit.problems)
    if unit.failed:
        return []
    names = contract_names(scheme)
    own = own_output(unit)
    if own is not None:
        problems.append(own)
        return []
    if unit.raw_units is not None:  # a town's summary workbook: its raw rows are units
        sid = unit.raw_scheme_id
        if sid and sid != scheme.id:
            problems.append(Problem(unit.rel, RAW_SHEET, "", sid, f"该汇总表使用评定方案“{sid}”,与本次汇总方案"
                                    f"“{scheme.id}”不同,其中的单位未参与评定", ERROR))
            return []
        allowed = set(names)
        out = []
        for inputs, source, row in unit.raw_units:
            upper, by = upper_of(inputs, len(scheme.items), unit.rel) if scheme.stars is None else (None, [])
            out.append(Candidate(unit, {k: v for k, v in inputs.items() if k in allowed},
                                 f"{unit.rel}:{source}" if source else unit.rel, row, upper=upper, upper_by=by))
        return out
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
    sid = cell_text(unit.scheme_id)
    if SCHEME_ID in unit.refs and sid and sid != scheme.id:
        sheet, cell = unit.where(SCHEME_ID)
        problems.append(Problem(unit.rel, sheet, cell, sid, f"本单位填报表使用评定方案“{sid}”,与本次汇总方案“{scheme.id}”"
                                f"({scheme.name})不同,未参与评定;请用本次下发的模板重新填报", ERROR))
        return []
    version = unit.template_version
    if not is_blank(version) and cell_text(version) != str(scheme.version):
        sheet, cell = unit.where("template_version")
        problems.append(Problem(unit.rel, sheet, cell, cell_text(version), f"填报表的模板版本“{cell_text(version)}”与本次汇总的方案版本"
                                f"“{scheme.version}”不同,已按本次汇总的规则评定;如有疑问请用新模板重新填报", HINT))
    missing = [n for n in names if n not in unit.refs and n not in _bad_names(unit)]
    if missing:
        problems.append(Problem(unit.rel, reason=f"填报表缺少定义名称:{'、'.join(missing)}(模板被改动或版本不符),"
                                "未参与评定;请用下发的模板重新填报", severity=ERROR))
        return []
    return [Candidate(unit, unit.inputs(set(names)), source_label(unit))]


def own_output(unit: UnitFile) -> Problem | None:
    """A summary this job wrote from this same folder (its record says so: io/own_output.py) is not a town's
    summary: its units are the folder's own, so it is passed over with a 提示."""
    if unit.raw_units is None or unit.recorded_folder is None:
        return None
    root = input_root(unit.path, unit.rel)
    if root is None or not summarised(unit.path, unit.recorded_folder, root):
        return None
    return Problem(unit.rel, reason="这是本文件夹以前汇总写出的汇总表(汇总程序自己的输出,不是下级汇总表),"
                   "其中的单位未重复读取", severity=HINT)


def _bad_names(unit: UnitFile) -> set[str]:
    return {p.cell for p in unit.problems}


def input_problem(c: Candidate, exc: InputError, scheme: Scheme) -> Problem:
    """A refused input as a 问题清单 row: the defined name's cell, or the exact cell of a score item
    (the error carries its index)."""
    name = exc.name
    reason = f"{exc},该单位未参与评定"
    value = exc.value
    if name in ("item_scores", "item_scores_reviewed"):
        cells = c.inputs.get(name)
        if exc.index is not None and isinstance(cells, list) and 0 <= exc.index < len(cells):
            return c.problem(reason, name=name, index=exc.index, value=cells[exc.index])
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


def _cells_text(cells: list[str]) -> str:
    """E5,E6,E7 → E5:E7 when the cells make one column; else joined by commas."""
    m = [x for x in (re.match(r"([A-Z]+)(\d+)$", c) for c in cells) if x is not None]
    if cells and len(m) == len(cells) and len({x.group(1) for x in m}) == 1:
        rows = [int(x.group(2)) for x in m]
        if rows == list(range(rows[0], rows[0] + len(rows))):
            return cells[0] if len(cells) == 1 else f"{cells[0]}:{cells[-1]}"
    return ",".join(cells)
