"""The Python workbook's VBA project: built from source, read back by olevba, opened by LibreOffice.

What this proves on Linux: the file is a well-formed VBA project (olevba parses every module
without a warning), it holds a wrapper for every formula function of udfs/ written by xlwings'
own generator, the xlwings runtime those wrappers call (XLPy and what it needs) byte for byte as
the pinned xlwings ships it, Chinese texts in code page 936, and LibreOffice opens and prints the
.xlsm. What it cannot prove: that Excel compiles and runs the macros and starts the UDF server.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import olefile
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, VBA_Project, decompress_stream

import udfs
from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.books.vba import ole as vba_ole, project as vba_project
from xlsx_addin.io.books.vba.project import (
    RUNTIME_MODULE,
    WORKBOOK_CODENAME,
    WRAPPER_MODULE,
    XLWINGS_CONF_SHEET,
    python_workbook_vba,
    xlwings_conf_rows,
)
from xlsx_addin.model.versions import XLWINGS_VERSION

CODENAMES = ["Sheet1", "Sheet2", "Sheet3"]
# What the generated wrappers call, and what that needs inside the runtime module.
RUNTIME_FUNCTIONS = ["Function XLPy()", "Private Sub XLPyLoadDLL()", "Function XLPyCommand()",
                     "Function GetConfig(", "Function GetConfigFromSheet(", "Function SheetExists(",
                     "Declare PtrSafe Function XLPyDLLActivateAuto Lib \"xlwings64-" + XLWINGS_VERSION + ".dll\""]


def build_example(path: Path, vba: bytes) -> None:
    """A tiny builder: how the unit workbook builder attaches the project (XlsxWriter)."""
    wb = xlsxwriter.Workbook(str(path))
    wb.add_vba_project(io.BytesIO(vba), is_stream=True)
    wb.set_vba_name(WORKBOOK_CODENAME)
    form = wb.add_worksheet("自评表")
    form.set_vba_name(CODENAMES[0])
    form.write("A1", "星级评定自评表(测试)")
    form.write_column("A3", ["党组织名称", "党员总数"])
    form.write_column("B3", ["城关镇第一支部", 20])
    form.write("D1", "评定结果")
    form.write_array_formula("D2:D8", "{=XJ_RESULT(B3:B4,B3:B4,A3:B4,A3:B4)}", None, "待填写")
    wb.add_worksheet("测评汇总").set_vba_name(CODENAMES[1])
    conf = wb.add_worksheet(XLWINGS_CONF_SHEET)
    conf.set_vba_name(CODENAMES[2])
    for row, (key, value) in enumerate(xlwings_conf_rows()):
        conf.write(row, 0, key)
        conf.write(row, 1, value)
    wb.close()


@pytest.fixture(scope="module")
def vba() -> bytes:
    return python_workbook_vba("udfs.star_rating", CODENAMES)


@pytest.fixture(scope="module")
def xlsm(vba, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsm") / "单位填报表_five_star.xlsm"
    build_example(path, vba)
    return path


@pytest.fixture(scope="module")
def modules(xlsm) -> dict[str, str]:
    parser = VBA_Parser(str(xlsm))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.mark.slow
def test_deterministic(vba):
    vba_project._build.cache_clear()
    assert python_workbook_vba("udfs.star_rating", CODENAMES) == vba
    assert python_workbook_vba("udfs.star_rating", CODENAMES[:2]) != vba


def test_the_xlsm_carries_the_project(xlsm, vba):
    with zipfile.ZipFile(xlsm) as z:
        assert z.read("xl/vbaProject.bin") == vba
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        types = z.read("[Content_Types].xml").decode("utf-8")
        sheets = [z.read(f"xl/worksheets/sheet{i}.xml").decode("utf-8") for i in (1, 2, 3)]
    assert f'codeName="{WORKBOOK_CODENAME}"' in workbook and "macroEnabled" in types
    for sheet, codename in zip(sheets, CODENAMES):
        assert f'codeName="{codename}"' in sheet


def test_modules_are_the_workbook_runtime_and_wrappers(modules):
    assert list(modules) == [WORKBOOK_CODENAME, *CODENAMES, RUNTIME_MODULE, WRAPPER_MODULE]


def test_a_wrapper_for_every_function_of_udfs(modules):
    wrappers = modules[WRAPPER_MODULE]
    names = re.findall(r"^Function (XJ_\w+)\(", wrappers, re.M)
    assert sorted(names) == sorted(udfs.__all__) and len(names) == len(udfs.__all__)
    for name in udfs.__all__:
        assert f'{name} = XLPy.CallUDF("udfs.star_rating", "{name}", Array(' in wrappers, name
        assert "ThisWorkbook, Application.Caller)" in wrappers
    assert '#Const App = "Microsoft Excel"' in wrappers  # the wrappers' #If App = … needs it
    # nothing else is called: XLPy is the only runtime entry point in the wrappers
    calls = set(re.findall(r"\b(XLPy\.\w+|[A-Z]\w+)\(", wrappers)) - set(udfs.__all__) - {"Array"}
    assert calls == {"XLPy.CallUDF"}


def test_the_runtime_the_wrappers_call_is_in_the_same_file(modules):
    runtime = modules[RUNTIME_MODULE]
    for needed in RUNTIME_FUNCTIONS:
        assert needed in runtime, needed
    assert f'Public Const XLWINGS_VERSION As String = "{XLWINGS_VERSION}"' in runtime
    assert 'Set sht = wb.Sheets(PROJECT_NAME & ".conf")' in runtime and 'PROJECT_NAME As String = "xlwings"' in runtime
    # byte for byte the module xlwings ships
    shipped = (vba_project.xlwings_dir() / "xlwings.bas").read_text(encoding="ascii")
    assert runtime.replace("\r\n", "\n").strip() == shipped.replace("\r\n", "\n").strip()


def test_chinese_texts_decode_in_code_page_936(vba, modules):
    ole = olefile.OleFileIO(io.BytesIO(vba))
    try:
        project = VBA_Project(ole, "VBA", "PROJECT", "VBA/dir", relaxed=False)
        assert project.codepage == 936 and project.codec == "cp936"
        raw = decompress_stream(bytearray(ole.openstream("VBA/ThisWorkbook").read()))
    finally:
        ole.close()
    workbook = modules[WORKBOOK_CODENAME]
    for name in udfs.__all__:
        doc = getattr(udfs, name).__doc__
        assert f'!{name}", _' in workbook and f'Description:="{doc}"' in workbook, name
        assert doc.encode("cp936") in raw  # stored as GBK bytes, not UTF-8
    assert 'Category:="星级评定"' in workbook and "Private Sub Workbook_Open()" in workbook
    assert "自评得分区域(名称 item_scores)" in workbook  # an argument description


def test_within_vba_line_limits(modules):
    """VBA refuses a physical line over 1023 characters and more than 24 continuations in one statement."""
    for name, code in modules.items():
        run = 0
        for line in code.replace("\r\n", "\n").split("\n"):
            assert len(line) <= 1023, (name, line[:60])
            run = run + 1 if line.endswith(" _") else 0
            assert run <= 24, (name, line[:60])


@pytest.mark.slow
def test_olevba_decode_reports_no_problem(xlsm):
    proc = subprocess.run([sys.executable, "-m", "oletools.olevba", "--decode", str(xlsm)], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    # olevba prints one note for every OpenXML file (xlwings' own quickstart workbook gets it too)
    out = out.replace("WARNING  For now, VBA stomping cannot be detected for files in memory", "")
    assert not re.search(r"^(ERROR|WARNING|CRITICAL)\b", out, re.M), out
    assert out.count("VBA MACRO ") == 6 and "Function XJ_RESULT(" in out and "Function XLPy()" in out


@pytest.mark.slow
def test_libreoffice_opens_and_prints_the_xlsm(libreoffice, xlsm, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler (pdftotext) is needed to read the printed workbook")
    pdf = libreoffice.convert(xlsm, tmp_path / "book.pdf", recalc=False)  # as opened: macros never run
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True,
                          timeout=60).stdout
    assert "星级评定自评表(测试)" in text and "城关镇第一支部" in text and "评定结果" in text


@pytest.mark.slow
def test_libreoffice_imports_every_module_with_its_chinese_text(libreoffice, xlsm):
    """LibreOffice's own VBA importer reads the project: a second, independent parser of the file."""
    modules = libreoffice.basic_modules(xlsm)
    assert sorted(modules) == sorted([WORKBOOK_CODENAME, *CODENAMES, RUNTIME_MODULE, WRAPPER_MODULE])
    assert sorted(re.findall(r"^Function (XJ_\w+)\(", modules[WRAPPER_MODULE], re.M)) == sorted(udfs.__all__)
    assert "Function XLPy()" in modules[RUNTIME_MODULE]
    assert 'Category:="星级评定"' in modules[WORKBOOK_CODENAME]
    assert f'Description:="{udfs.XJ_RESULT.__doc__}"' in modules[WORKBOOK_CODENAME]


@pytest.mark.slow
def test_attach_names_every_sheet_and_adds_the_hidden_conf_sheet(tmp_path):
    path = tmp_path / "book.xlsm"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("自评表")
    wb.add_worksheet("测评汇总").set_vba_name("Sheet2")
    wb.add_worksheet("规则")
    vba_project.attach(wb)
    wb.close()
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == python_workbook_vba("udfs.star_rating", [f"Sheet{i}" for i in range(1, 5)])
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        conf = z.read("xl/worksheets/sheet4.xml").decode("utf-8")
    assert f'name="{XLWINGS_CONF_SHEET}" sheetId="4" state="hidden"' in workbook
    assert 'codeName="Sheet4"' in conf
    parser = VBA_Parser(str(path))
    try:
        streams = [stream.split("/")[-1] for _, stream, _, _ in parser.extract_macros()]
    finally:
        parser.close()
    assert streams == [WORKBOOK_CODENAME, "Sheet1", "Sheet2", "Sheet3", "Sheet4", RUNTIME_MODULE, WRAPPER_MODULE]


def test_refuses_unusable_codenames():
    for bad in ([], ["Sheet1", "Sheet1"], ["表一"], ["1Sheet"], [WORKBOOK_CODENAME], ["x" * 32]):
        with pytest.raises(RatingError, match="代码名称"):
            python_workbook_vba("udfs.star_rating", bad)


def test_refuses_a_runtime_of_another_xlwings(monkeypatch):
    monkeypatch.setattr(vba_project, "XLWINGS_VERSION", "0.99.0")
    with pytest.raises(RatingError, match="0.99.0") as info:
        vba_project.runtime_source()
    assert XLWINGS_VERSION in str(info.value)


def test_xlwings_conf_rows_start_at_a1_with_the_udf_module():
    rows = xlwings_conf_rows("udfs.star_rating")
    assert rows[0] == ("UDF Modules", "udfs.star_rating")
    runtime = vba_project.runtime_source()
    for key, value in rows:  # every key is one the runtime asks for (it upper-cases the sheet's keys)
        assert key and f'GetConfig("{key.upper()}"' in runtime, key
        assert value not in ("", None), key  # a blank value would override the PC's own setting


# --- the compression fix (ms-ovba-compression 1.0.1) ---------------------------------------
@settings(max_examples=120, deadline=None)
@given(st.one_of(st.binary(max_size=9000),
                 st.lists(st.sampled_from(["Function ", "XLPy", "星级评定", "\r\n", "    ", "(", ")", "a", "é"]),
                          max_size=3000).map(lambda parts: "".join(parts).encode("cp936", errors="replace"))))
def test_compressed_streams_decompress_with_olevba(data):
    vba_ole._fix_compression()
    from ms_ovba_compression.ms_ovba import MsOvba

    assert decompress_stream(bytearray(MsOvba().compress(data))) == data
