"""The real-spreadsheet harness itself (tests/support/): LibreOffice recalculation, edits,
conversion, restarts; the PDF checks; the formulas engine agreeing with LibreOffice."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Alignment

from tests.support import sample_book
from tests.support.libreoffice import (Cell, LibreOffice, LibreOfficeError, LibreOfficeTimeout, RecalcJob,
                                       require_libreoffice)
from openpyxl.workbook.defined_name import DefinedName

from tests.support.pdf import (overlapping_text, page_sizes, page_texts, pages_without, poppler_missing,
                               text_outside_page)
from tests.support.values import EXCEL_ERRORS, CellError

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # LibreOffice and poppler throughout
NAMES = list(sample_book.NAMES)
# Where the two engines disagree (both documented in tests/support): 10^400 is #NUM! in
# LibreOffice (as in Excel) but #VALUE! in formulas; SQRT(-1) is Err:502 (saved as #VALUE!) in
# LibreOffice but #NUM! in formulas (as in Excel).
ENGINE_DIFFERENCES = {"err_num", "err_illegal_argument"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return sample_book.build(tmp_path_factory.mktemp("sample") / "样例.xlsx")


@pytest.fixture(scope="module")
def lo_values(libreoffice, sample) -> dict:
    return libreoffice.recalc(sample, NAMES + ["结果!B1", "'填报'!B2:B3"])


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # zombies still count for killpg(0); look for a living member
    out = subprocess.run(["ps", "-o", "stat=", "-g", str(pgid)], capture_output=True, text=True).stdout
    return any(s and not s.startswith("Z") for s in out.split())


def _wait_gone(pgid: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _group_alive(pgid):
            return True
        time.sleep(0.2)
    return False


# --- recalculation --------------------------------------------------------------------------
def test_recalc_gives_the_expected_values(lo_values):
    for name, want in sample_book.EXPECTED.items():
        assert lo_values[name] == want, name
    assert lo_values["结果!B1"] == "良好"  # a 'Sheet!A1' address
    assert lo_values["'填报'!B2:B3"] == [[85.0], [20.0]]
    assert lo_values["note"] is None  # an empty cell


@pytest.mark.parametrize("name,text,code", [
    ("err_div0", "#DIV/0!", 532), ("err_na", "#N/A", 32767), ("err_name", "#NAME?", 525),
    ("err_value", "#VALUE!", 519), ("err_ref", "#REF!", 524), ("err_null", "#NULL!", 521),
    ("err_num", "#NUM!", 503), ("err_illegal_argument", "#VALUE!", 502)])
def test_each_error_code_reads_as_excels_text(lo_values, name, text, code):
    value = lo_values[name]
    assert isinstance(value, CellError) and value in EXCEL_ERRORS
    assert (str(value), value.code) == (text, code)


def test_an_unknown_name_fails_loudly(libreoffice, sample):
    with pytest.raises(LibreOfficeError, match="no_such_name"):
        libreoffice.recalc(sample, ["score", "no_such_name"])
    with pytest.raises(LibreOfficeError, match="no such file"):
        libreoffice.recalc(sample.with_name("缺失.xlsx"), ["score"])


def test_recalc_stores_the_results_in_the_saved_file(libreoffice, sample, tmp_path):
    out = tmp_path / "算好.xlsx"
    libreoffice.recalc(sample, ["result_level"], save_as=out)
    ws = openpyxl.load_workbook(out, data_only=True)["结果"]  # the cached values LibreOffice wrote
    assert (ws["B1"].value, ws["B4"].value, ws["D1"].value) == ("良好", 75, "#DIV/0!")
    assert openpyxl.load_workbook(out)["结果"]["B1"].value.startswith("=INDEX(")  # formulas kept
    ods = tmp_path / "算好.ods"
    libreoffice.recalc(out, [], save_as=ods)
    assert libreoffice.recalc(ods, ["result_label", "items"]) == {
        "result_label": sample_book.EXPECTED["result_label"], "items": sample_book.EXPECTED["items"]}


def test_set_values_edits_inputs_and_rules_and_the_results_follow(libreoffice, sample, tmp_path):
    first = tmp_path / "改分.xlsx"
    got = libreoffice.set_values(sample, {"score": 95, "present": 10}, first,
                                 names=["result_level", "result_ok", "result_rate_text"])
    assert got == {"result_level": "优秀", "result_ok": "未达标", "result_rate_text": "50.0%"}
    # The clerk raises the 优秀 band to 96 on the 规则 sheet: the same unit falls back to 良好.
    second = tmp_path / "改规则.xlsx"
    got = libreoffice.set_values(first, {"规则!A5": 96, "rate_min": 0.5}, second,
                                 names=["result_level", "result_ok"])
    assert got == {"result_level": "良好", "result_ok": "达标"}
    assert libreoffice.recalc(second, ["score", "band_min", "result_level"]) == {
        "score": 95.0, "band_min": [[0.0], [60.0], [80.0], [96.0]], "result_level": "良好"}
    third = tmp_path / "清空.xlsx"
    got = libreoffice.set_values(second, {"items": [[1], [2], [3], [4], [None]], "unit_name": "=\"某村\""},
                                 third, names=["items", "result_count", "result_label"])
    assert got == {"items": [[1.0], [2.0], [3.0], [4.0], [None]], "result_count": 0.0,
                   "result_label": "某村：良好"}
    assert sample.stat().st_size and openpyxl.load_workbook(sample)["填报"]["B2"].value == 85  # source kept


def test_set_values_formats_comments_and_new_sheets_as_a_clerk_does(libreoffice, sample, tmp_path):
    book = tmp_path / "编辑.xlsx"
    shutil.copy(sample, book)
    got = libreoffice.set_values(book, {
        "填报!B3": Cell(0.5, number_format="0%"),  # 党员人数 typed as a percentage
        "填报!B1": Cell(comment="请镇党委再核实"),  # a note; the value stays
        "督导 记录!A1": "督导日期", "督导 记录!B2": "=COUNTA($'填报'.A1:A20)",
    }, book, add_sheets=["督导 记录"], names=["'督导 记录'!B2", "unit_name"])
    assert got == {"'督导 记录'!B2": 10.0, "unit_name": sample_book.UNIT}
    wb = openpyxl.load_workbook(book)  # saved in place by LibreOffice
    assert wb["填报"]["B3"].value == 0.5 and wb["填报"]["B3"].number_format == "0%"
    assert wb["填报"]["B1"].value == sample_book.UNIT and "再核实" in wb["填报"]["B1"].comment.text
    assert wb.sheetnames[-1] == "督导 记录" and wb["督导 记录"]["A1"].value == "督导日期"
    assert wb["督导 记录"]["B2"].value.startswith("=COUNTA(")


def test_formula_errors_lists_every_error_cell(libreoffice, sample, tmp_path):
    errors = {name: ref for name, ref in sample_book.NAMES.items() if name.startswith("err_")}
    want = {f"结果!{ref.replace('$', '')}": sample_book.EXPECTED.get(name, "#VALUE!")
            for name, (_sheet, ref) in errors.items()}
    assert len(want) == 8 and libreoffice.formula_errors(sample) == want
    fine = tmp_path / "无错.xlsx"
    libreoffice.set_values(sample, {f"结果!{ref.replace('$', '')}": 0 for _, ref in errors.values()}, fine)
    assert libreoffice.formula_errors(fine) == {}
    assert libreoffice.formula_errors(ROOT / "workbooks" / "半年台账.xlsx") == {}


def test_recalc_many_keeps_order_and_reports_a_bad_file(libreoffice, sample, tmp_path):
    jobs = [RecalcJob(sample, ["score", "result_level"], edits={"score": s}) for s in (50, 65, 85, 95)]
    jobs.insert(2, RecalcJob(tmp_path / "无此文件.xlsx", ["score"]))
    jobs.append((sample, ["result_weighted"], tmp_path / "saved.xlsx"))
    got = libreoffice.recalc_many(jobs, errors="return")
    assert [g["result_level"] for g in got[:2] + got[3:5]] == ["不合格", "合格", "良好", "优秀"]
    assert isinstance(got[2], LibreOfficeError) and "无此文件" in str(got[2])
    assert got[5] == {"result_weighted": 75.0} and (tmp_path / "saved.xlsx").exists()
    with pytest.raises(LibreOfficeError, match="无此文件"):
        libreoffice.recalc_many(jobs)


def test_convert_to_each_format_keeps_the_results(libreoffice, sample, tmp_path):
    for fmt in ("xls", "ods", "xlsx"):
        out = libreoffice.convert(sample, tmp_path / f"转换.{fmt}")
        assert libreoffice.recalc(out, ["result_label", "result_weighted"]) == {
            "result_label": sample_book.EXPECTED["result_label"], "result_weighted": 75.0}, fmt
    names = libreoffice.defined_names(tmp_path / "转换.ods")
    assert names["score"] == "$填报.$B$2" and set(NAMES) <= set(names)


def test_layout_reports_sheets_wider_than_the_page(libreoffice, sample, tmp_path):
    wb = openpyxl.load_workbook(sample)
    wide = wb.create_sheet("宽表")
    wide.append([f"第{c}列标题" for c in range(1, 41)])
    wb.save(tmp_path / "wide.xlsx")
    sheets = {s["name"]: s for s in libreoffice.layout(tmp_path / "wide.xlsx")}
    assert sheets["填报"]["column_breaks"] == [] and sheets["填报"]["pages"] == 1
    assert sheets["宽表"]["column_breaks"] and sheets["宽表"]["pages"] > 1
    assert round(sheets["填报"]["paper_mm"][0]) in (210, 216)  # A4 or Letter default


# --- PDF ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def need_poppler():
    why = poppler_missing()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(why)
        pytest.skip(why)


def test_pdf_of_all_sheets_has_the_chinese_text(libreoffice, sample, tmp_path, need_poppler):
    pdf = libreoffice.convert(sample, tmp_path / "样例.pdf")
    texts = page_texts(pdf)
    assert len(texts) == 3  # 填报, 规则, 结果: one page each
    assert sample_book.UNIT in texts[0] and "优秀" in texts[1] and "良好" in texts[2]
    assert "#DIV/0!" in texts[2]
    assert all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in page_sizes(pdf))
    assert overlapping_text(pdf) == [] and text_outside_page(pdf) == []


def test_overlapping_text_finds_overprinted_rows(libreoffice, tmp_path, need_poppler):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 8
    for r in range(1, 4):  # wrapped long text in rows too short for it: LibreOffice overprints
        cell = ws.cell(r, 1, "这是一段很长的提示文字，需要换行才能显示完整。" * 2)
        cell.alignment = Alignment(wrap_text=True)
        ws.row_dimensions[r].height = 14
    ws.cell(1, 3, "无重叠")
    wb.save(tmp_path / "over.xlsx")
    pdf = libreoffice.convert(tmp_path / "over.xlsx", tmp_path / "over.pdf")
    found = overlapping_text(pdf)
    assert found and all(o.page == 1 and o.area > 0 for o in found)
    assert not any("无重叠" in (o.a.text + o.b.text) for o in found)
    assert "overlaps" in str(found[0])


def test_repeated_header_rows_show_on_every_page(libreoffice, tmp_path, need_poppler):
    wb = openpyxl.Workbook()
    titled = wb.active
    titled.title = "一览表"
    plain = wb.create_sheet("无标题行")
    for ws in (titled, plain):
        ws.append(["序号", "单位名称", "得分"])
        for i in range(1, 151):
            ws.append([i, f"第{i}村党支部", 80 + i % 20])
    titled.print_title_rows = "1:1"
    titled.defined_names["本表合计"] = DefinedName("本表合计", attr_text="'一览表'!$C$2:$C$4")  # sheet scope
    wb.save(tmp_path / "titles.xlsx")
    sheets = {s["name"]: s for s in libreoffice.layout(tmp_path / "titles.xlsx")}
    assert sheets["一览表"]["title_rows"] == [0, 0] and sheets["无标题行"]["title_rows"] is None
    n = sheets["一览表"]["pages"]
    assert n >= 3 and sheets["一览表"]["row_breaks"] and not sheets["一览表"]["column_breaks"]
    pdf = libreoffice.convert(tmp_path / "titles.xlsx", tmp_path / "titles.pdf")
    assert pages_without(pdf, "序号", range(1, n + 1)) == []
    assert pages_without(pdf, "序号", range(n + 1, n + sheets["无标题行"]["pages"] + 1))  # not repeated
    assert libreoffice.recalc(tmp_path / "titles.xlsx", ["一览表!本表合计"]) == {
        "一览表!本表合计": [[81.0], [82.0], [83.0]]}


# --- the second engine ----------------------------------------------------------------------
@pytest.mark.slow
def test_formulas_gives_the_same_values_as_libreoffice(libreoffice, sample, lo_values, tmp_path):
    from tests.support.formulas_eval import FormulasBook

    book = FormulasBook(sample, inputs=["score", "present", "规则!A5", "note"])
    fx = book.values(NAMES)
    for name in NAMES:
        if name not in ENGINE_DIFFERENCES:
            assert fx[name] == lo_values[name], name
    assert (lo_values["err_num"], fx["err_num"]) == ("#NUM!", "#VALUE!")
    for edits in ({"score": 95, "present": 10}, {"规则!A5": 84, "note": "补充"}, {"score": 0}):
        want = libreoffice.set_values(sample, edits, None, names=NAMES)
        got = book.values(NAMES, edits)
        assert {n: got[n] for n in NAMES if n not in ENGINE_DIFFERENCES} == \
               {n: want[n] for n in NAMES if n not in ENGINE_DIFFERENCES}, edits
    # A blank lookup value: MATCH gives #N/A in LibreOffice (and Excel), formulas matches it as 0.
    blank = {"score": None}
    want = libreoffice.set_values(sample, blank, None, names=["result_level", "result_count"])
    got = book.values(["result_level", "result_count"], blank)
    assert (want["result_level"], got["result_level"]) == ("#N/A", "不合格")
    assert want["result_count"] == got["result_count"] == 3.0


# --- robustness -----------------------------------------------------------------------------
@pytest.mark.slow
def test_a_killed_soffice_is_restarted_on_the_next_call(libreoffice, sample):
    assert libreoffice.recalc(sample, ["score"]) == {"score": 85.0}
    before, pgid = libreoffice.restarts, libreoffice.soffice_pid
    os.killpg(pgid, signal.SIGKILL)
    assert _wait_gone(pgid)
    assert libreoffice.recalc(sample, ["result_level"]) == {"result_level": "良好"}
    assert libreoffice.restarts == before + 1 and libreoffice.soffice_pid != pgid


@pytest.mark.slow
def test_a_hung_soffice_times_out_and_is_replaced(libreoffice, sample):
    libreoffice.recalc(sample, ["score"])
    pgid = libreoffice.soffice_pid
    os.killpg(pgid, signal.SIGSTOP)  # frozen: answers nothing
    with pytest.raises(LibreOfficeTimeout):
        libreoffice.recalc(sample, ["score"], timeout=3)
    assert _wait_gone(pgid)
    assert not list(sample.parent.glob(".~lock.*"))  # read-only loads leave no lock file behind
    assert libreoffice.recalc(sample, ["score"]) == {"score": 85.0}


@pytest.mark.slow
def test_no_soffice_outlives_its_owner(sample):
    require_libreoffice()
    lo = LibreOffice()
    lo.start()
    pgid = lo.soffice_pid
    lo.close()
    assert _wait_gone(pgid)
    lo.close()  # twice is fine
    # A test process killed in the middle of a request: the bridge notices and kills soffice.
    code = ("import os, signal, sys, threading, time; sys.path.insert(0, %r)\n"
            "from tests.support.libreoffice import LibreOffice\n"
            "lo = LibreOffice(); lo.start(); print(lo.soffice_pid, lo.home, flush=True)\n"
            "jobs = [(%r, ['score'])] * 50\n"
            "threading.Thread(target=lo.recalc_many, args=(jobs,), daemon=True).start()\n"
            "time.sleep(1); os.kill(os.getpid(), signal.SIGKILL)\n") % (str(ROOT), str(sample))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert out.returncode == -signal.SIGKILL, out.stderr
    orphan, profile = out.stdout.split()
    assert _wait_gone(int(orphan)), "soffice left running after its test process died"
    deadline = time.monotonic() + 10
    while Path(profile).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(profile).exists()


def test_ci_fails_instead_of_skipping_when_soffice_is_missing(monkeypatch):
    monkeypatch.setenv("SOFFICE", "/nonexistent/soffice")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="soffice"):
        require_libreoffice()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        require_libreoffice()
