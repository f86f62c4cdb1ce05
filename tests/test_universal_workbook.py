"""The universal workbook computes what the engine computes, in a real spreadsheet program.

Workbooks are filled through their defined names by openpyxl (which keeps no cached results, so
LibreOffice's recalculation is a real one), recalculated in LibreOffice headless with
calculateAll() and saved; every result cell must then equal what the formula functions return
(cells.py → score_unit): numbers, level names, the reasons text, 待填写 and 错误: texts alike.
Then again with numbers of the 规则 sheet edited, against score_unit(apply_rules(scheme, edits)).
"""
from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.support.libreoffice import RecalcJob
from tests.universal_cases import RULE_EDITS, cases
from xlsx_addin import RatingError, apply_rules, load_scheme, score_unit
from xlsx_addin.engine.scheme import SCORED_SCHEMES as BUILTIN  # 双十星: tests/test_stars_workbook.py
from xlsx_addin.io.books.unit.book import Grid, _assign, build_unit_workbook, plan_for, result_values

pytestmark = pytest.mark.slow
SAVE_EVERY = 10  # every tenth recalculated workbook is also saved by LibreOffice and read back

RESULT_KEYS = {  # defined name → results key of the formula cells
    "result_base_score": "base", "result_bonus": "bonus", "result_penalty": "penalty",
    "result_final_score": "final", "result_level": "level", "result_reasons": "reasons",
    "result_rectify": "rectify", "result_participation_rate": "participation",
    "result_satisfaction_rate": "satisfaction", "result_survey_note": "survey_note",
    "result_stars": "stars", "result_star_count": "star_count",
}


def _destinations(wb, name: str) -> list:
    cells = []
    for title, coord in wb.defined_names[name].destinations:
        got = wb[title][coord.replace("$", "")]
        if isinstance(got, tuple):
            cells.extend(c for row in got for c in row)
        else:
            cells.append(got)
    return cells


class Filler:
    """Fills copies of one blank template through its defined names (and the 规则 值 cells)."""

    def __init__(self, template: bytes):
        self.wb = openpyxl.load_workbook(io.BytesIO(template))
        self.cells = {name: _destinations(self.wb, name) for name in self.wb.defined_names}
        ws = self.wb["规则"]
        self.rule_rows = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}

    def save(self, inputs: dict[str, Any], rules: dict[str, Any], out: Path) -> None:
        touched = []
        for name, value in inputs.items():
            cells = self.cells[name]
            values = value if isinstance(value, list) else [value]
            assert len(values) == len(cells), name
            for cell, v in zip(cells, values):
                touched.append((cell, cell.value))
                cell.value = v
        ws = self.wb["规则"]
        for key, value in rules.items():
            cell = ws.cell(self.rule_rows[key], 3)
            touched.append((cell, cell.value))
            cell.value = value
        self.wb.save(out)
        for cell, old in reversed(touched):  # back to the blank form for the next unit
            cell.value = old


def read_names(path: Path, names: list[str]) -> dict[str, Any]:
    """The saved values of defined names, as the consolidation reads them (python-calamine)."""
    from python_calamine import CalamineWorkbook

    wb = openpyxl.load_workbook(path, read_only=False)
    book = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in names:
        title, coord = next(iter(wb.defined_names[name].destinations))
        col, row = openpyxl.utils.cell.coordinate_from_string(coord.replace("$", "").split(":")[0])
        rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
        r, c = row - 1, openpyxl.utils.cell.column_index_from_string(col) - 1
        out[name] = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
    return out


def expected(scheme, inputs: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    """What the formula functions show for these cells (the engine, through cells.py)."""
    plan = plan_for(scheme)
    written = _assign(plan, inputs)
    for key, value in rules.items():
        written[plan.params[key]] = value
    values = result_values(plan, Grid(plan, written))
    for f in plan.formulas:  # the survey rates shown again on the 自评表 are plain references
        if f.key and f.key.startswith("="):
            values.setdefault(f.key[1:], values.get(f.key[1:]))
    return values


def same(got: Any, want: Any) -> bool:
    if isinstance(want, bool):
        want = float(want)
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return math.isclose(float(got), float(want), rel_tol=0, abs_tol=1e-9)
    if want in (None, "") and got in (None, ""):
        return True
    return str(got) == str(want)


def run(libreoffice, tmp_path: Path, scheme_name: str, n_random: int, rules: dict[str, Any]):
    base = load_scheme(scheme_name)
    scheme = apply_rules(base, rules) if rules else base
    template = tmp_path / f"blank_{scheme_name}.xlsx"
    build_unit_workbook(template, base)
    filler = Filler(template.read_bytes())
    plan = plan_for(base)
    names = [n for n in RESULT_KEYS if n in plan.names]
    todo = cases(scheme, n_random)
    jobs = []
    for i, (label, inputs) in enumerate(todo):
        path = tmp_path / f"{scheme_name}_{i:03d}.xlsx"
        filler.save(inputs, rules, path)
        saved = tmp_path / f"{scheme_name}_{i:03d}_lo.xlsx" if i % SAVE_EVERY == 0 else None
        jobs.append(RecalcJob(path, names, save_as=saved))
    got = libreoffice.recalc_many(jobs)
    for job, values in zip(jobs, got):  # what LibreOffice saved is what it computed
        if job.save_as is not None:
            stored = read_names(Path(job.save_as), names)
            assert all(same(stored[n], values[n]) for n in names), (job.save_as, stored, values)
    failures = []
    for (label, inputs), values in zip(todo, got):
        want = expected(base, inputs, rules)
        for name in names:
            if not same(values[name], want[RESULT_KEYS[name]]):
                failures.append(f"{label}: {name} = {values[name]!r}, engine {want[RESULT_KEYS[name]]!r}")
        try:  # and directly against score_unit on the scheme with the edits applied
            r = score_unit(scheme, inputs)
        except RatingError:
            continue
        if values["result_level"] != r.level_name or values["result_reasons"] != "；".join(r.reasons) \
                or not same(values["result_final_score"], r.final_score):
            failures.append(f"{label}: score_unit gives {r.level_name} {r.final_score} {r.reasons}")
    assert not failures, f"{len(failures)} differences:\n" + "\n".join(failures[:40])
    return len(todo)


@pytest.mark.parametrize("scheme_name", BUILTIN)
def test_universal_workbook_equals_engine(libreoffice, tmp_path, scheme_name):
    assert run(libreoffice, tmp_path, scheme_name, n_random=170, rules={}) >= 200


@pytest.mark.parametrize("scheme_name", BUILTIN)
def test_universal_workbook_follows_rules_sheet_edits(libreoffice, tmp_path, scheme_name):
    assert run(libreoffice, tmp_path, scheme_name, n_random=90, rules=RULE_EDITS[scheme_name]) >= 120


# --- a second engine: the `formulas` package ---------------------------------------------------

def _inputs_of(plan) -> list[str]:
    return sorted(n for n in plan.inputs if not n.startswith("_"))


@pytest.mark.parametrize("scheme_name", BUILTIN)
def test_formulas_package_agrees_with_the_engine(tmp_path, scheme_name):
    """The universal workbook compiled once by `formulas`, then evaluated on the boundary cases
    and random units, each result equal to the formula functions' value."""
    from tests.support.formulas_eval import FormulasBook

    scheme = load_scheme(scheme_name)
    plan = plan_for(scheme)
    path = build_unit_workbook(tmp_path / f"{scheme_name}.xlsx", scheme)
    names = [n for n in RESULT_KEYS if n in plan.names]
    book = FormulasBook(path, inputs=_inputs_of(plan))
    failures = []
    # A text that reads as a number ("10" typed as text) is left to LibreOffice: `formulas` takes an
    # input given as text for a number in ISNUMBER but keeps comparing it as text.
    todo = [(label, inputs) for label, inputs in cases(scheme, n_random=30, seed=11) if label != "score as text number"]
    for label, inputs in todo:
        edits = {name: inputs.get(name) for name in _inputs_of(plan)}
        for name in ("item_scores", "item_scores_reviewed"):
            n = len(plan.inputs[name])
            edits[name] = edits[name] if edits[name] is not None else [None] * n
        got = book.values(names, edits)
        want = expected(scheme, inputs, {})
        for name in names:
            if not same(got[name], want[RESULT_KEYS[name]]):
                failures.append(f"{label}: {name} = {got[name]!r}, engine {want[RESULT_KEYS[name]]!r}")
    assert not failures, f"{len(failures)} differences:\n" + "\n".join(failures[:40])


# --- texts over the 规则 sheet, and the consolidation of recalculated workbooks -----------------

def _all_text(path: Path, sheets: tuple[str, ...]) -> str:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return "\n".join(str(v) for s in sheets for row in book.get_sheet_by_name(s).to_python() for v in row if v != "")


def test_texts_follow_rules_sheet_edits_in_libreoffice(libreoffice, tmp_path):
    """填表说明, the 计分规则 column and the 标准分值 column state the numbers in force after a 规则 edit."""
    scheme = load_scheme("five_star")
    template = build_unit_workbook(tmp_path / "blank.xlsx", scheme)
    before = _all_text(template, ("填表说明", "自评表"))
    assert "满意率低于60%时扣5分" in before and "超过12" in before
    edits = {"adjustments.low_satisfaction.when.value": 0.65, "adjustments.low_satisfaction.points": -4,
             "adjustments.election_overdue_year.when.value": 24, "adjustments.absences_demote.when.value": 2,
             "items.1.points": 15, "items.2.points": 5, "quotas.top_cap.share": 0.15}
    filled = tmp_path / "edited.xlsx"
    Filler(template.read_bytes()).save({"org_name": "测试支部"}, edits, filled)
    libreoffice.recalc(filled, ["result_level"], save_as=tmp_path / "edited_lo.xlsx")
    after = _all_text(tmp_path / "edited_lo.xlsx", ("填表说明", "自评表"))
    assert "满意率低于65%时扣4分" in after and "满意率低于60%" not in after
    assert "换届逾期月数超过24" in after and "超过12" not in after
    assert "累计缺席2次及以上" in after
    assert "1. 组织健全(15分)" in after and "2. 制度完善、落实(5分)" in after
    assert "五星级不超过参评总数的15%" in after


def test_consolidation_reads_recalculated_workbooks_of_both_flavours(libreoffice, tmp_path):
    """Workbooks saved by LibreOffice after its recalculation, and Python workbooks as built, are read by
    the same names; their saved results equal the recomputation (no 表内保存 row); a stale one is reported."""
    from xlsx_addin.jobs.consolidate import Settings, consolidate
    from xlsx_addin.jobs.demo.county import generate_county

    scheme = load_scheme("five_star")
    folder = tmp_path / "in"
    folder.mkdir()
    template = build_unit_workbook(tmp_path / "blank.xlsx", scheme)
    filler = Filler(template.read_bytes())
    units = generate_county(6, scheme, 5)
    jobs = []
    for i, (_, inputs) in enumerate(units[:4]):
        filler.save(inputs, {}, tmp_path / f"u{i}.xlsx")
        jobs.append(RecalcJob(tmp_path / f"u{i}.xlsx", ["result_level"], save_as=folder / f"u{i}.xlsx"))
    libreoffice.recalc_many(jobs)
    for i, (_, inputs) in enumerate(units[4:], start=4):
        build_unit_workbook(folder / f"u{i}.xlsm", scheme, inputs, python=True)
    c = consolidate(Settings(input_dir=folder, scheme_source="five_star"))
    assert len(c.units) == 6
    assert not [p for p in c.problems if "表内保存" in p.reason], c.problems
    by_name = {u.result.org_name: u.result for u in c.units}
    for _, inputs in units:
        assert by_name[inputs["org_name"]].final_score == score_unit(scheme, inputs).final_score
    # the same file with its saved level edited by hand (a stale result) is reported
    import zipfile

    src = folder / "u0.xlsx"
    level = score_unit(scheme, units[0][1]).level_name
    other = next(lv.name for lv in scheme.levels if lv.name != level)
    stale = tmp_path / "stale"
    stale.mkdir()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(stale / "u0.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):  # formula text results are saved in the cell
                data = data.replace(f"<v>{level}</v>".encode(), f"<v>{other}</v>".encode())
            zout.writestr(item, data)
    c = consolidate(Settings(input_dir=stale, scheme_source="five_star"))
    assert [p for p in c.problems if "表内保存的评定结果" in p.reason], c.problems
