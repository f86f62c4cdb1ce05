"""Cached values of the unit workbook's formula cells: exactly what the formula functions return.

The formula functions' logic lives in `xlsx_addin.engine.cells` (shared with udfs/); it is called
here on the very ranges the formulas pass, so a cell shows what Excel would compute.
"""
from __future__ import annotations

from typing import Any
from xlsx_addin.engine import cells

# result key → (UDF name, argument names in the contract's order)
UNIT_ARGS = ("item_scores", "item_scores_reviewed", "info_table", "survey_table", "rules_table")
FUNCTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "base": ("XJ_BASE", UNIT_ARGS),
    "bonus": ("XJ_BONUS", UNIT_ARGS),
    "penalty": ("XJ_PENALTY", UNIT_ARGS),
    "final": ("XJ_FINAL", UNIT_ARGS),
    "level": ("XJ_LEVEL", UNIT_ARGS),
    "reasons": ("XJ_REASONS", UNIT_ARGS),
    "rectify": ("XJ_RECTIFY", UNIT_ARGS),
    "stars": ("XJ_STARS", UNIT_ARGS),
    "star_count": ("XJ_STAR_COUNT", UNIT_ARGS),
    "participation": ("XJ_PARTICIPATION", ("member_count", "members_present", "rules_table")),
    "satisfaction": ("XJ_SATISFACTION", ("survey_table", "rules_table")),
    "survey_note": ("XJ_SURVEY_NOTE", ("survey_table", "info_table", "rules_table")),
}


def formula(key: str) -> str:
    name, args = FUNCTIONS[key]
    return f"={name}({','.join(args)})"


def compute(keys: list[str], args: dict[str, Any]) -> dict[str, Any]:
    """The value of each result key, given the raw range values the formulas pass
    (ranges as 2-D lists, single cells as values: as the xlwings functions receive them)."""

    out: dict[str, Any] = {}
    for key in keys:
        name, arg_names = FUNCTIONS[key]
        out[key] = cells.UDF_FUNCTIONS[name](*(args[a] for a in arg_names))
    return out
