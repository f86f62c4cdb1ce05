"""The corpus of broken unit files (tests/corpus/make_corpus.py) through the real command line.

One consolidation of the whole corpus (plus a handful of good units) in a subprocess:
exit code 0, no traceback, every bad file named in 问题清单 with sheet/cell/value and a Chinese
reason, every rateable unit rated exactly as score_unit rates it, the input folder unchanged
byte for byte. Then: bombs refused in bounded memory (their time: benchmarks/bench_bombs.py), and a consolidation killed
while writing leaves the previous summary intact.
"""
from __future__ import annotations

import hashlib
import os
import re
import signal
import stat
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
from make_corpus import Case, make_corpus  # noqa: E402

from xlsx_addin import load_scheme, score_unit  # noqa: E402

# One consolidation of the whole corpus in a subprocess (about 10 s) feeds every test here.
pytestmark = pytest.mark.slow

CLI_TIMEOUT = 300
CJK = re.compile(r"[\u4e00-\u9fff]")

# The cases make_corpus writes (checked against the generator, so a new case cannot go untested).
CASE_NAMES = [
    "good", "empty_file", "not_a_zip", "truncated_zip", "legacy_xls", "legacy_xls_named_xlsx", "encrypted",
    "word_renamed", "zip_bomb", "zip_bomb_forged_size", "billion_laughs", "foreign_workbook", "other_scheme",
    "old_template_version", "summary_in_input", "missing_sheet", "missing_name", "renamed_sheet", "hidden_sheets",
    "wps_inline_strings", "xlsm_macros", "text_in_number", "item_above_points", "negative_count",
    "more_votes_than_people", "low_participation", "blank_org_name", "excel_error", "excel_error_in_item",
    "date_in_score", "bool_in_count", "half_filled", "blank_template", "fullwidth_digits", "percent_format",
    "formula_inputs", "formula_org_name_hyperlink", "formula_org_name_plus", "formula_org_name_at",
    "org_name_newline_tab", "stale_cached_result", "rules_sheet_edited", "duplicate_org_code", "office_lock_file",
    "macos_apple_double", "unrelated_files", "odd_file_names", "deep_folders", "symlink_loop",
    "directory_named_xlsx", "no_read_permission", "openpyxl_saved",
    # issue 12 (tests/corpus/isolation_cases.py)
    "far_cell_xfd1048576", "far_cell_row_20000", "far_cell_rules_sheet", "styled_blank_far_cell",
    "defined_name_whole_sheet", "defined_name_whole_columns", "nan_in_count", "nan_lower_in_votes", "inf_in_count",
    "minus_infinity_in_item", "inf_in_masses", "huge_literal_1e308", "huge_literal_in_item", "nan_typed_as_text",
    "bool_in_item", "date_in_count", "error_in_votes", "percent_score_90", "percent_text_score",
    "org_name_50000_chars", "defined_name_twice", "defined_name_twice_other_case", "defined_name_twice_items",
    "defined_names_upper_case", "org_code_zero_width", "org_code_fullwidth_spaces", "duplicate_zip_member",
    "duplicate_zip_member_case", "too_many_zip_members", "duplicate_sheet_name", "duplicate_relationship_id", "truncated_workbook_xml", "xml_external_entity",
    "fifo_named_xlsx", "symlink_to_dev_zero", "symlink_to_dev_urandom", "symlink_dangling", "symlink_to_proc_file",
    "symlink_to_fifo", "socket_named_xlsx", "symlink_to_regular_file", "gbk_file_name", "zip_of_units",
    "zip_with_gbk_names", "zip_with_bad_members", "zip_good_member_beside_bad", "truncated_zip_archive",
    "rar_archive", "seven_zip_archive",
]
SAME_UNIT = ("duplicate_org_code", "org_code_zero_width", "org_code_fullwidth_spaces")  # two files, one unit


def run_cli(*args: str, timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlsx_addin", *args], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout)


def tree_state(root: Path) -> dict[str, tuple]:
    """Every entry under root (links not followed): kind, mode, size, mtime and content hash or link target."""
    state: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(os.fsencode(root), followlinks=False):  # bytes: GBK names too
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            rel = os.fsdecode(os.path.relpath(full, os.fsencode(root)))
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                state[rel] = ("link", os.readlink(full))
            elif stat.S_ISDIR(st.st_mode):
                state[rel] = ("dir", st.st_mode, st.st_mtime_ns)
            elif not stat.S_ISREG(st.st_mode):  # FIFO, socket: never opened (open() of a FIFO blocks)
                state[rel] = ("special", stat.S_IFMT(st.st_mode), st.st_mode, st.st_mtime_ns)
            else:
                try:
                    with open(full, "rb") as f:
                        digest = hashlib.sha256(f.read()).hexdigest()
                except PermissionError:
                    digest = "unreadable"
                state[rel] = ("file", st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return state


def read_sheet(path: Path, sheet: str) -> list[dict[str, object]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    try:
        rows = wb.get_sheet_by_name(sheet).to_python()
    finally:
        wb.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r)) for r in rows[1:] if any(v not in ("", None) for v in r)]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    units = root / "单位填报表"
    cases = make_corpus(units)
    before = tree_state(units)
    out = root / "输出" / "汇总表.xlsx"
    out.parent.mkdir()
    proc = run_cli("consolidate", str(units), "--out", str(out), "--quiet", "--quota-mode", "flag")
    after = tree_state(units)
    result = {"cases": {c.name: c for c in cases}, "proc": proc, "before": before, "after": after, "out": out,
              "units": units}
    if out.exists():
        result["overview"] = read_sheet(out, "一览表")
        result["problems"] = read_sheet(out, "问题清单")
    yield result
    for dirpath, _, filenames in os.walk(units):  # let pytest clean up the unreadable file
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, 0o644)


def test_every_case_is_listed(run):
    assert sorted(run["cases"]) == sorted(CASE_NAMES)
    assert len(CASE_NAMES) >= 30


def test_cli_finishes_cleanly(run):
    proc = run["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stdout and "Traceback" not in proc.stderr
    assert "程序内部错误" not in proc.stderr
    assert run["out"].exists()


def test_input_folder_unchanged(run):
    before, after = run["before"], run["after"]
    assert sorted(before) == sorted(after), "files appeared or vanished in the input folder"
    changed = [k for k in before if before[k] != after[k]]
    assert not changed, f"changed in the input folder: {changed}"


def test_output_has_no_formula_from_unit_text(run):
    """Names like '=HYPERLINK(…)' or '+1-2' are written as text: no <f> element in the data sheets."""
    with zipfile.ZipFile(run["out"]) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                for f in re.findall(r"<f[^>]*>(.*?)</f>", xml, re.S):
                    assert "HYPERLINK" not in f and "SUM(1,2)" not in f and f.strip() != "1-2", (name, f)


def _rows_for(problems: list[dict], rel: str) -> list[dict]:
    return [p for p in problems if str(p.get("文件", "")).replace("\\", "/") == rel]


def _check_rated(run, case: Case, rel: str, inputs: dict, org_name: str) -> list[str]:
    scheme = load_scheme("five_star")
    rows = [u for u in run["overview"] if str(u.get("来源文件", "")).replace("\\", "/") == rel]
    if len(rows) != 1:
        return [f"{rel}: expected one 一览表 row, found {len(rows)}"]
    row = rows[0]
    errors = []
    if row["党组织名称"] != org_name:
        errors.append(f"{rel}: 党组织名称 {row['党组织名称']!r} != {org_name!r}")
    same_name = [u for u in run["overview"] if u.get("党组织名称") == org_name]
    if len(same_name) != 1:
        errors.append(f"{rel}: {org_name!r} appears {len(same_name)} times in 一览表")
    r = score_unit(scheme, inputs)
    for header, want in (("基础得分", r.base_score), ("加分", r.bonus), ("减分", r.penalty),
                         ("综合得分", r.final_score)):
        got = row.get(header)
        if not isinstance(got, (int, float)) or abs(got - want) > 1e-6:
            errors.append(f"{rel}: {header} {got!r} != {want!r}")
    for header, want in (("参与率", r.participation_rate), ("满意率", r.satisfaction_rate)):
        got = row.get(header)
        if want is None:
            if got not in ("", None):
                errors.append(f"{rel}: {header} {got!r}, expected blank")
        elif not isinstance(got, (int, float)) or abs(got - want) > 1e-6:
            errors.append(f"{rel}: {header} {got!r} != {want!r}")
    if row.get("规则定级") != r.level_name:
        errors.append(f"{rel}: 规则定级 {row.get('规则定级')!r} != {r.level_name!r}")
    if row.get("最终星级") != r.level_name:  # flag mode: quotas do not move anyone
        errors.append(f"{rel}: 最终星级 {row.get('最终星级')!r} != {r.level_name!r}")
    if row.get("整改标记") != ("是" if r.rectify else "否"):
        errors.append(f"{rel}: 整改标记 {row.get('整改标记')!r}, rectify={r.rectify}")
    return errors


def _check_reported(case: Case, rel: str, rows: list[dict]) -> list[str]:
    if not rows:
        return [f"{rel}: no 问题清单 row names this file"]
    errors = []
    for row in rows:
        if not CJK.search(str(row.get("原因", ""))):
            errors.append(f"{rel}: reason without Chinese: {row.get('原因')!r}")
    # one row must carry every expected reason, and the sheet / cell / value when prescribed
    def fits(row: dict) -> bool:
        reason = str(row.get("原因", ""))
        if not all(any(alt in reason for alt in alts) for alts in case.reasons):
            return False
        if case.sheet is not None and row.get("工作表") != case.sheet:
            return False
        if case.cell and str(row.get("单元格", "")) not in case.cell:
            return False
        if case.value is not None and case.value not in str(row.get("值", "")):
            return False
        return True

    if not any(fits(r) for r in rows):
        want = {"reasons": case.reasons, "sheet": case.sheet, "cell": case.cell, "value": case.value}
        got = [(r.get("工作表"), r.get("单元格"), r.get("值"), r.get("原因")) for r in rows]
        errors.append(f"{rel}: no row fits {want}; rows: {got}")
    return errors


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case(run, name):
    case = run["cases"][name]
    if case.skip:
        pytest.skip(case.skip)
    assert "overview" in run, "no summary workbook written"
    problems, overview = run["problems"], run["overview"]
    errors: list[str] = []
    for i, rel in enumerate(case.files):
        rows = _rows_for(problems, rel)
        sources = [u for u in overview if str(u.get("来源文件", "")).replace("\\", "/") == rel]
        if case.rated is True:
            errors += _check_rated(run, case, rel, case.inputs[i], case.org_names[i])
        elif case.rated is False and sources:
            errors.append(f"{rel}: must not be rated, found in 一览表 as {sources[0].get('党组织名称')!r}")
        if case.report == "must" and case.name not in SAME_UNIT:
            errors += _check_reported(case, rel, rows)
        if case.report == "none" and rows:
            errors.append(f"{rel}: unexpected 问题清单 rows {[r.get('原因') for r in rows]}")
    if case.name in SAME_UNIT:  # one of the two files is named, with the code as value; one unit rated
        rows = [r for rel in case.files for r in _rows_for(problems, rel)]
        errors += _check_reported(case, case.files[0], rows) if rows else ["neither duplicate file is named"]
        code = case.inputs[0]["org_code"]
        if not any(code in str(r.get("值", "")) + str(r.get("原因", "")) for r in rows):
            errors.append(f"the duplicate code {code} is not shown")
        sources = [u for u in overview if str(u.get("来源文件", "")).replace("\\", "/") in case.files]
        if len(sources) != 1:
            errors.append(f"org_code {code}: {len(sources)} units rated from {case.files}, expected one")
    if case.name == "summary_in_input":
        good = run["cases"]["good"]
        for org in good.org_names:
            n = sum(1 for u in overview if u.get("党组织名称") == org)
            if n != 1:
                errors.append(f"good unit {org!r} counted {n} times with an earlier summary in the folder")
    assert not errors, "\n".join(errors)


# --- bombs: bounded memory --------------------------------------------------------------------------
_MEASURE = textwrap.dedent("""
    import resource, subprocess, sys
    p = subprocess.run([sys.executable, "-m", "xlsx_addin", *sys.argv[1:]], capture_output=True, text=True,
                       encoding="utf-8", errors="replace")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux → MiB
    print(f"{p.returncode} {peak:.0f}")
    sys.stderr.write(p.stdout + p.stderr)
""")

BOMB_MIB = 400  # the bombs inflate to hundreds of MB; the time they take is measured in benchmarks/bench_bombs.py


@pytest.mark.skipif(sys.platform != "linux", reason="peak memory measured with getrusage (Linux units)")
@pytest.mark.parametrize("name", ["zip_bomb", "zip_bomb_forged_size", "billion_laughs"])
def test_bomb_refused_in_bounded_memory(run, tmp_path, name):
    case = run["cases"][name]
    folder = tmp_path / "in"
    folder.mkdir()
    src = run["units"] / case.files[0]
    (folder / src.name).write_bytes(src.read_bytes())
    out = tmp_path / "out.xlsx"
    proc = subprocess.run([sys.executable, "-c", _MEASURE, "consolidate", str(folder), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=CLI_TIMEOUT)
    code, peak = proc.stdout.split()  # a bomb that hangs the reader fails on CLI_TIMEOUT (a hang guard, not a speed goal)
    assert code == "0", proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert float(peak) < BOMB_MIB, f"{name}: peak memory {peak} MiB (the sheet inflates to hundreds of MB)"
    rows = _rows_for(read_sheet(out, "问题清单"), src.name)
    assert rows and all(CJK.search(str(r["原因"])) for r in rows)
    # alone in its folder, the bomb is refused for the reason the corpus prescribes for it
    assert all(all(any(alt in str(r["原因"]) for alt in alts) for alts in case.reasons) for r in rows), rows
    assert case.reasons
    assert not read_sheet(out, "一览表")


# --- atomic output: a run killed while writing leaves the previous summary intact ----------------------
_SLOW_WRITE = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import xlsx_addin.jobs.consolidate.writer as writer

    marker = Path(os.environ["XLSX_ADDIN_TEST_MARKER"])
    real_render = writer.render

    def slow_render(path, *args, **kwargs):
        result = real_render(path, *args, **kwargs)
        data = Path(path).read_bytes()
        Path(path).write_bytes(data[: len(data) // 2])  # a half-written file, as at the moment of a crash
        marker.write_text("writing", encoding="utf-8")
        time.sleep(120)
        return result

    writer.render = slow_render
    from xlsx_addin.shells.cli import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_while_writing_keeps_previous_output(run, tmp_path):
    units = tmp_path / "units"
    units.mkdir()
    good = run["cases"]["good"]
    for rel in good.files:
        (units / Path(rel).name).write_bytes((run["units"] / rel).read_bytes())
    out = tmp_path / "汇总表.xlsx"
    first = run_cli("consolidate", str(units), "--out", str(out), "--quiet")
    assert first.returncode == 0, first.stderr
    previous = out.read_bytes()
    previous_rows = read_sheet(out, "一览表")
    assert len(previous_rows) == len(good.files)

    # more units, a second run killed in the middle of writing the summary
    for i, rel in enumerate(run["cases"]["odd_file_names"].files):
        (units / f"more_{i}.xlsx").write_bytes((run["units"] / rel).read_bytes())
    marker = tmp_path / "marker"
    env = dict(os.environ, XLSX_ADDIN_TEST_MARKER=str(marker))
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITE, "consolidate", str(units), "--out", str(out), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + CLI_TIMEOUT
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode("utf-8", "replace")[-2000:]
            assert time.monotonic() < deadline, "the write phase never started"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert out.read_bytes() == previous, "the previous summary was changed by a killed run"
    assert read_sheet(out, "一览表") == previous_rows

    # the next run after the crash works and replaces it whole
    again = run_cli("consolidate", str(units), "--out", str(out), "--quiet")
    assert again.returncode == 0, again.stderr
    assert len(read_sheet(out, "一览表")) == len(good.files) + len(run["cases"]["odd_file_names"].files)


def test_summary_saved_inside_the_input_folder(run, tmp_path):
    """The clerk saves 汇总表 into the unit folder and runs again and again: the summary, its backup and a
    leftover temporary file are never counted as units, and never make a unit count twice."""
    units = tmp_path / "units"
    units.mkdir()
    good = run["cases"]["good"]
    for rel in good.files:
        (units / Path(rel).name).write_bytes((run["units"] / rel).read_bytes())
    (units / ".~汇总表.abc123.xlsx").write_bytes(b"")  # what a run killed while writing leaves behind
    out = units / "汇总表.xlsx"
    for _ in range(3):
        proc = run_cli("consolidate", str(units), "--out", str(out), "--quiet")
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        overview = read_sheet(out, "一览表")
        assert sorted(u["党组织名称"] for u in overview) == sorted(good.org_names)
        errors = [p for p in read_sheet(out, "问题清单") if p.get("严重程度") == "错误"]
        assert not errors, errors
