"""Build the inputs of the before/after output comparison (compare_outputs.py --cases), deterministically.

    PYTHONPATH=/path/to/checkout python benchmarks/make_compare_inputs.py /work/compare/inputs

Everything is made by the generators of the checkout first on PYTHONPATH (use the *old* one, so that both
versions are compared on inputs neither of them made differently): the demo county (`xlsx-addin demo`),
the 双十星 town (star_demo.py), the half-year ledgers (ledgers/demo.py) and the bad-input corpus
(tests/corpus/make_corpus.py). Fixed seeds, fixed ledger period and as-of day: a rebuild into the same DEST
gives the same workbook contents (only file times, zip timestamps and, in the corpus's 上次汇总表.xlsx, the
name of a temporary folder differ; summaries name their input folder, so another DEST changes that cell).
DEST is deleted and rebuilt when it holds a cases.json from an earlier run; any other non-empty folder is
refused. About a minute on 2 cores.

DEST afterwards:

    five_star/            demo county, 400 units: 单位填报表/ (input) and 汇总表.xlsx (its summary)
    ten_star/ four_grade/ six_good/      the same, 120 units each
    double_ten_star/      a 双十星 town of 20 branches: 评星表/ (input)
    corpus/ (+ corpus_外部/) the bad-input corpus (a few cases are skipped when running as root)
    town_county/          three town summaries of five_star's county, made by `consolidate`
    five_star_previous/   汇总表.xlsx: five_star consolidated with --set-by all --quota-mode flag (as --previous)
    rerun/                汇总表.xlsx: five_star's summary with a clerk's edits (re-run onto an existing summary)
    ledgers/              半年台账/ (2026H1 ledgers of five_star's branches) and 台账汇总.xlsx (their summary)
    ledgers_rerun/        台账汇总.xlsx with the upper level's yellow columns filled (re-run onto it)
    cases.json            the cases for compare_outputs.py (paths relative to this folder, see CASES)
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

SEED = 2026
PERIOD, AS_OF = "2026H1", "2026-07-20"  # the demo's as-of day for 2026H1: the due day (07-15) + 5 days
COUNTIES = {"five_star": 400, "ten_star": 120, "four_grade": 120, "six_good": 120}
STAR_BRANCHES = 20
TOWNS = 3  # town summaries in town_county/

# The comparison's cases: name, command, input folder, extra arguments. "{root}" is the folder of
# cases.json; "existing_out" is copied to the output path before each run (a re-run onto it).
CASES = [
    *({"name": s, "command": "consolidate", "input": f"{s}/单位填报表", "args": ["--scheme", s]} for s in COUNTIES),
    {"name": "five_star_set_by_all_flag", "command": "consolidate", "input": "five_star/单位填报表",
     "args": ["--set-by", "all", "--quota-mode", "flag"]},
    {"name": "corpus", "command": "consolidate", "input": "corpus", "args": []},
    {"name": "corpus_flag_all", "command": "consolidate", "input": "corpus",
     "args": ["--quota-mode", "flag", "--set-by", "all"]},
    {"name": "double_ten_star", "command": "consolidate", "input": "double_ten_star/评星表",
     "args": ["--scheme", "double_ten_star"]},
    {"name": "town_to_county", "command": "consolidate", "input": "town_county", "args": []},
    {"name": "five_star_previous", "command": "consolidate", "input": "five_star/单位填报表",
     "args": ["--previous", "{root}/five_star_previous/汇总表.xlsx"]},
    {"name": "five_star_with_ledgers", "command": "consolidate", "input": "five_star/单位填报表",
     "args": ["--ledgers", "{root}/ledgers/台账汇总.xlsx"]},
    {"name": "five_star_rerun", "command": "consolidate", "input": "five_star/单位填报表", "args": [],
     "existing_out": "rerun/汇总表.xlsx"},
    {"name": "ledgers", "command": "ledgers", "input": "ledgers/半年台账",
     "args": ["--period", PERIOD, "--as-of", AS_OF, "--expect", "{root}/five_star/汇总表.xlsx"]},
    {"name": "ledgers_rerun", "command": "ledgers", "input": "ledgers/半年台账",
     "args": ["--period", PERIOD, "--as-of", AS_OF], "existing_out": "ledgers_rerun/台账汇总.xlsx"},
]


def cli(*args: str | Path | int) -> None:
    """`python -m xlsx_addin …` of the checkout on PYTHONPATH (the environment is inherited)."""
    subprocess.run([sys.executable, "-m", "xlsx_addin", *map(str, args), "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)


def checkout() -> Path:
    import xlsx_addin

    return Path(xlsx_addin.__file__).resolve().parent.parent


def clerk_edits(summary: Path, out: Path) -> None:
    """A copy of a rating summary as a clerk leaves it: rectification typed in, a column and a sheet added,
    a computed score overwritten (the re-run must keep the first three and report the last)."""
    import openpyxl

    wb = openpyxl.load_workbook(summary)
    ledger, overview = wb["整改台账"], wb["一览表"]
    ledger["F2"], ledger["G2"], ledger["H2"] = "召开专题组织生活会,逐项整改", "张建国", "2027-03-31"
    col = overview.max_column + 1
    overview.cell(1, col, "备注")
    overview.cell(2, col, "已电话核实")
    overview["H3"] = 99  # 综合得分 typed over
    wb.create_sheet("督导记录").append(["日期", "内容"])
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)


def upper_level_edits(summary: Path, out: Path) -> None:
    """A copy of a 台账汇总 with the upper level's notes in the first data row of 汇总 (every column whose
    header says 督查/催报/备注, the yellow ones) and a column of its own."""
    import openpyxl

    wb = openpyxl.load_workbook(summary)
    ws = wb["汇总"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value)  # the table's header row
    filled = 0
    for c in range(1, ws.max_column + 1):
        if any(w in str(ws.cell(header, c).value or "") for w in ("督查", "催报", "备注")):
            ws.cell(header + 1, c, "已督查,按期整改")
            filled += 1
    if not filled:
        raise SystemExit(f"{summary}: no yellow column found in 汇总 (row {header})")
    ws.cell(header, ws.max_column + 1, "联系人")
    ws.cell(header + 1, ws.max_column, "李主任")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    dest = Path(sys.argv[1]).resolve()
    if dest.exists() and any(dest.iterdir()):
        if not (dest / "cases.json").exists():
            print(f"{dest} is not empty and not made by this script; refusing to delete it", file=sys.stderr)
            return 2
        shutil.rmtree(dest)
        shutil.rmtree(dest.parent / f"{dest.name}_外部", ignore_errors=True)  # the corpus writes it beside DEST
    dest.mkdir(parents=True, exist_ok=True)
    src = checkout()
    print(f"building with {src}", flush=True)

    # The demo counties (单位填报表/ and their 汇总表.xlsx) and the 双十星 town (评星表/).
    for scheme, n in COUNTIES.items():
        cli("demo", "--scheme", scheme, "--units", n, "--seed", SEED, "--out", dest / scheme)
    cli("demo", "--scheme", "double_ten_star", "--units", STAR_BRANCHES, "--seed", SEED, "--out", dest / "double_ten_star")

    # Town summaries of the five_star county, to be consolidated again at county level.
    county = next(p for p in sorted((dest / "five_star/单位填报表").iterdir()) if p.is_dir())
    for town in sorted(p for p in county.iterdir() if p.is_dir())[:TOWNS]:
        cli("consolidate", town, "--out", dest / "town_county" / f"{town.name}汇总表.xlsx")

    # A previous summary whose levels differ (county-wide, quotas only flagged), for --previous.
    cli("consolidate", dest / "five_star/单位填报表", "--set-by", "all", "--quota-mode", "flag",
        "--out", dest / "five_star_previous/汇总表.xlsx")
    clerk_edits(dest / "five_star/汇总表.xlsx", dest / "rerun/汇总表.xlsx")

    # The half year of five_star's branches (one sends nothing, one last half year's ledger), then its summary.
    try:  # the layered tree
        from xlsx_addin.contracts.ledger import parse_period
        from xlsx_addin.jobs.ledgers.demo import build_half_year
    except ImportError:  # a tree from before the layers
        from xlsx_addin.ledgers.demo import build_half_year  # type: ignore[no-redef]
        from xlsx_addin.ledgers.forms import parse_period  # type: ignore[no-redef]

    build_half_year(dest / "five_star/汇总表.xlsx", dest / "ledgers", SEED, parse_period(PERIOD))
    cli("ledgers", dest / "ledgers/半年台账", "--out", dest / "ledgers/台账汇总.xlsx", "--period", PERIOD,
        "--as-of", AS_OF, "--expect", dest / "five_star/汇总表.xlsx")
    upper_level_edits(dest / "ledgers/台账汇总.xlsx", dest / "ledgers_rerun/台账汇总.xlsx")

    # The bad-input corpus of the tests (it also writes corpus_外部/ beside it: the target of a symlink).
    sys.path.insert(0, str(src / "tests" / "corpus"))
    from make_corpus import make_corpus

    skipped = [c.name for c in make_corpus(dest / "corpus") if c.skip]
    if skipped:
        print(f"corpus: cases skipped here: {', '.join(skipped)}")

    (dest / "cases.json").write_text(json.dumps({"built_with": str(src), "cases": CASES}, ensure_ascii=False,
                                                indent=1) + "\n", encoding="utf-8")
    print(f"{len(CASES)} cases -> {dest / 'cases.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
