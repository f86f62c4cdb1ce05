"""The Python workbook (单位填报表_<scheme>.xlsm): formula functions inside, nothing to import.

Proven here without Excel: the file carries a VBA project (olevba reads it) with a wrapper for
every function of udfs/ and the xlwings runtime those wrappers call; each result block is one
array formula; the saved values are the engine's; LibreOffice opens it and prints it.
"""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

import udfs
from xlsx_addin import load_scheme, score_unit
from xlsx_addin.engine.scheme import SCORED_SCHEMES as BUILTIN
from xlsx_addin.templates import build_unit_workbook, unit_filename
from xlsx_addin.io.books.unit.book import PYTHON_NOTE

ROOT = Path(__file__).resolve().parents[1]
UNIT = dict(org_name="城关镇第一党支部", member_count=40, item_scores=[9, 9, 8.5, 9, 9, 8, 10, 9, 9, 9],
            honor_level="省级", absences=3, members_present=36, votes_satisfied=30, votes_basic=4,
            votes_unsatisfied=2, votes_invalid=0)


def _olevba(path: Path) -> str:
    run = subprocess.run([sys.executable, "-m", "oletools.olevba", "--decode", str(path)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", BUILTIN)
def test_committed_python_workbook_carries_wrappers_and_runtime(name):
    path = ROOT / "workbooks" / unit_filename(load_scheme(name), python=True)
    text = _olevba(path)
    wrapped = set(re.findall(r"^Function (XJ_[A-Z_]+)\(", text, flags=re.M))
    assert wrapped == set(udfs.__all__)
    assert re.search(r"^Function XLPy\(\)", text, flags=re.M)  # the runtime the wrappers call, in this file
    assert 'XLPy.CallUDF("udfs.star_rating"' in text
    assert "星级评定" in text  # the category name, read back through code page 936


@pytest.mark.slow
def test_result_blocks_are_one_array_call_each(tmp_path):
    scheme = load_scheme("five_star")
    path = build_unit_workbook(tmp_path / "u.xlsm", scheme, UNIT, python=True)
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        assert "xl/vbaProject.bin" in z.namelist()
    calls = re.findall(r'<f t="array" ref="([A-Z]+\d+:[A-Z]+\d+)">(XJ_[A-Z]+)\(', xml)
    assert sorted(f for _, f in calls) == ["XJ_RESULT", "XJ_SURVEY"]
    assert xml.count("XJ_") == 2  # the visible result cells only refer to the blocks
    r = score_unit(scheme, UNIT)
    wb = load_workbook(path, data_only=True)

    def value(name):
        ((sheet, ref),) = wb.defined_names[name].destinations
        return wb[sheet][ref.replace("$", "")].value

    assert value("result_final_score") == pytest.approx(r.final_score)
    assert value("result_level") == r.level_name
    assert value("result_reasons") == "；".join(r.reasons)
    assert value("result_satisfaction_rate") == pytest.approx(r.satisfaction_rate)


@pytest.mark.slow
def test_libreoffice_opens_and_prints_the_python_workbook(libreoffice, tmp_path):
    scheme = load_scheme("five_star")
    path = build_unit_workbook(tmp_path / "u.xlsm", scheme, UNIT, python=True)
    pdf = tmp_path / "u.pdf"
    libreoffice.convert(path, pdf, "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert f"{scheme.name}自评表" in flat
    assert re.sub(r"\s+", "", PYTHON_NOTE)[:30] in flat  # the note for a PC without Python is on the form
    assert "通用版" in flat
