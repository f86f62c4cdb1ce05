"""Bytes of sheet XML per member row of the 双十星 评星表 (issue 24 "Data lost").

Builds the 评星表 with the project's builder twice (100 and 1,100 members, the same realistic votes: valid 40,
votes for 30–40, one member in four with a daily record) and reports the growth of each sheet's XML per member
row, the file sizes and the build time; `--members N` also builds one book of N members and times it.

    python benchmarks/bench_star_book.py [--members 10000] [--out DIR]
"""
from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
import zipfile
from pathlib import Path

from xlsx_addin.io.books.double_ten.book import build_star_workbook

TYPES = ["农村党员", "社区党员", "机关、事业单位党员", "非公企业和社会组织党员"]
OWN = ["带富星", "服务星", "孝老星", "互助星"]


def members(n: int) -> list[dict]:
    rng = random.Random(1)
    out = []
    for i in range(n):
        records = [""] * 10
        if i % 4 == 0:
            records[2] = rng.choice(["是", "否"])  # 法纪星, set from the daily record
        out.append(dict(member_name=f"党员{i}", member_type=TYPES[i % 4], star_votes_valid=40,
                        star_votes_for=[rng.randint(30, 40) for _ in range(10)], star_records=records))
    return out


def build(n: int, path: Path) -> tuple[dict[str, int], int, int, float]:
    values = dict(org_name="东村党支部", org_type="农村", member_count=max(n, 40), masses_present=5, parent_org="某镇党委",
                  star_names=[""] * 6 + ["产业星", "治理星", "文明星", "平安星"], star_votes_for=[40] * 10,
                  star_votes_valid=[40] * 10)
    t = time.perf_counter()
    build_star_workbook(path, "double_ten_star", values, members(n), OWN)
    seconds = time.perf_counter() - t
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        sizes = {i.filename: i.file_size for i in z.infolist()}
    sheets = {name: sizes[f"xl/worksheets/sheet{rid}.xml"]
              for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="rId(\d+)"', book)}
    return sheets, path.stat().st_size, sum(sizes.values()), seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=0, help="also build one book of this many members")
    ap.add_argument("--out", type=Path, default=None, help="folder for the books (default: a temporary one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        small, _, _, _ = build(100, out / "m100.xlsx")
        large, size, unpacked, seconds = build(1100, out / "m1100.xlsx")
        for name in ("党员评星表", "党员评星票", "评星票"):  # 党员评星票: the members' ballot (in 评星票 before)
            if name in large:
                print(f"{name}: {(large[name] - small[name]) / 1000:,.0f} bytes of sheet XML per member row")
        print(f"1,100 members: file {size / 2**20:.1f} MB, unpacked {unpacked / 2**20:.1f} MB, built in {seconds:.1f} s")
        if args.members:
            sheets, size, unpacked, seconds = build(args.members, out / f"评星表_{args.members}.xlsx")
            print(f"{args.members:,} members: 党员评星表 {sheets['党员评星表'] / 2**20:.1f} MB, file {size / 2**20:.1f} MB, "
                  f"unpacked {unpacked / 2**20:.1f} MB, built in {seconds:.1f} s")


if __name__ == "__main__":
    main()
