"""一键汇总: the consolidation job (job.py; its kinds: kinds.py, double_ten/kind.py), its result model (model.py), its settings
(settings.py), the summary workbook (writer.py and the sheet modules) and the run to a file (run.py)."""
from __future__ import annotations

from xlsx_addin.jobs.consolidate.candidates import read_files
from xlsx_addin.io.files.discover import find_files
from xlsx_addin.jobs.consolidate.job import consolidate
from xlsx_addin.jobs.consolidate.model import Consolidation, SetSummary, UnitRow
from xlsx_addin.jobs.consolidate.report import summary_lines
from xlsx_addin.jobs.consolidate.sets import summary_scheme
from xlsx_addin.jobs.consolidate.settings import Given, Settings, resolve_settings

__all__ = ["Consolidation", "Given", "SetSummary", "Settings", "UnitRow", "consolidate", "find_files", "read_files",
           "resolve_settings", "summary_lines", "summary_scheme"]
