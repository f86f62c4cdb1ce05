"""Python-side cost of the column formula functions over a county of 5,000 units.

Each column function (one call for the whole column, what a summary sheet uses) is timed
against a baseline measured in the same run: 5,000 calls of the matching single-cell
function, as a sheet with one formula per row would make. Both get the workbook's 规则
range, as the templates pass it. Excel's own cost (COM marshalling, recalculation) is not
included: this is what the add-in adds. Target: each column call ≤ 50 ms.

    python benchmarks/bench_udf.py [--units 5000] [--runs 7]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import udfs  # noqa: E402  (on Linux the xlwings decorators are no-ops: the plain Python functions)
from xlsx_addin import load_scheme, parameters  # noqa: E402

TARGET_MS = 50.0
LEVELS = ["五星级", "四星级", "三星级", "二星级", "一星级", "不定星级"]


def rules_range(scheme_name: str = "five_star") -> list[list]:
    rows = [["参数", "key", "值", "说明"]]
    rows += [[p.label, p.key, p.value, p.note or None] for p in parameters(load_scheme(scheme_name))]
    return rows


def county(n: int, seed: int = 2024) -> dict[str, list[list]]:
    rnd = random.Random(seed)
    scores, levels, votes, members, present = [], [], [], [], []
    for i in range(n):
        blank = i % 97 == 0  # a few units not filled in yet
        scores.append([None if blank else round(rnd.uniform(35, 108), 1)])
        levels.append([None if blank else rnd.choice(LEVELS)])
        m = rnd.randint(3, 120)
        p = rnd.randint(int(m * 0.6), m)
        members.append([None if blank else float(m)])
        present.append([None if blank else float(p)])
        a = rnd.randint(0, p)
        b = rnd.randint(0, p - a)
        c = rnd.randint(0, p - a - b)
        votes.append([None] * 4 if blank else [float(a), float(b), float(c), float(p - a - b - c)])
    return {"scores": scores, "levels": levels, "votes": votes, "members": members, "present": present}


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    data, rules = county(args.units), rules_range()
    vote_names = load_scheme("five_star").vote_inputs

    def copy_rules():  # Excel hands every call a fresh copy of the range
        return [list(r) for r in rules]

    cases = [
        ("XJ_LEVELS", lambda: udfs.XJ_LEVELS(data["scores"], copy_rules()),
         "XJ_LEVEL_OF", lambda: [udfs.XJ_LEVEL_OF(s[0], copy_rules()) for s in data["scores"]]),
        ("XJ_SATISFACTION_COL", lambda: udfs.XJ_SATISFACTION_COL(data["votes"], copy_rules()),
         "XJ_SATISFACTION", lambda: [udfs.XJ_SATISFACTION([[n, v] for n, v in zip(vote_names, row)], copy_rules())
                                     for row in data["votes"]]),
        ("XJ_RECTIFY_COL", lambda: udfs.XJ_RECTIFY_COL(data["levels"], copy_rules()),
         "XJ_RECTIFY_COL×1行", lambda: [udfs.XJ_RECTIFY_COL([lv], copy_rules()) for lv in data["levels"]]),
        ("XJ_PARTICIPATION_COL", lambda: udfs.XJ_PARTICIPATION_COL(data["members"], data["present"]),
         "XJ_PARTICIPATION", lambda: [udfs.XJ_PARTICIPATION(m[0], p[0], copy_rules())
                                      for m, p in zip(data["members"], data["present"])]),
    ]
    for _, column_fn, _, _ in cases:  # warm the scheme caches, as a workbook's first recalculation does
        column_fn()

    print(f"{args.units} units, median of {args.runs} runs (ms); target for one column call ≤ {TARGET_MS:g} ms")
    print(f"{'column function':<22}{'ms':>8}   {'baseline: per-cell calls':<26}{'ms':>8}{'speed-up':>10}  target")
    worst = 0.0
    for name, column_fn, base_name, base_fn in cases:
        col, base = median_ms(column_fn, args.runs), median_ms(base_fn, args.runs)
        worst = max(worst, col)
        print(f"{name:<22}{col:8.1f}   {base_name + f' ×{args.units}':<26}{base:8.1f}{base / col:9.1f}×  "
              f"{'ok' if col <= TARGET_MS else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
