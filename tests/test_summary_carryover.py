"""Nothing the clerk typed is lost: the summary edited in LibreOffice (a real client) and consolidated again.

The edits are made through UNO (the LibreOffice harness, tests/support/libreoffice.py) and saved by
LibreOffice itself; then `xlsx-addin consolidate` runs three times onto the edited file.
"""
from __future__ import annotations

import os
from dataclasses import replace
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.support.libreoffice import Cell
from xlsx_addin.io.files import backups
from xlsx_addin.jobs.consolidate.carryover import EDIT_PREFIX, LEFT_TITLE
from xlsx_addin.jobs.demo.county import build_workbooks, generate_county

ROOT = Path(__file__).resolve().parents[1]
NOTE = "已电话核实,申请复核配额调整"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "xlsx_addin", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=300, env=env, cwd=ROOT)


def rows(path: Path, sheet: str) -> list[list]:
    return [list(r) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()]


def records(path: Path, sheet: str) -> dict[str, dict]:
    grid = rows(path, sheet)
    header = [str(h) for h in grid[0]]
    return {str(r[0]): dict(zip(header, r)) for r in grid[1:] if r and r[0]}


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    units = tmp_path_factory.mktemp("county") / "units"
    build_workbooks(generate_county(24, "five_star", 11), units, "five_star", workers=1)
    return units


def _at(grid: list[list], sheet: str, unit: str, header: str) -> str:
    """'Sheet!A1' of the cell of `unit` (column A) under `header` (row 1)."""
    col = [str(h) for h in grid[0]].index(header)
    row = next(i for i, r in enumerate(grid) if i and r and r[0] == unit)
    return f"{sheet}!{openpyxl.utils.get_column_letter(col + 1)}{row + 1}"


@pytest.mark.slow
def test_libreoffice_edits_survive_three_runs(libreoffice, county, tmp_path):
    out = tmp_path / "汇总表.xlsx"
    first = run_cli("consolidate", str(county), "--out", str(out), "--quiet")
    assert first.returncode == 0, first.stderr
    overview = records(out, "一览表")
    ledger = records(out, "整改台账")
    names = list(overview)
    noted, commented, edited = names[0], names[1], names[2]
    flagged = next(iter(ledger))
    was = overview[edited]["最终星级"]
    typed = "五星级" if was != "五星级" else "三星级"
    # the clerk's new columns: 备注 after the last column of 一览表, 督导人 after 整改台账's
    grid = [list(r) + ([None] if i else ["备注"]) for i, r in enumerate(rows(out, "一览表"))]
    ledger_grid = [list(r) + ([None] if i else ["督导人"]) for i, r in enumerate(rows(out, "整改台账"))]
    edits = {
        f"一览表!{openpyxl.utils.get_column_letter(len(grid[0]))}1": "备注",
        _at(grid, "一览表", noted, "备注"): NOTE,
        _at(grid, "一览表", commented, "最终星级"): Cell(comment="请镇党委再核实一次"),
        _at(grid, "一览表", edited, "最终星级"): typed,
        f"整改台账!{openpyxl.utils.get_column_letter(len(ledger_grid[0]))}1": "督导人",
        _at(ledger_grid, "整改台账", flagged, "督导人"): "王五",
        _at(ledger_grid, "整改台账", flagged, "整改措施"): "每月开展组织生活会",
        _at(ledger_grid, "整改台账", flagged, "责任人"): "张三",
        _at(ledger_grid, "整改台账", flagged, "进度"): Cell(0.5, number_format="0%"),
        "督导记录!A1": "督导日期", "督导记录!B1": "情况", "督导记录!A2": "11月20日", "督导记录!B2": "已到村督导",
        "督导记录!C2": "=COUNTA($'一览表'.A2:A1000)",
    }
    libreoffice.set_values(out, edits, out, add_sheets=["督导记录"])  # saved in place by LibreOffice
    original = out.read_bytes()  # the clerk's file as LibreOffice saved it
    formula = openpyxl.load_workbook(out)["督导记录"]["C2"].value
    assert formula.startswith("=COUNTA(") and "一览表" in formula, formula

    outputs = []
    for run in range(3):
        proc = run_cli("consolidate", str(county), "--out", str(out), "--quiet")
        assert proc.returncode == 0, proc.stderr
        assert "上次的汇总表已备份为" in proc.stdout, proc.stdout
        outputs.append(proc.stdout)
        # everything the clerk added is there, by unit
        now = records(out, "一览表")
        assert now[noted]["备注"] == NOTE and all(not r.get("备注") for k, r in now.items() if k != noted)
        assert now[edited]["最终星级"] == was  # recomputed: the rating is the rules'
        assert rows(out, "一览表")[0][-1] == "来源文件"  # the clerk's column goes before it (printed)
        led = records(out, "整改台账")[flagged]
        assert (led["督导人"], led["整改措施"], led["责任人"], led["进度"]) == ("王五", "每月开展组织生活会", "张三", 0.5)
        wb = openpyxl.load_workbook(out)
        assert "督导记录" in wb.sheetnames
        extra = wb["督导记录"]
        assert (extra["A1"].value, extra["B2"].value, extra["C2"].value) == ("督导日期", "已到村督导", formula)
        ws = wb["一览表"]
        col = [c.value for c in ws[1]].index("最终星级") + 1
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == commented)
        assert ws.cell(row, col).comment is not None and "再核实" in ws.cell(row, col).comment.text
        lg = wb["整改台账"]
        prog = [c.value for c in lg[1]].index("进度") + 1
        lrow = next(r for r in range(2, lg.max_row + 1) if lg.cell(r, 1).value == flagged)
        assert lg.cell(lrow, prog).number_format == "0%"  # 50%, not 0.5
        # the overwritten edit is listed in 问题清单, once (the next runs see the program's own value)
        listed = [p for p in rows(out, "问题清单")[1:] if str(p[4]).startswith(EDIT_PREFIX)]
        if run == 0:
            assert len(listed) == 1, listed
            p = listed[0]
            assert p[1] == "一览表" and p[3] == typed and f"原为“{typed}”" in p[4] and f"现为“{was}”" in p[4]
            r_, c_ = openpyxl.utils.cell.coordinate_to_tuple(p[2])
            assert ws.cell(r_, c_).value == was and ws.cell(r_, 1).value == edited
            assert "1处计算结果被手工改动" in proc.stdout
        else:
            assert listed == []
    kept = backups.existing(out)
    assert len(kept) == 3, kept
    assert kept[0].read_bytes() == original  # the clerk's own file, intact
    assert all(str(k) in "".join(outputs) for k in kept)  # each run said where its backup is


@pytest.mark.slow
def test_unit_that_left_keeps_its_clerk_rows(county, tmp_path):
    units = tmp_path / "units"
    shutil.copytree(county, units)
    out = tmp_path / "汇总表.xlsx"
    assert run_cli("consolidate", str(units), "--out", str(out), "--quiet").returncode == 0
    wb = openpyxl.load_workbook(out)
    lg = wb["整改台账"]
    header = [c.value for c in lg[1]]
    gone = lg.cell(2, 1).value
    lg.cell(2, header.index("责任人") + 1).value = "赵六"
    ws = wb["一览表"]
    ws.cell(1, ws.max_column + 1).value = "备注"
    note_col = ws.max_column
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == gone)
    ws.cell(row, note_col).value = "已撤并"
    wb.save(out)
    source = records(out, "一览表")[gone]["来源文件"]
    (units / source).unlink()  # the branch was merged away: its file is no longer handed in

    assert run_cli("consolidate", str(units), "--out", str(out), "--quiet").returncode == 0
    for sheet, column, value in (("整改台账", "责任人", "赵六"), ("一览表", "备注", "已撤并")):
        grid = rows(out, sheet)
        title = next(i for i, r in enumerate(grid) if r and r[0] == LEFT_TITLE)
        block = {r[0]: dict(zip(grid[0], r)) for r in grid[title + 1:] if r and r[0]}
        assert block[gone][column] == value, sheet
    listed = [r[0] for r in rows(out, "一览表")[1:]]
    assert listed.count(gone) == 1  # only in the block


def test_three_runs_in_one_second_keep_three_backups(tmp_path):
    import datetime as dt

    out = tmp_path / "汇总表.xlsx"
    out.write_bytes(b"first")
    now = dt.datetime(2026, 12, 1, 9, 30, 0)
    made = []
    for k in range(3):
        made.append(backups.keep(out, 10, now=now))
        out.write_bytes(f"run {k}".encode())
    assert [p.name for p in made] == ["汇总表.备份-20261201-093000.xlsx", "汇总表.备份-20261201-093001.xlsx",
                                      "汇总表.备份-20261201-093002.xlsx"]
    assert [p.read_bytes() for p in made] == [b"first", b"run 0", b"run 1"]


def test_backups_are_pruned_oldest_first(tmp_path):
    import datetime as dt

    out = tmp_path / "汇总表.xlsx"
    start = dt.datetime(2026, 12, 1, 8, 0, 0)
    for k in range(5):
        out.write_bytes(f"v{k}".encode())
        backups.keep(out, 3, now=start + dt.timedelta(hours=k))
    kept = backups.existing(out)
    assert [p.read_bytes() for p in kept] == [b"v2", b"v3", b"v4"]
    assert backups.keep(out, 0) is None and len(backups.existing(out)) == 3  # 0: no new backup


def test_button_keeps_the_same_promises(tmp_path):
    from tests.test_summary_writer import _Book, make_consolidation

    from xlsx_addin.shells.buttons.consolidate import run_in_book

    shutil.copy(ROOT / "workbooks" / "huizong.xlsm", tmp_path / "huizong.xlsm")
    book = _Book(tmp_path / "huizong.xlsm")
    book.sheets["设置"].range("B2").value = [["单位"]]
    c = make_consolidation(n=20, towns=2)

    def fake_consolidate(s, progress=None):
        return replace(c, settings=s)

    import types

    book.sheets["一览表"].page_setup = types.SimpleNamespace(print_area="$A$1:$Q$2")  # the template's
    messages = []
    run_in_book(book, consolidate=fake_consolidate, message_box=lambda b, t, m: messages.append(m))
    sheet = book.sheets["一览表"]
    assert sheet.page_setup.print_area == "$A$1:$R$21"  # every unit's row, without 来源文件
    grid = sheet.used_range.value
    header = grid[0]
    level = header.index("最终星级") + 1
    noted, edited = grid[1][0], grid[2][0]
    was = grid[2][level - 1]
    sheet.range((1, len(header) + 1)).value = [["备注"]]
    sheet.range((2, len(header) + 1)).value = [[NOTE]]
    sheet.range((3, level)).value = [["五星级" if was != "五星级" else "三星级"]]
    c.units.reverse()  # the next click lists the units in another order
    run_in_book(book, consolidate=fake_consolidate, message_box=lambda b, t, m: messages.append(m))
    grid = sheet.used_range.value
    by_name = {r[0]: dict(zip(grid[0], r)) for r in grid[1:] if r[0]}
    assert by_name[noted]["备注"] == NOTE and by_name[edited]["最终星级"] == was
    assert grid[0][-1] == "来源文件" and "备注" in grid[0]
    assert sheet.page_setup.print_area == "$A$1:$S$21"  # the clerk's 备注 is printed too
    problems = book.sheets["问题清单"].used_range.value
    listed = [p for p in problems if str(p[4]).startswith(EDIT_PREFIX)]
    assert len(listed) == 1 and listed[0][1] == "一览表" and f"现为“{was}”" in listed[0][4]
    assert "1处计算结果被手工改动" in messages[-1]
    assert "上次保存的汇总表已备份为" in messages[-1] and len(backups.existing(tmp_path / "huizong.xlsm")) == 2
    assert book.sheets["汇总记录"].visible is False
