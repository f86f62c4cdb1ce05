"""`xlsx-addin demo`: the demo job's folder of filled workbooks, consolidated by the real consolidation job,
and (--ledgers) the ledgers job's half year after it. The shell composes the jobs; none imports another."""
from __future__ import annotations

import time
from pathlib import Path

from xlsx_addin.engine.scheme.loader import DEFAULT_SCHEME, load_scheme
from xlsx_addin.jobs.consolidate.job import consolidate
from xlsx_addin.jobs.consolidate.report import outcome_lines
from xlsx_addin.jobs.consolidate.settings import Given, resolve_settings
from xlsx_addin.jobs.consolidate.writer import write_summary
from xlsx_addin.jobs.demo.county import make_county
from xlsx_addin.jobs.ledgers.demo import run_demo as ledgers_demo
from xlsx_addin.model.progress import Stage, no_stage


def run_demo(out: Path, scheme_source: str = DEFAULT_SCHEME, units: int | None = None, seed: int = 2026, *,
             ledgers: bool = False, stage: Stage = no_stage) -> list[str]:
    """Build the demo's workbooks under out, consolidate them into its summary and (ledgers, item-scored
    schemes) the next half year's ledgers; the report lines."""
    started = time.perf_counter()
    folder = make_county(out, scheme_source, units, seed, stage=stage)
    with stage("一键汇总", folder.count) as progress:
        c = consolidate(resolve_settings(Given(input_dir=folder.units_dir, scheme=folder.scheme_source)),
                        progress=progress)
    write_summary(c, folder.out_file)
    lines = folder.lines + outcome_lines(c, folder.out_file, time.perf_counter() - started)
    if ledgers and load_scheme(scheme_source).stars is None:  # the half-year ledgers of the same county
        lines += [""] + ledgers_demo(Path(out), folder.out_file, seed, stage=stage)
    return lines
