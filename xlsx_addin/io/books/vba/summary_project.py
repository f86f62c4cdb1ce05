"""The summary workbook's VBA project, compiled from source (xlsx_addin/summary_vba.py names its parts):
xlwings' quickstart modules and the 台账汇总 and 登记台账 macros."""
from __future__ import annotations

import functools

from xlsx_addin.contracts.summary_vba import (
    CONF_CODENAME,
    LEDGER_MACRO,
    MACRO_MODULE,
    REGISTER_MACRO,
    RUN_MACRO,
    SETTINGS_CODENAME,
    WORKBOOK_CODENAME,
)
from xlsx_addin.io.books.vba import project as vp


def _call(macro: str, function: str) -> list[str]:
    """A macro running `import <workbook name>; <workbook name>.<function>()`, as xlwings' SampleCall does."""
    return [f"Sub {macro}()",
            '    mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))',
            f'    RunPython "import " & mymodule & ";" & mymodule & ".{function}()"',
            "End Sub"]


def macro_source() -> str:
    """Module1: 一键汇总 (SampleCall → main), 台账汇总 (LedgerCall → ledgers), 登记台账 (RegisterCall → register)."""
    return "\n".join([f'Attribute VB_Name = "{MACRO_MODULE}"', *_call(RUN_MACRO, "main"), "",
                      *_call(LEDGER_MACRO, "ledgers"), "", *_call(REGISTER_MACRO, "register")]) + "\n"


@functools.lru_cache(maxsize=None)
def summary_vba_project() -> bytes:
    """vbaProject.bin of the summary workbook (xlwings' quickstart modules and LedgerCall)."""
    modules = ([vp.module_record(WORKBOOK_CODENAME, "document", "\n".join(vp.document_header(WORKBOOK_CODENAME,
                                                                                         vp.WORKBOOK_BASE)) + "\n")]
               + [vp.module_record(c, "document", vp.sheet_source(c)) for c in (SETTINGS_CODENAME, CONF_CODENAME)]
               + [vp.module_record(MACRO_MODULE, "module", macro_source()),
                  vp.module_record(vp.RUNTIME_MODULE, "module", vp.runtime_source())])
    return vp.compile_project(modules, "huizong")
