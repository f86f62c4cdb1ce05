"""原始数据 (issue 22 item 9): Chinese column titles, hidden (not printed), still read by a county's consolidation,
and a summary written before the Chinese titles (keys in row 2, data from row 3) is read as before."""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from tests.test_consolidate import build, unit
from xlsx_addin.contracts.summary import OVERVIEW, PROBLEMS, RAW
from xlsx_addin.shells.cli import main

CJK = re.compile(r"[\u4e00-\u9fff]")
pytestmark = pytest.mark.slow  # whole folders through the command line
NAMES = [f"丙镇第{i}村党支部" for i in range(1, 6)]


def _consolidate(folder: Path, out: Path) -> None:
    assert main(["consolidate", str(folder), "--out", str(out), "--quiet", "--workers", "1"]) == 0


def _rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    return rows


@pytest.fixture
def town(tmp_path) -> Path:
    folder = tmp_path / "丙镇"
    for i, name in enumerate(NAMES, 1):
        build(folder, f"{name}.xlsx", unit(name, f"C{i}", "丙镇", 70 + 4 * i))
    out = tmp_path / "丙镇汇总" / "丙镇汇总表.xlsx"
    _consolidate(folder, out)
    return out


def test_raw_sheet_has_chinese_titles_and_is_hidden(town):
    wb = openpyxl.load_workbook(town)
    ws = wb[RAW]
    assert ws.sheet_state == "hidden" and wb.active.title == OVERVIEW
    assert ws.row_dimensions[2].hidden  # the keys the readers read
    keys = [c.value for c in ws[2]]
    titles = [c.value for c in ws[3]]
    assert keys[:2] == ["org_name", "org_code"] and "item_scores.3" in keys and keys[-1] == "source_file"
    assert titles[:2] == ["党组织名称", "党组织代码"] and "自评得分3" in titles and titles[-1] == "来源文件"
    assert all(CJK.search(str(t)) for t in titles), [t for t in titles if not CJK.search(str(t))]
    assert ws.freeze_panes == "A4" and ws["A4"].value in NAMES


def _county(tmp_path: Path, summary: Path) -> list[tuple]:
    county = tmp_path / "县"
    county.mkdir()
    (county / summary.name).write_bytes(summary.read_bytes())
    out = tmp_path / "县汇总.xlsx"
    _consolidate(county, out)
    return _rows(out, OVERVIEW)


def test_a_county_reads_the_towns_summary(town, tmp_path):
    wb = openpyxl.load_workbook(town)
    wb[RAW]["E5"] = "三十"  # member_count of the second unit (sheet row 5): refused, its row named
    wb.save(town)
    rows = _county(tmp_path, town)
    names = {r[0] for r in rows[1:] if r and r[0]}
    assert names == set(NAMES) - {NAMES[1]}
    problems = _rows(tmp_path / "县汇总.xlsx", PROBLEMS)
    mine = [p for p in problems if p and p[1] == RAW]
    assert len(mine) == 1 and str(mine[0][2]).startswith("第5行"), mine
    assert not any("党组织名称" == str(p[3]) for p in problems)  # the titles' row is not a unit


def test_a_summary_with_english_keys_only_is_still_read(town, tmp_path):
    """The layout before the Chinese titles: keys in row 2, data from row 3."""
    wb = openpyxl.load_workbook(town)
    ws = wb[RAW]
    ws.delete_rows(3)
    ws.row_dimensions[2].hidden = False
    ws.sheet_state = "visible"
    ws["E4"] = "三十"  # the second unit, sheet row 4 in the old layout
    wb.save(town)
    rows = _county(tmp_path, town)
    assert {r[0] for r in rows[1:] if r and r[0]} == set(NAMES) - {NAMES[1]}
    mine = [p for p in _rows(tmp_path / "县汇总.xlsx", PROBLEMS) if p and p[1] == RAW]
    assert len(mine) == 1 and str(mine[0][2]).startswith("第4行"), mine
