"""Same input, two versions of the program: are the outputs the same? (issue 11, "nothing changes for users")

    python benchmarks/compare_outputs.py --before OLD [--after NEW] --cases CASES.json [--only NAME …] [--show N]
    python benchmarks/compare_outputs.py --before OLD [--after NEW] --input DIR [--input DIR …]
                                         [--command consolidate|ledgers] [--args …]

Runs `python -m xlsx_addin <command> DIR --out … --quiet <args>` with the old checkout first on PYTHONPATH,
then with the new one (--after, default: the checkout holding this script), and compares, per case:
the exit code, stderr, the printed report, the files left beside the output (e.g. the backup of a
re-run) and every sheet of the two output workbooks (汇总表 for `consolidate`, 台账汇总 for `ledgers`):
sheet order and visibility, defined names, and cell by cell the values and formulas as stored and the
number formats, hidden sheets included. (Charts, conditional formats and data validation are not
compared.) Both sides write to the same output path, so no path needs masking. It checks that each
side really imported the checkout it was given. One line per case: "the same" or "N differences" with
the first differing cells; --show N lists N of them below. Exit 0 when every case is the same.

CASES.json (benchmarks/make_compare_inputs.py writes one beside the inputs it builds):
    {"cases": [{"name": "five_star", "command": "consolidate", "input": "five_star/单位填报表",
                "args": ["--scheme", "five_star"], "existing_out": "rerun/汇总表.xlsx"}, …]}
Relative paths and "{root}" in args are the manifest's folder; "existing_out" (optional) is copied to
the output path before each run, for a re-run onto an existing summary; "out" (optional) names the
output file (default 汇总表.xlsx / 台账汇总.xlsx).

Masked, because they are the run's own time and nothing else:
  * printed lines containing 用时 (the run's timings: 用时N秒, 各阶段用时…);
  * the date-time in backup file names, 汇总表.备份-YYYYMMDD-HHMMSS.xlsx (in the printed report and in
    the list of files beside the output).
Nothing in the workbooks is masked: the summary writes no time of its own (设置 holds none, the hidden
汇总记录 sheet holds digests of the rows written, not a date). The ledgers summary's 统计截止日期 is
today unless given, so the cases give --as-of (a run without it is only comparable on the same day).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent.parent
OUT_NAMES = {"consolidate": "汇总表.xlsx", "ledgers": "台账汇总.xlsx"}
TIMING = "用时"  # printed lines with the run's timings
BACKUP_STAMP = re.compile(r"(\.备份-)\d{8}-\d{6}")  # files/backups.py: out.stem + .备份-%Y%m%d-%H%M%S


@dataclass
class Case:
    name: str
    command: str
    input: Path
    args: list[str] = field(default_factory=list)
    existing_out: Path | None = None
    out: str = ""

    def __post_init__(self) -> None:
        self.out = self.out or OUT_NAMES[self.command]


@dataclass
class Side:
    proc: subprocess.CompletedProcess
    out: Path
    files: list[str]


def load_cases(path: Path) -> list[Case]:
    data = json.loads(path.read_text(encoding="utf-8"))
    root = path.resolve().parent
    cases = []
    for c in data["cases"] if isinstance(data, dict) else data:
        existing = c.get("existing_out")
        cases.append(Case(name=c.get("name") or Path(c["input"]).name, command=c.get("command", "consolidate"),
                          input=root / c["input"], args=[a.replace("{root}", str(root)) for a in c.get("args", [])],
                          existing_out=root / existing if existing else None, out=c.get("out", "")))
    return cases


def _env(checkout: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(checkout), PYTHONDONTWRITEBYTECODE="1")


def check_import(checkout: Path) -> None:
    """The package imported with this environment must be the checkout's (not an installed copy)."""
    got = subprocess.run([sys.executable, "-c", "import xlsx_addin; print(xlsx_addin.__file__)"], env=_env(checkout),
                         cwd=checkout, capture_output=True, text=True, check=True).stdout.strip()
    if not Path(got).resolve().is_relative_to(checkout.resolve()):
        raise SystemExit(f"PYTHONPATH={checkout} imports xlsx_addin from {got}, not from that checkout")


def run(checkout: Path, case: Case, run_dir: Path, keep: Path) -> Side:
    """Run the case in run_dir (the same path for both sides), then move run_dir to keep."""
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    out = run_dir / case.out
    if case.existing_out is not None:
        shutil.copy2(case.existing_out, out)
    cmd = [sys.executable, "-m", "xlsx_addin", case.command, str(case.input), "--out", str(out), "--quiet", *case.args]
    proc = subprocess.run(cmd, env=_env(checkout), capture_output=True, text=True, cwd=checkout)
    files = sorted(BACKUP_STAMP.sub(r"\1<time>", str(p.relative_to(run_dir))) for p in run_dir.rglob("*"))
    keep.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(run_dir), str(keep))
    return Side(proc, keep / case.out, files)


def cells(path: Path) -> dict[str, dict[str, object]]:
    """Every sheet ("name [state]") → {A1 ref: value (formulas as text)} plus {"A1 format": number format}
    of the non-empty cells; the defined names under the key "(defined names)"."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, dict[str, object]] = {}
    for ws in wb.worksheets:
        sheet: dict[str, object] = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    sheet[c.coordinate] = c.value
                    sheet[f"{c.coordinate} format"] = c.number_format
        out[f"{ws.title} [{ws.sheet_state}]"] = sheet
    names: dict[str, object] = {n: str(d.attr_text) for n, d in wb.defined_names.items()}
    for ws in wb.worksheets:
        names.update({f"{ws.title}!{n}": str(d.attr_text) for n, d in ws.defined_names.items()})
    out["(defined names)"] = names
    return out


def _order(ref: str) -> tuple:
    """Cells in reading order (row, then column); other keys (defined names) by name."""
    m = re.fullmatch(r"([A-Z]+)(\d+)(.*)", ref)
    return (int(m[2]), len(m[1]), m[1], m[3]) if m else (0, 0, ref, "")


def compare(a: Path, b: Path) -> list[str]:
    x, y = cells(a), cells(b)
    diffs = []
    if list(x) != list(y):
        diffs.append(f"sheets: {list(x)} != {list(y)}")
    for name in [n for n in x if n in y]:
        for ref in sorted(x[name].keys() | y[name].keys(), key=_order):
            if x[name].get(ref) != y[name].get(ref):
                diffs.append(f"{name}!{ref}: {x[name].get(ref)!r} != {y[name].get(ref)!r}")
    return diffs


def said(stdout: str) -> list[str]:
    """The printed report without the run's own time (timings, backup stamps)."""
    return [BACKUP_STAMP.sub(r"\1<time>", line) for line in stdout.splitlines() if TIMING not in line]


def differences(before: Side, after: Side) -> list[str]:
    diffs = []
    if before.proc.returncode != after.proc.returncode:
        diffs.append(f"exit code: {before.proc.returncode} != {after.proc.returncode}")
    if before.proc.stderr != after.proc.stderr:
        diffs.append(f"stderr: {before.proc.stderr[-300:]!r} != {after.proc.stderr[-300:]!r}")
    s1, s2 = said(before.proc.stdout), said(after.proc.stdout)
    if s1 != s2:
        first = next((i for i, (p, q) in enumerate(zip(s1, s2)) if p != q), min(len(s1), len(s2)))
        diffs.append(f"printed report, line {first + 1}: {(s1[first:first + 1] or [''])[0]!r} != "
                     f"{(s2[first:first + 1] or [''])[0]!r}")
    if before.files != after.files:
        diffs.append(f"files beside the output: {before.files} != {after.files}")
    if before.out.exists() and after.out.exists():
        diffs += compare(before.out, after.out)
    elif before.out.exists() != after.out.exists():
        diffs.append(f"output written: {before.out.exists()} != {after.out.exists()}")
    return diffs


def _short(diff: str, width: int = 160) -> str:
    return diff if len(diff) <= width else diff[:width - 1] + "…"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--before", type=Path, required=True, help="the old checkout")
    p.add_argument("--after", type=Path, default=HERE, help="the new checkout (default: the one holding this script)")
    p.add_argument("--cases", type=Path, help="a manifest of cases (JSON, see above)")
    p.add_argument("--only", nargs="+", default=None, help="run only these cases of the manifest")
    p.add_argument("--input", type=Path, action="append", default=[], help="an input folder (one case each)")
    p.add_argument("--command", choices=sorted(OUT_NAMES), default="consolidate", help="the command of --input cases")
    p.add_argument("--show", type=int, default=0, help="list up to N differences below each differing case")
    p.add_argument("--args", nargs=argparse.REMAINDER, default=[], help="extra arguments of --input cases (last)")
    a = p.parse_args()
    cases = load_cases(a.cases) if a.cases else []
    if a.only:
        unknown = set(a.only) - {c.name for c in cases}
        if unknown:
            p.error(f"no such case: {', '.join(sorted(unknown))}")
        cases = [c for c in cases if c.name in a.only]
    cases += [Case(str(d), a.command, d.resolve(), list(a.args)) for d in a.input]
    if not cases:
        p.error("give --cases FILE or --input DIR")
    before, after = a.before.resolve(), a.after.resolve()
    for checkout in (before, after):
        check_import(checkout)
    print(f"before: {before}\nafter:  {after}", flush=True)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="compare-outputs-") as tmp:
        for i, case in enumerate(cases):
            sides = [run(checkout, case, Path(tmp) / "run", Path(tmp) / label / f"{i}-{case.name}")
                     for label, checkout in (("before", before), ("after", after))]
            diffs = differences(*sides)
            exit_code = sides[1].proc.returncode
            if not diffs:
                print(f"{case.name}: the same (exit {exit_code})", flush=True)
                continue
            bad += 1
            print(f"{case.name}: {len(diffs)} differences (exit {exit_code}); first: {'; '.join(_short(d) for d in diffs[:3])}", flush=True)
            for line in diffs[:a.show]:
                print("   ", line)
    print(f"{len(cases) - bad} of {len(cases)} cases the same")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
