"""LibreOffice: a clerk types 上级评分 into the summary, saves, re-runs: the result follows; the 评分定级表 prints
as the official A4 landscape form (title, item headers, 盖章 and date lines)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.support import pdf_layout
from xlsx_addin import load_scheme
from xlsx_addin.contracts.review_sheet import FORM_TITLE, REVIEW, upper_header
from xlsx_addin.jobs.demo.county import build_workbooks, generate_county
from xlsx_addin.shells.cli import main

pytestmark = pytest.mark.slow
SCHEME = "five_star"


@pytest.fixture(scope="module")
def summary(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("lo_review")
    build_workbooks(generate_county(10, SCHEME, seed=3), root / "units", SCHEME)
    out = root / "汇总表.xlsx"
    assert main(["consolidate", str(root / "units"), "--out", str(out), "--quiet"]) == 0
    return root / "units", out


def _review(out: Path) -> tuple[list, dict[str, int]]:
    ws = openpyxl.load_workbook(out, read_only=True)[REVIEW]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], {r[0]: i + 1 for i, r in enumerate(rows[1:], 1) if r and str(r[0] or "").endswith("党支部")}


def _overview(out: Path) -> dict[str, dict]:
    ws = openpyxl.load_workbook(out, read_only=True)["一览表"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return {r[0]: dict(zip(rows[0], r)) for r in rows[1:] if r and r[0]}


def test_clerk_types_upper_scores_in_libreoffice_and_the_rerun_follows(summary, libreoffice):
    folder, out = summary
    scheme = load_scheme(SCHEME)
    header, rows = _review(out)
    name = next(iter(rows))
    col = header.index(upper_header(1, scheme.items[1].label)) + 1
    own = openpyxl.load_workbook(out, read_only=True)[REVIEW].cell(rows[name], col - 1).value
    cell = f"{REVIEW}!{openpyxl.utils.get_column_letter(col)}{rows[name]}"
    before = _overview(out)[name]
    libreoffice.set_values(out, {cell: own - 3}, out)  # typed and saved by LibreOffice
    assert main(["consolidate", str(folder), "--out", str(out), "--quiet"]) == 0
    after = _overview(out)[name]
    assert after["基础得分"] == pytest.approx(before["基础得分"] - 3)
    assert f"调整为{own - 3:g}分" in after["说明"]
    header, rows = _review(out)
    assert openpyxl.load_workbook(out, read_only=True)[REVIEW].cell(rows[name], col).value == own - 3


@pytest.mark.skipif(not pdf_layout.available(), reason="LibreOffice and poppler are not installed")
def test_review_sheet_prints_as_the_official_form(summary, tmp_path):
    _, out = summary
    only = tmp_path / "评分定级表.xlsx"  # the form alone: the other sheets removed
    wb = openpyxl.load_workbook(out)
    for ws in list(wb.worksheets):
        if ws.title != REVIEW:
            wb.remove(ws)
    wb.save(only)
    pdf = pdf_layout.render_pdf([only], tmp_path, tmp_path / "profile")[0]
    pages = pdf_layout.pages(pdf)
    assert pages and all(round(p.width) == 842 and round(p.height) == 595 for p in pages)  # A4 landscape
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace(" ", "")
    for want in (FORM_TITLE, "评定组:", "上级评分", "自评", "合计", "审核意见",
                 "制表单位(盖章)", "日期:____年__月__日", "1.组织"):
        assert want in flat, want
    assert not any(pdf_layout.overlaps(p) for p in pages)
