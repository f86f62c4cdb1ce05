"""The installed xlwings the VBA projects are built from: its folder (xlwings.bas) and its version."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from xlsx_addin.model.errors import RatingError


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
