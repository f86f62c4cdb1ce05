"""Speed of the LibreOffice test harness (tests/support/libreoffice.py).

Measures files per second for ``recalc_many`` (pipelined, one soffice) and for one ``recalc``
call per file, on a small workbook (≈ 7 KB, the harness sample) and a ≈ 100 KB one (the sample
plus a 2,500-row 明细 sheet of formulas), reading every defined name; optionally storing each
recalculated file. Baseline in the same run: one ``soffice --headless --convert-to xlsx``
process per file (the usual way without UNO), which recalculates nothing it is not asked to.

    python benchmarks/bench_libreoffice.py --files 40 --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import sample_book  # noqa: E402
from tests.support.libreoffice import LibreOffice, RecalcJob  # noqa: E402


def _copies(src: Path, n: int, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        p = folder / f"{i:04d}.xlsx"
        shutil.copyfile(src, p)
        out.append(p)
    return out


def _median_rate(fn, n_files: int, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return n_files / statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline-files", type=int, default=4)
    args = ap.parse_args()
    names = list(sample_book.NAMES)
    with tempfile.TemporaryDirectory(prefix="bench_lo_") as tmp, LibreOffice() as lo:
        tmp = Path(tmp)
        print(f"{lo.version}; {args.files} files, median of {args.runs} runs", flush=True)
        for label, rows in (("small", 0), ("100 KB", 2500)):
            src = sample_book.build(tmp / f"{label}.xlsx", detail_rows=rows)
            files = _copies(src, args.files, tmp / label.replace(" ", ""))
            lo.recalc(files[0], names)  # warm up
            jobs = [RecalcJob(f, names) for f in files]
            many = _median_rate(lambda: lo.recalc_many(jobs), len(files), args.runs)
            lo.seconds.clear()
            many1 = _median_rate(lambda: lo.recalc_many(jobs, window=1), len(files), args.runs)
            phases = ", ".join(f"{k} {v / (args.runs * len(files)) * 1000:.0f} ms"
                               for k, v in lo.seconds.items())
            saved = [RecalcJob(f, names, tmp / "out" / f.name) for f in files]
            many_saved = _median_rate(lambda: lo.recalc_many(saved), len(files), args.runs)
            single = _median_rate(lambda: [lo.recalc(f, names) for f in files], len(files), args.runs)
            base_files = files[: args.baseline_files]
            soffice = shutil.which("soffice")

            def baseline():
                for f in base_files:
                    prof = tmp / "prof"
                    subprocess.run([soffice, f"-env:UserInstallation={prof.as_uri()}", "--headless",
                                    "--convert-to", "xlsx", "--outdir", str(tmp / "conv"), str(f)],
                                   check=True, capture_output=True, timeout=300)

            baseline()  # the first run creates the profile
            base = _median_rate(baseline, len(base_files), args.runs)
            print(f"{label:>7} ({src.stat().st_size / 1024:.0f} KB, {len(names)} names): "
                  f"recalc_many {many:.1f} files/s (window 1: {many1:.1f}; per file {phases}), "
                  f"with save {many_saved:.1f} files/s, "
                  f"recalc one by one {single:.1f} files/s; "
                  f"baseline soffice --convert-to per file {base:.2f} files/s "
                  f"(recalc_many {many / base:.0f}× faster)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
