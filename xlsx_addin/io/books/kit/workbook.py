"""A new XlsxWriter workbook as every builder and writer opens it: cells written as given (no number, formula
or URL guessing)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

# strings stay strings (no number, formula or URL guessing)
WORKBOOK_OPTIONS: dict[str, Any] = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def new_workbook(path: str | Path, *, in_memory: bool = True) -> xlsxwriter.Workbook:
    """in_memory: the templates are small and built in memory; a summary of thousands of rows (in_memory=False)
    spills its sheets to temporary files, as XlsxWriter does by default."""
    return xlsxwriter.Workbook(str(path), {"in_memory": in_memory, **WORKBOOK_OPTIONS})
