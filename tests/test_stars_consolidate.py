"""双十星: the demo town, the consolidation of 评星表 workbooks (organisations and members) and bad input."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from xlsx_addin import load_scheme, score_unit
from xlsx_addin.jobs.consolidate import Settings, consolidate
from xlsx_addin.jobs.consolidate.writer import write_summary
from xlsx_addin.jobs.demo.county import generate_county
from xlsx_addin.jobs.demo.double_ten import generate_town
from xlsx_addin.contracts.double_ten_book import MEMBER_HEADERS
from xlsx_addin.engine.double_ten.cells import member_inputs
from xlsx_addin.io.books.double_ten.book import build_star_workbook

ORG = load_scheme("double_ten_star")
MEMBER = load_scheme("double_ten_star_member")
ROOT = Path(__file__).resolve().parents[1]


def test_demo_town_is_realistic_and_every_input_scores():
    town = generate_town(24, ORG, 2026)
    assert town == generate_town(24, ORG, 2026) and town != generate_town(24, ORG, 7)
    types = Counter(b.values["org_type"] for b in town)
    assert {"镇党委", "农村", "社区", "机关", "学校", "事业单位", "企业", "社会组织"} <= set(types)
    assert all(10 <= len(b.members) <= 60 and b.values["member_count"] == len(b.members) for b in town)
    assert sum(b.values["target_rank_bottom"] == "是" for b in town) == 5  # bottom 3 villages + 2 offices
    levels, member_levels = Counter(), Counter()
    for b in town:
        levels[score_unit(ORG, b.values).level] += 1
        for m in b.members:
            member_levels[score_unit(MEMBER, member_inputs(b.values, m, b.member_star_names, MEMBER)).level] += 1
    assert len(levels) >= 3 and any(k <= 7 for k in levels)  # some branches for 整顿
    assert 0.6 < member_levels[10] / sum(member_levels.values()) < 0.95
    assert [rel for rel, _ in generate_county(5, ORG, 1)] == [b.rel for b in generate_town(5, ORG, 1)]


def _town(tmp_path: Path, n: int = 4, members: int = 6) -> tuple[Path, list]:
    town = generate_town(n, ORG, 11)
    folder = tmp_path / "in"
    for b in town:
        b.members = b.members[:members]
        b.values["member_count"] = max(b.values["member_count"], members)
        path = folder / b.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        build_star_workbook(path, ORG, b.values, b.members, b.member_star_names)
    return folder, town


@pytest.mark.slow
def test_consolidation_rates_organisations_and_members_like_the_engine(tmp_path):
    folder, town = _town(tmp_path)
    c = consolidate(Settings(input_dir=folder, scheme_source="double_ten_star"))
    assert [p for p in c.problems if p.severity == "错误"] == []
    assert len(c.units) == len(town) and len(c.members) == sum(len(b.members) for b in town)
    by_name = {u.result.org_name: u.result for u in c.units}
    for b in town:
        want = score_unit(ORG, b.values)
        got = by_name[b.values["org_name"]]
        assert (got.level, got.stars, got.reasons, got.rectify, got.privileged) == \
               (want.level, want.stars, want.reasons, want.rectify, want.privileged)
    rated = {(u.result.org_name, u.result.star_detail.member_name): u.result for u in c.members}
    for b in town:
        for m in b.members:
            want = score_unit(MEMBER, member_inputs(b.values, m, b.member_star_names, MEMBER))
            got = rated[(b.values["org_name"], m["member_name"])]
            assert (got.level_name, got.stars, got.reasons) == (want.level_name, want.stars, want.reasons)

    out = tmp_path / "汇总.xlsx"
    write_summary(c, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:6] == ["一览表", "党员星级", "整顿处置名单", "优先名单", "统计", "问题清单"]
    members_sheet = list(wb["党员星级"].values)
    assert len(members_sheet) == 1 + len(c.members)
    rect = list(wb["整顿处置名单"].values)[1:]
    assert len(rect) == sum(u.result.rectify for u in c.units) + sum(u.result.rectify for u in c.members)
    stats = list(wb["统计"].values)
    town_row = next(r for r in stats if r[1] == "合计")
    tens = sum(u.result.level == 10 for u in c.members)
    assert town_row[2] == len(c.members) and town_row[3] == tens
    assert town_row[3 + 11] == pytest.approx(tens / len(c.members)) and town_row[3 + 12] == 0.9
    assert wb["统计"]._charts  # native charts
    write_summary(c, out)
    from xlsx_addin.io.files.backups import existing

    assert existing(out)  # the previous output kept as a dated backup


@pytest.mark.slow
def test_bad_files_and_cells_become_problems_and_sources_stay_untouched(tmp_path):
    folder, town = _town(tmp_path, n=3, members=4)
    b = town[0]
    bad = dict(b.values)
    votes = list(bad["star_votes_for"])
    votes[3] = bad["star_votes_valid"][3] + 1  # votes for > valid on the 4th star
    bad["star_votes_for"] = votes
    members = [dict(m) for m in b.members]
    members[1]["star_votes_for"] = [99] * 10  # more than the valid votes
    members[2]["member_type"] = "退休党员"  # a type the scheme does not list
    build_star_workbook(folder / b.rel, ORG, bad, members, b.member_star_names)
    (folder / town[1].rel).with_name("损坏.xlsx").write_bytes(b"PK\x03\x04 broken")
    from xlsx_addin.templates import build_unit_workbook

    build_unit_workbook(folder / "五星.xlsx", load_scheme("five_star"), {"org_name": "某支部"})
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.xlsx")}

    c = consolidate(Settings(input_dir=folder, scheme_source="double_ten_star"))
    errors = [p for p in c.problems if p.severity == "错误"]
    org_problem = next(p for p in errors if p.file == b.rel and p.sheet == "党组织评星表")
    assert "第4颗星" in org_problem.reason and "赞成票数" in org_problem.reason and org_problem.cell.startswith("E")
    member_problems = [p for p in errors if p.file == b.rel and p.sheet == "党员评星表"]
    assert len(member_problems) == 2
    over = next(p for p in member_problems if members[1]["member_name"] in p.reason)
    assert "超过有效票数" in over.reason and over.value == "99" and over.cell.startswith("C")
    kind = next(p for p in member_problems if members[2]["member_name"] in p.reason)
    assert "退休党员" in kind.reason and kind.cell.startswith("B")
    assert any("损坏.xlsx" in p.file for p in errors)
    assert any(p.file == "五星.xlsx" and "不是双十星评星表" in p.reason for p in errors)
    # the branch with the refused star is not rated; its other members still are, the rest goes on
    assert b.values["org_name"] not in {u.result.org_name for u in c.units}
    assert sum(1 for u in c.members if u.result.org_name == b.values["org_name"]) == 2
    assert len(c.units) == 2
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.xlsx")}
    assert before == after


@pytest.mark.slow
def test_a_duplicate_file_drops_its_members_with_it(tmp_path):
    folder, town = _town(tmp_path, n=2, members=3)
    b = town[0]
    copy = folder / "副本" / Path(b.rel).name
    copy.parent.mkdir()
    copy.write_bytes((folder / b.rel).read_bytes())
    c = consolidate(Settings(input_dir=folder, scheme_source="double_ten_star"))
    assert len(c.units) == 2
    assert sum(1 for u in c.members if u.result.org_name == b.values["org_name"]) == 3
    assert any("重复" in p.reason for p in c.problems)


def test_member_table_headers_are_the_contract():
    assert MEMBER_HEADERS[:2] == ["党员姓名", "党员类别"] and len(MEMBER_HEADERS) == 61


@pytest.mark.slow
def test_cli_demo_builds_and_consolidates_a_town(tmp_path):
    out = tmp_path / "demo"
    run = subprocess.run([sys.executable, "-m", "xlsx_addin", "demo", "--scheme", "double_ten_star", "--units", "5",
                          "--out", str(out), "--quiet"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "评定党组织5个" in run.stdout and "十星级党员" in run.stdout
    assert len(list((out / "评星表").rglob("*.xlsx"))) == 5
    summary = out / "双十星汇总表.xlsx"
    wb = openpyxl.load_workbook(summary)
    assert len(list(wb["一览表"].values)) == 6
    again = subprocess.run([sys.executable, "-m", "xlsx_addin", "consolidate", str(out / "评星表"), "--scheme",
                            "double_ten_star", "--out", str(tmp_path / "x.xlsx")], capture_output=True, text=True,
                           cwd=ROOT, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "党员" in again.stdout


@pytest.mark.slow
def test_altered_workbooks_are_refused_with_a_reason(tmp_path):
    folder, town = _town(tmp_path, n=3, members=3)
    a, b, c3 = (folder / x.rel for x in town)
    wb = openpyxl.load_workbook(a)  # a clerk renamed a column of the member table
    ws = wb["党员评星表"]
    head = int(ws.tables["member_table"].ref.split(":")[0][1:])
    ws.cell(head, 3).value = "赞成票"
    ws.tables["member_table"].tableColumns[2].name = "赞成票"
    wb.save(a)
    wb = openpyxl.load_workbook(b)  # a defined name deleted
    del wb.defined_names["star_records"]
    wb.save(b)
    wb = openpyxl.load_workbook(c3)  # an Excel error value in a vote cell, and a text in a member's vote
    sheet, ref = list(wb.defined_names["star_votes_for"].destinations)[0]
    wb[sheet][ref.replace("$", "").split(":")[0]].value = "#N/A"
    wb["党员评星表"].cell(head + 1, 4).value = "三十"
    wb.save(c3)
    c = consolidate(Settings(input_dir=folder, scheme_source="double_ten_star"))
    by_file = {}
    for p in c.problems:
        by_file.setdefault(p.file, []).append(p)
    ra, rb, rc = (by_file[x.rel] for x in town)
    assert any("表头被改动" in p.reason for p in ra) and len([u for u in c.members if u.source_file.startswith(town[0].rel)]) == 0
    assert any("缺少定义名称:star_records" in p.reason for p in rb)
    assert any("Excel 错误值 #N/A" in p.reason and p.cell == "E13" for p in rc)
    assert any("“三十”不是数字" in p.reason and p.cell == f"D{head + 1}" for p in rc)
    assert {u.result.org_name for u in c.units} == {town[0].values["org_name"]}  # the renamed column hurts members only


@pytest.mark.slow
def test_county_consolidates_town_summaries_like_the_branch_workbooks(tmp_path):
    """Each town writes its 双十星 summary (its 原始数据 sheet carries every input); the county consolidates the
    summaries and rates the same organisations and members as from all the towns' 评星表 directly."""
    branches = tmp_path / "branches"
    county_in = tmp_path / "county_in"
    county_in.mkdir()
    towns = {"东镇": 3, "西镇": 4}
    for t, (town, n) in enumerate(towns.items()):
        for b in generate_town(n, ORG, 30 + t):
            b.members = b.members[:7]
            b.values["member_count"] = max(b.values["member_count"], 7)
            b.values["parent_org"] = f"{town}党委"
            b.values["org_code"] = f"{town}{b.values.get('org_code') or b.rel}"
            path = branches / town / Path(b.rel).name
            path.parent.mkdir(parents=True, exist_ok=True)
            build_star_workbook(path, ORG, b.values, b.members, b.member_star_names)
        c = consolidate(Settings(input_dir=branches / town, scheme_source="double_ten_star"))
        assert c.units and not [p for p in c.problems if p.severity == "错误"]
        write_summary(c, county_in / f"{town}双十星汇总表.xlsx")
    assert "原始数据" in openpyxl.load_workbook(county_in / "东镇双十星汇总表.xlsx", read_only=True).sheetnames

    for set_by in ("all", "parent_org"):
        direct = consolidate(Settings(input_dir=branches, scheme_source="double_ten_star", set_by=set_by))
        again = consolidate(Settings(input_dir=county_in, scheme_source="double_ten_star", set_by=set_by))
        assert not [p for p in again.problems if p.severity == "错误"], again.problems

        def orgs(x):
            return sorted((u.key, u.set_name, u.result.level, tuple(u.result.stars), tuple(u.result.reasons),
                           u.result.rectify, u.result.privileged) for u in x.units)

        def members(x):
            return sorted((u.key, u.set_name, u.result.level, tuple(u.result.stars), tuple(u.result.reasons))
                          for u in x.members)

        assert len(again.units) == len(direct.units) == sum(towns.values())
        assert orgs(again) == orgs(direct)
        assert len(again.members) == len(direct.members) == 7 * sum(towns.values())
        assert members(again) == members(direct)


def test_a_summary_of_another_scheme_is_refused_with_a_message(tmp_path):
    from xlsx_addin.jobs.consolidate.double_ten.raw import KEYS
    from xlsx_addin.io.rawdata import MARKER

    folder = tmp_path / "in"
    folder.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "原始数据"
    ws.append([MARKER, "scheme", "five_star"])
    ws.append(list(KEYS))
    ws.append(["党组织", "某村党支部"])
    wb.save(folder / "别的汇总表.xlsx")
    c = consolidate(Settings(input_dir=folder, scheme_source="double_ten_star"))
    assert c.units == [] and any("five_star" in p.reason and p.severity == "错误" for p in c.problems)


@pytest.mark.slow
def test_a_summary_beside_the_workbooks_counts_nobody_twice(tmp_path):
    """The town's own summary left in the folder of the 评星表: its rows repeat the files (the files win), and the
    members of a branch it could not rate (kept on their own in 原始数据) are not rated a second time."""
    folder, town = _town(tmp_path, n=3, members=5)
    b = town[0]
    refused = dict(b.values, star_votes_for=[b.values["star_votes_valid"][0] + 1] + list(b.values["star_votes_for"][1:]))
    build_star_workbook(folder / b.rel, ORG, refused, b.members, b.member_star_names)
    first = consolidate(Settings(input_dir=folder, scheme_source="double_ten_star"))
    assert len(first.units) == 2 and len(first.members) == 15
    write_summary(first, folder / "镇双十星汇总表.xlsx")
    again = consolidate(Settings(input_dir=folder, scheme_source="double_ten_star"))
    assert sorted(u.key for u in again.units) == sorted(u.key for u in first.units)
    assert sorted((u.key, u.result.level) for u in again.members) == sorted((u.key, u.result.level) for u in first.members)


@pytest.mark.slow
def test_ledgers_summary_is_evidence_on_the_organisations_overview(tmp_path):
    """--ledgers works for 双十星 as for five_star: 承诺完成率 and 整改销号率 before 来源文件, no star changed."""
    from tests.test_ledgers import AS_OF, BRANCH, fill, records, run_cli

    folder, town = _town(tmp_path, n=3, members=3)
    first = town[0].values
    fill(tmp_path / "台账" / "第一.xlsx", dict(BRANCH, org_name=first["org_name"], org_code=first.get("org_code")))
    lsum = tmp_path / "台账汇总.xlsx"
    assert run_cli("ledgers", tmp_path / "台账", "--out", lsum, "--period", "2026H1", "--as-of", AS_OF).returncode == 0
    plain, with_ledgers = tmp_path / "无台账.xlsx", tmp_path / "有台账.xlsx"
    r = run_cli("consolidate", folder, "--out", plain, "--scheme", "double_ten_star", "--quiet")
    assert r.returncode == 0, r.stderr
    r = run_cli("consolidate", folder, "--out", with_ledgers, "--scheme", "double_ten_star", "--ledgers", lsum,
                "--quiet")
    assert r.returncode == 0, r.stderr
    before, after = records(plain, "一览表"), records(with_ledgers, "一览表")
    assert list(after[0])[-3:] == ["承诺完成率", "整改销号率", "来源文件"] and "承诺完成率" not in before[0]
    assert [x["最终星级"] for x in after] == [x["最终星级"] for x in before]
    row = next(x for x in after if x["党组织名称"] == first["org_name"])
    assert isinstance(row["承诺完成率"], float) and 0 <= row["承诺完成率"] <= 1
    assert all(x["承诺完成率"] == "" for x in after if x["党组织名称"] != first["org_name"])
    assert records(plain, "党员星级") == records(with_ledgers, "党员星级")


@pytest.mark.slow
def test_the_clerks_work_in_a_star_summary_survives_a_rerun(tmp_path):
    """Carry-over works for 双十星 as for the rating: a column the clerk added to 党员星级 stays beside the same member
    (also when the members come back in another order), a sheet the clerk added comes back, and a computed cell the
    clerk typed over is recomputed and listed in 问题清单."""
    from tests.test_ledgers import run_cli

    folder, town = _town(tmp_path, n=3, members=4)
    out = tmp_path / "双十星汇总表.xlsx"
    assert run_cli("consolidate", folder, "--out", out, "--scheme", "double_ten_star", "--quiet").returncode == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["党员星级"]
    header = [c.value for c in ws[1]]
    name_col, level_col = header.index("党员姓名") + 1, header.index("星级") + 1
    note_col = len(header) + 1
    ws.cell(1, note_col, "走访记录")
    member = ws.cell(3, name_col).value
    ws.cell(3, note_col, "已走访")
    typed_over = ws.cell(2, level_col).value
    ws.cell(2, level_col, "十星级" if typed_over != "十星级" else "一星级")
    wb.create_sheet("督导记录").append(["日期", "内容"])
    wb.save(out)

    b = town[1]  # a branch's members re-sent in reverse order
    build_star_workbook(folder / b.rel, ORG, b.values, list(reversed(b.members)), b.member_star_names)
    r = run_cli("consolidate", folder, "--out", out, "--scheme", "double_ten_star", "--quiet")
    assert r.returncode == 0, r.stderr
    again = openpyxl.load_workbook(out)
    rows = list(again["党员星级"].iter_rows(values_only=True))
    head = list(rows[0])
    assert "走访记录" in head
    noted = [row for row in rows[1:] if row[head.index("走访记录")] == "已走访"]
    assert len(noted) == 1 and noted[0][head.index("党员姓名")] == member
    assert rows[1][head.index("星级")] == typed_over  # recomputed
    assert "督导记录" in again.sheetnames and list(again["督导记录"].iter_rows(values_only=True))[0] == ("日期", "内容")
    problems = [row for row in again["问题清单"].iter_rows(values_only=True) if row and any(
        isinstance(v, str) and "手工改动" in v for v in row)]
    assert problems, "the typed-over level is listed"
