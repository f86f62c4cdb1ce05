"""一键汇总: the consolidation job (job.py, star_job.py), its result model (model.py), its settings
(settings.py), the summary workbook (writer.py and the sheet modules) and the run to a file (run.py)."""
from __future__ import annotations

from .candidates import read_files
from ..files.discover import find_files
from .job import consolidate
from .model import Consolidation, SetSummary, UnitRow
from .report import summary_lines
from .sets import summary_scheme
from .settings import Settings, settings_for

__all__ = ["Consolidation", "SetSummary", "Settings", "UnitRow", "consolidate", "find_files", "read_files",
           "settings_for", "summary_lines", "summary_scheme"]
