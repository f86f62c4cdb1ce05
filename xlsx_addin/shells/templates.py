"""Every template of a folder: the templates job's workbooks with the consolidation's summary workbook
(huizong.xlsm) among them. The shells compose the two jobs here (CLI `templates`, `bundle`)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from xlsx_addin.jobs.consolidate.template import build_summary_workbook
from xlsx_addin.jobs.templates.catalog import build_templates


def all_templates(out: Path, scheme_name: str | None = None, rules: Mapping[str, Any] | None = None,
                  notes: list[str] | None = None) -> list[Path]:
    return build_templates(out, scheme_name, rules, summary=build_summary_workbook, notes=notes)
