"""The unit workbook (单位填报表): committed files up to date, names contract, values, formulas, print."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.xlsx_parts import differences, vba_modules
from xlsx_addin import load_scheme, score_unit
from xlsx_addin.contracts.names import ADJUSTMENT_INPUTS, INPUTS, MASS_PREFIX
from xlsx_addin.engine.scheme import SCORED_SCHEMES as BUILTIN  # 双十星 has its own workbook (test_stars_workbook.py)
from xlsx_addin.templates import build_unit_workbook, unit_filename
from xlsx_addin.io.books.unit.book import RESULT_NAMES
from xlsx_addin.model.versions import XLWINGS_VERSION

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ROOT / "workbooks"
TABLE_NAMES = {"info_table", "survey_table", "rules_table", "scheme_id", "template_version"}

TYPICAL = dict(org_name="城关镇第一党支部", org_code="A001", parent_org="城关镇党委", org_type="农村", member_count=40,
               item_scores=[9, 9, 8.5, 9, 9, 8, 10, 9, 9, 9], honor_level="省级", criticism_committee=1, absences=1,
               election_overdue_months=0, election_overdue_excused="否", members_present=36, masses_present=10,
               votes_satisfied=30, votes_basic=10, votes_unsatisfied=4, votes_invalid=2, prev_level="四星级")
STATES = {
    "blank": None,
    "typical": TYPICAL,
    # satisfaction 40 % (< 50 %): 不定星级 whatever the score
    "vetoed": {**TYPICAL, "item_scores": [10] * 10, "votes_satisfied": 10, "votes_basic": 6, "votes_unsatisfied": 24},
    # election 13 months overdue without excuse: at most 三星级
    "capped": {**TYPICAL, "item_scores": [10] * 10, "criticism_committee": 0, "absences": 0,
               "election_overdue_months": 13, "election_overdue_excused": "否",
               "mass_votes_satisfied": 8, "mass_votes_basic": 2, "mass_votes_unsatisfied": 0, "mass_votes_invalid": 0},
    "refused": {**TYPICAL, "item_scores": [9, 9, 8.5, 9, 9, 8, 10, 9, 9, 15]},
}


def _ten_star_values() -> dict:
    scheme = load_scheme("ten_star")
    subs = [s.points if i % 3 else 0 for it in scheme.items for i, s in enumerate(it.sub_items)]
    return dict(org_name="红星村党支部", member_count=25, org_type="村党支部", item_scores=subs, members_present=22,
                masses_present=0, votes_satisfied=18, votes_basic=3, votes_unsatisfied=1, votes_invalid=0)


def _defined_names(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/workbook.xml").decode("utf-8")
    found = re.finditer(r'<definedName name="([^"]+)"[^>]*>([^<]+)</definedName>', xml)
    return {m.group(1): m.group(2) for m in found if not m.group(1).startswith("_xlnm.")}  # print titles aside


def _cells(wb, name: str) -> list:
    """The openpyxl cells a workbook-level defined name points at, in order."""
    out = []
    for sheet, ref in wb.defined_names[name].destinations:
        block = wb[sheet][ref.replace("$", "")]
        if not isinstance(block, tuple):
            out.append(block)
        else:
            for row in block:
                out.extend(row if isinstance(row, tuple) else (row,))
    return out


def _result_names(scheme) -> set[str]:
    keys = set(RESULT_NAMES) - ({"stars", "star_count"} if scheme.item_pass_share is None else set())
    return {RESULT_NAMES[k] for k in keys}


def _expected_names(scheme) -> set[str]:
    votes = set(scheme.vote_inputs)
    return set(scheme.form_inputs) | votes | {MASS_PREFIX + v for v in votes} | _result_names(scheme) | TABLE_NAMES


# --- committed templates -------------------------------------------------------------------

@pytest.mark.parametrize("python", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["universal", "python"])
@pytest.mark.parametrize("name", BUILTIN)
def test_committed_workbook_equals_fresh_build(name, python, tmp_path):
    scheme = load_scheme(name)
    fresh = build_unit_workbook(tmp_path / unit_filename(scheme, python=python), scheme, python=python)
    committed = WORKBOOKS / unit_filename(scheme, python=python)
    assert committed.exists(), f"{committed} is missing: run `xlsx-addin templates --out workbooks`"
    # every sheet and part byte for byte; the Python workbook's VBA project by its modules and their code
    assert not differences(committed, fresh), \
        (f"{committed.name} is out of date: run `xlsx-addin templates --out workbooks`", differences(committed, fresh))
    if python:
        modules = vba_modules(committed)
        assert {"VBA/ThisWorkbook", "VBA/xlwings", "VBA/xlwings_udfs"} <= set(modules), list(modules)
        assert f'XLWINGS_VERSION As String = "{XLWINGS_VERSION}"' in modules["VBA/xlwings"]


def test_build_is_byte_deterministic_with_values(tmp_path):
    a = build_unit_workbook(tmp_path / "a.xlsx", "five_star", TYPICAL).read_bytes()
    b = build_unit_workbook(tmp_path / "b.xlsx", "five_star", TYPICAL).read_bytes()
    assert a == b
    assert b"<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-01-01T00:00:00Z" in zipfile.ZipFile(
        tmp_path / "a.xlsx").read("docProps/core.xml")


# --- the names contract --------------------------------------------------------------------

@pytest.mark.parametrize("python", [False, True], ids=["universal", "python"])
@pytest.mark.parametrize("name", BUILTIN)
def test_every_contract_name_resolves_to_the_right_cells(name, python):
    scheme = load_scheme(name)
    path = WORKBOOKS / unit_filename(scheme, python=python)
    names = _defined_names(path)
    assert set(names) == _expected_names(scheme)
    wb = load_workbook(path)
    n_scores = scheme.sub_item_count or len(scheme.items)
    for input_name in _expected_names(scheme) - TABLE_NAMES - _result_names(scheme):
        cells = _cells(wb, input_name)
        want = n_scores if INPUTS.get(input_name) and INPUTS[input_name].kind == "scores" else 1
        assert len(cells) == want, input_name
        for cell in cells:
            assert cell.protection.locked is False, f"{input_name} {cell.coordinate} must be unlocked"
            assert cell.value is None, f"{input_name} must be blank in the template"
    # result cells are locked formulas: the formula functions (Python) or native functions only (universal)
    for result in _result_names(scheme):
        (cell,) = _cells(wb, result)
        assert cell.protection.locked
        assert isinstance(cell.value, str) and cell.value.startswith("="), (result, cell.value)
        if python:  # a reference to its row of the XJ_RESULT / XJ_SURVEY block (tests/test_python_workbook.py)
            assert cell.value.startswith("='函数结果'!$B$"), (result, cell.value)
        else:
            assert "XJ_" not in cell.value and "_xlfn" not in cell.value, (result, cell.value)
    # info/survey tables: (name, value) rows whose names are contract names and whose values are the named cells
    for table, owned in (("info_table", {n for n in scheme.form_inputs if INPUTS[n].kind != "scores"}
                          - {"members_present", "masses_present"}),
                         ("survey_table", {"members_present", "masses_present"} | set(scheme.vote_inputs)
                          | {MASS_PREFIX + v for v in scheme.vote_inputs})):
        ((sheet, ref),) = wb.defined_names[table].destinations
        rows = wb[sheet][ref.replace("$", "")]
        assert all(len(r) == 2 for r in rows)
        keyed = {r[0].value: r[1] for r in rows if r[0].value}
        assert set(keyed) == owned, table
        for key, value_cell in keyed.items():
            (named,) = _cells(wb, key)
            assert (named.parent.title, named.coordinate) == (value_cell.parent.title, value_cell.coordinate)
    # rules table: (参数, key, 值, 说明), scheme row first
    rules = _cells(wb, "rules_table")
    assert len(rules) % 4 == 0
    assert _cells(wb, "scheme_id")[0].value == scheme.id
    assert _cells(wb, "template_version")[0].value == scheme.version
    for ws in wb.worksheets:
        if ws.title == "xlwings.conf":  # the IT person may add Interpreter_Win there (docs/TEMPLATES.md)
            continue
        assert ws.protection.sheet and not ws.protection.password, ws.title
        assert ws.protection.formatColumns is False and ws.protection.formatRows is False  # allowed
    if python:
        assert wb["xlwings.conf"]["A1"].value == "UDF Modules"
        assert wb["xlwings.conf"]["B1"].value == "udfs.star_rating"
    else:
        assert "xlwings.conf" not in wb.sheetnames
        assert wb["计算"].sheet_state == "hidden"


@pytest.mark.slow
@pytest.mark.parametrize("state", ["typical", "vetoed", "capped"])
def test_values_written_by_openpyxl_score_as_expected(state, tmp_path):
    """A clerk's typing, simulated: fill the blank template's named cells, read them back, score."""
    scheme = load_scheme("five_star")
    values = STATES[state]
    wb = load_workbook(WORKBOOKS / unit_filename(scheme))
    for name, value in values.items():
        cells = _cells(wb, name)
        for cell, v in zip(cells, value if isinstance(value, list) else [value]):
            cell.value = v
    wb.save(tmp_path / "filled.xlsx")
    back = load_workbook(tmp_path / "filled.xlsx")
    read = {}
    for name in _expected_names(scheme) - TABLE_NAMES - _result_names(scheme):
        cells = _cells(back, name)
        read[name] = [c.value for c in cells] if len(cells) > 1 else cells[0].value
    assert score_unit(scheme, read) == score_unit(scheme, values)


# --- cached values ---------------------------------------------------------------------------

HAND = {"typical": (89.5, 5, 6, 88.5, "四星级", "否"), "vetoed": (100, 5, 11, 94, "不定星级", "是"),
        "capped": (100, 5, 0, 105, "三星级", "否")}


def _expected(scheme, values) -> dict:
    r = score_unit(scheme, values)
    return {"result_base_score": r.base_score, "result_bonus": r.bonus, "result_penalty": r.penalty,
            "result_final_score": r.final_score, "result_level": r.level_name,
            "result_reasons": "；".join(r.reasons), "result_rectify": "是" if r.rectify else "否"}


@pytest.mark.parametrize("state", list(STATES))
def test_cached_values_are_what_the_engine_computes(state, tmp_path):
    scheme = load_scheme("five_star")
    values = STATES[state]
    path = build_unit_workbook(tmp_path / "u.xlsx", scheme, values)
    wb = load_workbook(path, data_only=True)
    got = {n: _cells(wb, n)[0].value for n in _result_names(scheme)}
    if state == "blank":
        assert {got[n] for n in _result_names(scheme) if "rate" not in n} == {"待填写"}
        return
    if state == "refused":
        assert all(str(got[n]).startswith("错误:") and "15" in str(got[n]) for n in _expected(scheme, TYPICAL))
        return
    assert {n: got[n] for n in _expected(scheme, values)} == pytest.approx(_expected(scheme, values))
    # and by hand, from the five_star rules: items + 省级 honour 5 − 3 per criticism − 3 per absence
    # (− 5 below 60 % satisfaction); below 50 % 不定星级; an election 13 months late: at most 三星级
    base, bonus, penalty, final, level, rectify = HAND[state]
    assert (got["result_base_score"], got["result_bonus"], got["result_penalty"], got["result_final_score"],
            got["result_level"], got["result_rectify"]) == (base, bonus, penalty, final, level, rectify)
    r = score_unit(scheme, values)
    assert got["result_participation_rate"] == pytest.approx(r.participation_rate)
    assert got["result_satisfaction_rate"] == pytest.approx(r.satisfaction_rate)


def test_ten_star_sub_item_cells(tmp_path):
    scheme = load_scheme("ten_star")
    values = _ten_star_values()
    path = build_unit_workbook(tmp_path / "t.xlsx", scheme, values)
    wb = load_workbook(path, data_only=True)
    assert len(_cells(wb, "item_scores")) == 40
    r = score_unit(scheme, values)
    assert _cells(wb, "result_level")[0].value == r.level_name
    assert _cells(wb, "result_base_score")[0].value == pytest.approx(r.base_score)


def test_wrong_shapes_and_unknown_names_are_refused(tmp_path):
    with pytest.raises(ValueError, match="item_scores"):
        build_unit_workbook(tmp_path / "x.xlsx", "ten_star", {"org_name": "x", "item_scores": [10] * 10})
    with pytest.raises(ValueError, match="no_such_input"):
        build_unit_workbook(tmp_path / "x.xlsx", "five_star", {"no_such_input": 1})
    # another scheme's empty ballot option is harmless, as in the engine
    build_unit_workbook(tmp_path / "x.xlsx", "five_star", {"votes_poor": 0})


# --- the formulas evaluated outside Excel ------------------------------------------------------

def _bind_udfs():
    formulas = pytest.importorskip("formulas")
    import numpy as np
    import schedula as sh
    from formulas.functions import wrap_func

    from xlsx_addin.engine import cells

    def plain(v):
        if isinstance(v, np.ndarray):
            return [[plain(x) for x in row] for row in v.tolist()] if v.ndim == 2 else [plain(x) for x in v.tolist()]
        if isinstance(v, list):
            return [plain(x) for x in v]
        return None if v is sh.EMPTY else v

    def bind(fn, scalars=()):
        def udf(*args):  # ranges arrive as 2-D arrays (EMPTY for blank cells): pass them as xlwings would
            args = [plain(a) for a in args]
            args = [a[0][0] if i in scalars and isinstance(a, list) else a for i, a in enumerate(args)]
            return fn(*args)
        return wrap_func(udf)

    functions = formulas.get_functions()
    for name, fn in cells.UDF_FUNCTIONS.items():
        functions[name] = bind(fn, scalars=(0, 1) if name == "XJ_PARTICIPATION" else ())
    return formulas


@pytest.mark.slow
@pytest.mark.parametrize("python", [False, True], ids=["universal", "python"])
@pytest.mark.parametrize("state", ["blank", "typical", "vetoed", "capped"])
def test_formulas_package_evaluates_result_cells_like_the_engine(state, python, tmp_path):
    """A second engine: the `formulas` package evaluates the native formulas (universal) or the
    formula functions bound to cells.py (Python workbook) and gets the engine's results."""
    formulas = _bind_udfs() if python else pytest.importorskip("formulas")
    scheme = load_scheme("five_star")
    path = build_unit_workbook(tmp_path / "f.xlsx", scheme, STATES[state], python=python)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    by_cell = {k.upper(): v for k, v in solution.items()}
    wb = load_workbook(path, data_only=True)

    def evaluated(name):
        (cell,) = _cells(wb, name)
        key = f"'[{path.name}]{cell.parent.title}'!{cell.coordinate}".upper()
        value = by_cell[key].value[0][0]
        return value, cell.value

    for name in _result_names(scheme):
        value, cached = evaluated(name)
        if isinstance(cached, (int, float)):
            assert value == pytest.approx(cached), name
        else:
            assert value == (cached or ""), name  # formulas gives '' where openpyxl reads an empty <v> as None
    if STATES[state] is not None:
        expected = _expected(scheme, STATES[state])
        for name, want in expected.items():
            assert evaluated(name)[0] == pytest.approx(want), name


# --- printing (LibreOffice headless) --------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", BUILTIN)
def test_libreoffice_prints_a4_with_chinese_titles(libreoffice, name, tmp_path):
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler (pdftotext, pdfinfo) is not installed: the print check needs it")
    scheme = load_scheme(name)
    pdf = libreoffice.convert(WORKBOOKS / unit_filename(scheme), tmp_path / "in.pdf", recalc=False)  # as opened
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    for title in (f"{scheme.name}自评表", f"{scheme.name}{scheme.survey.title}表", f"{scheme.name}{scheme.survey.title}汇总表",
                  "填表说明", "规则参数", scheme.items[0].label):
        assert title in text, title
    assert "第 1 页" in text
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=60).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and abs(float(size.group(1)) - 595.3) < 2 and abs(float(size.group(2)) - 841.9) < 2, info


@pytest.mark.parametrize("name", ["four_grade", "ten_star", "six_good"])
def test_a_scheme_form_shows_its_own_inputs_only(tmp_path, name):
    """five_star's 表彰/通报批评/换届逾期 rows are not on the other schemes' 自评表 (issue 23)."""
    path = build_unit_workbook(tmp_path / "x.xlsx", name)
    texts = {str(c.value) for row in load_workbook(path)["自评表"].iter_rows() for c in row if c.value is not None}
    adjustment_labels = [INPUTS[n].label for n in ADJUSTMENT_INPUTS] + ["本方案不据此加减分(如实填写备查)", "加分、减分及否决事项"]
    assert not [t for t in texts for label in adjustment_labels if label in t]
    assert "honor_level" not in _defined_names(path) and "org_type" in _defined_names(path)
    five = build_unit_workbook(tmp_path / "five.xlsx", "five_star")
    assert "honor_level" in _defined_names(five)


def test_four_grade_survey_is_the_satisfaction_survey(tmp_path):
    """001: 《基层党组织分类定级党员群众满意度测评表》 and its 汇总表, options 满意/基本满意/不满意."""
    wb = load_workbook(build_unit_workbook(tmp_path / "x.xlsx", "four_grade"))
    assert wb["测评表"]["A1"].value == "基层党组织分类定级党员群众满意度测评表"
    assert wb["测评汇总表"]["A1"].value == "基层党组织分类定级党员群众满意度测评汇总表"
    header = [c.value for c in wb["测评表"][4]]
    assert header[2:5] == ["满意", "基本满意", "不满意"]


@pytest.mark.parametrize("path", sorted(p.name for p in WORKBOOKS.glob("*.xls*") if p.name != "huizong.xlsm"))
def test_no_validation_refers_to_another_sheet(path):
    """Excel 2007 holds no validation rule with a reference to another sheet: every such limit goes through a
    defined name (rules_table, member_names), docs/TEMPLATES.md (issue 23)."""
    with zipfile.ZipFile(WORKBOOKS / path) as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    rules = [m for xml in sheets for m in re.findall(r"<dataValidation .*?</dataValidation>", xml)]
    assert rules and not [r for r in rules if "!" in re.sub(r"(error|prompt)=\"[^\"]*\"", "", r)], path
