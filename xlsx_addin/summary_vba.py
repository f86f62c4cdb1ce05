"""The VBA project of the summary workbook: the one xlwings ships in quickstart_standalone.xlsm.

It is read from the installed xlwings package at build time (xlwings is located, never imported):
module `Module1` holds `SampleCall` (runs `import <workbook name>; <workbook name>.main()`), module
`xlwings` holds `RunPython` and `ImportPythonUDFs`. Its document modules are ThisWorkbook, Sheet1 and
Sheet2. xlwings is BSD-3-Clause licensed; the notice is in docs/SUMMARY.md.
"""
from __future__ import annotations

import functools
import importlib.util
import zipfile
from pathlib import Path

from .errors import RatingError

SOURCE_WORKBOOK = "quickstart_standalone.xlsm"
VBA_PART = "xl/vbaProject.bin"
WORKBOOK_CODENAME = "ThisWorkbook"
SETTINGS_CODENAME = "Sheet1"  # the 设置 sheet (buttons)
CONF_CODENAME = "Sheet2"  # the xlwings.conf sheet, as in xlwings' own workbook
RUN_MACRO = "SampleCall"
IMPORT_UDFS_MACRO = "ImportPythonUDFs"


def xlwings_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise RatingError("未安装 xlwings,无法生成带按钮的汇总表(.xlsm);请先安装 xlwings,或输出 .xlsx 文件")
    return Path(list(spec.submodule_search_locations)[0])


@functools.lru_cache(maxsize=None)
def summary_vba_project() -> bytes:
    """xl/vbaProject.bin of the installed xlwings' quickstart_standalone.xlsm."""
    path = xlwings_dir() / SOURCE_WORKBOOK
    try:
        with zipfile.ZipFile(path) as z:
            return z.read(VBA_PART)
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise RatingError(f"无法从 {path} 取得 VBA 工程:{exc}") from None


def xlwings_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("xlwings")
    except metadata.PackageNotFoundError:
        return ""
