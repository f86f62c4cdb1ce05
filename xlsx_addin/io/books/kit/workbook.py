"""A new XlsxWriter workbook as every builder opens it: cells written as given, built in memory."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

# strings stay strings (no number, formula or URL guessing); in memory: the zip is written once, at close
WORKBOOK_OPTIONS: dict[str, Any] = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                    "strings_to_urls": False}


def new_workbook(path: str | Path) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
