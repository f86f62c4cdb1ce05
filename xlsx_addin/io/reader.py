"""Read one workbook by its workbook-level defined names: zip + XML + python-calamine, nothing executed.

What is read is the caller's ReadRequest (request.py), handed to the reader of the file's format.
The defined names are parsed from ``xl/workbook.xml`` (python-calamine has no defined-names API);
the cell values, cached formula results included, come from python-calamine. No macro, formula
or external link is ever run. Every failure becomes a Chinese :class:`Problem`, never an exception.
"""
from __future__ import annotations

import functools
import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from typing import Any, Callable

from defusedxml import ElementTree as _ET

from xlsx_addin.contracts.summary import RECORD
from xlsx_addin.io.formula_cells import fill_uncached
from xlsx_addin.io import legacy_reader, ooxml_checks, package
from xlsx_addin.io.own_output import recorded_folder
from xlsx_addin.io.unitfile import (
    ENCRYPTED,
    RAW_SHEET,
    RESULT_PREFIX,
    RULES_TABLE,
    SCHEME_ID,
    SPECIAL,
    STAR_NAMES,
    TEMPLATE_VERSION,
    TWO_D,
    Ref,
    UnitFile,
    UNIT_WORKBOOK,
    float_text,
    sheet_grid,
    read_raw_sheet,
    grid_values,
    col_index,
    parse_ref,
)  # noqa: F401
from xlsx_addin.io.request import ReadRequest
from xlsx_addin.io.package import (
    MAX_BYTES,
    MAX_NAME_CELLS,
    MAX_SHEET_BYTES,
    MAX_TABLE_CELLS,
    MAX_UNPACKED_BYTES,
    MAX_XML_PART,
    Refused,
)  # noqa: F401; (MAX_BYTES, MAX_UNPACKED_BYTES re-exported)


def table_names(zf: zipfile.ZipFile, parts: dict[str, str]) -> dict[str, str]:
    """Excel tables (ListObjects) as names: table name → 'sheet'!$A$1:$B$9 (header row included)."""
    out: dict[str, str] = {}
    files = set(zf.namelist())
    if not any(f.startswith("xl/tables/") for f in files):
        return out
    for sheet, part in parts.items():
        folder, _, leaf = part.rpartition("/")
        rels = f"{folder}/_rels/{leaf}.rels"
        if rels not in files:
            continue
        try:
            root = _ET.fromstring(package.read_member(zf, zf.getinfo(rels), MAX_XML_PART))
        except Exception:  # noqa: BLE001 - a damaged part: the table is simply not a name
            continue
        for rel in root:
            if not rel.get("Type", "").endswith("/table"):
                continue
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            if target not in files:
                continue
            try:
                head = _ET.fromstring(package.read_member(zf, zf.getinfo(target), MAX_XML_PART))
            except Exception:  # noqa: BLE001
                continue
            name, ref = head.get("name"), head.get("ref")
            corners = re.fullmatch(r"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)", ref or "")
            if name and corners:
                c1, r1, c2, r2 = corners.groups()
                out.setdefault(name, f"'{sheet.replace(chr(39), chr(39) * 2)}'!${c1}${r1}:${c2}${r2}")
    return out


def _bytes(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else text


def defined_names(workbook_xml: str | bytes) -> tuple[dict[str, str], list[str]]:
    """Workbook-level defined names (lower-cased name → formula text) and the sheet names, in order.

    Names are matched as Excel matches them, case-insensitively; sheet-local names (localSheetId) and
    Excel's own _xlnm.* names are left out. Refused for unsafe or damaged XML.
    """
    info = _parse_once(_parse_workbook, _bytes(workbook_xml))
    return dict(info.names), [name for name, _ in info.sheets]


# Files made from one template carry the same workbook.xml (and relationships): parse each distinct
# text once. The key is the whole text, so a part that differs in any byte is parsed afresh.
CACHED_PART_CHARS = 1 << 18  # larger texts (never a template's) are parsed without being kept


def _parse_once(parse, *texts: bytes):
    """parse(*texts) through its cache; texts too large to keep bypass it."""
    if sum(map(len, texts)) > CACHED_PART_CHARS:
        return parse.__wrapped__(*texts)
    return parse(*texts)


@functools.lru_cache(maxsize=64)
def _parse_workbook(workbook_xml: bytes) -> package.WorkbookInfo:
    return package.workbook_info(workbook_xml)


def sheet_parts(zf: zipfile.ZipFile, workbook_xml: str | bytes) -> dict[str, str]:
    """Sheet name → its part in the package (xl/worksheets/sheet1.xml), by the workbook's relationships."""
    try:
        info = zf.getinfo("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    rels = package.read_member(zf, info, MAX_XML_PART)
    return dict(_parse_once(_parse_sheet_parts, rels, _bytes(workbook_xml)))


@functools.lru_cache(maxsize=64)  # keyed by both whole texts, like _parse_workbook
def _parse_sheet_parts(rels: bytes, workbook_xml: bytes) -> tuple[tuple[str, str], ...]:
    targets = dict(package.relationship_targets(rels))
    info = _parse_once(_parse_workbook, workbook_xml)
    return tuple((name, targets[rid]) for name, rid in info.sheets if rid in targets)


error_cells = package.error_cells


def _file_problem(data: bytes) -> str | None:
    """Why these bytes are not an xlsx/xlsm package; None when they look like one."""
    if not data:
        return "文件为空(0字节),请重新提交"
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return None
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if ENCRYPTED in data:
            return "文件设置了打开密码(已加密),无法读取;请去掉密码后重新提交"
        return "这是旧版 Excel 97-2003(.xls)格式的文件,只是扩展名为 .xlsx;请在 Excel 中“另存为”Excel 工作簿(.xlsx)后重新提交"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        return "这是网页/XML 文本文件,不是 Excel 工作簿;请在 Excel 中“另存为”Excel 工作簿(.xlsx)后重新提交"
    return "不是有效的 Excel 工作簿(.xlsx/.xlsm),文件可能已损坏或扩展名被改过"


def _workbook_part(zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> bytes | None:
    info = infos.get("xl/workbook.xml")
    if info is None:  # a package whose workbook part has another name: follow the root relationship
        rels = infos.get("_rels/.rels")
        if rels is None:
            return None
        target = package.office_document(package.read_member(zf, rels, MAX_XML_PART))
        info = infos.get(target) if target else None
        if info is None:
            return None
    return package.read_member(zf, info, MAX_XML_PART)


def read_unit(path: str | os.PathLike, request: ReadRequest, rel: str | None = None) -> UnitFile:
    """Read what `request` asks for out of one workbook file; never raises (an unexpected failure becomes a Problem too)."""
    path = os.fspath(path)
    unit = UnitFile(path=path, rel=rel if rel is not None else path)
    try:
        data, unit.mtime = package.read_regular(path)
    except Refused as why:
        unit.problem(str(why))
        return unit
    return read_unit_data(unit, data, request)


def read_unit_data(unit: UnitFile, data: bytes, request: ReadRequest) -> UnitFile:
    """Read a workbook from its bytes (a file, or a member of a .zip archive) into `unit`; never raises."""
    try:
        read_by_format(unit, data, request)
    except Refused as why:
        unit.values.clear()
        unit.problem(str(why))
        unit.problems[-1].sheet, unit.problems[-1].cell = why.sheet, why.cell
    except MemoryError:
        unit.values.clear()
        unit.problem("文件过大或内容异常,读取时内存不足,未读取;请在 Excel 中打开检查、删除多余的行列后另存再提交")
    except (zipfile.BadZipFile, zlib.error, EOFError, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError,
            struct.error):  # what zipfile raises on damaged headers, offsets and streams
        unit.values.clear()
        unit.problem("文件已损坏(压缩包内容有误,可能未传输完整),无法读取;请重新提交")
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop a county's consolidation
        unit.values.clear()
        unit.problem(f"读取文件时发生意外错误({type(exc).__name__}),请在 Excel 中打开检查后另存再提交")
    return unit


# --- one dispatch point: the reader for a file's format ----------------------------------------------
# format id → reader(unit, data, request). The Office Open XML reader is built in; other formats (.xls, .ods, .et)
# register theirs with register_format(). file_format() decides from the bytes first, then the name.
FormatReader = Callable[[UnitFile, bytes, ReadRequest], None]
FORMAT_READERS: dict[str, FormatReader] = {}


def register_format(kind: str, reader: FormatReader) -> None:
    FORMAT_READERS[kind] = reader


def file_format(path: str, data: bytes) -> str:
    """'ooxml' for a zip package; 'ole2' for a compound file (.xls, encrypted .xlsx); else the extension."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        ext = os.path.splitext(path)[1].lower().lstrip(".")
        return ext if ext in ("ods", "xls", "et") else "ooxml"  # a zip named .xls/.et: legacy_reader says what it is
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole2"
    return os.path.splitext(path)[1].lower().lstrip(".")


def read_by_format(unit: UnitFile, data: bytes, request: ReadRequest) -> None:
    """Pick the reader by the file's format; a format without one gets its reason (_file_problem)."""
    kind = file_format(unit.rel, data)  # rel: a member of a .zip has its own name, not the archive's
    reader = FORMAT_READERS.get(kind)
    if reader is None or (kind == "ole2" and ENCRYPTED in data):
        unit.problem(_file_problem(data) or "不是有效的 Excel 工作簿(.xlsx/.xlsm),文件可能已损坏或扩展名被改过")
        return
    reader(unit, data, request)


def _read_ooxml(unit: UnitFile, data: bytes, request: ReadRequest) -> None:
    package.check_members(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = package.check_directory(zf)
        workbook_xml = _workbook_part(zf, infos)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError):
        unit.problem("文件已损坏(不是完整的 xlsx 压缩包),可能未传输完整;请重新提交")
        return
    except (ValueError, zipfile.error, zlib.error):
        unit.problem("文件已损坏(压缩包内容无法解压);请重新提交")
        return
    if workbook_xml is None:
        unit.problem("不是 Excel 工作簿(压缩包中没有工作簿内容),可能是其他 Office 文件改了扩展名")
        return
    info = _parse_once(_parse_workbook, workbook_xml)
    names = dict(info.names)
    unit.sheets = [name for name, _ in info.sheets]
    unit.names = list(names)
    dups = [n for n in info.duplicates if request.wants(n.lower())]
    if dups:
        unit.problem(f"定义名称 {dups[0]} 在文件中定义了两次(名称不区分大小写),无法确定使用哪一个,未读取;"
                     "请使用下发的模板重新填报", value=dups[0])
        unit.problems[-1].cell = dups[0]
        return

    parts = sheet_parts(zf, workbook_xml)
    list_objects = table_names(zf, parts)
    for name, text in list_objects.items():  # Excel tables are workbook-level names too
        names.setdefault(name, text)
    refs: dict[str, Ref] = {}
    for name, text in names.items():
        if not request.wants(name):
            continue
        ref = parse_ref(text)
        if ref is None:
            unit.problem(ooxml_checks.bad_ref_reason(name, text), value=text)
            unit.problems[-1].cell = name
            continue
        big = request.is_table(name) and names[name] == list_objects.get(name)  # an Excel table read as rows
        if ref.size > (MAX_TABLE_CELLS if big else MAX_NAME_CELLS):
            unit.problem(f"定义名称 {name} 指向的区域过大({ref.a1},共{ref.size:,}个单元格),模板被改动过,未读取该名称;"
                         "请使用下发的模板重新填报", value=ref.a1)
            unit.problems[-1].cell = name
            continue
        refs[name] = ref
    unit.refs = refs

    needed = {ref.sheet for ref in refs.values()} or ({RAW_SHEET, RECORD} & set(unit.sheets))
    errors: dict[str, dict[str, str]] = {}
    xmls: dict[str, bytes] = {}
    for name in sorted(needed):
        part = infos.get(parts.get(name, ""))
        if part is None:
            continue
        try:
            xml = package.read_member(zf, part, MAX_SHEET_BYTES)
        except Refused:
            raise
        except Exception:  # noqa: BLE001 - bad CRC, forged sizes …
            unit.problem(f"文件已损坏(“{name}”的压缩内容有误,或解压后大小与记录不符),无法读取;请重新提交")
            return
        package.check_extent(xml, name)  # before python-calamine allocates the sheet's rectangle
        errors[name] = package.error_cells(xml)
        xmls[name] = xml

    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine's own error types vary by version
        unit.problem(ooxml_checks.calamine_reason(exc))
        return
    try:
        if not refs:
            if RAW_SHEET in unit.sheets:
                read_raw_sheet(unit, wb)
                grid = sheet_grid(wb, RECORD) if RECORD in xmls else None
                unit.recorded_folder = recorded_folder(grid[0]) if grid is not None else None  # own_output.py
            return
        grids: dict[str, tuple[list[list[Any]], int, int] | None] = {}
        for name, ref in list(refs.items()):
            if ref.sheet not in grids:
                grids[ref.sheet] = sheet_grid(wb, ref.sheet)
            grid = grids[ref.sheet]
            if grid is None:
                if ref.sheet in unit.sheets:  # listed by the workbook, yet calamine cannot read it
                    unit.values.clear()
                    unit.problem(f"工作表“{ref.sheet}”无法读取,文件可能已损坏;请在 Excel 中打开检查后另存再提交")
                    return
                unit.problem(f"定义名称 {name} 指向的工作表“{ref.sheet}”不存在(可能被删除或改名)", value=ref.a1)
                unit.problems[-1].cell = name
                del unit.refs[name]
                continue
            unit.values[name] = grid_values(grid, ref, request.is_table(name), errors.get(ref.sheet))
        fill_uncached(unit, xmls)  # a formula without a saved result is not a blank cell
        ooxml_checks.check_values(unit)
        ooxml_checks.check_percent_scores(unit, zf, infos, xmls)
    finally:
        wb.close()


register_format("ooxml", _read_ooxml)


def sheet_names(path: str | os.PathLike) -> list[str]:
    """The sheets of a workbook, in order, read with the reader's bounds (Refused when it cannot be)."""
    return sheet_rows(path, None)


def sheet_rows(path: str | os.PathLike, sheet: str | None) -> Any:
    """Every row of one sheet from A1 (an earlier summary's 一览表, 整改台账 …), read with the reader's bounds.

    None when the workbook has no such sheet; Refused (Chinese reason) when it cannot be read safely.
    sheet=None gives the workbook's sheet names instead (sheet_names).
    """
    data, _ = package.read_regular(os.fspath(path))
    if file_format(os.fspath(path), data) != "ooxml":
        raise Refused(_file_problem(data) or "不是 Excel 工作簿")
    package.check_members(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = package.check_directory(zf)
        workbook_xml = _workbook_part(zf, infos)
        if workbook_xml is None:
            raise Refused("不是 Excel 工作簿(压缩包中没有工作簿内容)")
        _, sheets = defined_names(workbook_xml)
        if sheet is None:
            return list(sheets)
        if sheet not in sheets:
            return None
        part = infos.get(sheet_parts(zf, workbook_xml).get(sheet, ""))
        if part is not None:
            package.check_extent(package.read_member(zf, part, MAX_SHEET_BYTES), sheet)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - damaged zip structures
        raise Refused("文件已损坏(压缩包内容有误),无法读取") from None
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            return [list(r) for r in wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - python_calamine.XmlError and its relatives
        raise Refused(f"工作表“{sheet}”的内容已损坏,无法读取") from None


# .xls/.et (OLE2, BIFF inside) and .ods: legacy_reader.py (by their names, else the template's cell map)
for _kind in ("ole2", "ods", "xls", "et"):
    register_format(_kind, legacy_reader.read)
