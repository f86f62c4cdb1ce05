"""A 规则 table from a file (--rules): an .xlsx/.xlsm workbook, a .csv of key,value rows (or .xls/.ods).

The workbook's 规则 sheet is used when it has one (a unit workbook, or a table a county keeps),
else its first sheet; rows are (参数, key, 值[, 说明]) or (key, 值[, 备注]), as rows_to_table reads them
(trailing empty columns, BOM, full-width and upper-case keys normalised; a row it cannot read refused, named).
A .csv may be UTF-8 (with or without BOM), GBK (what Excel writes on a Chinese PC) or UTF-16 (Excel's
"Unicode 文本", tab-separated). Files are read with the reader's bounds; a formula cell without a saved
result is computed when it is simple arithmetic, else refused with its cell (never read as blank).
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from xlsx_addin.engine.scheme.overrides import rows_to_table
from xlsx_addin.io import package
from xlsx_addin.io.formula_cells import simple_value, uncached_formulas, uncached_reason
from xlsx_addin.io.package import Refused
from xlsx_addin.io.reader import file_format, sheet_parts, sheet_rows
from xlsx_addin.model.errors import RatingError

RULES_SHEET = "规则"
MAX_RULES_BYTES = 20 * 2**20  # a 规则 table is a few KB; a unit workbook holding one under 1 MB


def read_rules_table(path: str | Path) -> dict[str, Any]:
    """The key → value table of a 规则 file; RatingError (Chinese, naming the file and row or cell) when it cannot
    be read, and when it holds no parameter at all (a table given on purpose is never ignored)."""
    table = _read(Path(path))
    if not table:
        raise RatingError(f"规则表文件 {path} 中没有找到任何参数行(每行应为:参数名 key,值;或:参数,key,值,说明),"
                          "未套用;请检查文件内容")
    return table


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise RatingError(f"规则表文件 {path} 不存在")
    suffix = path.suffix.lower()
    origin = f"规则表文件 {path.name}"
    try:
        data, _ = package.read_regular(str(path), MAX_RULES_BYTES)
        if suffix in (".csv", ".txt"):
            return rows_to_table(_csv_rows(path, data), origin)
        if suffix in (".xlsx", ".xlsm") or file_format(str(path), data) == "ooxml":
            sheet, rows = _ooxml_rows(path, data)
            return rows_to_table(rows, f"{origin}“{sheet}”工作表")
        if suffix in (".xls", ".ods", ".et"):
            return rows_to_table(_legacy_rows(path, data), origin)
    except Refused as exc:
        raise RatingError(f"规则表文件 {path} 无法读取:{exc}") from None
    raise RatingError(f"规则表文件 {path} 的格式无法识别:应为 .xlsx 或 .csv(每行:参数名 key,值)")


def _csv_rows(path: Path, data: bytes) -> list[list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RatingError(f"规则表文件 {path} 不是 UTF-8 或 GBK 编码的文本")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _ooxml_rows(path: Path, data: bytes) -> tuple[str, list[list[Any]]]:
    """The 规则 (else first) sheet's rows from A1, formula cells without a saved result filled or refused."""
    names = sheet_rows(path, None)
    if not names:
        raise RatingError(f"规则表文件 {path} 中没有工作表")
    sheet = RULES_SHEET if RULES_SHEET in names else names[0]
    rows = sheet_rows(path, sheet) or []
    for ref, formula in _formulas(data, sheet).items():
        r, c = _cell_index(ref)
        rows.extend([] for _ in range(r + 1 - len(rows)))  # calamine leaves the uncached cells out at the edges
        rows[r].extend(None for _ in range(c + 1 - len(rows[r])))
        if rows[r][c] not in ("", None):
            continue
        value = simple_value(formula)
        if value is None:
            raise RatingError(f"规则表文件 {path.name}“{sheet}”工作表第{r + 1}行 {ref} {uncached_reason(formula)}")
        rows[r][c] = value
    return sheet, rows


def _formulas(data: bytes, sheet: str) -> dict[str, str]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = package.check_directory(zf)
        workbook = infos.get("xl/workbook.xml")
        if workbook is None:
            return {}
        part = infos.get(sheet_parts(zf, package.read_member(zf, workbook, package.MAX_XML_PART)).get(sheet, ""))
        if part is None:
            return {}
        return uncached_formulas(package.read_member(zf, part, package.MAX_SHEET_BYTES))
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - damaged zip structures: sheet_rows has already read the values
        return {}


def _cell_index(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, col - 1


def _legacy_rows(path: Path, data: bytes) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        sheet = RULES_SHEET if RULES_SHEET in names else names[0]
        return book.get_sheet_by_name(sheet).to_python()
    except Exception as exc:  # a damaged file: say so, never a traceback
        raise RatingError(f"规则表文件 {path} 无法读取:{exc}") from None
