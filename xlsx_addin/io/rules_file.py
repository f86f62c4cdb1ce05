"""A 规则 table from a file (--rules): an .xlsx/.xlsm workbook or a .csv of key,value rows.

The workbook's 规则 sheet is used when it has one (a unit workbook, or a table a county keeps),
else its first sheet; rows are (参数, key, 值[, 说明]) or (key, 值), as rows_to_table reads them.
A .csv may be UTF-8 (with or without BOM) or GBK (what Excel writes on a Chinese PC).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from xlsx_addin.model.errors import RatingError
from xlsx_addin.engine.scheme.overrides import rows_to_table

RULES_SHEET = "规则"


def read_rules_table(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise RatingError(f"规则表文件 {path} 不存在")
    suffix = path.suffix.lower()
    origin = f"规则表文件 {path.name}"
    if suffix == ".csv":
        return rows_to_table(_csv_rows(path), origin)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return rows_to_table(_sheet_rows(path), origin)
    raise RatingError(f"规则表文件 {path} 的格式无法识别:应为 .xlsx 或 .csv(每行:参数名 key,值)")


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RatingError(f"规则表文件 {path} 不是 UTF-8 或 GBK 编码的文本")
    return [row for row in csv.reader(io.StringIO(text))]


def _sheet_rows(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        sheet = RULES_SHEET if RULES_SHEET in names else names[0]
        return book.get_sheet_by_name(sheet).to_python()
    except Exception as exc:  # a damaged file: say so, never a traceback
        raise RatingError(f"规则表文件 {path} 无法读取:{exc}") from None
