"""Read a workbook handed in as .xls, .ods or .et (WPS) into the same UnitFile the .xlsx reader fills.

What is read is the caller's ReadRequest, as for .xlsx. Cells are found by the workbook-level defined
names when the file kept them (.xls: BIFF NAME records, read by xlrd; .ods: ``table:named-expressions``
of content.xml, read with defusedxml: legacy_books.py). For a unit workbook (a request with cell_maps)
a file without its names is read by the cell map of the built-in template of its scheme and version,
and either way every named cell's row is checked against the template's row labels (legacy_layout.py),
so a shifted layout (a row inserted or deleted) is refused with the row that did not match instead of
being misread. Values: xlrd for .xls/.et (it keeps text formula results, which python-calamine reads
as 0), python-calamine for .ods. Nothing is executed; every failure becomes a Chinese Problem.
"""
from __future__ import annotations

import os

from xlsx_addin.io.legacy_books import OLE2, RESAVE, Book, CalamineLike, FileRefused, OdsBook, XlsBook, format_kind
from xlsx_addin.io.legacy_books import ods_ref  # noqa: F401 - part of this entry's API
from xlsx_addin.io.legacy_layout import (  # noqa: F401 - TemplateMap, layout_mismatches: part of this entry's API
    TemplateMap,
    check_layout,
    identify,
    layout_mismatches,
    single,
    template_map,
    text_of,
)
from xlsx_addin.io.package import Refused
from xlsx_addin.io.request import ReadRequest
from xlsx_addin.io.unitfile import (
    ENCRYPTED,
    RAW_SHEET,
    SCHEME_ID,
    TEMPLATE_VERSION,
    Ref,
    UnitFile,
    grid_values,
    read_raw_sheet,
)
from xlsx_addin.model.problems import HINT

EXTENSIONS = (".xls", ".ods", ".et")
TEXT_RESULTS = ("result_level", "result_reasons", "result_rectify")  # the stored results that are text
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


# --- reading -----------------------------------------------------------------------------------------
def read(unit: UnitFile, data: bytes, request: ReadRequest) -> None:
    """Fill `unit` with what `request` asks for, from a .xls/.ods/.et file's bytes (read_unit's dispatch calls this)."""
    ext = os.path.splitext(unit.rel)[1].lower()
    try:
        kind = format_kind(data, ext)
        book: Book = XlsBook(data) if kind == "xls" else OdsBook(data)
    except FileRefused as exc:
        unit.problem(str(exc))
        return
    except Refused:
        raise  # sheet and cell named (read_unit_data)
    except Exception as exc:  # noqa: BLE001 - xlrd/calamine/XML error types vary
        unit.problem(_open_reason(exc, ext))
        return
    try:
        _read_book(unit, book, request, FORMAT_LABEL["et" if ext == ".et" else kind])
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
        return "这个 OpenDocument 表格(.ods)文件已损坏或不完整,无法读取;" + RESAVE
    return "这个旧版 Excel 97-2003(.xls)文件已损坏或不完整,无法读取;" + RESAVE


def _read_book(unit: UnitFile, book: Book, request: ReadRequest, label: str) -> None:
    unit.sheets = list(book.sheets)
    unit.names = list(book.names)
    refs = _requested_refs(unit, book, request)
    if request.cell_maps:  # a unit workbook: by its names when it kept them, the template checking the layout
        by_names = "org_name" in refs or "item_scores" in refs
        if by_names and not _layout_checked(unit, book, refs):
            return
    else:
        by_names = bool(refs)
    if by_names:
        unit.source_format = f"{label},按定义名称读取"
    elif RAW_SHEET in unit.sheets:  # a town's summary saved in another format
        unit.source_format = label
        read_raw_sheet(unit, CalamineLike(book))
        return
    elif request.cell_maps:
        tmap = identify(unit, book)
        if tmap is None:
            return
        refs = dict(tmap.refs)
        unit.source_format = f"{label},按模板单元格位置读取"
    else:
        unit.source_format = label
        return
    unit.refs = refs
    for name, ref in refs.items():
        grid = book.grid(ref.sheet)
        if grid is None:
            unit.problem(f"定义名称 {name} 指向的工作表“{ref.sheet}”不存在(可能被删除或改名)", value=ref.a1)
            unit.problems[-1].cell = name
            del unit.refs[name]
            continue
        value = grid_values(grid, ref, request.is_table(name))
        if name in TEXT_RESULTS and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = None  # a program that could not compute the formula functions saved 0 for a text result
        unit.values[name] = value


def _requested_refs(unit: UnitFile, book: Book, request: ReadRequest) -> dict[str, Ref]:
    """The requested names the file defines, as ranges; a name that is not a range is a 问题清单 row."""
    refs: dict[str, Ref] = {}
    for name, ref in book.names.items():
        if not request.wants(name):
            continue
        if not isinstance(ref, Ref):
            unit.problem(f"定义名称 {name} 不是单元格区域(内容为“{ref}”),无法读取", value=ref)
            unit.problems[-1].cell = name
            continue
        refs[name] = ref
    return refs


def _layout_checked(unit: UnitFile, book: Book, refs: dict[str, Ref]) -> bool:
    """False when the named cells' rows do not match the built-in template; a 提示 when no template matches."""
    sid = text_of(single(book, refs.get(SCHEME_ID)))
    tmap = template_map(sid) if sid else None
    version = text_of(single(book, refs.get(TEMPLATE_VERSION)))
    if tmap is not None and version == tmap.version:
        return check_layout(unit, book, refs, tmap)
    unit.problem(f"本文件按定义名称读取;其方案“{sid or '空白'}”版本“{version or '空白'}”没有内置模板可以核对"
                 "版式(非内置方案或模板版本不同),请核实各项数值", severity=HINT)
    return True

__all__ = ["EXTENSIONS", "TemplateMap", "handles", "layout_mismatches", "ods_ref", "read", "source_label",
           "template_map"]
