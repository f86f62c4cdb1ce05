"""The demo county (stable API): `generate_county(n_units, scheme, seed)` → [(relative_path, inputs), ...].

The demo job itself lives in xlsx_addin/jobs/demo/."""
from __future__ import annotations

from xlsx_addin.jobs.demo.county import generate_county

__all__ = ["generate_county"]
