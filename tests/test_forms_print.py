"""The forms as printed (issue 23): every committed unit workbook, the committed 半年台账 (blank and filled, with
its 公开承诺书) and a demo summary of four_grade rendered to PDF by LibreOffice; pages counted, titles found,
no "0" standing for an empty cell on a form, no defined name (English) on a printed page."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.support import pdf_layout
from xlsx_addin.contracts.ledger import FILENAME
from xlsx_addin.io.books.ledger.book import build_ledger_workbook
from xlsx_addin.shells.cli import main

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ROOT / "workbooks"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not pdf_layout.available(), reason="LibreOffice and poppler are not installed")]

# workbook → (pages, titles printed)
UNIT = {
    "five_star": (9, ["星级评定单位填报表·填表说明", "自评表", "党员群众测评表", "党员群众测评汇总表"]),
    "four_grade": (6, ["基层党组织分类定级自评表", "基层党组织分类定级党员群众满意度测评表",
                       "基层党组织分类定级党员群众满意度测评汇总表"]),
    "ten_star": (10, ["十星级党支部创建自评表", "十星级党支部创建党员群众测评表"]),
    "six_good": (8, ["六好党支部创建考评自评表", "六好党支部创建考评党员群众测评表"]),
}
LEDGER_PAGES = 27
LEDGER_TITLES = ["创先争优半年台账填表说明", "承诺、践诺台账", "上级领导点评下级党组织及书记创先争优工作情况登记表",
                 "基层党组织书记点评党员创先争优工作情况登记表", "群众评议情况统计表", "整改台账", "党员名单",
                 "党支部公开承诺书", "党员公开承诺书"]
SIGNED = ("党支部书记(签字)", "党支部(盖章)")
# what a defined name or a contract key looks like when printed
ENGLISH = re.compile(r"\b(org_name|org_code|parent_org|org_type|member_count|item_scores\w*|info_table|survey_table|"
                     r"rules_table|votes_\w+|mass_\w+|result_\w+|commitments|org_reviews|member_reviews|mass_review|"
                     r"rectification|member_names|period|live_\w+)\b")
LONE_ZERO = re.compile(r"(^|\s)0(\s|$)")

FILLED = {"org_name": "城关镇第一党支部", "period": "2026H1", "secretary": "王明",
          "commitments": [["为群众办好10件实事", "实事承诺", "本支部", "入户走访", "2026-06-30", "进行中", None, None],
                          ["每月走访困难户", "服务承诺", "张三、李四", "结对帮扶", "2026-05-30", "已完成", "2026-05-20", "满意"],
                          ["组织专题学习", "服务承诺", "城关镇第一党支部", "每月一次", "2026-04-30", "已完成", None, None],
                          ["帮扶一户困难家庭", "实事承诺", "李四", "", None, "进行中", None, None]],
          "members": [["张三", "男", "支部书记", "正式党员", ""], ["李四", "女", "组织委员", "正式党员", ""]]}


SHEETS = {"填表说明", "自评表", "测评表", "测评汇总表", "规则", "基本信息", "承诺践诺台账", "领导点评", "书记点评党员",
          "群众评议", "整改台账", "党员名单", "支部承诺书", "党员承诺书"}


def _sheet(page: pdf_layout.Page) -> str:
    """The sheet a page belongs to: the sheet name (&A) the page header prints at its right."""
    return next((ln.text.strip() for ln in page.lines[:4] if ln.text.strip() in SHEETS), "")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, list[pdf_layout.Page]]:
    tmp = tmp_path_factory.mktemp("forms_print")
    sources = []
    for scheme in UNIT:
        sources.append(shutil.copy(WORKBOOKS / f"单位填报表_{scheme}.xlsx", tmp / f"{scheme}.xlsx"))
    sources.append(shutil.copy(WORKBOOKS / FILENAME, tmp / "ledger.xlsx"))
    filled = build_ledger_workbook(tmp / "filled.xlsx", FILLED)
    wb = openpyxl.load_workbook(filled)
    wb["党员承诺书"]["C2"] = "李四"  # the member whose 承诺书 is printed
    wb.save(filled)
    sources.append(filled)
    assert main(["demo", "--scheme", "four_grade", "--units", "40", "--out", str(tmp / "demo"), "--quiet"]) == 0
    sources.append(shutil.copy(tmp / "demo" / "汇总表.xlsx", tmp / "summary.xlsx"))
    pdfs = pdf_layout.render_pdf([Path(s) for s in sources], tmp, tmp / "lo_profile")
    return {Path(s).stem: pdf_layout.pages(pdf) for s, pdf in zip(sources, pdfs)}


def _a4(pages: list[pdf_layout.Page]) -> bool:
    return all(sorted((round(p.width), round(p.height))) == [595, 842] for p in pages)


@pytest.mark.parametrize("scheme", list(UNIT))
def test_unit_workbook_prints_its_forms(printed, scheme):
    pages = printed[scheme]
    count, titles = UNIT[scheme]
    assert len(pages) == count and _a4(pages)
    text = "\n".join(p.text.replace(" ", "") for p in pages)
    for title in titles:
        assert title in text, (scheme, title)
    for page in pages:
        assert not ENGLISH.search(page.text), (scheme, page.number, ENGLISH.search(page.text))
        if _sheet(page) != "规则":  # the rule numbers themselves may be 0
            assert not LONE_ZERO.search(page.text), (scheme, page.number, page.text)
        assert not pdf_layout.overlaps(page) and not pdf_layout.outside(page), (scheme, page.number)


def test_four_grade_forms_are_its_own(printed):
    text = "\n".join(p.text.replace(" ", "") for p in printed["four_grade"])
    ballot = next(p for p in printed["four_grade"] if _sheet(p) == "测评表")
    assert [ln.text for ln in ballot.lines if ln.text in ("满意", "基本满意", "不满意", "好", "较好", "一般", "差")] == \
        ["满意", "基本满意", "不满意"]
    assert "表彰/署名文章最高级别" not in text and "加分、减分及否决事项" not in text
    assert "表彰/署名文章最高级别" in "\n".join(p.text.replace(" ", "") for p in printed["five_star"])


def test_ledger_prints_every_form_signed_without_names(printed):
    pages = printed["ledger"]
    assert len(pages) == LEDGER_PAGES and _a4(pages)
    text = "\n".join(p.text.replace(" ", "") for p in pages)
    for title in LEDGER_TITLES:
        assert title in text, title
    for page in pages:
        assert not ENGLISH.search(page.text), (page.number, page.text[:300])
        sheet = _sheet(page)
        flat = page.text.replace(" ", "")
        if sheet in ("承诺践诺台账", "领导点评", "书记点评党员", "群众评议", "整改台账"):
            assert all(word in flat for word in SIGNED), (page.number, sheet)
            assert "创先争优半年台账" in flat  # the page header names the workbook on every page
        if sheet in ("支部承诺书", "党员承诺书"):
            assert "盖章" in flat and "签字" in flat and "年月日" in flat
            assert not LONE_ZERO.search(page.text), (page.number, page.text)
    # every table page repeats its header row
    for sheet, head in (("承诺践诺台账", "承诺事项"), ("书记点评党员", "被点评党员"), ("整改台账", "销号日期")):
        on = [p for p in pages if _sheet(p) == sheet]
        assert len(on) >= 2 and all(head in p.text.replace(" ", "") for p in on), sheet


def test_pledges_are_filled_from_the_ledger_rows(printed):
    pages = {_sheet(p): p.text.replace(" ", "") for p in printed["filled"] if _sheet(p) in ("支部承诺书", "党员承诺书")}
    branch, member = pages["支部承诺书"], pages["党员承诺书"]
    assert "党支部:城关镇第一党支部" in branch and "2026年上半年" in branch
    assert "为群众办好10件实事" in branch and "组织专题学习" in branch and "每月走访困难户" not in branch
    assert "本期承诺共2项" in branch
    assert "李四" in member and "党内职务:组织委员" in member
    assert "每月走访困难户" in member and "帮扶一户困难家庭" in member and "组织专题学习" not in member
    assert "本期承诺共2项" in member


def test_four_grade_summary_speaks_in_grades(printed):
    pages = printed["summary"]
    assert _a4(pages)
    text = "\n".join(p.text.replace(" ", "") for p in pages if not re.search("——(设置|规则|原始数据)", p.lines[0].text.replace(" ", "")))
    assert "基层党组织分类定级情况汇总表——分类汇总" in text and "基层党组织分类定级情况一览表——一览表" in text
    assert "升级/降级" in text and "晋星" not in text and "减星" not in text
    assert "村党支部" in text and "合计" in text and "争星目标" in text
    for page in pages:
        if "原始数据" not in page.text:  # the raw-data sheet's second row is the names contract itself
            assert not ENGLISH.search(page.text), (page.number, page.text[:300])
