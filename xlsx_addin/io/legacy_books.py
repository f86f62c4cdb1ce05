"""A .xls/.et (xlrd) or .ods (defusedxml + python-calamine) workbook opened: its sheets, names and cell grids.

legacy_reader.py reads a unit file through these; nothing is executed, and a file that cannot be opened
is refused (FileRefused) with the Chinese reason.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from xlsx_addin.io.ods_extent import check_extents
from xlsx_addin.io.package import MAX_UNPACKED_BYTES
from xlsx_addin.io.unitfile import Ref, col_index

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
RESAVE = "请另存为 Excel 工作簿(.xlsx)后重新提交"


class FileRefused(Exception):
    """A file refused with a Chinese reason."""


# --- the file's format ------------------------------------------------------------------------------
def format_kind(data: bytes, ext: str) -> str:
    """'xls' or 'ods' for a readable container; FileRefused with the Chinese reason otherwise."""
    if not data:
        raise FileRefused("文件为空(0字节),请重新提交")
    if data[:8] == OLE2:
        if ext == ".ods":
            raise FileRefused("扩展名为 .ods,但内容是旧版 Excel 97-2003(.xls)格式;请改回扩展名 .xls 或" + RESAVE)
        return "xls"
    if data[:4] == b"PK\x03\x04":
        if data[30:38] == b"mimetype" and ODS_MIME in data[38:38 + 80]:
            if ext == ".ods":
                return "ods"
            raise FileRefused(f"扩展名为 {ext},但内容是 OpenDocument 表格(.ods);请改回扩展名 .ods 或" + RESAVE)
        what = "Excel 工作簿(.xlsx)" if b"xl/" in data[:4096] or b"[Content_Types].xml" in data[:4096] else "压缩文件"
        if ext == ".et":
            raise FileRefused(f"这个 WPS 表格(.et)文件内部是{what},不是可读取的 .et(Excel 97-2003 兼容)格式;"
                              "请在 WPS 中另存为 Excel 工作簿(.xlsx)后重新提交")
        raise FileRefused(f"扩展名为 {ext},但内容是{what};请把扩展名改为 .xlsx 后重新提交")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        raise FileRefused(f"这是网页/XML 文本文件(只是扩展名为 {ext}),不是工作簿;" + RESAVE)
    if ext == ".et":
        raise FileRefused("这个 WPS 表格(.et)文件不是 Excel 97-2003 兼容格式,无法读取;请在 WPS 中另存为 Excel 工作簿(.xlsx)后重新提交")
    raise FileRefused(f"不是有效的 {ext} 表格文件,文件可能已损坏或扩展名被改过;" + RESAVE)


# --- a workbook opened: sheets, names, cell grids ----------------------------------------------------
class Book:
    sheets: list[str]
    names: dict[str, Ref | str]  # a range, or the formula text of a name that is not one

    def grid(self, sheet: str) -> tuple[list[list[Any]], int, int] | None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class XlsBook(Book):
    def __init__(self, data: bytes):
        import xlrd

        self._xlrd = xlrd
        # ragged rows: a row is as long as its last cell (one stray cell at IV65536 is one long row, not 16 M cells)
        self.book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO(), verbosity=0,
                                       ragged_rows=True)
        self.sheets = list(self.book.sheet_names())
        self.names = {}
        for n in self.book.name_obj_list:
            if n.scope != -1 or n.builtin or n.name in self.names or n.name.lower().startswith("_xlfn."):
                continue
            self.names[n.name] = self._ref(n) or (getattr(n, "formula_text", "") or "")
        self._grids: dict[str, Any] = {}

    def _ref(self, n) -> Ref | None:
        res = n.result
        if res is None or getattr(res, "kind", None) != self._xlrd.oREF or len(res.value) != 1:
            return None
        s1, s2, r1, r2, c1, c2 = res.value[0].coords
        if s2 - s1 != 1 or not 0 <= s1 < len(self.sheets) or r2 <= r1 or c2 <= c1:
            return None
        return Ref(self.sheets[s1], r1, c1, r2 - 1, c2 - 1)

    def grid(self, sheet: str):
        if sheet not in self.sheets:
            return None
        if sheet not in self._grids:
            sh = self.book.sheet_by_name(sheet)
            self._grids[sheet] = ([[self._value(sh.cell(r, c)) for c in range(sh.row_len(r))] for r in range(sh.nrows)],
                                  0, 0)
        return self._grids[sheet]

    def _value(self, cell) -> Any:
        x = self._xlrd
        t, v = cell.ctype, cell.value
        if t == x.XL_CELL_NUMBER:
            return v
        if t == x.XL_CELL_TEXT:
            return v
        if t == x.XL_CELL_BOOLEAN:
            return bool(v)
        if t == x.XL_CELL_ERROR:
            return x.error_text_from_code.get(v, "#VALUE!")
        if t == x.XL_CELL_DATE:
            try:
                return x.xldate_as_datetime(v, self.book.datemode)
            except Exception:  # noqa: BLE001 - an out-of-range serial stays a number
                return v
        return ""

    def close(self) -> None:
        self.book.release_resources()


class OdsBook(Book):
    def __init__(self, data: bytes):
        from defusedxml import ElementTree
        from python_calamine import CalamineWorkbook

        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise FileRefused(f"文件过大(解压后共{sum(i.file_size for i in infos) / 2**20:.0f} MB),不像单位填报表,未读取")
            forged = [i.filename for i in infos if i.compress_size > i.file_size + 4096]
            if forged:  # deflate never grows data like this: the declared size is a lie (a zip bomb in disguise)
                raise FileRefused(f"文件已损坏(“{forged[0]}”解压后大小与记录不符,可能是异常的压缩文件),无法读取;请重新提交")
            content = zf.read("content.xml")
        root = ElementTree.fromstring(content)
        body = root.find(f"{{{_NS['office']}}}body/{{{_NS['office']}}}spreadsheet")
        if body is None:
            raise FileRefused("不是 OpenDocument 表格(文件中没有表格内容)," + RESAVE)
        check_extents(body)  # before python-calamine allocates every sheet's rectangle
        self.names = {}
        block = body.find(f"{{{_NS['table']}}}named-expressions")  # workbook level; sheets keep their own
        for el in (block if block is not None else []):
            name = el.get(f"{{{_NS['table']}}}name")
            if not name or name.startswith("_xlnm.") or name in self.names:
                continue
            address = el.get(f"{{{_NS['table']}}}cell-range-address") or el.get(f"{{{_NS['table']}}}expression") or ""
            self.names[name] = ods_ref(address) or address
        self.wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.sheets = list(self.wb.sheet_names)

    def grid(self, sheet: str):
        try:
            ws = self.wb.get_sheet_by_name(sheet)
        except Exception:  # noqa: BLE001
            return None
        start = ws.start or (0, 0)
        return ws.to_python(), start[0], start[1]

    def close(self) -> None:
        self.wb.close()



_NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0"}
_ODS_CELL = r"(?:\$?('(?:[^']|'')+'|[^.':$]+))?\.\$?([A-Za-z]{1,3})\$?(\d+)"
_ODS_RE = re.compile(rf"^{_ODS_CELL}(?::{_ODS_CELL})?$")


def ods_ref(address: str) -> Ref | None:
    """'$自评表.$F$12:.$F$21' (OpenDocument) → Ref; None for anything else (whole rows, lists of ranges)."""
    m = _ODS_RE.match(address.strip())
    if not m or not m.group(1):
        return None
    sheet = m.group(1)
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    if m.group(5) and m.group(4) and m.group(4).strip("'").replace("''", "'") != sheet:
        return None
    r1, c1 = int(m.group(3)) - 1, col_index(m.group(2))
    r2, c2 = (int(m.group(6)) - 1, col_index(m.group(5))) if m.group(5) else (r1, c1)
    return Ref(sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))




class CalamineLike:
    """The one method reader.read_raw_sheet uses of a calamine workbook, over any Book."""

    def __init__(self, book: Book):
        self.book = book

    def get_sheet_by_name(self, sheet: str):
        grid = self.book.grid(sheet)
        if grid is None:
            raise KeyError(sheet)
        return _Sheet(grid)


@dataclass
class _Sheet:
    g: tuple

    @property
    def start(self):
        return self.g[1], self.g[2]

    def to_python(self):
        return self.g[0]




__all__ = ["Book", "CalamineLike", "FileRefused", "OLE2", "OdsBook", "RESAVE", "XlsBook", "format_kind", "ods_ref"]
