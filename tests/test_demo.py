"""The demo county: deterministic, inside the names contract, and the whole job end to end."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from xlsx_addin import load_scheme, score_unit
from xlsx_addin.engine.scheme import SCORED_SCHEMES
from xlsx_addin.jobs.demo.county import generate_county
from xlsx_addin.contracts.names import INPUTS, MASS_PREFIX

ROOT = Path(__file__).resolve().parents[1]


def test_generate_county_is_deterministic_for_a_seed():
    a = generate_county(120, "five_star", 7)
    b = generate_county(120, "five_star", 7)
    c = generate_county(120, "five_star", 8)
    assert a == b
    assert a != c
    assert len(a) == 120


@pytest.mark.parametrize("scheme_id", SCORED_SCHEMES)  # 双十星: tests/test_stars_demo.py
def test_generated_units_fit_the_names_contract_and_the_engine(scheme_id):
    scheme = load_scheme(scheme_id)
    units = generate_county(150, scheme, 2026)
    known = set(INPUTS) | set(scheme.vote_inputs) | {MASS_PREFIX + v for v in scheme.vote_inputs}
    paths = [rel for rel, _ in units]
    assert len(set(paths)) == len(paths)
    codes = [v["org_code"] for _, v in units]
    assert len(set(codes)) == len(codes) and all(len(c) == 13 and c.isdigit() for c in codes)
    levels = Counter()
    for rel, values in units:
        county, town, file = rel.split("/")
        assert file == values["org_name"] + ".xlsx"
        assert values["parent_org"].startswith(town)
        assert set(values) <= known, set(values) - known
        assert 8 <= values["member_count"] <= 120
        if scheme.choices.get("org_types"):
            assert values["org_type"] in scheme.choices["org_types"]
        r = score_unit(scheme, values)  # raises on any input the engine refuses
        levels[r.level] += 1
    assert len(levels) >= 3, levels  # a real county, not one level
    # towns of 10-40 branches
    towns = Counter(rel.split("/")[1] for rel in paths)
    assert all(10 <= n <= 40 for n in towns.values()), towns


def test_five_star_county_looks_like_a_real_one():
    scheme = load_scheme("five_star")
    units = generate_county(600, scheme, 2026)
    results = [score_unit(scheme, v) for _, v in units]
    levels = Counter(r.level for r in results)
    assert levels[3] + levels[4] > 0.5 * len(results)  # most 三星/四星
    assert 0 < levels[5] < 0.15 * len(results)
    assert 0 < levels[0] + levels[1] < 0.2 * len(results)
    assert any(v.get("election_overdue_months") for _, v in units)
    assert any(v.get("absences", 0) >= 3 for _, v in units)
    assert any(v.get("item_scores_reviewed") for _, v in units)
    assert sum("prev_level" in v for _, v in units) > 0.8 * len(units)
    low_participation = [r for r in results if r.participation_rate is not None and r.participation_rate < 0.8]
    assert 0 < len(low_participation) < 0.15 * len(results)
    low_satisfaction = [r for r in results if r.satisfaction_rate is not None and r.satisfaction_rate < 0.6]
    assert 0 < len(low_satisfaction) < 0.1 * len(results)


def test_small_counties_work():
    for n in (1, 5, 12, 41, 45):
        units = generate_county(n, "four_grade", 1)
        assert len(units) == n


@pytest.mark.slow
def test_demo_command_end_to_end(tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "demo"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "xlsx_addin", "demo", "--units", "40", "--out", str(out), "--quiet"],
                          capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "各评定组星级分布" in proc.stdout
    assert "需整顿" in proc.stdout and "问题清单" in proc.stdout and "汇总表" in proc.stdout
    assert "%|" not in proc.stderr  # --quiet: no progress bar
    assert ".xlsx-addin-demo" not in proc.stdout  # the demo's own mark on its folder is not a file handed in
    summary = out / "汇总表.xlsx"
    assert summary.exists()
    assert str(summary.resolve()) in proc.stdout
    assert len(list((out / "单位填报表").rglob("*.xlsx"))) == 40

    wb = CalamineWorkbook.from_path(str(summary))
    assert "一览表" in wb.sheet_names
    rows = [r for r in wb.get_sheet_by_name("一览表").to_python() if any(c not in ("", None) for c in r)]
    header, data = rows[0], rows[1:]
    assert len(data) == 40
    level_col = next(i for i, h in enumerate(header) if str(h).startswith("最终"))
    assert len({r[level_col] for r in data}) >= 2  # not all one level

    # a second run into the same folder replaces the demo's own files
    proc = subprocess.run([sys.executable, "-m", "xlsx_addin", "demo", "--units", "12", "--out", str(out), "--quiet"],
                          capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(list((out / "单位填报表").rglob("*.xlsx"))) == 12
