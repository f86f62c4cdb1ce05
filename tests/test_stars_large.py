"""A big town's 评星表 (issue 24 "Data lost"): the member sheet stays light (shared formulas, bytes per member row
bounded) and a 10,000-member workbook built by the builder is read and every member rated by 一键汇总."""
from __future__ import annotations

import random
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from xlsx_addin import load_scheme, score_unit
from xlsx_addin.io.books.double_ten.book import build_star_workbook, member_inputs
from xlsx_addin.io.package import MAX_SHEET_BYTES, MAX_UNPACKED_BYTES

ORG = load_scheme("double_ten_star")
MEMBER = load_scheme("double_ten_star_member")
TYPES = ["农村党员", "社区党员", "机关、事业单位党员", "非公企业和社会组织党员"]
OWN = ["带富星", "服务星", "孝老星", "互助星"]


def _members(n: int) -> list[dict]:
    rng = random.Random(n)
    return [dict(member_name=f"党员{i:05d}", member_type=TYPES[i % 4], star_votes_valid=45,
                 star_votes_for=[rng.choice([45, 44, 41, 40, 36]) for _ in range(10)],
                 star_records=["", "", rng.choice(["是", "否", ""])] + [""] * 7) for i in range(n)]


def _values(n: int) -> dict:
    return dict(org_name="大镇机关党委", org_type="机关", member_count=n, masses_present=None, parent_org="某镇党委",
                star_names=[""] * 6 + ["产业星", "治理星", "文明星", "平安星"], star_votes_for=[40] * 10,
                star_votes_valid=[40] * 10)


def _sheet_bytes(path: Path, sheet: str) -> int:
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rid = dict(re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="rId(\d+)"', book))[sheet]
        return z.getinfo(f"xl/worksheets/sheet{rid}.xml").file_size


def test_member_rows_cost_a_few_kilobytes(tmp_path):
    """46 KB of sheet XML per member row before (main a31d821); a few KB now: 10,000 members fit the reader."""
    sizes = {}
    for n in (40, 240):
        path = build_star_workbook(tmp_path / f"m{n}.xlsx", ORG, _values(n), _members(n), OWN)
        sizes[n] = _sheet_bytes(path, "党员评星表")
    per_row = (sizes[240] - sizes[40]) / 200
    assert per_row < 5_000, per_row
    assert 10_000 * per_row < MAX_SHEET_BYTES * 0.8


@pytest.mark.slow
def test_a_town_of_ten_thousand_members_is_one_readable_workbook(tmp_path, capsys):
    from xlsx_addin.shells.cli import main

    n = 10_000
    folder = tmp_path / "评星表"
    folder.mkdir()
    members = _members(n)
    path = build_star_workbook(folder / "大镇机关党委.xlsx", ORG, _values(n), members, OWN)
    with zipfile.ZipFile(path) as z:
        assert sum(i.file_size for i in z.infolist()) < MAX_UNPACKED_BYTES / 2
    assert _sheet_bytes(path, "党员评星表") < MAX_SHEET_BYTES
    code = main(["consolidate", str(folder), "--out", str(tmp_path / "汇总表.xlsx"), "--scheme", "double_ten_star",
                 "--quiet", "--workers", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"评定党组织1个、党员{n}名" in out, out
    assert "0个错误" in out, out
    # every member rated as the engine rates it: the printed distribution of the members' levels
    levels = Counter(score_unit(MEMBER, member_inputs(_values(n), m, OWN, MEMBER)).level_name for m in members)
    row = next(line for line in out.splitlines() if line.strip().startswith("党员"))
    counts = [int(x) for x in row.split()[1:]]
    assert counts[-1] == n
    assert counts[:-1] == [levels.get(lv.name, 0) for lv in MEMBER.levels], (row, levels)


def test_masses_blank_branch_is_rated_with_one_hint(tmp_path, capsys):
    """A branch of 40 whose stars got 50 valid votes, 参加测评群众代表人数 blank (docs/RULES.md): the branch and
    every member rated; one 提示 for the branch and one for the member table, no 错误."""
    from xlsx_addin.shells.cli import main

    folder = tmp_path / "评星表"
    folder.mkdir()
    values = dict(_values(40), star_votes_for=[48] * 9 + [44], star_votes_valid=[50] * 10)
    members = [dict(m, star_votes_valid=50, star_votes_for=[49] * 10) for m in _members(5)]
    build_star_workbook(folder / "南村.xlsx", ORG, values, members, OWN)
    code = main(["consolidate", str(folder), "--out", str(tmp_path / "汇总表.xlsx"), "--scheme", "double_ten_star",
                 "--quiet", "--workers", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "评定党组织1个、党员5名" in out and "问题清单:0个错误,2条提示" in out, out
    import openpyxl
    ws = openpyxl.load_workbook(tmp_path / "汇总表.xlsx", read_only=True)["问题清单"]
    texts = [" ".join(str(c) for c in row if c) for row in ws.iter_rows(values_only=True)]
    assert any("有效票数50超过党员总数40人" in t and "masses_present" in t for t in texts), texts
    assert any("党员评星表中5名党员" in t for t in texts), texts
