"""星级管理台账 (issue 21 item 5) through the CLI on built units and their summaries: a year's levels registered,
the clerk's rows, columns and sheets kept across runs, a year registered twice replaced (never duplicated), 复验
downgrades changing next year's 晋星/减星 (`consolidate --register`), bad 复验 rows named in the register's 问题清单,
a broken or locked register refused with exit 2 and nothing written, the 登记台账 button and its macro."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlsx_addin import load_scheme
from xlsx_addin.engine.register import Recheck, in_force, last_year, start_of
from xlsx_addin.jobs.demo.county import build_workbooks, generate_county
from xlsx_addin.shells.cli import main

FIVE = load_scheme("five_star")


# --- helpers --------------------------------------------------------------------------------------
def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _rows(path: Path, sheet: str) -> list[list]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
    while rows and not any(v not in (None, "") for v in rows[-1]):
        rows.pop()
    return rows


def _records(path: Path, sheet: str) -> list[dict]:
    rows = _rows(path, sheet)
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(v not in (None, "") for v in r)]


def _levels(summary: Path, scheme) -> dict[str, str]:
    return {r["党组织名称"]: r[f"最终{scheme.level_term}"] for r in _records(summary, "一览表")}


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    """A county of five_star branches and its summary (built once; each test copies what it changes)."""
    root = tmp_path_factory.mktemp("county")
    build_workbooks(generate_county(24, "five_star", seed=11), root / "units", "five_star")
    assert main(["consolidate", str(root / "units"), "--out", str(root / "汇总表.xlsx"), "--quiet"]) == 0
    return root


def _summary(county: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(county / "汇总表.xlsx", tmp_path / "汇总表.xlsx"))


def _add_checks(register: Path, rows: list[list]) -> None:
    wb = openpyxl.load_workbook(register)
    for row in rows:
        wb["复验记录"].append(row)
    wb.save(register)


# --- the register from a summary ------------------------------------------------------------------
@pytest.mark.slow
def test_register_lists_every_unit_with_its_level_of_the_year(county, tmp_path, capsys):
    summary, register = _summary(county, tmp_path), tmp_path / "星级管理台账.xlsx"
    code, out, err = _run(capsys, "register", "--summary", summary, "--out", register)
    assert code == 0, err
    run_date = next(r[1] for r in _rows(summary, "设置") if r and r[0] == "汇总日期")
    year = dt.date.fromisoformat(run_date).year  # no --year: the year of the summary's 汇总日期
    assert f"登记年度:{year}年(汇总表的汇总日期 {run_date})" in out
    levels = _levels(summary, FIVE)
    rows = _records(register, "历年星级")
    assert {r["党组织名称"]: r[f"{year}年"] for r in rows} == levels
    assert {r["党组织名称"]: r["现行星级"] for r in rows} == levels
    assert all(r["党组织代码"] and r["上级党组织"] for r in rows)
    assert _records(register, "历年评定") == [{k: v for k, v in r.items() if k not in ("现行星级", "最近复验")}
                                          for r in rows]
    log = _records(register, "登记记录")
    assert [(r["年度"], r["汇总表"], r["汇总日期"], r["评定方案"], r["单位数"]) for r in log] == \
        [(f"{year}年", str(summary.resolve()), run_date, "five_star", len(levels))]
    assert _rows(register, "复验记录") == [["日期", "党组织名称", "党组织代码", "复验情况", "调整为", "原因"]]
    book = openpyxl.load_workbook(register)
    assert book.sheetnames == ["历年星级", "复验记录", "重点管理", "历年评定", "登记记录", "问题清单"]
    for ws in book.worksheets:  # every sheet prints on A4 landscape, one page wide, its header on every page
        assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape"), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1), ws.title  # 1: the default
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title


@pytest.mark.slow
def test_clerk_rows_columns_and_sheets_survive_two_runs_and_a_year_is_never_duplicated(county, tmp_path, capsys):
    summary, register = _summary(county, tmp_path), tmp_path / "台账.xlsx"
    assert _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2024")[0] == 0
    first = _records(register, "历年星级")[0]
    wb = openpyxl.load_workbook(register)
    wb["复验记录"].append([dt.date(2025, 5, 6), first["党组织名称"], first["党组织代码"], "按期复验,符合", None, "抽查"])
    wb["历年星级"]["I1"] = "备注"
    wb["历年星级"]["I2"] = "书记新任"
    extra = wb.create_sheet("走访记录")
    extra["A1"], extra["B2"], extra["C3"] = "走访", 42, dt.date(2025, 3, 1)
    wb.save(register)

    for year in ("2025", "2025"):  # two runs, the same year twice
        code, out, err = _run(capsys, "register", "--summary", summary, "--out", register, "--year", year)
        assert code == 0, err
    assert "已替换2025年度的星级" in out

    header = _rows(register, "历年星级")[0]
    assert [h for h in header if h.endswith("年")] == ["2024年", "2025年"]  # no second 2025年
    assert header[-1] == "备注"
    row = next(r for r in _records(register, "历年星级") if r["党组织名称"] == first["党组织名称"])
    assert row["备注"] == "书记新任"
    checks = _rows(register, "复验记录")
    assert len(checks) == 2 and checks[1][1:4] == [first["党组织名称"], first["党组织代码"], "按期复验,符合"]
    assert checks[1][0].date() == dt.date(2025, 5, 6)
    wb = openpyxl.load_workbook(register)
    assert wb.sheetnames[-1] == "走访记录"
    assert wb["走访记录"]["B2"].value == 42 and wb["走访记录"]["C3"].value.date() == dt.date(2025, 3, 1)
    assert [r["年度"] for r in _records(register, "登记记录")] == ["2024年", "2025年"]
    backups = sorted(p.name for p in tmp_path.glob("台账.备份-*.xlsx"))
    assert len(backups) == 2  # every run keeps the register it replaced


@pytest.mark.slow
def test_a_recheck_downgrade_changes_next_years_change_through_consolidate_register(county, tmp_path, capsys):
    summary, register = _summary(county, tmp_path), tmp_path / "台账.xlsx"
    assert _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2025")[0] == 0
    levels = _levels(summary, FIVE)
    name, level = next((n, lv) for n, lv in levels.items() if FIVE.level_by_name(lv).rank >= 3)
    rank = FIVE.level_by_name(level).rank
    code = next(r["党组织代码"] for r in _records(register, "历年星级") if r["党组织名称"] == name)
    when = start_of(2025, None)  # the 2025 levels are in force from here (the summary was made in another year)
    _add_checks(register, [[when + dt.timedelta(days=30), name, code, "工作下滑,与所属星级不符", "一星级", "复验"]])
    code_, out, err = _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2025")
    assert code_ == 0, err
    assert "复验降级:1处" in out
    row = next(r for r in _records(register, "历年星级") if r["党组织名称"] == name)
    assert row["2025年"] == "一星级" and "降为一星级" in row["最近复验"]
    assert next(r for r in _records(register, "历年评定") if r["党组织名称"] == name)["2025年"] == level

    # next year: the same units again; 晋星/减星 against the level in force (一星级), not the rated one
    with_register, with_previous = tmp_path / "新汇总表.xlsx", tmp_path / "比较.xlsx"
    assert _run(capsys, "consolidate", county / "units", "--out", with_register, "--register", register,
                "--previous", summary, "--quiet")[0] == 0
    assert _run(capsys, "consolidate", county / "units", "--out", with_previous, "--previous", summary, "--quiet")[0] == 0
    by_register = {r["党组织名称"]: r for r in _records(with_register, "一览表")}
    by_previous = {r["党组织名称"]: r for r in _records(with_previous, "一览表")}
    assert by_register[name]["上年度"] == "一星级" and by_previous[name]["上年度"] == level
    assert by_register[name]["晋星/减星"] == f"晋{rank - 1}星" and by_previous[name]["晋星/减星"] == "持平"
    others = [n for n in levels if n != name]
    assert all(by_register[n]["上年度"] == by_previous[n]["上年度"] for n in others)  # only the re-checked unit
    assert any("星级管理台账2025年度的现行星级" in (r["原因"] or "") for r in _records(with_register, "问题清单"))


@pytest.mark.slow
def test_registered_today_then_consolidated_again_and_a_rerun_of_the_registered_summary(county, tmp_path, capsys):
    """No --year anywhere: the register's year is the summary's; a later rating into another file compares with it;
    re-running the very summary that was registered (一键汇总 after 登记台账) does not compare with itself."""
    summary, register = _summary(county, tmp_path), tmp_path / "台账.xlsx"
    assert _run(capsys, "register", "--summary", summary, "--out", register)[0] == 0
    levels = _levels(summary, FIVE)
    (a, la), (b, lb) = [(n, lv) for n, lv in levels.items() if FIVE.level_by_name(lv).rank >= 2][:2]
    rows = {r["党组织名称"]: r for r in _records(register, "历年星级")}
    run_date = dt.date.fromisoformat(next(r[1] for r in _rows(summary, "设置") if r and r[0] == "汇总日期"))
    _add_checks(register, [[run_date, a, rows[a]["党组织代码"], "复验", "一星级", "工作下滑"],
                           [dt.date(run_date.year, 1, 15), b, rows[b]["党组织代码"], "复验", "一星级", "早于登记"]])
    code, out, err = _run(capsys, "register", "--summary", summary, "--out", register)
    assert code == 0 and "复验降级:2处" in out
    notes = _records(register, "问题清单")
    assert [(r["单元格"], r["严重程度"]) for r in notes] == [("E3", "提示")]  # the early row: applied, noted

    later = tmp_path / "下一次汇总表.xlsx"
    assert _run(capsys, "consolidate", county / "units", "--out", later, "--register", register, "--quiet")[0] == 0
    got = {r["党组织名称"]: r for r in _records(later, "一览表")}
    assert got[a]["上年度"] == got[b]["上年度"] == "一星级"
    assert all(got[n]["上年度"] == lv for n, lv in levels.items() if n not in (a, b))

    assert _run(capsys, "consolidate", county / "units", "--out", summary, "--register", register, "--quiet")[0] == 0
    again = {r["党组织名称"]: r["上年度"] for r in _records(summary, "一览表")}
    plain = tmp_path / "不用台账.xlsx"
    assert _run(capsys, "consolidate", county / "units", "--out", plain, "--quiet")[0] == 0
    assert again == {r["党组织名称"]: r["上年度"] for r in _records(plain, "一览表")}  # not its own year's levels
    assert any("本次汇总自己登记的年度不算" in (r["原因"] or "") for r in _records(summary, "问题清单"))


@pytest.mark.slow
def test_bad_recheck_rows_are_named_in_the_registers_problem_list(county, tmp_path, capsys):
    summary, register = _summary(county, tmp_path), tmp_path / "台账.xlsx"
    assert _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2025")[0] == 0
    unit = _records(register, "历年星级")[0]
    low = next(r for r in _records(register, "历年星级") if r["2025年"] != "五星级")
    day = start_of(2025, None) + dt.timedelta(days=60)
    _add_checks(register, [
        [day, "没有这个支部", None, "复验", "一星级", ""],  # row 2: no known unit
        [day, unit["党组织名称"], unit["党组织代码"], "复验", "超五星", ""],  # row 3: an unknown level
        ["2025-13-45", unit["党组织名称"], unit["党组织代码"], "复验", "一星级", ""],  # row 4: a bad date
        [day, low["党组织名称"], low["党组织代码"], "复验", "五星级", ""],  # row 5: 复验 only lowers
    ])
    code, out, err = _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2025")
    assert code == 0, err
    problems = {(r["工作表"], r["单元格"]): r for r in _records(register, "问题清单")}
    assert problems[("复验记录", "B2")]["值"] == "没有这个支部" and "没有这个党组织" in problems[("复验记录", "B2")]["原因"]
    assert problems[("复验记录", "E3")]["值"] == "超五星" and "不是本方案的星级" in problems[("复验记录", "E3")]["原因"]
    assert problems[("复验记录", "A4")]["值"] == "2025-13-45" and "日期无效" in problems[("复验记录", "A4")]["原因"]
    assert problems[("复验记录", "E5")]["值"] == "五星级" and "复验只能降级" in problems[("复验记录", "E5")]["原因"]
    assert all(r["严重程度"] == "错误" and r["文件"] == "台账.xlsx" for r in problems.values())
    assert "复验降级:0处" in out and "问题清单:4条" in out
    assert len(_rows(register, "复验记录")) == 5  # the clerk's rows stay as typed


@pytest.mark.slow
def test_bottom_level_two_years_running_is_listed_for_focus(county, tmp_path, capsys):
    summary, register = _summary(county, tmp_path), tmp_path / "台账.xlsx"
    for year in ("2024", "2025"):
        assert _run(capsys, "register", "--summary", summary, "--out", register, "--year", year)[0] == 0
    bottom = sorted(n for n, lv in _levels(summary, FIVE).items() if lv in ("一星级", "不定星级"))
    assert bottom
    focus = _records(register, "重点管理")
    assert sorted(r["党组织名称"] for r in focus) == bottom
    assert all(r["说明"].startswith("连续两年处于最低层级") for r in focus)
    wb = openpyxl.load_workbook(register)
    wb["重点管理"]["G2"] = "驻村帮扶"
    wb.save(register)
    assert _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2025")[0] == 0
    assert _records(register, "重点管理")[0]["整顿措施"] == "驻村帮扶"


# --- refusals: exit 2, a Chinese message, nothing written ------------------------------------------------
def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.slow
def test_a_broken_or_locked_register_is_refused_and_nothing_is_written(county, tmp_path, capsys):
    summary = _summary(county, tmp_path)
    broken = tmp_path / "台账.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook at all" * 10)
    before = _snapshot(tmp_path)
    code, out, err = _run(capsys, "register", "--summary", summary, "--out", broken)
    assert code == 2 and err.startswith("错误:无法读取星级管理台账") and "Traceback" not in err
    assert _snapshot(tmp_path) == before  # no backup, no temporary file, the broken file untouched

    good = tmp_path / "好台账.xlsx"
    assert _run(capsys, "register", "--summary", summary, "--out", good, "--year", "2025")[0] == 0
    lock = tmp_path / "~$好台账.xlsx"  # Excel's owner file: the register is open
    lock.write_bytes(b"owner")
    before = _snapshot(tmp_path)
    code, out, err = _run(capsys, "register", "--summary", summary, "--out", good)
    assert code == 2 and "正在被 Excel 或 WPS 打开" in err
    assert _snapshot(tmp_path) == before

    lock.unlink()
    other = tmp_path / "其他.xlsx"
    openpyxl.Workbook().save(other)  # somebody's workbook, not a register: never overwritten
    before = _snapshot(tmp_path)
    code, out, err = _run(capsys, "register", "--summary", summary, "--out", other)
    assert code == 2 and "不是星级管理台账" in err and _snapshot(tmp_path) == before
    code, out, err = _run(capsys, "register", "--summary", summary, "--out", summary)
    assert code == 2 and "汇总表" in err and _snapshot(tmp_path) == before


@pytest.mark.slow
def test_a_failed_write_leaves_the_register_as_it_was(county, tmp_path, capsys, monkeypatch):
    summary, register = _summary(county, tmp_path), tmp_path / "台账.xlsx"
    assert _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2025")[0] == 0
    before = _snapshot(tmp_path)

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2026")
    monkeypatch.undo()
    assert code == 2 and "无法写入" in err and "Traceback" not in err
    now = _snapshot(tmp_path)
    assert now[register.name] == before[register.name]
    assert not [n for n in now if n.startswith(".~")]  # no temporary file left


@pytest.mark.slow
def test_a_register_keeps_one_scheme(county, tmp_path, capsys):
    summary, register = _summary(county, tmp_path), tmp_path / "台账.xlsx"
    assert _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2025")[0] == 0
    units = tmp_path / "units"
    build_workbooks(generate_county(6, "four_grade", seed=3), units, "four_grade")
    other = tmp_path / "定级汇总表.xlsx"
    assert _run(capsys, "consolidate", units, "--out", other, "--scheme", "four_grade", "--quiet")[0] == 0
    before = _snapshot(tmp_path)
    code, out, err = _run(capsys, "register", "--summary", other, "--out", register)
    assert code == 2 and "一个台账只登记一种评定方案" in err and _snapshot(tmp_path) == before
    code, out, err = _run(capsys, "register", "--summary", summary, "--out", register, "--year", "1890")
    assert code == 2 and "年度 1890 无效" in err


# --- every scheme, the demo, the button ------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["double_ten_star", "four_grade"])
def test_the_demo_registers_its_summary_with_a_recheck(tmp_path, capsys, scheme):
    code, out, err = _run(capsys, "demo", "--units", "8", "--out", tmp_path / "demo", "--scheme", scheme, "--quiet")
    assert code == 0, err
    register = tmp_path / "demo" / "星级管理台账.xlsx"
    assert register.is_file() and "星级管理台账(演示)" in out and "复验降级:1处" in out
    s = load_scheme(scheme)
    summary = next((tmp_path / "demo").glob("*汇总表.xlsx"))
    levels = _levels(summary, s)
    check = _rows(register, "复验记录")[1]
    rows = {r["党组织名称"]: r for r in _records(register, "历年星级")}
    assert set(rows) == set(levels)
    year = [h for h in _rows(register, "历年星级")[0] if h.endswith("年")][0]
    assert rows[check[1]][year] == check[4] != levels[check[1]]
    assert s.level_by_name(check[4]).rank == s.level_by_name(levels[check[1]]).rank - 1
    assert f"xlsx-addin register --summary {summary.name} --out 星级管理台账.xlsx" in out

    # the same branches rated again with the register: the re-checked unit's 上年度 is its level in force
    units = next(p for p in (tmp_path / "demo").iterdir() if p.is_dir())
    again = tmp_path / "again.xlsx"
    code, out, err = _run(capsys, "consolidate", units, "--out", again, "--scheme", scheme, "--register", register,
                          "--quiet")
    assert code == 0, err
    previous = {r["党组织名称"]: r["上年度"] for r in _records(again, "一览表")}
    assert previous[check[1]] == check[4]
    assert all(previous[n] == lv for n, lv in levels.items() if n != check[1])


def test_the_summary_template_has_the_register_macro_and_button(tmp_path):
    from tests.support.xlsx_parts import vba_modules

    from tests.test_summary_writer import _macros
    from xlsx_addin.jobs.consolidate.template import build_summary_workbook

    path = build_summary_workbook(tmp_path / "huizong.xlsm", FIVE)
    code = vba_modules(path)  # {stream: code} (olevba)
    module = next(src for stream, src in code.items() if stream.rsplit("/", 1)[-1].startswith("Module1"))
    assert "Sub RegisterCall()" in module and 'mymodule & ".register()"' in module
    assert "RegisterCall" in _macros(path)
    labels = [r[0] for r in openpyxl.load_workbook(path, keep_vba=True)["设置"].iter_rows(values_only=True)]
    assert "星级管理台账" in labels and "台账年度" in labels and "汇总日期" in labels
    sidecar = (tmp_path / "huizong.py").read_text(encoding="utf-8")
    assert "def register():" in sidecar and "run_register_in_book" in sidecar
    with zipfile.ZipFile(path) as z:
        assert "xl/vbaProject.bin" in z.namelist()


@pytest.mark.slow
def test_the_register_button_registers_the_open_book(county, tmp_path):
    from tests.test_summary_writer import _Book
    from xlsx_addin.shells.buttons.register import run_register_in_book

    summary = _summary(county, tmp_path)
    book = _Book(summary)
    settings = book.sheets["设置"]
    row = next(r for r, v in enumerate(settings.used_range.value, 1) if v and v[0] == "台账年度")
    settings.range((row, 2)).value = [[2025]]
    messages = []
    done = run_register_in_book(book, message_box=lambda b, t, m: messages.append((t, m)))
    assert done is not None and done.year == 2025 and done.out == tmp_path / "星级管理台账.xlsx"
    title, text = messages[-1]
    assert title == "登记台账" and "登记年度:2025年(指定的年度)" in text
    assert {r["党组织名称"]: r["2025年"] for r in _records(done.out, "历年星级")} == _levels(summary, FIVE)
    named = next(v for v in settings.used_range.value if v and v[0] == "星级管理台账")
    assert named[1] == "星级管理台账.xlsx"  # 一键汇总 reads it next year
    settings.range((row, 2)).value = [["明年"]]
    assert run_register_in_book(book, message_box=lambda b, t, m: messages.append((t, m))) is None
    assert "“台账年度”的值“明年”无效" in messages[-1][1]


# --- the rules ------------------------------------------------------------------------------------
def test_a_recheck_belongs_to_the_year_in_force_on_its_date_and_only_lowers():
    starts = {2024: start_of(2024, dt.date(2024, 12, 10)), 2025: start_of(2025, dt.date(2026, 1, 8))}
    assert starts == {2024: dt.date(2024, 12, 10), 2025: dt.date(2026, 1, 1)}
    rated = {2024: {"a": 4, "b": 3}, 2025: {"a": 5, "b": 3}}
    checks = [Recheck(dt.date(2025, 6, 1), "a", 2, "E2"),  # during 2024's term
              Recheck(dt.date(2026, 2, 1), "b", 1, "E3"),  # during 2025's term
              Recheck(dt.date(2026, 3, 1), "b", 2, "E4"),  # higher than in force now: refused
              Recheck(dt.date(2024, 1, 1), "b", 2, "E5")]  # before anything registered: the earliest year, noted
    result = in_force(rated, starts, checks)
    assert result.levels == {2024: {"a": 2, "b": 2}, 2025: {"a": 5, "b": 1}}
    assert [(c.where, why[:6]) for c, why in result.refused] == [("E4", "复验只能降级")]
    assert [c.where for c, _ in result.notes] == ["E5"]
    # last year for a rating: the latest registered, but not this rating's own year (a re-run after 登记台账)
    assert last_year([2024, 2025], 2026, own=set()) == 2025
    assert last_year([2024, 2025, 2026], 2026, own={2026}) == 2025
    assert last_year([2026], 2026, own=set()) == 2026 and last_year([2026], 2026, own={2026}) is None


@pytest.mark.slow
def test_earlier_years_typed_into_the_rated_sheet_join_the_register(county, tmp_path, capsys):
    summary, register = _summary(county, tmp_path), tmp_path / "台账.xlsx"
    assert _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2025")[0] == 0
    wb = openpyxl.load_workbook(register)
    ws = wb["历年评定"]
    col = ws.max_column + 1
    ws.cell(1, col).value, ws.cell(2, col).value, ws.cell(3, col).value = "2023年", "二星级", "超级"
    wb.save(register)
    assert _run(capsys, "register", "--summary", summary, "--out", register, "--year", "2025")[0] == 0
    header = _rows(register, "历年星级")[0]
    assert [h for h in header if h.endswith("年")] == ["2023年", "2025年"]
    first, second = _records(register, "历年星级")[:2]
    assert first["2023年"] == "二星级" and second["2023年"] is None
    assert _records(register, "登记记录")[0]["汇总表"] == "(台账中手工填写)"
    assert [(r["工作表"], r["单元格"], r["值"]) for r in _records(register, "问题清单")] == [("历年评定", "D3", "超级")]
    assert _records(register, "历年评定")[1]["2023年"] == "超级"  # kept as typed, not used


def test_the_bottom_level_is_the_schemes_floor_quota_not_a_name_in_code():
    from xlsx_addin.engine.register import bottom_rank
    from xlsx_addin.engine.scheme.rules import FloorQuota

    assert (bottom_rank(FIVE), bottom_rank(load_scheme("four_grade"))) == (1, 0)  # 一星级及以下, 较差
    wider = FloorQuota(id="bottom_floor", kind="floor", label="二星级及以下比例下限", levels=[2, 1, 0], share=0.1,
                       target_level=2)
    local = FIVE.model_copy(update={"quotas": [q for q in FIVE.quotas if q.kind != "floor"] + [wider]})
    assert bottom_rank(local) == 2  # a locality's floor of 二星级及以下 makes 二星级 the bottom for 重点管理
