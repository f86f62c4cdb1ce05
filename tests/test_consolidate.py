"""一键汇总 on real unit workbooks built from the project's own template (xlsx_addin.templates)."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlsx_addin import apply_overrides, load_scheme
from xlsx_addin.jobs.consolidate import Settings, consolidate
from xlsx_addin.io.reader import UNIT_WORKBOOK, defined_names, parse_ref, read_unit
from xlsx_addin.templates import build_unit_workbook

SCHEME = load_scheme("five_star")
ROOT = Path(__file__).resolve().parents[1]


def unit(name: str, code: str | None, town: str | None, score: float, **extra) -> dict:
    """A five_star unit whose base score is `score` (10 items), with a valid survey."""
    per = score / 10
    values = {
        "org_name": name, "org_code": code, "parent_org": town, "org_type": "农村", "member_count": 30,
        "item_scores": [per] * 10, "members_present": 28, "masses_present": 10,
        "votes_satisfied": 30, "votes_basic": 5, "votes_unsatisfied": 2, "votes_invalid": 1,
    }
    values.update(extra)
    return {k: v for k, v in values.items() if v is not None}


def build(folder: Path, rel: str, values: dict, scheme=SCHEME) -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    build_unit_workbook(path, scheme, values)
    return path


def by_name(c):
    return {u.result.org_name: u for u in c.units}


def errors(c):
    return [p for p in c.problems if p.severity == "错误"]


def tree_hash(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# 甲镇: 10 units, three at 五星级 → cap floor(10 %·10) = 1 keeps one; floor ceil(10 %·10) = 1 lowers the last.
# 乙镇: 5 units, none at 五星级, one at 不定星级 → both quotas hold, nothing moves.
TOWN_A = [("甲镇第%d支部" % i, "A%02d" % i, s) for i, s in enumerate([96, 94, 92, 88, 86, 84, 78, 76, 72, 70], 1)]
TOWN_B = [("乙镇第%d支部" % i, "B%02d" % i, s) for i, s in enumerate([86, 82, 74, 64, 40], 1)]


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("county") / "单位填报表"
    for name, code, score in TOWN_A:
        build(folder, f"甲镇/{name}.xlsx", unit(name, code, "甲镇", score))
    for name, code, score in TOWN_B:
        build(folder, f"乙镇/{name}.xlsx", unit(name, code, "乙镇", score))
    return folder


@pytest.mark.slow
def test_two_towns_get_their_own_quotas(county):
    c = consolidate(Settings(input_dir=county, scheme_source="five_star"))
    assert c.files_seen == c.files_rated == 15 and not c.problems
    assert [s.name for s in c.sets] == ["乙镇", "甲镇"]
    a, b = {s.name: s for s in c.sets}["甲镇"], {s.name: s for s in c.sets}["乙镇"]
    assert a.size == 10 and a.counts_before[5] == 3 and a.counts_after[5] == 1
    assert a.counts_before[1] + a.counts_before[0] == 0 and a.counts_after[1] == 1
    assert {q.id: q.moved for q in a.quotas} == {"top_cap": 2, "bottom_floor": 1}
    assert b.counts_before == b.counts_after and all(q.moved == 0 for q in b.quotas)
    units = by_name(c)
    assert units["甲镇第1支部"].result.level_name == "五星级"
    assert units["甲镇第2支部"].result.level_name == "四星级"
    assert any("超出配额" in r for r in units["甲镇第3支部"].result.reasons)
    assert units["甲镇第10支部"].result.level_name == "一星级" and units["甲镇第10支部"].result.rectify
    assert units["乙镇第5支部"].result.level_name == "不定星级"
    assert units["乙镇第1支部"].set_name == "乙镇" and units["乙镇第1支部"].key == "B01"
    assert set(c.seconds) >= {"read", "score"}


def test_county_wide_set_and_flag_mode(county):
    c = consolidate(Settings(input_dir=county, scheme_source="five_star", set_by="all"))
    assert [s.name for s in c.sets] == ["全部"] and c.sets[0].size == 15
    assert c.sets[0].counts_after[5] == 1  # floor(10 % of 15) = 1
    assert c.sets[0].counts_after[1] + c.sets[0].counts_after[0] >= 2  # ceil(1.5) = 2
    f = consolidate(Settings(input_dir=county, scheme_source="five_star", quota_mode="flag"), workers=2)
    a = {s.name: s for s in f.sets}["甲镇"]
    assert a.counts_after == a.counts_before and by_name(f)["甲镇第3支部"].result.level_name == "五星级"
    assert by_name(f)["甲镇第3支部"].result.quota_moved


def test_source_files_are_never_changed(county, tmp_path):
    before = tree_hash(county)
    from xlsx_addin.jobs.consolidate.writer import write_summary

    c = consolidate(Settings(input_dir=county, scheme_source="five_star"), workers=2)
    write_summary(c, tmp_path / "汇总表.xlsx")
    assert tree_hash(county) == before


def test_refused_values_name_file_sheet_cell(tmp_path):
    folder = tmp_path / "in"
    build(folder, "好.xlsx", unit("好支部", "G1", "丙镇", 85))
    scores = [9] * 10
    scores[2] = 15
    build(folder, "超分.xlsx", unit("超分支部", "G2", "丙镇", 85, item_scores=scores))
    build(folder, "人数.xlsx", unit("人数支部", "G3", "丙镇", 85, member_count="三十"))
    c = consolidate(Settings(input_dir=folder, scheme_source="five_star"))
    assert [u.result.org_name for u in c.units] == ["好支部"]
    over = next(p for p in errors(c) if p.file == "超分.xlsx")
    ref = read_unit(folder / "超分.xlsx", UNIT_WORKBOOK).refs["item_scores"]
    assert (over.sheet, over.cell, over.value) == (ref.sheet, ref.cell(2), "15")
    assert "超过标准分值" in over.reason and "第3项" in over.reason
    count = next(p for p in errors(c) if p.file == "人数.xlsx")
    assert count.value == "三十" and "党员总数" in count.reason and count.cell == read_unit(folder / "人数.xlsx", UNIT_WORKBOOK).refs[
        "member_count"].a1


def test_bad_files_become_problems(tmp_path):
    folder = tmp_path / "in"
    build(folder, "a/正常.xlsx", unit("正常支部", "N1", "丁镇", 80))
    (folder / "a" / "~$正常.xlsx").write_bytes(b"lock")
    (folder / "a" / "坏文件.xlsx").write_bytes(b"this is not a workbook")
    (folder / "a" / "空文件.XLSX").write_bytes(b"")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100
    (folder / "a" / "加密.xlsm").write_bytes(ole)
    wb = openpyxl.Workbook()
    wb.active.title = "一览表"
    wb.save(folder / "a" / "别的汇总表.xlsx")
    openpyxl.Workbook().save(folder / "a" / "随便.xlsx")
    build(folder, "b/四级.xlsx", unit("四级支部", "F1", "丁镇", 80, item_scores=[16, 8, 12, 12, 8, 12, 12]),
          scheme=load_scheme("four_grade"))
    build(folder, "b/无上级.xlsx", unit("无上级支部", "N2", None, 80))
    (folder / "b" / "说明.docx").write_bytes(b"x")
    try:
        os.symlink(folder, folder / "b" / "loop", target_is_directory=True)
    except (OSError, NotImplementedError):
        pass
    c = consolidate(Settings(input_dir=folder, scheme_source="five_star"))
    assert sorted(u.result.org_name for u in c.units) == ["无上级支部", "正常支部"]
    reasons = {p.file.replace("\\", "/"): p for p in c.problems}
    assert "a/~$正常.xlsx" not in reasons  # an owner (lock) file is system litter: passed over silently (issue 22)
    assert "已损坏" in reasons["a/坏文件.xlsx"].reason or "不是有效" in reasons["a/坏文件.xlsx"].reason
    assert "为空" in reasons["a/空文件.XLSX"].reason
    assert "密码" in reasons["a/加密.xlsm"].reason
    assert reasons["a/别的汇总表.xlsx"].severity == "提示"
    assert reasons["a/随便.xlsx"].severity == "错误" and "定义名称" in reasons["a/随便.xlsx"].reason
    assert "four_grade" in reasons["b/四级.xlsx"].reason and reasons["b/四级.xlsx"].severity == "错误"
    assert [s.name for s in c.sets] == ["丁镇", "未填写上级党组织"]
    assert reasons["b/无上级.xlsx"].severity == "提示" and "上级党组织" in reasons["b/无上级.xlsx"].reason
    assert "Word" in reasons["b/说明.docx"].reason and reasons["b/说明.docx"].severity == "提示"  # named (issue 22)
    assert c.files_seen == 8  # the lock file is skipped, the .docx named, the link loop not followed


def test_duplicate_org_code_newest_file_wins(tmp_path):
    folder = tmp_path / "in"
    old = build(folder, "旧/重复.xlsx", unit("重复支部(旧)", "D1", "戊镇", 70))
    new = build(folder, "新/重复.xlsx", unit("重复支部", "D1", "戊镇", 85))
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_100_000, 1_700_100_000))
    c = consolidate(Settings(input_dir=folder, scheme_source="five_star"))
    assert [u.result.org_name for u in c.units] == ["重复支部"]
    files = {p.file.replace("\\", "/") for p in c.problems if "D1" in p.reason}
    assert files == {"旧/重复.xlsx", "新/重复.xlsx"}
    loser = next(p for p in c.problems if p.file.replace("\\", "/") == "旧/重复.xlsx")
    assert loser.severity == "错误" and "新" in loser.reason


def _patch_cached(path: Path, name: str, value: str) -> None:
    """Change the cached value of the formula cell a defined name points at (as a hand edit would)."""
    ref = read_unit(path, UNIT_WORKBOOK).refs[name]
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
        sheets = re.findall(r'<sheet name="([^"]+)"', parts["xl/workbook.xml"].decode())
    part = f"xl/worksheets/sheet{sheets.index(ref.sheet) + 1}.xml"
    xml = parts[part].decode()
    xml, n = re.subn(rf'(<c r="{ref.a1}"[^>]*>.*?<v>)[^<]*(</v>)', rf"\g<1>{value}\g<2>", xml, count=1)
    assert n == 1
    parts[part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


def test_stale_stored_result_and_different_rules_are_reported(tmp_path):
    folder = tmp_path / "in"
    stale = build(folder, "改过.xlsx", unit("改过支部", "S1", "己镇", 85))
    _patch_cached(stale, "result_final_score", "99")
    local = apply_overrides(SCHEME, {"levels.5.min_score": 85})
    build(folder, "本地规则.xlsx", unit("本地规则支部", "S2", "己镇", 86), scheme=local)
    c = consolidate(Settings(input_dir=folder, scheme_source="five_star"))
    units = by_name(c)
    assert units["改过支部"].result.final_score == 85
    p = next(p for p in c.problems if p.file == "改过.xlsx")
    assert p.severity == "提示" and p.value == "99" and "综合得分" in p.reason and "85" in p.reason
    assert units["本地规则支部"].result.level_name == "四星级"  # the summary's rules, not the unit's
    notes = [p for p in c.problems if p.file == "本地规则.xlsx"]
    assert any("levels.5.min_score" in p.reason and "85" in p.reason and "90" in p.reason for p in notes)
    assert any("评定结果" in p.reason for p in notes)  # its stored 五星级 differs from the recomputation


def test_unit_filled_by_openpyxl_through_the_names(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    blank = tmp_path / "模板.xlsx"
    build_unit_workbook(blank, SCHEME, None)
    wb = openpyxl.load_workbook(blank)
    values = unit("开源支部", "O1", "庚镇", 83, honor_level="省级", absences=1)
    for name, value in values.items():
        cells = [wb[sheet][ref] for sheet, ref in wb.defined_names[name].destinations]
        cell_range = cells[0] if not isinstance(cells[0], tuple) else [c for row in cells[0] for c in row]
        if isinstance(cell_range, list):
            for cell, v in zip(cell_range, value):
                cell.value = v
        else:
            cell_range.value = value
    wb.save(folder / "开源.xlsx")
    c = consolidate(Settings(input_dir=folder, scheme_source="five_star"))
    assert not c.problems  # the formulas' cached values are gone: blank is not stale
    r = c.units[0].result
    assert (r.base_score, r.bonus, r.penalty, r.final_score) == (83, 5, 3, 85)


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "xlsx_addin", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=ROOT, timeout=120)


@pytest.mark.slow
def test_cli_run_rerun_keeps_ledger_and_previous(county, tmp_path):
    out = tmp_path / "汇总表.xlsx"
    run = _cli("consolidate", str(county), "--out", str(out), "--quiet")
    assert run.returncode == 0, run.stderr
    assert "汇总表" in run.stdout and out.exists()

    # the clerk fills a row of 整改台账 …
    wb = openpyxl.load_workbook(out)
    ws = wb["整改台账"]
    header_row, cols = next((r[0].row, {c.value: c.column for c in r if c.value})
                            for r in ws.iter_rows(min_row=1, max_row=10) if any(c.value == "责任人" for c in r))
    row = header_row + 1
    assert ws.cell(row, cols["党组织名称"]).value
    ws.cell(row, cols["责任人"]).value = "张三"
    ws.cell(row, cols["整改措施"]).value = "每月过一次组织生活"
    flagged = ws.cell(row, cols["党组织名称"]).value
    wb.save(out)

    # … and the county consolidates again, with last year's summary for the comparison
    from xlsx_addin.shells.cli import main

    previous = tmp_path / "上年度.xlsx"
    previous.write_bytes(out.read_bytes())
    assert main(["consolidate", str(county), "--out", str(out), "--previous", str(previous), "--quiet",
                 "--set-by", "all"]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = list(wb["整改台账"].iter_rows(values_only=True))
    heads = list(rows[header_row - 1])
    kept = next(r for r in rows[header_row:] if r[heads.index("党组织名称")] == flagged)
    assert kept[heads.index("责任人")] == "张三" and kept[heads.index("整改措施")] == "每月过一次组织生活"

    c = consolidate(Settings(input_dir=county, scheme_source="five_star", set_by="all", previous=previous))
    units = by_name(c)
    assert SCHEME.level_name(units["甲镇第2支部"].result.prev_level) == "四星级"
    assert SCHEME.level_name(units["乙镇第4支部"].result.prev_level) == "二星级"  # its town met the floor without it …
    assert units["乙镇第4支部"].result.level_name == "一星级"  # … the county's floor of 2 takes it
    assert units["乙镇第4支部"].result.change == -1
    # every unit's last-year level is the 最终星级 the previous summary shows for it
    shown = {r[0]: r for r in openpyxl.load_workbook(previous, read_only=True)["一览表"].iter_rows(values_only=True)}
    final_col = shown["党组织名称"].index("最终星级")
    assert {n: SCHEME.level_name(u.result.prev_level) for n, u in units.items()} == \
        {n: r[final_col] for n, r in shown.items() if n in units}
    assert len(units) == len(c.units)


@pytest.mark.slow
def test_cli_bad_arguments(tmp_path):
    run = _cli("consolidate", str(tmp_path / "没有"), "--out", str(tmp_path / "x.xlsx"), "--quiet")
    assert run.returncode == 2 and "不存在" in run.stderr
    run = _cli("consolidate", str(tmp_path), "--out", str(tmp_path / "x.txt"), "--quiet")
    assert run.returncode == 2 and ".xlsx" in run.stderr


def test_parse_ref_forms():
    r = parse_ref("'自评表'!$E$5:$E$14")
    assert (r.sheet, r.a1, r.size, r.cell(3)) == ("自评表", "E5:E14", 10, "E8")
    assert parse_ref("规则!B2").a1 == "B2"
    assert parse_ref("'It''s'!$AA$1").sheet == "It's"
    assert parse_ref("#REF!") is None and parse_ref("'S'!#REF!") is None and parse_ref("Sheet1!$A:$A") is None


def test_town_summary_raw_rows_are_rescored(tmp_path):
    """A town's summary among the files: its 原始数据 rows (rawdata.py layout) are units."""
    from xlsx_addin.io import rawdata

    folder = tmp_path / "in"
    folder.mkdir()
    build(folder, "辛镇/直报.xlsx", unit("直报支部", "X1", "辛镇", 80))
    wb = openpyxl.Workbook()
    wb.active.title = "一览表"
    ws = wb.create_sheet(rawdata.SHEET)
    ws.append([rawdata.MARKER])
    ws.append(rawdata.columns(SCHEME))
    ws.append(rawdata.to_row(SCHEME, unit("镇汇总支部", "X2", "辛镇", 91), "辛镇/镇汇总支部.xlsx"))
    bad = unit("坏行支部", "X3", "辛镇", 70, member_count=-3)
    ws.append(rawdata.to_row(SCHEME, bad, "辛镇/坏行支部.xlsx"))
    wb.save(folder / "辛镇汇总表.xlsx")
    c = consolidate(Settings(input_dir=folder, scheme_source="five_star"))
    units = by_name(c)
    assert set(units) == {"直报支部", "镇汇总支部"}
    assert units["镇汇总支部"].result.final_score == 91 and "辛镇汇总表.xlsx" in units["镇汇总支部"].source_file
    p = errors(c)[0]
    assert (p.file, p.sheet) == ("辛镇汇总表.xlsx", rawdata.SHEET) and "第4行" in p.cell and p.value == "-3"


def test_reader_offsets_quoting_and_broken_names(tmp_path):
    import xlsxwriter

    path = tmp_path / "手工.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Bob's 表")
    ws.write("C5", "甲支部")  # the used range starts at C5, not A1
    ws.write_column("E7", [1, 2, 3])
    wb.add_worksheet("Other")
    wb.define_name("org_name", "='Bob''s 表'!$C$5")
    wb.define_name("item_scores", "='Bob''s 表'!$E$6:$E$9")
    wb.define_name("parent_org", "=#REF!")
    wb.define_name("members_present", "=Gone!$A$1")
    wb.close()
    u = read_unit(path, UNIT_WORKBOOK, "手工.xlsx")
    assert u.values["org_name"] == "甲支部" and u.values["item_scores"] == [None, 1.0, 2.0, 3.0]
    assert u.where("item_scores", 2) == ("Bob's 表", "E8")
    why = {p.cell: p.reason for p in u.problems}
    assert "#REF!" in why["parent_org"] and "Gone" in why["members_present"]


def test_defined_names_skip_local_and_excel_names():
    xml = ('<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheets><x:sheet name="A&amp;B" sheetId="1"/></x:sheets><x:definedNames>'
           '<x:definedName name="_xlnm.Print_Area" localSheetId="0">\'A&amp;B\'!$A$1:$B$2</x:definedName>'
           '<x:definedName localSheetId="0" name="org_code">\'A&amp;B\'!$C$3</x:definedName>'
           '<x:definedName name="org_name" hidden="1">\'A&amp;B\'!$C$2</x:definedName>'
           '<x:definedName name="org_name">\'A&amp;B\'!$Z$9</x:definedName></x:definedNames></x:workbook>')
    names, sheets = defined_names(xml)
    assert sheets == ["A&B"] and names == {"org_name": "'A&B'!$C$2"}
    # a name given twice is never read first-wins: the reader refuses the file (package.workbook_info)
    from xlsx_addin.io.package import workbook_info

    assert workbook_info(xml.encode()).duplicates == ("org_name",)
