"""The parts of the summary workbook's VBA project (compiled by io/books/vba/summary_project.py).

The project is built from source, as the quickstart workbook has it: document modules ThisWorkbook, Sheet1 and
Sheet2; module `xlwings` (the installed, pinned xlwings' own xlwings.bas: `RunPython`, `ImportPythonUDFs`);
module `Module1` with xlwings' `SampleCall` (runs `import <workbook name>; <workbook name>.main()`) and
`LedgerCall`, the same call of `<workbook name>.ledgers()` (the 台账汇总 button) and `RegisterCall`, of
`<workbook name>.register()` (the 登记台账 button). xlwings is BSD-3-Clause
licensed; the notice is in docs/SUMMARY.md.
"""
from __future__ import annotations

WORKBOOK_CODENAME = "ThisWorkbook"
SETTINGS_CODENAME = "Sheet1"  # the 设置 sheet (buttons)
CONF_CODENAME = "Sheet2"  # the xlwings.conf sheet, as in xlwings' own workbook
RUN_MACRO = "SampleCall"
LEDGER_MACRO = "LedgerCall"
REGISTER_MACRO = "RegisterCall"  # the 登记台账 button: `<workbook name>.register()` (the 星级管理台账)
IMPORT_UDFS_MACRO = "ImportPythonUDFs"
MACRO_MODULE = "Module1"
