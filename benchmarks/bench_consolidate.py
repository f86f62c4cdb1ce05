"""County-scale consolidation benchmark: 一键汇总 end to end against a naive openpyxl loop.

    python benchmarks/bench_consolidate.py                 # 1,000 / 2,000 / 4,000 units, 3 runs each
    python benchmarks/bench_consolidate.py --sizes 2000 --runs 5 --markdown benchmarks/RESULTS.md

Every measurement runs in a fresh subprocess, so its timings and peak memory (ru_maxrss) are its own.
The generated counties (demo.generate_county + the real unit template) are cached under
benchmarks/.cache/ (gitignored) and reused while the package's template version is the same.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("XLSX_ADDIN_BENCH_SRC") or HERE.parent)  # --baseline-src measures another tree
CACHE = HERE / ".cache"
sys.path.insert(0, str(ROOT))


# --- the measured jobs (run in a child process) ----------------------------------------------
def _maxrss_mb(who) -> float:
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def measure_consolidate(input_dir: Path, scheme: str, workers: int, out: Path) -> dict:
    t0 = time.perf_counter()
    try:  # the layered tree (jobs/consolidate/)
        from xlsx_addin.jobs.consolidate.job import consolidate
        from xlsx_addin.jobs.consolidate.settings import Settings
        from xlsx_addin.jobs.consolidate.writer import write_summary
    except ImportError:  # a baseline tree from before the layers (xlsx_addin/consolidate/)
        from xlsx_addin.consolidate import consolidate  # type: ignore[no-redef]
        from xlsx_addin.consolidate.model import Settings  # type: ignore[no-redef]
        from xlsx_addin.consolidate.writer import write_summary  # type: ignore[no-redef]

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    c = consolidate(Settings(input_dir=input_dir, scheme_source=scheme), workers=workers)
    t1 = time.perf_counter()
    write_summary(c, out)
    t2 = time.perf_counter()
    return {"e2e": t2 - t0, "consolidate": t1 - t0, "write": t2 - t1, "import": t_import,
            "split": dict(c.seconds), "files": c.files_seen, "rated": c.files_rated,
            "problems": len(c.problems), "out_bytes": out.stat().st_size,
            "rss_mb": _maxrss_mb(resource.RUSAGE_SELF), "rss_children_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
            "src": str(Path(sys.modules["xlsx_addin"].__file__).parent.parent)}


def _naive_read(path: Path, wanted: set[str]) -> dict:
    """What one would write first: openpyxl, every defined name of the contract, cell by cell."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    values = {}
    for name, dn in wb.defined_names.items():
        if name not in wanted:
            continue
        cells = []
        for sheet, coord in dn.destinations:
            got = wb[sheet][coord]
            if isinstance(got, tuple):  # a range: rows of cells
                cells += [c.value for row in got for c in (row if isinstance(row, tuple) else (row,))]
            else:
                cells.append(got.value)
        values[name] = cells if name.startswith("item_scores") else cells[0]
    wb.close()
    return values


def measure_naive(input_dir: Path, scheme_source: str, out: Path) -> dict:
    import openpyxl

    from xlsx_addin import load_scheme, rate_set, score_unit
    from xlsx_addin.model.errors import RatingError
    from xlsx_addin.contracts.names import INPUTS, MASS_PREFIX

    scheme = load_scheme(scheme_source)
    wanted = set(INPUTS) | set(scheme.vote_inputs) | {MASS_PREFIX + v for v in scheme.vote_inputs}
    t_read = t_score = 0.0
    t0 = time.perf_counter()
    units, errors = [], 0
    for path in sorted(input_dir.rglob("*.xlsx")):
        a = time.perf_counter()
        values = _naive_read(path, wanted)
        b = time.perf_counter()
        try:
            score_unit(scheme, values)
            units.append((path, values))
        except RatingError:
            errors += 1
        t_read += b - a
        t_score += time.perf_counter() - b
    a = time.perf_counter()
    sets: dict[str, list] = {}
    for path, values in units:
        sets.setdefault(str(values.get("parent_org")), []).append((path, values))
    rows = []
    for name, members in sets.items():
        for (path, _), r in zip(members, rate_set(scheme, [v for _, v in members])):
            rows.append([r.org_name, r.org_code, name, r.base_score, r.bonus, r.penalty, r.final_score,
                         r.level_name, "；".join(r.reasons), "是" if r.rectify else "否", str(path.relative_to(input_dir))])
    t_score += time.perf_counter() - a
    a = time.perf_counter()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "一览表"
    ws.append(["党组织名称", "代码", "评定组", "基础得分", "加分", "减分", "综合得分", "最终星级", "说明", "整顿", "来源文件"])
    for row in rows:
        ws.append(row)
    wb.save(out)
    t_write = time.perf_counter() - a
    return {"e2e": time.perf_counter() - t0, "split": {"read": t_read, "score": t_score, "write": t_write},
            "files": len(units) + errors, "rated": len(units), "rss_mb": _maxrss_mb(resource.RUSAGE_SELF),
            "rss_children_mb": _maxrss_mb(resource.RUSAGE_CHILDREN)}


# --- the county cache ----------------------------------------------------------------------
def county_dir(n: int, scheme: str, seed: int, rebuild: bool = False) -> Path:
    """benchmarks/.cache/<scheme>-s<seed>-n<n>/单位填报表, generated once (per package version);
    --rebuild regenerates it after a change of the unit template."""
    from xlsx_addin import __version__
    from xlsx_addin.jobs.demo.county import UNITS_DIR, build_workbooks, generate_county

    stamp = f"{__version__}/{scheme}"
    root = CACHE / f"{scheme}-s{seed}-n{n}"
    done = root / "COMPLETE"
    if done.exists() and done.read_text(encoding="utf-8") == stamp and not rebuild:
        return root / UNITS_DIR
    if root.exists():
        shutil.rmtree(root)
    units_dir = root / UNITS_DIR
    units_dir.mkdir(parents=True)
    t0 = time.perf_counter()
    units = generate_county(n, scheme, seed)
    build_workbooks(units, units_dir, scheme)
    done.write_text(stamp, encoding="utf-8")
    print(f"  generated {n} unit workbooks in {time.perf_counter() - t0:.1f} s -> {units_dir}", file=sys.stderr)
    return units_dir


# --- the driver ----------------------------------------------------------------------------
def run_child(kind: str, input_dir: Path, scheme: str, workers: int, src: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "汇总表.xlsx"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", kind, "--dir", str(input_dir),
               "--scheme", scheme, "--workers", str(workers), "--out", str(out)]
        env = dict(os.environ, XLSX_ADDIN_BENCH_SRC=str(src)) if src is not None else None
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env)
        wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"measurement failed: {' '.join(cmd)}\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_wall"] = wall
    result["loadavg_before"] = load
    result["loadavg_after"] = os.getloadavg()[0]
    return result


def median_of(runs: list[dict], *keys: str) -> float:
    values = []
    for r in runs:
        v = r
        for k in keys:
            v = v.get(k, 0.0) if isinstance(v, dict) else 0.0
        values.append(v)
    return statistics.median(values)


def _load(runs: list[dict]) -> str:
    """1-minute load average before the first and after the last run: >nproc means a shared, busy machine."""
    return f"{runs[0]['loadavg_before']:.1f}->{runs[-1]['loadavg_after']:.1f}"


def _runs(runs: list[dict]) -> str:
    return ", ".join(f"{r['e2e']:.2f}" for r in runs)


def machine_notes() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    versions = {}
    for pkg in ("python-calamine", "openpyxl", "XlsxWriter", "pydantic", "tqdm"):
        try:
            from importlib.metadata import version

            versions[pkg] = version(pkg)
        except Exception:
            versions[pkg] = "?"
    return {"nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "cpu": cpu, "python": platform.python_version(), "platform": platform.platform(), "packages": versions}


def compare(args) -> int:
    """New (this tree) against a baseline tree, runs interleaved: new, old, new, old … (fresh process each)."""
    report = {"machine": machine_notes(), "command": " ".join([Path(sys.executable).name] + sys.argv), "sizes": {}}
    for n in args.sizes:
        input_dir = county_dir(n, args.scheme, args.seed, args.rebuild)
        entry: dict = {}
        for w in args.workers:
            new, old = [], []
            for _ in range(args.runs):
                new.append(run_child("consolidate", input_dir, args.scheme, w))
                old.append(run_child("consolidate", input_dir, args.scheme, w, args.baseline_src.resolve()))
            assert old[0]["src"] != new[0]["src"], "the baseline tree was not the one imported"
            entry[f"workers={w}"] = {"new": new, "old": old}
            a, b = median_of(new, "e2e"), median_of(old, "e2e")
            ra, rb = median_of(new, "split", "read"), median_of(old, "split", "read")
            print(f"n={n:>5} workers={w}: e2e median new {a:.2f} s / old {b:.2f} s = {a / b:.3f} "
                  f"(read+score {ra:.2f} / {rb:.2f} = {ra / rb:.3f}); new runs {_runs(new)}; old runs {_runs(old)}; "
                  f"load {_load(new + old)}", flush=True)
        report["sizes"][n] = entry
    return _save(report, args)


def _save(report: dict, args) -> int:
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000])
    p.add_argument("--runs", type=int, default=3, help="runs per measurement (median reported)")
    p.add_argument("--naive-runs", type=int, default=None,
                   help="runs of the naive loop (default: --runs up to 1,000 units, 1 above: it takes minutes)")
    p.add_argument("--skip-naive", action="store_true", help="do not run the naive openpyxl loop")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts of the consolidation")
    p.add_argument("--scheme", default="five_star")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--rebuild", action="store_true", help="regenerate the cached counties (after a template change)")
    p.add_argument("--json", type=Path, default=None, help="write every measurement here")
    p.add_argument("--baseline-src", type=Path, default=None,
                   help="another source tree (e.g. `git archive <commit> | tar -x -C DIR`): measured interleaved "
                        "with this one, same files, same minutes; the ratio new/old is printed")
    p.add_argument("--measure", choices=("consolidate", "naive"), help=argparse.SUPPRESS)
    p.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.measure:
        if args.measure == "consolidate":
            result = measure_consolidate(args.dir, args.scheme, args.workers[0], args.out)
        else:
            result = measure_naive(args.dir, args.scheme, args.out)
        print(json.dumps(result, ensure_ascii=False))
        return 0

    if args.baseline_src:
        return compare(args)
    notes = machine_notes()
    print(f"# machine: nproc={notes['nproc']} cpu={notes['cpu']!r} python={notes['python']} {notes['packages']}")
    report = {"machine": notes, "command": " ".join([Path(sys.executable).name] + sys.argv), "sizes": {}}
    for n in args.sizes:
        input_dir = county_dir(n, args.scheme, args.seed, args.rebuild)
        entry: dict = {}
        for w in args.workers:
            runs = [run_child("consolidate", input_dir, args.scheme, w) for _ in range(args.runs)]
            entry[f"workers={w}"] = runs
            split = {k: median_of(runs, "split", k) for k in runs[0]["split"]}
            print(f"n={n:>5} workers={w}: e2e median {median_of(runs, 'e2e'):6.2f} s "
                  f"(runs {_runs(runs)}); split "
                  + ", ".join(f"{k} {v:.2f}" for k, v in split.items())
                  + f"; peak RSS {median_of(runs, 'rss_mb'):.0f} MB (+ worker {median_of(runs, 'rss_children_mb'):.0f} MB)"
                  + f"; rated {runs[0]['rated']}/{runs[0]['files']}; load {_load(runs)}", flush=True)
        if args.skip_naive:
            report["sizes"][n] = entry
            continue
        naive_runs = args.naive_runs or (args.runs if n <= 1000 else 1)
        runs = [run_child("naive", input_dir, args.scheme, 1) for _ in range(naive_runs)]
        entry["naive"] = runs
        naive = median_of(runs, "e2e")
        best = min(median_of(entry[f"workers={w}"], "e2e") for w in args.workers)
        print(f"n={n:>5} naive openpyxl: e2e median {naive:6.2f} s (runs {_runs(runs)}); "
              f"read {median_of(runs, 'split', 'read'):.2f} score {median_of(runs, 'split', 'score'):.2f} "
              f"write {median_of(runs, 'split', 'write'):.2f}; peak RSS {median_of(runs, 'rss_mb'):.0f} MB; "
              f"speed-up {naive / best:.1f}x; load {_load(runs)}", flush=True)
        report["sizes"][n] = entry
    return _save(report, args)


if __name__ == "__main__":
    sys.exit(main())
