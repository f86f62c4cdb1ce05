"""Decompression and entity bombs: how long the command line takes to refuse each, against one good unit.

    python benchmarks/bench_bombs.py --runs 5

The bombs are those of the bad-input corpus (tests/corpus/make_corpus.py: a 300 MB zip bomb, one
with forged sizes, a billion-laughs workbook.xml). Each file is consolidated alone in its own
folder by `python -m xlsx_addin consolidate`, in a fresh process per run; the baseline is the
same command on a folder with one good unit workbook, measured in the same run. Reported: the
median wall time, its ratio to the baseline, and the peak memory of the command (ru_maxrss).
The unit tests check only that each bomb is refused, in bounded memory, with its reason.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "corpus"))

BOMBS = ("zip_bomb", "zip_bomb_forged_size", "billion_laughs")


def measure(folder: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of one consolidation of folder, in a fresh process."""
    code = ("import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "p = subprocess.run([sys.executable, '-m', 'xlsx_addin', 'consolidate', sys.argv[1], '--out', sys.argv[2],"
            " '--quiet'], capture_output=True)\n"
            "s = time.perf_counter() - t\n"
            "print(p.returncode, s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n")
    r = subprocess.run([sys.executable, "-c", code, str(folder), str(out)], capture_output=True, text=True,
                       timeout=600, cwd=ROOT)
    rc, seconds, peak = r.stdout.split()
    if rc != "0":
        raise SystemExit(f"{folder}: exit code {rc}\n{r.stderr}")
    return float(seconds), float(peak)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from make_corpus import make_corpus

    work = Path(tempfile.mkdtemp(prefix="bench_bombs_"))
    try:
        cases = {c.name: c for c in make_corpus(work / "corpus")}
        folders = {}
        for name in ("good",) + BOMBS:
            src = work / "corpus" / cases[name].files[0]
            folders[name] = work / name
            folders[name].mkdir()
            shutil.copy2(src, folders[name] / src.name)
        runs: dict[str, list[tuple[float, float]]] = {n: [] for n in folders}
        for _ in range(args.runs):  # interleaved: a drifting machine slows every case alike
            for name, folder in folders.items():
                runs[name].append(measure(folder, work / f"{name}.xlsx"))
        base = statistics.median(s for s, _ in runs["good"])
        print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, {args.runs} runs, "
              f"{time.strftime('%Y-%m-%d %H:%M')}")
        print("| file | size | median s | × one good unit | peak MiB |\n|---|---:|---:|---:|---:|")
        for name, rs in runs.items():
            size = sum(f.stat().st_size for f in folders[name].iterdir())
            med = statistics.median(s for s, _ in rs)
            print(f"| {name} | {size / 1024:.0f} KB | {med:.2f} | {med / base:.2f} | {max(p for _, p in rs):.0f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
