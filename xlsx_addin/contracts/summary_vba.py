"""The parts of the summary workbook's VBA project (compiled by templates/summary_project.py) and where the
installed xlwings is.

The project is built from source, as the quickstart workbook has it: document modules ThisWorkbook, Sheet1 and
Sheet2; module `xlwings` (the installed, pinned xlwings' own xlwings.bas: `RunPython`, `ImportPythonUDFs`);
module `Module1` with xlwings' `SampleCall` (runs `import <workbook name>; <workbook name>.main()`) and
`LedgerCall`, the same call of `<workbook name>.ledgers()` (the 台账汇总 button). xlwings is BSD-3-Clause
licensed; the notice is in docs/SUMMARY.md.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from xlsx_addin.model.errors import RatingError

WORKBOOK_CODENAME = "ThisWorkbook"
SETTINGS_CODENAME = "Sheet1"  # the 设置 sheet (buttons)
CONF_CODENAME = "Sheet2"  # the xlwings.conf sheet, as in xlwings' own workbook
RUN_MACRO = "SampleCall"
LEDGER_MACRO = "LedgerCall"
IMPORT_UDFS_MACRO = "ImportPythonUDFs"
MACRO_MODULE = "Module1"


def xlwings_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise RatingError("未安装 xlwings,无法生成带按钮的汇总表(.xlsm);请先安装 xlwings,或输出 .xlsx 文件")
    return Path(list(spec.submodule_search_locations)[0])


def xlwings_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("xlwings")
    except metadata.PackageNotFoundError:
        return ""
