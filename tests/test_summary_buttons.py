"""The summary workbook's buttons beyond 一键汇总 of the rating schemes, without Excel: the VBA project carries
LedgerCall (olevba), huizong.py's functions run on a stubbed xlwings, 双十星 is consolidated from the button into
the sheets the CLI writes, and 台账汇总 reads its 设置 rows (refused with Chinese messages), runs the ledgers job and
writes 台账汇总.xlsx beside the summary, reporting where and how many problems."""
from __future__ import annotations

import importlib.util
import shutil
import sys
import types
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.test_ledgers import AS_OF, BRANCH, fill, records
from tests.test_summary_writer import _Book, _macros
from xlsx_addin import load_scheme
from xlsx_addin.shells.buttons.consolidate import run_in_book
from xlsx_addin.shells.buttons.ledgers import OUT_NAME, ledger_settings_from_rows, run_ledgers_in_book
from xlsx_addin.jobs.consolidate.settings_sheet import (
    S_AS_OF,
    S_LEDGER_DIR,
    S_LEDGER_OUT,
    S_LEDGER_PROBLEMS,
    S_PERIOD,
)
from xlsx_addin.jobs.demo.double_ten import generate_town
from xlsx_addin.io.books.double_ten.book import build_star_workbook

ROOT = Path(__file__).resolve().parents[1]
ORG = load_scheme("double_ten_star")


def _copy(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "workbooks" / "huizong.xlsm", tmp_path / "huizong.xlsm")
    return tmp_path / "huizong.xlsm"


def _row_of(book, label: str) -> int:
    sheet = book.sheets["设置"]
    return next(r for (r, c), v in sheet.grid.items() if c == 1 and v == label)


def _set(book, label: str, value) -> None:
    book.sheets["设置"].range((_row_of(book, label), 2)).value = [[value]]


def _get(book, label: str):
    return book.sheets["设置"].range((_row_of(book, label), 2)).value


def test_vba_project_has_the_ledger_macro_and_its_button():
    from tests.support.xlsx_parts import vba_modules

    path = ROOT / "workbooks" / "huizong.xlsm"
    code = vba_modules(path)  # {stream: code} (olevba)
    module = next(src for stream, src in code.items() if stream.rsplit("/", 1)[-1].startswith("Module1"))
    assert "Sub SampleCall()" in module and 'mymodule & ".main()"' in module
    assert "Sub LedgerCall()" in module and 'mymodule & ".ledgers()"' in module
    runtime = "\n".join(code.values())
    assert "Function RunPython(" in runtime and "Sub ImportPythonUDFs()" in runtime
    assert _macros(path) == ["SampleCall", "ImportPythonUDFs", "LedgerCall", "RegisterCall"]
    wb = openpyxl.load_workbook(path, keep_vba=True)
    labels = [r[0] for r in wb["设置"].iter_rows(values_only=True)]
    for label in (S_LEDGER_DIR, S_PERIOD, S_AS_OF, S_LEDGER_OUT, S_LEDGER_PROBLEMS):
        assert label in labels
    with zipfile.ZipFile(path) as z:
        assert "xl/vbaProject.bin" in z.namelist()


def test_the_scheme_list_offers_double_ten_star():
    from xlsx_addin.engine.scheme import resolve_scheme
    from xlsx_addin.jobs.consolidate.settings_sheet import scheme_choices

    assert ORG.name in scheme_choices() and resolve_scheme(ORG.name) == "double_ten_star"


@pytest.mark.parametrize("rows, message", [
    ([], "请在“设置”工作表填写“台账文件夹”"),
    ([[S_LEDGER_DIR, "台账"]], "请在“设置”工作表填写“期间”"),
    ([[S_LEDGER_DIR, "台账"], [S_PERIOD, "2026年第三季度"]], "“期间”的值“2026年第三季度”无效"),
    ([[S_LEDGER_DIR, "台账"], [S_PERIOD, "2026H1"], [S_AS_OF, "七月底"]], "“截止日期”的值“七月底”不是日期"),
])
def test_ledger_settings_are_refused_in_chinese(rows, message):
    with pytest.raises(ValueError, match=message):
        ledger_settings_from_rows(rows, Path("/d"))


def test_ledger_settings_are_read():
    import datetime as dt

    folder, period, day = ledger_settings_from_rows([[S_LEDGER_DIR, "台账"], [S_PERIOD, "2026h2"],
                                                     [S_AS_OF, dt.datetime(2027, 1, 20)]], Path("/d"))
    assert folder == Path("/d/台账") and period.code == "2026H2" and day == dt.date(2027, 1, 20)
    assert ledger_settings_from_rows([[S_LEDGER_DIR, "/x"], [S_PERIOD, "2026H1"]])[2] is None


def test_ledger_button_writes_the_summary_beside_the_book(tmp_path):
    fill(tmp_path / "台账" / "城关镇" / "第一村.xlsx", BRANCH)
    book = _Book(_copy(tmp_path))
    _set(book, S_LEDGER_DIR, "台账")
    _set(book, S_PERIOD, "2026H1")
    _set(book, S_AS_OF, AS_OF)
    messages = []
    out = run_ledgers_in_book(book, message_box=lambda b, t, m: messages.append((t, m)))
    assert out == tmp_path / OUT_NAME and out.is_file()
    rows = {x["党组织名称"]: x for x in records(out, "汇总")}
    assert rows["城关镇第一村党支部"]["承诺数"] == 4
    assert _get(book, S_LEDGER_OUT) == str(out)
    problems = len(records(out, "问题清单"))
    assert _get(book, S_LEDGER_PROBLEMS) == problems
    title, text = messages[-1]
    assert title == "台账汇总" and text.startswith("台账汇总完成") and f"台账汇总:{out.resolve()}" in text
    assert f"{problems}条提示" in text or f"{problems}个错误" in text or problems == 0
    assert book.app.status[-1] is False


def test_ledger_button_reports_refusals_in_the_book(tmp_path):
    book = _Book(_copy(tmp_path))
    messages = []
    assert run_ledgers_in_book(book, message_box=lambda b, t, m: messages.append(m)) is None
    assert messages == ["台账汇总未完成:请在“设置”工作表填写“台账文件夹”(各支部半年台账所在文件夹)"]
    _set(book, S_LEDGER_DIR, "没有这个文件夹")
    _set(book, S_PERIOD, "2026H1")
    assert run_ledgers_in_book(book, message_box=lambda b, t, m: messages.append(m)) is None
    assert "不存在或不是文件夹" in messages[-1] and not (tmp_path / OUT_NAME).exists()


def test_button_consolidates_double_ten_star_into_the_cli_sheets(tmp_path):
    folder = tmp_path / "评星表"
    for b in generate_town(3, ORG, 4):
        b.members = b.members[:5]
        b.values["member_count"] = max(b.values["member_count"], 5)
        path = folder / b.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        build_star_workbook(path, ORG, b.values, b.members, b.member_star_names)
    book = _Book(_copy(tmp_path))
    book.sheets["设置"].range("B2").value = [["评星表"]]
    book.sheets["设置"].range("B5").value = [[ORG.name]]
    messages = []
    c = run_in_book(book, message_box=lambda b, t, m: messages.append(m))
    assert c is not None and c.kind.scheme.stars is not None and messages[-1].startswith("汇总完成")
    assert len(c.units) == 3 and len(c.members) == 15
    tables = c.kind.tables(c)
    for name in ("一览表", "党员星级", "整顿处置名单", "优先名单", "统计", "原始数据"):
        got = book.sheets[name].used_range.value
        assert len(got) == 1 + len(tables[name].rows), name
        assert got[0][:len(tables[name].header)] == tables[name].header, name
    assert book.sheets["设置"].range("B9").value == c.files_seen
    assert book.sheets["整改台账"].grid == {}  # the rating schemes' sheet: emptied, no stale rows


def _sidecar(monkeypatch, book):
    """workbooks/huizong.py imported with a stub xlwings whose Book.caller() is the fake book."""
    stub = types.ModuleType("xlwings")
    stub.Book = types.SimpleNamespace(caller=lambda: book)
    monkeypatch.setitem(sys.modules, "xlwings", stub)
    spec = importlib.util.spec_from_file_location("huizong_sidecar", ROOT / "workbooks" / "huizong.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sidecar_functions_run_on_the_calling_book(tmp_path, monkeypatch):
    fill(tmp_path / "台账" / "第一村.xlsx", BRANCH)
    book = _Book(_copy(tmp_path))
    alerts = []
    book.app.alert = lambda text, title: alerts.append((title, text))
    _set(book, S_LEDGER_DIR, "台账")
    _set(book, S_PERIOD, "2026H1")
    _set(book, S_AS_OF, AS_OF)
    sidecar = _sidecar(monkeypatch, book)
    sidecar.ledgers()
    assert alerts[-1][0] == "台账汇总" and (tmp_path / OUT_NAME).is_file()
    sidecar.main()  # 一键汇总 without a folder: refused in a message, not a traceback
    assert alerts[-1][0] == "一键汇总" and "单位填报表文件夹" in alerts[-1][1]


@pytest.mark.slow
def test_libreoffice_imports_the_compiled_projects(libreoffice):
    """LibreOffice's own VBA importer, a second parser beside olevba, reads the VBA projects compiled from source:
    the summary's buttons (SampleCall, LedgerCall) and the 评星表's 双十星 formula functions."""
    summary = libreoffice.basic_modules(ROOT / "workbooks" / "huizong.xlsm")
    assert "Sub SampleCall()" in summary["Module1"] and "Sub LedgerCall()" in summary["Module1"]
    assert '.ledgers()"' in summary["Module1"] and "Function RunPython(" in summary["xlwings"]
    stars = libreoffice.basic_modules(ROOT / "workbooks" / "评星表_double_ten_star.xlsm")
    wrappers = "\n".join(stars.values())
    for name in ("XJ_STAR_RESULT", "XJ_STAR_TABLE", "XJ_MEMBER_STARS"):
        assert f"Function {name}(" in wrappers, name
