"""The 双十星 评星表 prints on A4 in LibreOffice, both flavours, blank and filled (issue 23 items 3 and 7): every
sheet's title, the signature, seal, 评审委员会 and 公示 lines, the 党组织评星表 on one page, the 党员评星表 at a
legible size with its header row and name columns on every page, each ballot page with its header, no "0" for a
blank star name, no defined name or 规则 key on paper, no text printed over text, nothing off the page."""
from __future__ import annotations

import re
from pathlib import Path
from statistics import median

import pytest

from tests.support import pdf_layout
from xlsx_addin.io.books.double_ten.book import build_star_workbook
from xlsx_addin.jobs.demo.double_ten import generate_town

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not pdf_layout.available(), reason="LibreOffice and poppler are not installed")]

SHEETS = ("填表说明", "党组织评星表", "党员评星表", "评星票", "党员评星票", "规则")
ENGLISH = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+\.[a-z_]+\.")  # defined names, 规则 keys
SCHEME_IDS = ("double_ten_star_member", "double_ten_star")  # the 规则 sheet's 评定方案 value is the scheme's id


def _sheet_of(page: pdf_layout.Page) -> str:
    """The sheet a page prints: the page header's right part is the sheet's name (&A)."""
    head = [w for ln in page.lines if ln.y1 < 40 for w in ln.text.split()]
    return next((w for w in reversed(head) if w in SHEETS), " ".join(head))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, libreoffice) -> dict[str, list[pdf_layout.Page]]:
    tmp = tmp_path_factory.mktemp("stars_print")
    branch = generate_town(1, "double_ten_star", seed=3)[0]
    books = {
        "blank.xlsx": build_star_workbook(tmp / "blank.xlsx", "double_ten_star"),
        "blank.xlsm": build_star_workbook(tmp / "blank.xlsm", "double_ten_star", python=True),
        "filled.xlsx": build_star_workbook(tmp / "filled.xlsx", "double_ten_star", branch.values, branch.members,
                                           branch.member_star_names),
    }
    out = {}
    for name, path in books.items():
        # the Python flavour as a PC without Python shows it: the values it was saved with
        pdf = libreoffice.convert(path, tmp / f"{name}.pdf", recalc=not name.endswith(".xlsm"))
        out[name] = pdf_layout.pages(pdf)
    return out


def test_every_sheet_prints_with_its_title_and_lines(rendered):
    for name, pages in rendered.items():
        by_sheet: dict[str, list[pdf_layout.Page]] = {}
        for page in pages:
            by_sheet.setdefault(_sheet_of(page), []).append(page)
        assert set(by_sheet) == set(SHEETS), (name, set(by_sheet))
        assert 10 <= len(pages) <= 20, (name, len(pages))
        text = {s: "\n".join(p.text for p in ps).replace(" ", "") for s, ps in by_sheet.items()}
        assert "填表说明" in text["填表说明"] and "一、本表用途" in text["填表说明"]
        assert len(by_sheet["党组织评星表"]) == 1, name  # inputs, stars, results and signatures on one page
        org = text["党组织评星表"]
        for words in ("党组织评星表", "说明(未得星及封顶)", "提示", "评审委员会(5~7人", "计票人(签字)", "监票人(签字)",
                      "党组织书记(签字)", "党组织(盖章)", "公示:评星结果于", "镇党委审核意见", "年"):
            assert words in org, (name, words)
        assert "评审委员会(5~7人" in text["党员评星表"] and "公示" in text["党员评星表"]
        assert "民主评星票(党组织)" in text["评星票"] and "民主评星票(党员)" in text["党员评星票"]
        assert "计票人(签字)" in text["党员评星票"]
        assert "规则参数" in text["规则"]


def test_no_zero_star_names_no_error_values_and_no_english_names(rendered):
    for name, pages in rendered.items():
        for page in pages:
            if _sheet_of(page) in ("评星票", "党员评星票", "党组织评星表"):
                zeros = [ln.text for ln in page.lines if "0" in ln.text.split()]
                assert not zeros, (name, page.number, zeros)
            text = page.text
            assert "#VALUE!" not in text and "#N/A" not in text and "#REF!" not in text, (name, page.number)
            for sid in SCHEME_IDS:
                text = text.replace(sid, "")
            assert not ENGLISH.search(text), (name, page.number, ENGLISH.findall(text)[:5])


def test_member_pages_are_legible_with_their_headers(rendered):
    for name, pages in rendered.items():
        members = [p for p in pages if _sheet_of(p) == "党员评星表"]
        assert 2 <= len(members) <= 8, (name, len(members))
        for page in members:
            assert "党员姓名" in page.text, (name, page.number)  # header row and name columns repeated
            assert "党员类别" in page.text, (name, page.number)
            heights = [ln.y1 - ln.y0 for ln in page.lines[1:-1]]
            assert median(heights) >= 6.5, (name, page.number, median(heights))  # was 4–5 pt on one page
        results = [p for p in members if "未得星说明" in p.text]
        assert results and all("第1星赞成票" not in p.text.replace(" ", "") for p in results)
        for page in (p for p in pages if _sheet_of(p) == "党员评星票"):
            assert "党员姓名/类别" in page.text.replace(" ", ""), (name, page.number)


def test_no_text_printed_over_text_or_off_the_page(rendered):
    for name, pages in rendered.items():
        for page in pages:
            assert not pdf_layout.overlaps(page), (name, page.number, pdf_layout.overlaps(page)[:3])
            assert not pdf_layout.outside(page), (name, page.number)


@pytest.mark.parametrize("scheme_id", ["ten_star", "six_good"])
def test_self_assessment_keeps_each_item_and_the_results_on_one_page(libreoffice, tmp_path, scheme_id):
    """issue 23 item 7: ten_star's 自评表 split a star's sub-items across pages, six_good's results spilled onto
    the next page; each item's rows and the results with the signatures now stay on one page."""
    from xlsx_addin import load_scheme
    from xlsx_addin.templates import build_unit_workbook

    scheme = load_scheme(scheme_id)
    path = build_unit_workbook(tmp_path / f"{scheme_id}.xlsx", scheme_id)
    pages = pdf_layout.pages(libreoffice.convert(path, tmp_path / f"{scheme_id}.pdf", recalc=False))
    own = [p for p in pages if f"{scheme.name}自评表" in p.text.replace(" ", "") or
           any(w == "自评表" for ln in p.lines if ln.y1 < 40 for w in ln.text.split())]
    assert 2 <= len(own) <= 3, len(own)

    def page_of(text: str) -> set[int]:
        return {p.number for p in own if text in p.text.replace(" ", "")}

    for item in scheme.items:
        rows = [s.label.replace(" ", "")[:12] for s in item.sub_items] or [(item.guide or item.label).replace(" ", "")[:12]]
        found = set().union(*(page_of(r) for r in rows))
        assert len(found) == 1, (item.label, found)
    results = page_of("四、评定结果") | page_of("是否需整改") | page_of("党组织书记(签字)") | page_of("上级党组织审核意见")
    assert len(results) == 1, results
