"""Same input, two versions of the program: are the summaries the same? (issue 11, "nothing changes for users")

    python benchmarks/compare_outputs.py --before /path/to/old/checkout --input DIR [--input DIR …] [--args …]

Runs `python -m xlsx_addin consolidate DIR --out …` with the old checkout first on PYTHONPATH, then with
this one, and compares every sheet of the two summaries cell by cell (values and formulas as stored),
hidden sheets included. Cells that carry the run's own time are named in VOLATILE and skipped. Exit 0 when
every sheet is equal; otherwise the differing cells are listed.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent.parent
# (sheet, header text of the row's first cell): the run's own timestamps and timings
VOLATILE_ROWS = {("设置", "汇总时间"), ("设置", "用时"), ("设置", "各阶段用时")}
VOLATILE_SHEETS = {"汇总记录"}  # hidden digest sheet: holds the run's date


def run(checkout: Path, input_dir: Path, out: Path, extra: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    cmd = [sys.executable, "-m", "xlsx_addin", "consolidate", str(input_dir), "--out", str(out), "--quiet", *extra]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=checkout)


def cells(path: Path) -> dict[str, dict[str, object]]:
    wb = openpyxl.load_workbook(path)
    out: dict[str, dict[str, object]] = {}
    for ws in wb.worksheets:
        if ws.title in VOLATILE_SHEETS:
            continue
        sheet: dict[str, object] = {}
        for row in ws.iter_rows():
            first = str(row[0].value or "").strip() if row else ""
            if (ws.title, first) in VOLATILE_ROWS:
                continue
            for c in row:
                if c.value is not None:
                    sheet[c.coordinate] = c.value
        out[ws.title] = sheet
    return out


def compare(a: Path, b: Path) -> list[str]:
    x, y = cells(a), cells(b)
    diffs = []
    if list(x) != list(y):
        diffs.append(f"sheets: {list(x)} != {list(y)}")
    for name in x.keys() & y.keys():
        for ref in sorted(x[name].keys() | y[name].keys()):
            if x[name].get(ref) != y[name].get(ref):
                diffs.append(f"{name}!{ref}: {x[name].get(ref)!r} != {y[name].get(ref)!r}")
    return diffs


def _said(stdout: str, out: Path) -> list[str]:
    """The report without what differs by run: the output's path, the timings."""
    return [line.replace(str(out.resolve()), "OUT") for line in stdout.splitlines()
            if "用时" not in line]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--before", type=Path, required=True)
    p.add_argument("--input", type=Path, action="append", required=True)
    p.add_argument("--args", nargs=argparse.REMAINDER, default=[])
    a = p.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for d in a.input:
            outs = []
            for label, checkout in (("before", a.before), ("after", HERE)):
                out = Path(tmp) / label / d.name / "汇总表.xlsx"
                out.parent.mkdir(parents=True)
                proc = run(checkout, d, out, a.args)
                outs.append((proc, out))
            (p1, o1), (p2, o2) = outs
            said1, said2 = (_said(x.stdout, o) for x, o in ((p1, o1), (p2, o2)))
            if said1 != said2:
                print(f"{d}: the printed reports differ:\n{said1}\n---\n{said2}")
                bad += 1
            if p1.returncode != p2.returncode or p1.stderr != p2.stderr:
                print(f"{d}: exit {p1.returncode} / {p2.returncode}; stderr differs:\n{p1.stderr}\n---\n{p2.stderr}")
                bad += 1
                continue
            diffs = compare(o1, o2) if o1.exists() and o2.exists() else ["an output is missing"]
            print(f"{d}: {'the same' if not diffs else f'{len(diffs)} cells differ'} (exit {p2.returncode})")
            for line in diffs[:40]:
                print("   ", line)
            bad += bool(diffs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
