"""Issue 12: a bad file costs only itself, and no run dies, hangs, or touches its input or old output.

- the worker pool: an abort, a segfault, SIGKILL, a memory blow-up, an exception or a hang costs the one
  file; the results keep their order; workers are replaced;
- the CLI with the reader's bounds switched off: python-calamine really aborts on XFD1048576, the file
  gets its 问题清单 row and the good units in the same folder are rated exactly as score_unit rates them;
- kill -9 of the main process: no worker of the run is alive 5 s later (PR_SET_PDEATHSIG, and the
  portable parent watch alone);
- output safety: --out naming a unit workbook / a town summary / --previous is refused with exit 2
  before anything is read; a full disk (RLIMIT_FSIZE), a read-only folder, a failed backup copy give one
  Chinese message, exit 2, the previous output and its backup byte-identical and no temporary file;
  damaged or oversized earlier summaries are a message, not a crash.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.test_bad_input_corpus import read_sheet, tree_state  # noqa: E402 (tests/ is on sys.path)
from xlsx_addin import load_scheme, score_unit
from xlsx_addin.io.files import pool
from xlsx_addin.jobs.demo.county import generate_county
from xlsx_addin.templates import build_unit_workbook

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
from make_corpus import name_cells, read_parts, set_cell, write_parts  # noqa: E402

SCHEME = load_scheme("five_star")
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process tools")


def run_cli(*args: str, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlsx_addin", *args], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout, **kw)


def no_traceback(proc) -> None:
    for text in (proc.stdout, proc.stderr):
        assert "Traceback" not in text and "Exception ignored" not in text and "stack backtrace" not in text, text


def good_units(folder: Path, n: int, seed: int = 11) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, (_, v) in enumerate(generate_county(n, SCHEME, seed=seed)):
        build_unit_workbook(folder / f"good_{i}.xlsx", SCHEME, v)
        out.append(dict(v, _file=f"good_{i}.xlsx"))
    return out


def assert_rated(out: Path, units: list[dict], prefix: str = "") -> None:
    rows = {str(r["来源文件"]): r for r in read_sheet(out, "一览表")}
    for v in units:
        row = rows[prefix + v["_file"]]
        want = score_unit(SCHEME, {k: x for k, x in v.items() if k != "_file"})
        assert abs(row["综合得分"] - want.final_score) < 1e-9 and row["规则定级"] == want.level_name


# --- the pool -----------------------------------------------------------------------------------------
class Task:
    def __call__(self, path: str, rel: str):
        if rel == "abort":
            os.abort()
        if rel == "segv":
            os.kill(os.getpid(), signal.SIGSEGV)
        if rel == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if rel == "hang":
            time.sleep(120)
        if rel == "memory":
            return bytearray(64 * 2**30)  # far beyond the worker's address-space limit
        if rel == "raise":
            raise ValueError("boom")
        return "ok", rel

    @staticmethod
    def failed(path: str, rel: str, reason: str):
        return "failed", rel, reason


@pytest.mark.slow
@linux
def test_each_failure_costs_its_file_alone(monkeypatch):
    monkeypatch.setenv("XLSX_ADDIN_FILE_SECONDS", "2")
    names = ["a", "abort", "b", "hang", "c", "segv", "d", "memory", "e", "raise", "kill", "f", "g"]
    results = pool.run_isolated([(os.devnull, n) for n in names], Task(), workers=2, chunk_size=3)
    assert [r[1] for r in results] == names  # in order, one result each
    for name, r in zip(names, results):
        if len(name) == 1:
            assert r == ("ok", name)
        else:
            assert r[0] == "failed", (name, r)
    reasons = {n: r[2] for n, r in zip(names, results) if r[0] == "failed"}
    assert "程序中止" in reasons["abort"] and "程序中止" in reasons["segv"] and "程序中止" in reasons["kill"]
    # "hang" sleeps 120 s and would end "ok": failed, with the file time limit in its reason, it was killed
    assert "秒" in reasons["hang"] and "内存不足" in reasons["memory"] and "意外错误" in reasons["raise"]


def test_a_single_file_is_read_in_a_worker_too():
    results = pool.run_isolated([(os.devnull, "abort")], Task(), workers=1, chunk_size=1)
    assert results[0][0] == "failed"


# --- the CLI, calamine really aborting (bounds switched off) -----------------------------------------------
_NO_BOUNDS = textwrap.dedent("""
    import sys
    import xlsx_addin.io.package as package
    package.check_extent = lambda xml, sheet: None  # let python-calamine meet XFD1048576 itself
    from xlsx_addin.shells.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def far_cell_file(path: Path, values: dict) -> Path:
    build_unit_workbook(path, SCHEME, values)
    parts = read_parts(path)
    sheet, _ = name_cells(parts, "item_scores")
    set_cell(parts, sheet, "XFD1048576", "x", style=None)
    write_parts(path, parts)
    return path


@pytest.mark.slow
@linux
@pytest.mark.parametrize("n_good", [1, 3])  # a small folder is as safe as a large one
def test_native_abort_costs_the_file_alone(tmp_path, n_good):
    units = tmp_path / "in"
    good = good_units(units, n_good)
    _, bad = generate_county(1, SCHEME, seed=99)[0]
    far_cell_file(units / "crash.xlsx", bad)
    before = tree_state(units)
    out = tmp_path / "out.xlsx"
    proc = subprocess.run([sys.executable, "-c", _NO_BOUNDS, "consolidate", str(units), "--out", str(out), "--quiet",
                           "--quota-mode", "flag"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    no_traceback(proc)
    rows = [r for r in read_sheet(out, "问题清单") if r["文件"] == "crash.xlsx"]
    assert rows and "程序中止" in rows[0]["原因"], rows
    assert_rated(out, good)
    assert tree_state(units) == before


# --- kill -9 of the main process ----------------------------------------------------------------------
_SLOW_READ = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import xlsx_addin.jobs.consolidate.scorer as scorer
    import xlsx_addin.io.files.pool as pool

    pool.USE_PDEATHSIG = sys.argv[1] == "pdeathsig"
    marker = Path(os.environ["XLSX_ADDIN_TEST_MARKER"])

    def slow(self, path, rel):
        with open(marker / str(os.getpid()), "w"):
            pass
        time.sleep(120)

    scorer.UnitScorer.__call__ = slow
    from xlsx_addin.shells.cli import main
    sys.exit(main(sys.argv[2:]))
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except FileNotFoundError:
        return False


@pytest.mark.slow
@linux
@pytest.mark.parametrize("how", ["pdeathsig", "parent_watch"])
def test_kill_9_of_the_main_process_leaves_no_worker(tmp_path, how):
    units = tmp_path / "in"
    good_units(units, 120)  # enough for two workers
    marker = tmp_path / "pids"
    marker.mkdir()
    env = dict(os.environ, XLSX_ADDIN_TEST_MARKER=str(marker))
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_READ, how, "consolidate", str(units), "--out",
                             str(tmp_path / "out.xlsx"), "--quiet", "--workers", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(os.listdir(marker)) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        workers = [int(p) for p in os.listdir(marker)]
        assert all(_alive(p) for p in workers)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [p for p in workers if _alive(p)], "workers outlived the killed run"
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in os.listdir(marker):
            try:
                os.kill(int(p), signal.SIGKILL)
            except ProcessLookupError:
                pass


# --- output safety --------------------------------------------------------------------------------------
@pytest.fixture()
def folder(tmp_path):
    units = tmp_path / "in"
    good = good_units(units / "镇", 3)
    return units, good


def assert_refused(units: Path, out: Path, word: str) -> None:
    """--out refused: exit 2, one Chinese message with `word`, the input tree byte-identical."""
    before = tree_state(units)
    proc = run_cli("consolidate", str(units), "--out", str(out), "--quiet")
    assert proc.returncode == 2 and word in proc.stderr, proc.stderr
    no_traceback(proc)
    assert tree_state(units) == before


@pytest.mark.slow
def test_out_naming_a_unit_workbook_is_refused_before_reading(folder, tmp_path):
    units, _ = folder
    assert_refused(units, units / "镇" / "good_0.xlsx", "单位填报表")


@pytest.mark.slow
def test_out_naming_a_town_summary_in_the_tree_is_refused(folder, tmp_path):
    units, good = folder
    town = units / "镇" / "镇汇总表.xlsx"
    other = tmp_path / "other"
    good_units(other, 2, seed=5)
    assert run_cli("consolidate", str(other), "--out", str(town), "--quiet").returncode == 0
    assert_refused(units, town, "下级汇总表")


@pytest.mark.slow
def test_out_same_as_previous_is_refused(folder, tmp_path):
    units, _ = folder
    out = tmp_path / "汇总表.xlsx"
    assert run_cli("consolidate", str(units), "--out", str(out), "--quiet").returncode == 0
    proc = run_cli("consolidate", str(units), "--out", str(out), "--previous", str(out), "--quiet")
    assert proc.returncode == 2 and "上年度" in proc.stderr
    no_traceback(proc)


@pytest.mark.slow
def test_output_in_the_tree_and_its_backups_are_never_read(folder):
    units, good = folder
    out = units / "汇总表.xlsx"
    for _ in range(3):
        proc = run_cli("consolidate", str(units), "--out", str(out), "--quiet")
        assert proc.returncode == 0, proc.stderr
    shutil.copy2(out, units / "汇总表.bak-20261130-0900.xlsx")  # a dated backup (the writer's naming may change)
    proc = run_cli("consolidate", str(units), "--out", str(out), "--quiet")
    assert proc.returncode == 0
    assert len(read_sheet(out, "一览表")) == len(good)
    assert not [p for p in read_sheet(out, "问题清单") if "汇总表" in str(p["文件"])]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _limit_file_size(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.slow
@linux
def test_disk_full_while_writing(folder, tmp_path):
    units, good = folder
    outdir = tmp_path / "out"
    out = outdir / "汇总表.xlsx"
    assert run_cli("consolidate", str(units), "--out", str(out), "--quiet").returncode == 0
    assert run_cli("consolidate", str(units), "--out", str(out), "--quiet").returncode == 0  # now with a backup
    before = _snapshot(outdir)
    assert len(before) == 2
    proc = run_cli("consolidate", str(units), "--out", str(out), "--quiet", preexec_fn=_limit_file_size(4096))
    assert proc.returncode == 2, proc.stderr
    assert "无法写出汇总表" in proc.stderr and "没有改动" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1  # one message
    no_traceback(proc)
    assert _snapshot(outdir) == before  # previous output and its backup intact, no temporary file left


@pytest.mark.slow
@linux
def test_disk_full_during_the_backup_copy(tmp_path):
    big, small = tmp_path / "big", tmp_path / "small"
    good_units(big, 60)
    good_units(small, 2, seed=3)
    outdir = tmp_path / "out"
    out = outdir / "汇总表.xlsx"
    assert run_cli("consolidate", str(big), "--out", str(out), "--quiet").returncode == 0
    size = out.stat().st_size
    tiny = tmp_path / "tiny.xlsx"
    assert run_cli("consolidate", str(small), "--out", str(tiny), "--quiet").returncode == 0
    assert tiny.stat().st_size < size - 2048
    before = _snapshot(outdir)
    # the new summary fits, the copy of the old one (the backup) does not
    proc = run_cli("consolidate", str(small), "--out", str(out), "--quiet",
                   preexec_fn=_limit_file_size((size + tiny.stat().st_size) // 2))
    assert proc.returncode == 2, proc.stderr
    no_traceback(proc)
    assert _snapshot(outdir) == before, "a truncated backup or a temporary file was left"


@pytest.mark.slow
@linux
def test_read_only_output_folder(folder, tmp_path):
    units, _ = folder
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() == 0:
        if shutil.which("mount") is None or subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(ro)],
                                                           capture_output=True).returncode != 0:
            pytest.skip("root without a read-only mount: permissions do not stop root")
    else:
        ro.chmod(0o555)
    try:
        proc = run_cli("consolidate", str(units), "--out", str(ro / "汇总表.xlsx"), "--quiet")
        assert proc.returncode == 2, proc.stderr
        assert "无法写出汇总表" in proc.stderr or "只读" in proc.stderr or "权限" in proc.stderr, proc.stderr
        no_traceback(proc)
        assert os.listdir(ro) == []
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(ro)], capture_output=True)
        else:
            ro.chmod(0o755)


def _damage_sheet(path: Path, sheet: str, change) -> None:
    from make_corpus import sheet_parts

    parts = read_parts(path)
    part = sheet_parts(parts)[sheet]
    parts[part] = change(parts[part])
    write_parts(path, parts)


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["xml", "far_cell"])
@pytest.mark.parametrize("which", ["previous", "existing_output"])
def test_damaged_earlier_summary_is_a_message(folder, tmp_path, damage, which):
    units, _ = folder
    out = tmp_path / "汇总表.xlsx"
    assert run_cli("consolidate", str(units), "--out", str(out), "--quiet").returncode == 0
    sheet = "一览表" if which == "previous" else "整改台账"
    if damage == "xml":
        _damage_sheet(out, sheet, lambda xml: xml[: len(xml) // 2])
    else:
        _damage_sheet(out, sheet, lambda xml: xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" '
                                                          b't="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    before = out.read_bytes()
    if which == "previous":
        proc = run_cli("consolidate", str(units), "--out", str(tmp_path / "new.xlsx"), "--previous", str(out),
                       "--quiet")
    else:
        proc = run_cli("consolidate", str(units), "--out", str(out), "--quiet")
    assert proc.returncode == 2, proc.stderr
    assert "无法读取汇总表" in proc.stderr, proc.stderr
    no_traceback(proc)
    assert out.read_bytes() == before
