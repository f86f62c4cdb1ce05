"""Issue 22 through the command line on built folders: the roster (--expect, or the previous summary's units) and
上报情况, every file accounted for, the summary saved inside the folder re-run, an empty folder never replacing a
full summary, and the plain warning for sets too small for their quotas."""
from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlsx_addin import load_scheme
from xlsx_addin.io.roster import read_expected
from xlsx_addin.jobs.demo.county import generate_county
from xlsx_addin.jobs.demo.double_ten import generate_town
from xlsx_addin.io.books.double_ten.book import build_star_workbook
from xlsx_addin.templates import build_unit_workbook

FIVE = load_scheme("five_star")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlsx_addin", *args, "--quiet"], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=300)


def county(folder: Path, n: int = 12, seed: int = 7) -> list[dict]:
    """A built county of `n` unit workbooks under `folder`; their inputs."""
    out = []
    for rel, inputs in generate_county(n, FIVE, seed=seed):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        build_unit_workbook(path, FIVE, inputs)
        out.append(inputs)
    return out


def rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [r for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def problems(path: Path) -> list[tuple]:
    return rows(path, "问题清单")[1:]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- 3: the summary saved inside the folder of returned files ---------------------------------------------
@pytest.mark.slow
def test_summary_inside_the_folder_reruns_and_a_town_summary_is_still_read(tmp_path):
    units = tmp_path / "各支部填报表"
    county(units, 8)
    out = units / "汇总" / "汇总表.xlsx"
    for _ in range(3):  # written, then re-run twice over itself
        proc = run_cli("consolidate", str(units), "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        assert "评定党组织8个" in proc.stdout and "下级汇总表" not in proc.stderr
    assert len([r for r in rows(out, "一览表")[1:] if r[0]]) == 8
    # written to another name, the old summary in the folder is known as this folder's own: not read again
    other = tmp_path / "另存.xlsx"
    proc = run_cli("consolidate", str(units), "--out", str(other))
    assert proc.returncode == 0 and "评定党组织8个" in proc.stdout, proc.stderr
    own = [p for p in problems(other) if p[0] == "汇总/汇总表.xlsx"]
    assert own and "以前汇总写出的汇总表" in own[0][4] and own[0][5] == "提示"
    # a town's summary (of another folder) dropped into the folder is read as a subordinate summary
    town = tmp_path / "镇"
    county(town, 4, seed=99)
    town_summary = units / "乙镇汇总表.xlsx"
    assert run_cli("consolidate", str(town), "--out", str(town_summary)).returncode == 0
    proc = run_cli("consolidate", str(units), "--out", str(out))
    assert proc.returncode == 0 and "评定党组织12个" in proc.stdout, proc.stdout + proc.stderr
    # and is never written over
    before = digest(town_summary)
    proc = run_cli("consolidate", str(units), "--out", str(town_summary))
    assert proc.returncode == 2 and "下级汇总表" in proc.stderr and digest(town_summary) == before


# --- 5: a run that reads no unit never replaces a summary holding units ------------------------------------
@pytest.mark.slow
def test_empty_folder_never_replaces_a_full_summary(tmp_path):
    units = tmp_path / "填报表"
    county(units, 6)
    out = tmp_path / "汇总表.xlsx"
    assert run_cli("consolidate", str(units), "--out", str(out)).returncode == 0
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    (empty / "说明.txt").write_text("还没有收到", encoding="utf-8")
    before, listing = digest(out), sorted(p.name for p in tmp_path.iterdir())
    proc = run_cli("consolidate", str(empty), "--out", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert str(empty) in proc.stderr and "没有读到任何单位" in proc.stderr and "已有6个单位" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert digest(out) == before and sorted(p.name for p in tmp_path.iterdir()) == listing  # no backup either
    # an empty folder with no summary to replace is still an (empty) summary
    fresh = tmp_path / "新汇总表.xlsx"
    assert run_cli("consolidate", str(empty), "--out", str(fresh)).returncode == 0 and fresh.is_file()


# --- 1: the roster --------------------------------------------------------------------------------------------
def _missing_rows(out: Path) -> list[tuple]:
    return [p for p in problems(out) if str(p[4]).startswith("未上报")]


@pytest.mark.slow
def test_expect_lists_from_gbk_csv_workbook_and_summary(tmp_path):
    units = tmp_path / "填报表"
    inputs = county(units, 10)
    names = [i["org_name"] for i in inputs]
    parent = inputs[0]["parent_org"]
    gone = sorted(units.rglob("*.xlsx"))[:2]  # two units sent nothing this time
    gone_names = {n for n in names if any(p.stem == n for p in gone)}
    assert len(gone_names) == 2
    full = tmp_path / "全部.xlsx"
    assert run_cli("consolidate", str(units), "--out", str(full)).returncode == 0
    for p in gone:
        p.unlink()

    csv = tmp_path / "名单.csv"  # as Excel saves it on a Chinese Windows: GBK, a header row
    csv.write_bytes(("党组织名称,上级党组织\r\n" + "".join(f"{n},{parent}\r\n" for n in names)).encode("gbk"))
    book = tmp_path / "名单.xlsx"  # any workbook with a 党组织名称 column, a title row above it
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年应报送党组织名单"])
    ws.append(["序号", "党组织名称", "备注"])
    for k, n in enumerate(names, 1):
        ws.append([k, n, ""])
    wb.save(book)
    assert [e.org_name for e in read_expected(csv)] == names == [e.org_name for e in read_expected(book)]

    for roster in (csv, book, full):  # the last: a summary (its 一览表)
        out = tmp_path / f"汇总_{roster.stem}.xlsx"
        proc = run_cli("consolidate", str(units), "--out", str(out), "--expect", str(roster))
        assert proc.returncode == 0, proc.stderr
        assert "上报情况:应报10个,已报8个,未报2个" in proc.stdout, proc.stdout
        missing = _missing_rows(out)
        assert len(missing) == 2 and all(m[5] == "错误" for m in missing)
        assert all(any(n in m[3] for n in gone_names) for m in missing)
        sheet = rows(out, "上报情况")
        assert sheet[0][:4] == ("评定组", "应报(个)", "已报(个)", "未报(个)")
        total = next(r for r in sheet if r[0] == "合计")
        assert total[1:4] == (10, 8, 2)
        listed = {r[0] for r in sheet if r and "未上报" in r}
        assert gone_names <= listed
        settings = {r[0]: r[1] for r in rows(out, "设置") if r and r[0]}
        assert settings["应报名单"] == str(roster)

    # without --expect the summary being replaced is the roster, and the missing stay listed on the next run
    assert run_cli("consolidate", str(units), "--out", str(full)).returncode == 0
    proc = run_cli("consolidate", str(units), "--out", str(full))
    assert "上报情况:应报10个,已报8个,未报2个(名单:上次汇总表)" in proc.stdout, proc.stdout
    assert len(_missing_rows(full)) == 2

    kept_inside = units / "应报名单.csv"  # the list kept in the folder itself is neither read nor named
    kept_inside.write_bytes(csv.read_bytes())
    out = tmp_path / "汇总_内.xlsx"
    proc = run_cli("consolidate", str(units), "--out", str(out), "--expect", str(kept_inside))
    assert "未报2个" in proc.stdout and not [p for p in problems(out) if p[0] == "应报名单.csv" and "CSV" in p[4]]
    kept_inside.unlink()

    bad = tmp_path / "空名单.xlsx"
    openpyxl.Workbook().save(bad)
    proc = run_cli("consolidate", str(units), "--out", str(tmp_path / "x.xlsx"), "--expect", str(bad))
    assert proc.returncode == 2 and "党组织名称" in proc.stderr and not (tmp_path / "x.xlsx").exists()


@pytest.mark.slow
def test_expect_for_double_ten_star(tmp_path):
    org = load_scheme("double_ten_star")
    folder = tmp_path / "评星表"
    town = generate_town(4, org, 11)
    for b in town[:3]:  # the fourth branch sends nothing
        b.members = b.members[:4]
        b.values["member_count"] = max(b.values["member_count"], 4)
        path = folder / b.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        build_star_workbook(path, org, b.values, b.members, b.member_star_names)
    roster = tmp_path / "名单.txt"
    roster.write_text("\n".join(b.values["org_name"] for b in town) + "\n", encoding="utf-8")
    out = tmp_path / "双十星汇总.xlsx"
    proc = run_cli("consolidate", str(folder), "--scheme", "double_ten_star", "--out", str(out),
                   "--expect", str(roster))
    assert proc.returncode == 0, proc.stderr
    assert "应报4个,已报3个,未报1个" in proc.stdout
    missing = _missing_rows(out)
    assert len(missing) == 1 and town[3].values["org_name"] in missing[0][3]
    assert "上报情况" in openpyxl.load_workbook(out, read_only=True).sheetnames


# --- 2: every file accounted for ---------------------------------------------------------------------------
@pytest.mark.slow
def test_every_file_is_rated_or_named_litter_passes_silently(tmp_path):
    units = tmp_path / "填报表"
    county(units, 3)
    town = next(p.parent for p in units.rglob("*.xlsx"))
    handed = ["扫描件.pdf", "说明.docx", "照片.jpg", "报告.wps", "备注.txt", "名单.csv"]
    for name in handed:
        (town / name).write_bytes(b"not a workbook")
    litter = ["Thumbs.db", "desktop.ini", ".DS_Store", "~$丙村党支部.xlsx"]
    for name in litter:
        (town / name).write_bytes(b"x")
    (units / "__MACOSX").mkdir()
    (units / "__MACOSX" / "._a.xlsx").write_bytes(b"x")
    with zipfile.ZipFile(units / "乙镇材料.zip", "w") as z:
        for name in handed:
            z.writestr(f"乙镇/{name}", b"not a workbook")
        z.writestr("乙镇/Thumbs.db", b"x")
        z.writestr("__MACOSX/乙镇/._x.pdf", b"x")
    out = tmp_path / "汇总表.xlsx"
    proc = run_cli("consolidate", str(units), "--out", str(out))
    assert proc.returncode == 0 and "评定党组织3个" in proc.stdout, proc.stderr
    named = {str(p[0]): p for p in problems(out)}
    rel = town.relative_to(units).as_posix()
    for name in handed:
        for where in (f"{rel}/{name}", f"乙镇材料.zip/乙镇/{name}"):
            assert where in named, (where, sorted(named))
            assert "未参与评定" in named[where][4] and "请" in named[where][4]
    assert not [f for f in named if any(x in f for x in ("Thumbs", "desktop", "DS_Store", "~$", "__MACOSX", "._"))]


# --- 6: sets too small for their quotas -------------------------------------------------------------------
@pytest.mark.slow
def test_small_set_is_warned_in_cli_and_stats_with_what_to_choose(tmp_path):
    units = tmp_path / "试算"
    county(units, 3)
    out = tmp_path / "汇总表.xlsx"
    proc = run_cli("consolidate", str(units), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "单位太少" in proc.stdout and "--quota-mode flag" in proc.stdout and "--set-by all" in proc.stdout
    assert "只有3个单位" in proc.stdout and "10个" in proc.stdout
    stats = [str(r[0]) for r in rows(out, "统计") if r and r[0]]
    assert any("只有3个单位" in s and "仅标记" in s for s in stats)
    flagged = tmp_path / "标记.xlsx"
    proc = run_cli("consolidate", str(units), "--out", str(flagged), "--quota-mode", "flag")
    assert proc.returncode == 0 and "单位太少" not in proc.stdout
    big = tmp_path / "全县"
    county(big, 12, seed=3)
    proc = run_cli("consolidate", str(big), "--out", str(tmp_path / "全县.xlsx"), "--set-by", "all")
    assert proc.returncode == 0 and "单位太少" not in proc.stdout
