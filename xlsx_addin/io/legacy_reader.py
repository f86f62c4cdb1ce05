"""Read a unit workbook handed in as .xls, .ods or .et (WPS) into the same UnitFile the .xlsx reader fills.

Cells are found by the workbook-level defined names when the file kept them (.xls: BIFF NAME records,
read by xlrd; .ods: ``table:named-expressions`` of content.xml, read with defusedxml), else by the cell
map of the built-in template of that scheme and version. Either way every named cell's row is checked
against the template's row labels (the static texts of that row), so a shifted layout (a row inserted
or deleted) is refused with the row that did not match instead of being misread. Values: xlrd for
.xls/.et (it keeps text formula results, which python-calamine reads as 0), python-calamine for .ods.
Nothing is executed; every failure becomes a Chinese Problem.
"""
from __future__ import annotations

import functools
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from importlib import resources
from typing import Any

from xlsx_addin.io.package import MAX_UNPACKED_BYTES
from xlsx_addin.engine.scheme import BUILTIN
from xlsx_addin.io.unitfile import (
    ENCRYPTED,
    RAW_SHEET,
    RULES_TABLE,
    SCHEME_ID,
    TEMPLATE_VERSION,
    Ref,
    UnitFile,
    read_raw_sheet,
    grid_values,
    col_index,
    wanted,
)
from xlsx_addin.model.problems import HINT

EXTENSIONS = (".xls", ".ods", ".et")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
TEXT_RESULTS = ("result_level", "result_reasons", "result_rectify")  # the stored results that are text
_RESAVE = "请另存为 Excel 工作簿(.xlsx)后重新提交"
_NEW_TEMPLATE = "请用下发的模板重新填报"
FORMAT_LABEL = {"xls": "xls格式", "ods": "ods格式", "et": "WPS et格式"}


def handles(path: str) -> bool:
    """Files this module reads (the .xlsx reader hands them over by extension)."""
    return path.lower().endswith(EXTENSIONS)


def is_xls_inside(data: bytes) -> bool:
    """An Excel 97-2003 file under another extension (e.g. .xlsx): an OLE2 file that is not an encrypted package."""
    return data[:8] == OLE2 and ENCRYPTED not in data


def source_label(unit: UnitFile) -> str:
    """The 来源文件 text of a unit: its relative path, marked with the format and how it was read."""
    return f"{unit.rel}({unit.source_format})" if unit.source_format else unit.rel


# --- the file's format ------------------------------------------------------------------------------
def _format_kind(data: bytes, ext: str) -> str:
    """'xls' or 'ods' for a readable container; _Refused with the Chinese reason otherwise."""
    if not data:
        raise _Refused("文件为空(0字节),请重新提交")
    if data[:8] == OLE2:
        if ext == ".ods":
            raise _Refused("扩展名为 .ods,但内容是旧版 Excel 97-2003(.xls)格式;请改回扩展名 .xls 或" + _RESAVE)
        return "xls"
    if data[:4] == b"PK\x03\x04":
        if data[30:38] == b"mimetype" and ODS_MIME in data[38:38 + 80]:
            if ext == ".ods":
                return "ods"
            raise _Refused(f"扩展名为 {ext},但内容是 OpenDocument 表格(.ods);请改回扩展名 .ods 或" + _RESAVE)
        what = "Excel 工作簿(.xlsx)" if b"xl/" in data[:4096] or b"[Content_Types].xml" in data[:4096] else "压缩文件"
        if ext == ".et":
            raise _Refused(f"这个 WPS 表格(.et)文件内部是{what},不是可读取的 .et(Excel 97-2003 兼容)格式;"
                       "请在 WPS 中另存为 Excel 工作簿(.xlsx)后重新提交")
        raise _Refused(f"扩展名为 {ext},但内容是{what};请把扩展名改为 .xlsx 后重新提交")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        raise _Refused(f"这是网页/XML 文本文件(只是扩展名为 {ext}),不是工作簿;" + _RESAVE)
    if ext == ".et":
        raise _Refused("这个 WPS 表格(.et)文件不是 Excel 97-2003 兼容格式,无法读取;请在 WPS 中另存为 Excel 工作簿(.xlsx)后重新提交")
    raise _Refused(f"不是有效的 {ext} 表格文件,文件可能已损坏或扩展名被改过;" + _RESAVE)


# --- a workbook opened: sheets, names, cell grids ----------------------------------------------------
class _Book:
    sheets: list[str]
    names: dict[str, Ref | str]  # a range, or the formula text of a name that is not one

    def grid(self, sheet: str) -> tuple[list[list[Any]], int, int] | None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _XlsBook(_Book):
    def __init__(self, data: bytes):
        import xlrd

        self._xlrd = xlrd
        self.book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO(), verbosity=0)
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
            self._grids[sheet] = ([[self._value(sh.cell(r, c)) for c in range(sh.ncols)] for r in range(sh.nrows)],
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


class _OdsBook(_Book):
    def __init__(self, data: bytes):
        from defusedxml import ElementTree
        from python_calamine import CalamineWorkbook

        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise _Refused(f"文件过大(解压后共{sum(i.file_size for i in infos) / 2**20:.0f} MB),不像单位填报表,未读取")
            forged = [i.filename for i in infos if i.compress_size > i.file_size + 4096]
            if forged:  # deflate never grows data like this: the declared size is a lie (a zip bomb in disguise)
                raise _Refused(f"文件已损坏(“{forged[0]}”解压后大小与记录不符,可能是异常的压缩文件),无法读取;请重新提交")
            content = zf.read("content.xml")
        root = ElementTree.fromstring(content)
        body = root.find(f"{{{_NS['office']}}}body/{{{_NS['office']}}}spreadsheet")
        if body is None:
            raise _Refused("不是 OpenDocument 表格(文件中没有表格内容)," + _RESAVE)
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


class _Refused(Exception):
    """A file refused with a Chinese reason."""


# --- the template's cell map ------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateMap:
    """Where the built-in template of a scheme keeps each name, and the static texts of those rows."""

    scheme_id: str
    version: str
    refs: dict[str, Ref]
    labels: dict[tuple[str, int], dict[int, str]]  # (sheet, row) → {col: text}


@functools.lru_cache(maxsize=None)
def template_map(scheme_id: str) -> TemplateMap | None:
    """The cell map of the current built-in template of scheme_id (templates/cellmap.py); None when there is none."""
    try:
        text = (resources.files("xlsx_addin.io") / "cellmaps" / f"{scheme_id}.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError, ValueError):
        return None
    data = json.loads(text)
    refs = {k: Ref(v[0], v[1], v[2], v[3], v[4]) for k, v in data["refs"].items()}
    labels = {(s, r): {int(c): t for c, t in row.items()} for s, r, row in data["labels"]}
    return TemplateMap(data["scheme_id"], data["version"], refs, labels)


def _norm(value: Any) -> str:
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


def _cell(grid, r: int, c: int) -> Any:
    rows, r0, c0 = grid
    i, j = r - r0, c - c0
    if 0 <= i < len(rows) and 0 <= j < len(rows[i]):
        v = rows[i][j]
        return None if v == "" else v
    return None


def _a1(r: int, c: int) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(r, c)


@dataclass
class _Mismatch:
    sheet: str
    row: int
    col: int
    expected: str
    actual: Any


def layout_mismatches(book: _Book, refs: dict[str, Ref], tmap: TemplateMap) -> list[_Mismatch]:
    """Template row labels that the file does not have where its cells say they should be."""
    out = []
    grids: dict[str, Any] = {}
    seen = set()
    for name, tref in tmap.refs.items():
        ref = refs.get(name)
        if ref is None or name == RULES_TABLE:
            continue
        dr, dc = ref.row1 - tref.row1, ref.col1 - tref.col1
        if ref.sheet not in grids:
            grids[ref.sheet] = book.grid(ref.sheet)
        grid = grids[ref.sheet]
        for r in range(tref.row1, tref.row2 + 1):
            for c, text in tmap.labels.get((tref.sheet, r), {}).items():
                fr, fc = r + dr, c + dc
                if (ref.sheet, fr, fc) in seen:
                    continue
                seen.add((ref.sheet, fr, fc))
                actual = _cell(grid, fr, fc) if grid is not None else None
                if _norm(actual) != text:
                    out.append(_Mismatch(ref.sheet, fr, fc, text, actual))
    out.sort(key=lambda m: (m.sheet, m.row, m.col))
    return out


# --- reading -----------------------------------------------------------------------------------------
def read(unit: UnitFile, data: bytes) -> None:
    """Fill `unit` from a .xls/.ods/.et file's bytes (read_unit's dispatch calls this)."""
    ext = os.path.splitext(unit.rel)[1].lower()
    try:
        kind = _format_kind(data, ext)
        book: _Book = _XlsBook(data) if kind == "xls" else _OdsBook(data)
    except _Refused as exc:
        unit.problem(str(exc))
        return
    except Exception as exc:  # noqa: BLE001 - xlrd/calamine/XML error types vary
        unit.problem(_open_reason(exc, ext))
        return
    try:
        _read_book(unit, book, ext, kind)
    except Exception as exc:  # noqa: BLE001 - a sheet that xlrd/calamine cannot parse: the file is damaged
        unit.values.clear()
        unit.problem(_open_reason(exc, ext))
    finally:
        book.close()


def _open_reason(exc: Exception, ext: str) -> str:
    text = str(exc).lower()
    if "encrypt" in text or "password" in text or type(exc).__name__ == "PasswordError":
        return "文件设置了打开密码(已加密),无法读取;请去掉密码后重新提交"
    if ext == ".et":
        return "这个 WPS 表格(.et)文件无法按 Excel 97-2003 兼容格式读取(可能是 WPS 专有格式或已损坏);" \
               "请在 WPS 中另存为 Excel 工作簿(.xlsx)后重新提交"
    if ext == ".ods":
        return "这个 OpenDocument 表格(.ods)文件已损坏或不完整,无法读取;" + _RESAVE
    return "这个旧版 Excel 97-2003(.xls)文件已损坏或不完整,无法读取;" + _RESAVE


def _read_book(unit: UnitFile, book: _Book, ext: str, kind: str) -> None:
    unit.sheets = list(book.sheets)
    unit.names = list(book.names)
    label = FORMAT_LABEL["et" if ext == ".et" else kind]
    refs: dict[str, Ref] = {}
    for name, ref in book.names.items():
        if not wanted(name):
            continue
        if not isinstance(ref, Ref):
            unit.problem(f"定义名称 {name} 不是单元格区域(内容为“{ref}”),无法读取", value=ref)
            unit.problems[-1].cell = name
            continue
        refs[name] = ref
    by_names = "org_name" in refs or "item_scores" in refs
    if by_names:
        sid = _text(_single(book, refs.get(SCHEME_ID)))
        tmap = template_map(sid) if sid else None
        version = _text(_single(book, refs.get(TEMPLATE_VERSION)))
        if tmap is not None and version == tmap.version:
            if not _check_layout(unit, book, refs, tmap):
                return
        else:
            unit.problem(f"本文件按定义名称读取;其方案“{sid or '空白'}”版本“{version or '空白'}”没有内置模板可以核对"
                         "版式(非内置方案或模板版本不同),请核实各项数值", severity=HINT)
        unit.source_format = f"{label},按定义名称读取"
    elif RAW_SHEET in unit.sheets:  # a town's summary saved in another format
        unit.source_format = label
        read_raw_sheet(unit, _CalamineLike(book))
        return
    else:
        tmap = _identify(unit, book)
        if tmap is None:
            return
        refs = dict(tmap.refs)
        unit.source_format = f"{label},按模板单元格位置读取"
    unit.refs = refs
    for name, ref in refs.items():
        grid = book.grid(ref.sheet)
        if grid is None:
            unit.problem(f"定义名称 {name} 指向的工作表“{ref.sheet}”不存在(可能被删除或改名)", value=ref.a1)
            unit.problems[-1].cell = name
            del unit.refs[name]
            continue
        value = grid_values(grid, ref, name == RULES_TABLE)
        if name in TEXT_RESULTS and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = None  # a program that could not compute the formula functions saved 0 for a text result
        unit.values[name] = value


def _single(book: _Book, ref: Ref | None) -> Any:
    if ref is None:
        return None
    grid = book.grid(ref.sheet)
    return _cell(grid, ref.row1, ref.col1) if grid is not None else None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _check_layout(unit: UnitFile, book: _Book, refs: dict[str, Ref], tmap: TemplateMap) -> bool:
    """True when the rows match the template; else one 错误 row naming the first row that does not."""
    bad = layout_mismatches(book, refs, tmap)
    if not bad:
        return True
    m = bad[0]
    more = f"(共{len(bad)}处不符)" if len(bad) > 1 else ""
    actual = "空白" if m.actual is None else f"“{_text(m.actual)}”"
    unit.problem(f"表格版式与模板不符:工作表“{m.sheet}”第{m.row + 1}行的{_a1(m.row, m.col)}应为“{m.expected}”,"
                 f"实为{actual}{more};可能插入或删除了行,为避免读错,本文件未读取;{_NEW_TEMPLATE}",
                 value="" if m.actual is None else m.actual)
    unit.problems[-1].sheet, unit.problems[-1].cell = m.sheet, _a1(m.row, m.col)
    return False


def _identify(unit: UnitFile, book: _Book) -> TemplateMap | None:
    """The built-in template this file (without defined names) was made from, its layout checked."""
    maps = [m for m in (template_map(s) for s in BUILTIN) if m is not None]
    found = [m for m in maps if _text(_single(book, m.refs.get(SCHEME_ID))) == m.scheme_id]
    if not found:
        if not maps or not any(_has_sheet(book, m) for m in maps):
            unit.problem("不是本系统的单位填报表(没有模板的定义名称,也没有模板的工作表),未参与评定;" + _NEW_TEMPLATE)
            return None
        best = min(maps, key=lambda m: len(layout_mismatches(book, m.refs, m)))
        ref = best.refs[SCHEME_ID]
        unit.problem(f"文件中没有定义名称(另存时丢失),且在模板位置(工作表“{ref.sheet}”{ref.a1})找不到评定方案标识;"
                     f"无法确认版式,为避免读错,本文件未读取;{_NEW_TEMPLATE}", value=_single(book, ref) or "")
        unit.problems[-1].sheet, unit.problems[-1].cell = ref.sheet, ref.a1
        return None
    tmap = found[0]
    version = _text(_single(book, tmap.refs.get(TEMPLATE_VERSION)))
    if version != tmap.version:
        ref = tmap.refs[TEMPLATE_VERSION]
        unit.problem(f"文件中没有定义名称(另存时丢失),只能按模板的单元格位置读取,但其模板版本“{version or '空白'}”"
                     f"与本程序的模板版本“{tmap.version}”不同,版式无法核对,本文件未读取;{_NEW_TEMPLATE}", value=version)
        unit.problems[-1].sheet, unit.problems[-1].cell = ref.sheet, ref.a1
        return None
    if not _check_layout(unit, book, tmap.refs, tmap):
        return None
    return tmap


def _has_sheet(book: _Book, m: TemplateMap) -> bool:
    return any(ref.sheet in book.sheets for ref in m.refs.values())


class _CalamineLike:
    """The one method reader.read_raw_sheet uses of a calamine workbook, over any _Book."""

    def __init__(self, book: _Book):
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


__all__ = ["EXTENSIONS", "TemplateMap", "handles", "layout_mismatches", "ods_ref", "read", "source_label",
           "template_map"]
