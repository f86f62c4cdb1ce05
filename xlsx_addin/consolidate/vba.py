"""The VBA project of the summary workbook: the one xlwings ships in quickstart_standalone.xlsm, plus one macro.

Built at build time from source, as the quickstart workbook has it: document modules ThisWorkbook, Sheet1 and
Sheet2; module `xlwings` (the installed, pinned xlwings' own xlwings.bas: `RunPython`, `ImportPythonUDFs`);
module `Module1` with xlwings' `SampleCall` (runs `import <workbook name>; <workbook name>.main()`) and
`LedgerCall`, the same call of `<workbook name>.ledgers()` (the 台账汇总 button). xlwings is BSD-3-Clause
licensed; the notice is in docs/SUMMARY.md.
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from ..errors import RatingError

WORKBOOK_CODENAME = "ThisWorkbook"
SETTINGS_CODENAME = "Sheet1"  # the 设置 sheet (buttons)
CONF_CODENAME = "Sheet2"  # the xlwings.conf sheet, as in xlwings' own workbook
RUN_MACRO = "SampleCall"
LEDGER_MACRO = "LedgerCall"
IMPORT_UDFS_MACRO = "ImportPythonUDFs"
MACRO_MODULE = "Module1"


def _call(macro: str, function: str) -> list[str]:
    """A macro running `import <workbook name>; <workbook name>.<function>()`, as xlwings' SampleCall does."""
    return [f"Sub {macro}()",
            '    mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))',
            f'    RunPython "import " & mymodule & ";" & mymodule & ".{function}()"',
            "End Sub"]


def macro_source() -> str:
    """Module1: 一键汇总 (SampleCall → main) and 台账汇总 (LedgerCall → ledgers)."""
    return "\n".join([f'Attribute VB_Name = "{MACRO_MODULE}"', *_call(RUN_MACRO, "main"), "",
                      *_call(LEDGER_MACRO, "ledgers")]) + "\n"


@functools.lru_cache(maxsize=None)
def summary_vba_project() -> bytes:
    """vbaProject.bin of the summary workbook (xlwings' quickstart modules and LedgerCall)."""
    from ..templates import vba_project as vp  # the project compiler (ms-ovba); imported here, not at load

    modules = ([vp._module(WORKBOOK_CODENAME, "document", "\n".join(vp._document_header(WORKBOOK_CODENAME,
                                                                                         vp.WORKBOOK_BASE)) + "\n")]
               + [vp._module(c, "document", vp.sheet_source(c)) for c in (SETTINGS_CODENAME, CONF_CODENAME)]
               + [vp._module(MACRO_MODULE, "module", macro_source()),
                  vp._module(vp.RUNTIME_MODULE, "module", vp.runtime_source())])
    return vp.compile_project(modules, "huizong")


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
