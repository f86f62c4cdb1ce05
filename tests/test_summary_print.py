"""Every generated summary workbook prints cleanly on A4 in LibreOffice (pdftotext -bbox-layout boxes):
no two text lines overlap, nothing is drawn off the page, every printed sheet fits the page width with its
header row repeated on each page, and the sheets not meant for print (xlwings.conf) are not printed."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.support import pdf_layout
from tests.test_summary_writer import make_consolidation
from xlsx_addin.jobs.consolidate.writer import write_summary

ROOT = Path(__file__).resolve().parents[1]
# printed sheet → (first header, last printed header): both on every page means the full width is there
WIDTH = {"一览表": ("党组织名称", "整改标记"), "整改台账": ("党组织名称", "销号日期"),
         "晋星减星": ("党组织名称", "审批意见"), "问题清单": ("文件", "严重程度"), "公示名单": ("序号", None),
         "统计": ("评定组", None), "规则": ("参数", "说明"), "设置": ("项目", "说明")}

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not pdf_layout.available(), reason="LibreOffice and poppler are not installed")]


def _sheet_of(page: pdf_layout.Page) -> str:
    head = page.lines[0].text.replace(" ", "") if page.lines else ""
    if "结果公示名单" in head:
        return "公示名单"
    return head.rpartition("——")[2] if "——" in head else head


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[pdf_layout.Page]]:
    tmp = tmp_path_factory.mktemp("print")
    small = write_summary(make_consolidation(n=8, towns=1), tmp / "小镇.xlsx").path  # cap 0: the long note
    flag = write_summary(make_consolidation(n=60, towns=3, mode="flag"), tmp / "仅标记.xlsx").path
    four = write_summary(make_consolidation(n=30, scheme_id="four_grade", towns=2), tmp / "分类定级.xlsx").path
    xlsm = write_summary(make_consolidation(n=30, towns=2), tmp / "汇总.xlsm").path
    # a re-run onto a summary the clerk added a column to
    wb = openpyxl.load_workbook(small)
    ws = wb["一览表"]
    ws.cell(1, ws.max_column + 1).value = "备注"
    ws.cell(2, ws.max_column).value = "已电话核实,申请复核配额调整(镇党委于11月20日来电说明情况)"
    wb.save(small)
    write_summary(make_consolidation(n=8, towns=1), small)
    template = tmp / "huizong.xlsm"
    shutil.copy(ROOT / "workbooks" / "huizong.xlsm", template)
    sources = [small, flag, four, xlsm, template]
    pdfs = pdf_layout.render_pdf(sources, tmp, tmp / "lo_profile")
    return {src.name: pdf_layout.pages(pdf) for src, pdf in zip(sources, pdfs)}


def test_no_text_printed_over_text(rendered):
    for name, pages in rendered.items():
        for page in pages:
            assert not pdf_layout.overlaps(page), (name, page.number, pdf_layout.overlaps(page)[:3])
            assert not pdf_layout.outside(page), (name, page.number)


def test_every_page_is_a4_with_the_sheet_header(rendered):
    for name, pages in rendered.items():
        for page in pages:
            size = sorted((round(page.width), round(page.height)))
            assert size == [595, 842], (name, page.number, size)
            assert _sheet_of(page), (name, page.number)


def test_printed_sheets_fit_the_width_and_repeat_their_headers(rendered):
    for name, pages in rendered.items():
        seen = set()
        for page in pages:
            sheet = _sheet_of(page)
            if sheet not in WIDTH:
                continue
            seen.add(sheet)
            first, last = WIDTH[sheet]
            text = page.text.replace(" ", "")
            if sheet == "统计" and first not in text:
                continue  # its notes' or charts' page: 统计 repeats no header (each of its tables has its own)
            assert first in text, (name, page.number, sheet)
            if last:
                assert last in text, (name, page.number, sheet)
        assert {"一览表", "统计", "整改台账", "公示名单", "问题清单"} <= seen, (name, seen)


def test_several_pages_repeat_the_header(rendered):
    pages = [p for p in rendered["仅标记.xlsx"] if _sheet_of(p) == "一览表"]
    assert len(pages) >= 2 and all("党组织名称" in p.text.replace(" ", "") for p in pages)


def test_settings_of_xlwings_are_not_printed(rendered):
    for name in ("汇总.xlsm", "huizong.xlsm"):
        assert not any("Interpreter_Win" in p.text for p in rendered[name]), name
    wb = openpyxl.load_workbook(ROOT / "workbooks" / "huizong.xlsm")
    assert wb["xlwings.conf"].sheet_state == "hidden"
    assert wb["xlwings.conf"]["B1"].value == "python"  # xlwings still reads it


def test_raw_data_is_not_printed(rendered):
    """原始数据 is the machine's sheet (issue 22: 144 of 174 pages of the demo): hidden, so never printed."""
    for name, pages in rendered.items():
        assert not any("原始数据" in _sheet_of(p) or "xlsx-addin原始数据" in p.text.replace(" ", "") for p in pages), name


def test_stats_prints_each_header_once(rendered):
    """统计's top header (the level counts) is printed above its own table only, not above notes and charts."""
    for name, pages in rendered.items():
        stats = [p for p in pages if _sheet_of(p) == "统计"]
        if name == "huizong.xlsm" or not stats:
            continue
        assert sum("单位数" in p.text.replace(" ", "") and "占比" in p.text.replace(" ", "") for p in stats) == 1, \
            (name, [p.number for p in stats])


def test_the_clerks_column_is_printed_with_the_overview(rendered):
    pages = [p for p in rendered["小镇.xlsx"] if _sheet_of(p) == "一览表"]
    text = "".join(p.text.replace(" ", "") for p in pages)
    assert "备注" in text and "已电话核实" in text and "来源文件" not in text
