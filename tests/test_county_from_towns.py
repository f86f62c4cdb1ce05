"""A county consolidates its towns' summaries again and gets what it gets from the branch files."""
from __future__ import annotations

from pathlib import Path

import pytest

from xlsx_addin.jobs.consolidate import Settings, consolidate
from xlsx_addin.jobs.consolidate.writer import write_summary
from xlsx_addin.jobs.demo.county import build_workbooks, generate_county


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["five_star", "ten_star"])
def test_towns_summaries_reconsolidated_equal_branch_files(tmp_path: Path, scheme: str):
    units = generate_county(60, scheme, seed=7)
    branches = tmp_path / "branches"
    build_workbooks(units, branches, scheme)
    towns = sorted({rel.split("/")[1] for rel, _ in units})
    assert len(towns) >= 2

    county_in = tmp_path / "county_in"
    county_in.mkdir()
    for town in towns:  # each town consolidates its own branches and sends its summary up
        c = consolidate(Settings(input_dir=next(branches.glob(f"*/{town}")), scheme_source=scheme))
        assert c.units and not [p for p in c.problems if p.severity == "错误"]
        write_summary(c, county_in / f"{town}汇总表.xlsx")

    for set_by in ("all", "parent_org"):
        direct = consolidate(Settings(input_dir=branches, scheme_source=scheme, set_by=set_by))
        again = consolidate(Settings(input_dir=county_in, scheme_source=scheme, set_by=set_by))
        assert len(again.units) == len(direct.units) == len(units)

        def levels(c):
            return {u.key: (u.result.final_score, u.result.level, u.result.rule_level, u.set_name) for u in c.units}

        assert levels(again) == levels(direct)
        assert not [p for p in again.problems if p.severity == "错误"]
