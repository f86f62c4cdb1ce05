"""The 双十星 评星表's Python flavour (评星表_double_ten_star.xlsm): formula functions inside, nothing to import.

Proven here without Excel: the same sheets, defined names and member_table as the universal workbook; a VBA
project (olevba reads it, code page 936) with a wrapper for every function of udfs/; each result block is one
array call; the saved values are score_unit's for the organisation and every member; the functions answer
like xlsx_addin.engine.double_ten.cells on what xlwings passes (floats, 2-D lists); LibreOffice opens and prints it; the
consolidation reads it as it reads the .xlsx. Unproven without Excel: xlwings actually calling the functions.
"""
from __future__ import annotations

import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

import udfs
from xlsx_addin import load_scheme
from xlsx_addin.jobs.consolidate import Settings, consolidate
from xlsx_addin.engine.double_ten.cells import (
    MEMBER_RESULT_KEYS,
    ORG_RESULT_KEYS,
    STAR_UDF_FUNCTIONS,
    score_or_text,
    member_inputs,
    member_values,
    org_values,
    xj_member_stars,
    xj_star_result,
)
from xlsx_addin.jobs.demo.double_ten import generate_town
from xlsx_addin.contracts.double_ten_book import M_COUNT, MEMBER_TABLE
from xlsx_addin.io.books.double_ten.book import build_star_workbook, star_filename
from xlsx_addin.io.books.double_ten.python_flavour import PYTHON_NOTE, SHEET_BLOCKS
from tests.test_stars_workbook import OWN, member_case, org_case

ROOT = Path(__file__).resolve().parents[1]
ORG = load_scheme("double_ten_star")
MEMBER = load_scheme("double_ten_star_member")
RESULTS = ("result_star_count", "result_level", "result_stars", "result_rectify", "result_privileged",
           "result_reasons", "result_notes")


def _values(wb, name):
    ((sheet, ref),) = wb.defined_names[name].destinations
    v = wb[sheet][ref.replace("$", "")].value
    return "" if v is None else v


def test_committed_python_workbook_is_a_fresh_build(tmp_path):
    fresh = build_star_workbook(tmp_path / "x.xlsm", ORG, python=True)
    committed = ROOT / "workbooks" / star_filename(ORG, python=True)
    assert committed.exists(), "run: xlsx-addin templates --out workbooks"
    assert fresh.read_bytes() == committed.read_bytes(), "run: xlsx-addin templates --out workbooks"


def test_same_sheets_names_and_table_as_the_universal_workbook(tmp_path):
    uni = openpyxl.load_workbook(build_star_workbook(tmp_path / "u.xlsx", ORG))
    py = openpyxl.load_workbook(build_star_workbook(tmp_path / "p.xlsm", ORG, python=True), keep_vba=True)
    assert py.sheetnames == uni.sheetnames + [SHEET_BLOCKS, "xlwings.conf"]
    assert py[SHEET_BLOCKS].sheet_state == "hidden" and py["xlwings.conf"].sheet_state == "hidden"
    assert {n: d.attr_text for n, d in py.defined_names.items()} == {n: d.attr_text for n, d in uni.defined_names.items()}
    assert py["党员评星表"].tables[MEMBER_TABLE].ref == uni["党员评星表"].tables[MEMBER_TABLE].ref
    assert [c.name for c in py["党员评星表"].tables[MEMBER_TABLE].tableColumns] == \
        [c.name for c in uni["党员评星表"].tables[MEMBER_TABLE].tableColumns]
    assert PYTHON_NOTE in py["党组织评星表"]["A2"].value


def test_each_result_block_is_one_array_call(tmp_path):
    path = build_star_workbook(tmp_path / "p.xlsm", ORG, python=True)
    with zipfile.ZipFile(path) as z:
        assert "xl/vbaProject.bin" in z.namelist()
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    calls = re.findall(r'<f t="array" ref="([A-Z]+\d+:[A-Z]+\d+)">(XJ_[A-Z_]+)\(', xml)
    assert sorted(f for _, f in calls) == ["XJ_MEMBER_STARS", "XJ_STAR_RESULT", "XJ_STAR_TABLE"]
    assert len(re.findall(r"XJ_[A-Z_]+\(", xml)) == 3  # the visible cells only refer to the blocks
    refs = dict((f, ref) for ref, f in calls)
    c1, r1, c2, r2 = range_boundaries(refs["XJ_MEMBER_STARS"])
    assert c2 - c1 + 1 == len(MEMBER_RESULT_KEYS)
    c1, r1, c2, r2 = range_boundaries(refs["XJ_STAR_RESULT"])
    assert (c2 - c1 + 1, r2 - r1 + 1) == (1, len(ORG_RESULT_KEYS))


@pytest.mark.parametrize("seed", range(6))
def test_saved_values_equal_score_unit(seed, tmp_path):
    rng = random.Random(seed)
    values = org_case(rng, seed)
    members = [member_case(rng, i) for i in range(25)]
    path = build_star_workbook(tmp_path / "p.xlsm", ORG, values, members, OWN, python=True)
    wb = openpyxl.load_workbook(path, data_only=True)
    assert [_values(wb, n) for n in RESULTS] == org_values(score_or_text(ORG, values))
    ws = wb["党员评星表"]
    _, top, _, _ = range_boundaries(ws.tables[MEMBER_TABLE].ref)
    for i, m in enumerate(members):
        got = [ws.cell(top + 1 + i, M_COUNT + 1 + j).value for j in range(len(MEMBER_RESULT_KEYS))]
        want = member_values(MEMBER, score_or_text(MEMBER, member_inputs(values, m, OWN, MEMBER)))
        assert ["" if v is None else v for v in got] == want, (i, m)
    blank = ws.cell(top + 1 + len(members), M_COUNT + 1).value
    assert blank in (None, "")


def test_stars_table_per_star(tmp_path):
    town = generate_town(3, ORG, 5)
    b = town[0]
    path = build_star_workbook(tmp_path / "p.xlsm", ORG, b.values, b.members, b.member_star_names, python=True)
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["党组织评星表"]
    r = score_or_text(ORG, b.values)
    rows = [[c.value or "" for c in row] for row in ws["D13:J22"]]
    assert [row[0] for row in rows] == r.star_detail.names
    assert [row[5] for row in rows] == ["是" if o.earned else "否" for o in r.star_detail.outcomes]
    assert [row[6] for row in rows if row[6]] == [x for x in r.reasons if not x.startswith(ORG.adjustments[0].label)]


def _as_xlwings(rows):
    """Cells as xlwings passes them with ndim=2: numbers as floats, blanks as None."""
    return [[float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in row] for row in rows]


def test_udfs_answer_like_star_cells_on_what_xlwings_passes():
    rng = random.Random(3)
    values = org_case(rng, 1)
    info = _as_xlwings([[k, values.get(k)] for k in ("org_name", "org_code", "parent_org", "org_type", "member_count",
                                                    "masses_present", "target_rank_bottom", "prev_level")])
    cols = [_as_xlwings([[v] for v in (list(values[k]) * (10 if k == "star_votes_valid" and not
                                                          isinstance(values[k], list) else 1))])
            for k in ("star_names", "star_votes_for", "star_votes_valid", "star_records")]
    rules = [["评定方案", "scheme", "double_ten_star", ""]]
    assert udfs.XJ_STAR_RESULT(info, *cols, rules) == xj_star_result(info, *cols, rules)
    assert [row[0] for row in xj_star_result(info, *cols, rules)] == org_values(score_or_text(ORG, values))
    assert len(udfs.XJ_STAR_TABLE(info, *cols, rules)) == 10
    m = member_case(rng, 2)
    row = [m["member_name"], m["member_type"], *m["star_votes_for"], m["star_votes_valid"], *m["star_records"]]
    members = _as_xlwings([row, [None] * 23])
    mrules = [["评定方案", "scheme", "double_ten_star_member", ""]]
    got = udfs.XJ_MEMBER_STARS(members, [OWN], info, mrules)
    assert got == xj_member_stars(members, [OWN], info, mrules)
    assert got[0] == member_values(MEMBER, score_or_text(MEMBER, member_inputs(values, m, OWN, MEMBER)))
    assert got[1] == [""] * 5
    # the organisation's rules given to the members' function: refused in the rows that have a member
    wrong = udfs.XJ_MEMBER_STARS(members, [OWN], info, rules)
    assert wrong[0][0].startswith("错误:") and "不是评定党员" in wrong[0][0] and wrong[1] == [""] * 5


@pytest.mark.parametrize("junk", [None, "x", [[1, 2, 3]], [["a"]], 5.0, [[None, None]]])
def test_star_functions_never_raise(junk):
    for name, fn in STAR_UDF_FUNCTIONS.items():
        n = 6 if name != "XJ_MEMBER_STARS" else 4
        out = fn(*[junk] * n)
        assert isinstance(out, list) and out and all(isinstance(r, list) for r in out), name
        assert all(isinstance(v, (str, int, float)) for r in out for v in r), name


@pytest.mark.slow
def test_vba_project_has_the_star_functions_in_code_page_936():
    path = ROOT / "workbooks" / star_filename(ORG, python=True)
    run = subprocess.run([sys.executable, "-m", "oletools.olevba", "--decode", str(path)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    wrapped = set(re.findall(r"^Function (XJ_[A-Z_]+)\(", run.stdout, flags=re.M))
    assert wrapped == set(udfs.__all__) and {"XJ_STAR_RESULT", "XJ_STAR_TABLE", "XJ_MEMBER_STARS"} <= wrapped
    assert 'XLPy.CallUDF("udfs.star_rating", "XJ_MEMBER_STARS"' in run.stdout
    assert re.search(r"^Function XLPy\(\)", run.stdout, flags=re.M)
    assert "双十星党员评定结果" in run.stdout and "星级评定" in run.stdout  # decoded through code page 936


@pytest.mark.slow
def test_libreoffice_opens_and_prints_the_python_workbook(libreoffice, tmp_path):
    b = generate_town(2, ORG, 9)[0]
    path = build_star_workbook(tmp_path / "p.xlsm", ORG, b.values, b.members, b.member_star_names, python=True)
    pdf = tmp_path / "p.pdf"
    libreoffice.convert(path, pdf, "pdf")
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    r = score_or_text(ORG, b.values)
    assert "党组织评星表" in text and r.level_name in text
    assert re.sub(r"\s+", "", PYTHON_NOTE)[:30] in text
    assert b.members[0]["member_name"] in text


@pytest.mark.slow
def test_consolidation_reads_both_flavours_alike(tmp_path):
    town = generate_town(6, ORG, 21)
    both, uni = tmp_path / "both", tmp_path / "uni"
    for i, b in enumerate(town):
        b.members = b.members[:8]
        b.values["member_count"] = max(b.values["member_count"], 8)
        for folder, python in ((both, i % 2 == 1), (uni, False)):
            path = (folder / b.rel).with_suffix(".xlsm" if python else ".xlsx")
            path.parent.mkdir(parents=True, exist_ok=True)
            build_star_workbook(path, ORG, b.values, b.members, b.member_star_names, python=python)
    assert len(list(both.rglob("*.xlsm"))) == 3
    a = consolidate(Settings(input_dir=both, scheme_source="double_ten_star"))
    c = consolidate(Settings(input_dir=uni, scheme_source="double_ten_star"))
    assert [p for p in a.problems if p.severity == "错误"] == []

    def orgs(x):
        return sorted((u.result.org_name, u.result.level, tuple(u.result.stars), tuple(u.result.reasons)) for u in x.units)

    def members(x):
        return sorted((u.result.org_name, u.result.star_detail.member_name, u.result.level, tuple(u.result.stars))
                      for u in x.members)

    assert orgs(a) == orgs(c) and len(a.units) == len(town)
    assert members(a) == members(c) and len(a.members) == 6 * 8
