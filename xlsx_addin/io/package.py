"""Bounds before parsing: what a workbook file may be before any cell reader allocates for it.

Only regular files are opened (no FIFOs, devices, sockets; a symlink is followed and its target
checked), and never more than a bound is read. The zip directory is checked for member counts,
unpacked sizes, forged sizes and duplicate members; XML parts are parsed with defusedxml (no DTD,
no entities); a sheet's extent (the rectangle of its cells that hold something, which python-calamine
allocates in full) is measured from its XML. Every refusal is a :class:`Refused` with a Chinese reason.
"""
from __future__ import annotations

import errno
import functools
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_BYTES = 200 * 2**20  # a unit workbook is tens of KB; a town's summary a few MB
MAX_SHEET_BYTES = 64 * 2**20  # one sheet's XML, unpacked (a unit's is under 100 KB)
MAX_UNPACKED_BYTES = 256 * 2**20  # the whole package, unpacked (zip bombs)
MAX_MEMBERS = 10_000  # parts in one package (a unit workbook has about 20)
MAX_SHEET_CELLS = 8_000_000  # the rectangle python-calamine allocates (32 bytes a cell): 256 MB
MAX_NAME_CELLS = 100_000  # cells one defined name may cover (a unit's largest, the 规则 table, has ~400)
MAX_TABLE_CELLS = 1_500_000  # cells of one Excel table read as rows (a 评星表 of 10,000 members: 10,021 × 61)
MAX_XML_PART = 16 * 2**20  # workbook.xml, relationships, styles: a few KB in any real file

NS_REL_ID = "id"  # local name of r:id


class Refused(Exception):
    """A file (or part) refused before parsing; str(exc) is the Chinese reason for 问题清单."""

    def __init__(self, reason: str, sheet: str = "", cell: str = ""):
        super().__init__(reason)
        self.sheet, self.cell = sheet, cell


# --- files -----------------------------------------------------------------------------------------
_KINDS = ((stat.S_ISDIR, "文件夹"), (stat.S_ISFIFO, "命名管道"), (stat.S_ISCHR, "设备文件"), (stat.S_ISBLK, "设备文件"),
          (stat.S_ISSOCK, "套接字"))


def special_kind(mode: int) -> str | None:
    """'设备文件' … for what is not a regular file; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in _KINDS:
        if test(mode):
            return name
    return "特殊文件"


def read_regular(path: str, limit: int = MAX_BYTES) -> tuple[bytes, float]:
    """(the bytes, mtime) of a regular file, at most `limit` bytes; Refused for anything else.

    stat follows a symlink to its target, so a link to /dev/zero is a device; the file is opened
    non-blocking (a FIFO swapped in after the check cannot hang the run) and checked again.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise Refused("文件不存在(可能是指向已删除文件的快捷方式/链接),未读取") from None
    except OSError as exc:
        raise Refused(f"文件无法打开:{exc.strerror or exc}") from None
    kind = special_kind(st.st_mode)
    if kind:
        raise Refused(f"这不是普通文件(是{kind}{',由链接指向' if os.path.islink(path) else ''}),未读取")
    if st.st_size > limit:
        raise Refused(f"文件过大({st.st_size / 2**20:.0f} MB),不像单位填报表(通常不到1 MB),未读取;"
                      "请删除其中的图片等内容后重新提交")
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise Refused("文件无法打开(没有读取权限,或正被其他程序独占打开);请关闭该文件后重新汇总") from None
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.EAGAIN):
            raise Refused("这不是普通文件(是命名管道),未读取") from None
        raise Refused(f"文件无法打开:{exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        kind = special_kind(st.st_mode)
        if kind:
            raise Refused(f"这不是普通文件(是{kind}),未读取")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise Refused(f"文件过大(超过{limit / 2**20:.0f} MB),不像单位填报表,未读取")
        return b"".join(chunks), st.st_mtime
    except OSError as exc:
        raise Refused(f"文件读取出错:{exc.strerror or exc}") from None
    finally:
        os.close(fd)


# --- the zip directory -----------------------------------------------------------------------------
def member_count(data: bytes) -> int | None:
    """Entries the zip's end-of-central-directory record declares (read before zipfile builds its list)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if at < 0 or at + 22 > len(data):
        return None
    count = int.from_bytes(data[at + 10:at + 12], "little")
    if count == 0xFFFF:  # zip64: the real count is in the zip64 record
        z64 = data.rfind(b"PK\x06\x06", max(0, at - 4096), at)
        if z64 >= 0 and z64 + 40 <= len(data):
            count = int.from_bytes(data[z64 + 32:z64 + 40], "little")
    return count


def check_members(data: bytes) -> None:
    n = member_count(data)
    if n is not None and n > MAX_MEMBERS:
        raise Refused(f"文件内部部件过多({n}个),不像单位填报表(可能是异常的压缩文件),未读取")


def check_directory(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The members by name, after the directory checks: count, duplicates, sizes, forged sizes."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise Refused(f"文件内部部件过多({len(infos)}个),不像单位填报表(可能是异常的压缩文件),未读取")
    seen: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename.lower()  # part names are case-insensitive in an Office package
        if key in seen:
            raise Refused(f"文件内有两个同名部件“{info.filename}”(文件被改动过),无法确定使用哪一个,未读取;"
                          "请在 Excel 中打开后另存再提交")
        seen[key] = info
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise Refused(f"文件过大(解压后共{total / 2**20:.0f} MB),不像单位填报表,未读取(可能是异常的压缩文件)")
    forged = [i.filename for i in infos if i.compress_size > i.file_size + 4096]
    if forged:  # deflate never grows data like this: the declared size is a lie
        raise Refused(f"文件已损坏(“{forged[0]}”解压后大小与记录不符,可能是异常的压缩文件),无法读取;请重新提交")
    return {i.filename: i for i in infos}


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, chunk: int = 1 << 20) -> bytes:
    """A member unpacked 1 MB at a time, never past `limit` (zipfile also stops at the declared size)."""
    if info.file_size > limit:
        raise Refused(f"文件过大(部件“{info.filename}”解压后{info.file_size / 2**20:.0f} MB),不像单位填报表,未读取"
                      "(可能是异常的压缩文件)")
    out: list[bytes] = []
    size = 0
    with zf.open(info) as f:
        while True:
            data = f.read(chunk)
            if not data:
                return b"".join(out)
            size += len(data)
            if size > limit:
                raise Refused(f"文件过大(部件“{info.filename}”解压后超过{limit / 2**20:.0f} MB),未读取")
            out.append(data)


# --- XML ---------------------------------------------------------------------------------------------
def parse_xml(data: bytes | str, what: str) -> Element:
    """An XML part parsed safely: no DTD, no entity expansion, no external reference."""
    for attempt in range(2):
        try:
            return fromstring(data, forbid_dtd=True)
        except DefusedXmlException:
            raise Refused(f"{what}含有不安全的 XML 内容(DTD/实体定义),不是 Excel 保存的文件,未读取") from None
        except (ParseError, ValueError):
            repaired = _without_repeated_attributes(data)  # what a lenient program may write: state="…" twice
            if attempt or repaired == data:
                break
            data = repaired
    raise Refused(f"{what}的 XML 内容已损坏,无法读取;请在 Excel 中打开检查后另存再提交")


_TAG = re.compile(rb"<[A-Za-z_][^<>]*>")
_ATTR = re.compile(rb'\s([\w:.-]+)\s*=\s*("[^"]*"|\'[^\']*\')')


def _without_repeated_attributes(data: bytes | str) -> bytes:
    """The XML with an attribute repeated in one tag kept once (the first); nothing else changes."""
    raw = data.encode("utf-8") if isinstance(data, str) else data

    def fix(m: re.Match) -> bytes:
        seen: set[bytes] = set()

        def one(a: re.Match) -> bytes:
            if a.group(1) in seen:
                return b""
            seen.add(a.group(1))
            return a.group(0)

        return _ATTR.sub(one, m.group(0))

    return _TAG.sub(fix, raw)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag.rsplit(":", 1)[-1]


def attr(el: Element, key: str) -> str | None:
    """An attribute by its local name, whatever its namespace (r:id, or the strict-OOXML namespace)."""
    value = el.get(key)
    if value is not None:
        return value
    for k, v in el.attrib.items():
        if local(k) == key:
            return v
    return None


@dataclass(frozen=True)
class WorkbookInfo:
    names: tuple[tuple[str, str], ...]  # workbook-level defined names, lower-cased (Excel ignores case) → text
    sheets: tuple[tuple[str, str], ...]  # (sheet name, relationship id), in order
    duplicates: tuple[str, ...]  # names defined more than once at workbook level (any case)


def workbook_info(workbook_xml: bytes) -> WorkbookInfo:
    root = parse_xml(workbook_xml, "工作簿结构(workbook.xml)")
    sheets, names, dups = [], {}, []
    for el in root.iter():
        kind = local(el.tag)
        if kind == "sheet":
            name = attr(el, "name")
            if name is not None:
                sheets.append((name, attr(el, NS_REL_ID) or ""))
        elif kind == "definedName":
            if attr(el, "localSheetId") is not None:
                continue
            name = (attr(el, "name") or "").strip()
            if not name or name[:6].lower() == "_xlnm.":
                continue
            key = name.lower()
            if key in names:
                dups.append(name)
                continue
            names[key] = el.text or ""
    seen: set[str] = set()
    for name, _ in sheets:
        if name.lower() in seen:  # Excel compares sheet names ignoring case: which one would a name mean?
            raise Refused(f"工作簿中有两个同名工作表“{name}”(文件被改动过),无法确定使用哪一个,未读取;"
                          "请在 Excel 中打开后另存再提交")
        seen.add(name.lower())
    return WorkbookInfo(tuple(names.items()), tuple(sheets), tuple(dict.fromkeys(dups)))


def relationship_targets(rels_xml: bytes, base: str = "xl/") -> tuple[tuple[str, str], ...]:
    """(relationship id, part name) of a relationships part."""
    root = parse_xml(rels_xml, "工作簿关系(workbook.xml.rels)")
    out = []
    for el in root.iter():
        if local(el.tag) != "Relationship":
            continue
        rid, target = attr(el, "Id"), attr(el, "Target")
        if rid and target and attr(el, "TargetMode") != "External":
            out.append((rid, target.lstrip("/") if target.startswith("/") else base + target))
    if len({rid for rid, _ in out}) != len(out):
        raise Refused("工作簿关系中有重复的编号(文件被改动过),无法确定工作表的内容,未读取;请在 Excel 中打开后另存再提交")
    return tuple(out)


def office_document(rels_xml: bytes) -> str | None:
    """The workbook part a package's root relationships name (officeDocument)."""
    root = parse_xml(rels_xml, "文件关系(_rels/.rels)")
    for el in root.iter():
        if local(el.tag) == "Relationship" and (attr(el, "Type") or "").endswith("/officeDocument"):
            target = attr(el, "Target") or ""
            return target.lstrip("/")
    return None


_ERROR_TYPES = b't="e"'


def error_cells(xml: bytes) -> dict[str, str]:
    """A1 → Excel error value (#N/A …) of the cells of a sheet part that hold one (calamine shows them blank)."""
    if _ERROR_TYPES not in xml and b"t='e'" not in xml:
        return {}
    root = parse_xml(xml, "工作表")
    out: dict[str, str] = {}
    for el in root.iter():
        ref = el.get("r")
        if local(el.tag) == "c" and el.get("t") == "e" and ref:
            v = next((x.text for x in el if local(x.tag) == "v"), None)
            out[ref] = v or "#VALUE!"
    return out


@functools.lru_cache(maxsize=64)
def percent_styles(styles_xml: bytes) -> frozenset[int]:
    """Indices of the cell formats (cellXfs) that show a number as a percentage (9, 10 or a custom '%')."""
    root = parse_xml(styles_xml, "样式(styles.xml)")
    custom = set()
    for el in root.iter():
        if local(el.tag) == "numFmt" and "%" in re.sub(r'"[^"]*"|\\.', "", attr(el, "formatCode") or ""):
            custom.add(attr(el, "numFmtId"))
    out = set()
    for el in root.iter():
        if local(el.tag) == "cellXfs":
            for i, xf in enumerate(x for x in el if local(x.tag) == "xf"):
                fmt = attr(xf, "numFmtId")
                if fmt in ("9", "10") or fmt in custom:
                    out.add(i)
            break
    return frozenset(out)


def cell_style(xml: bytes, ref: str) -> int | None:
    """The style index (s) of one cell of a sheet part, found by its r attribute."""
    at = xml.find(b'r="' + ref.encode() + b'"')
    if at < 0:
        return None
    start = xml.rfind(b"<", 0, at)
    end = xml.find(b">", at)
    m = re.search(rb'\ss="(\d+)"', xml[start:end])
    return int(m.group(1)) if m else None


# --- sheet extents -------------------------------------------------------------------------------------
# A cell that holds something: a <c …> start tag that is not self-closing (styled blanks are not read).
_FULL_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(?<!/)>')
_CELL_REF = re.compile(rb'\br="\$?([A-Za-z]{1,4})\$?(\d{1,9})"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b")


def col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) of the rectangle from A1 to the farthest cell that holds something.

    Cells without an r attribute (allowed, rare) count as one column each and their rows as rows:
    an upper bound, so a sheet is never judged smaller than the rectangle a reader allocates.
    """
    rows = cols = 0
    unnamed = 0
    for m in _FULL_CELL.finditer(xml):
        ref = _CELL_REF.search(m.group(1))
        if ref is None:
            unnamed += 1
            continue
        c, r = col_number(ref.group(1)), int(ref.group(2))
        if c > cols:
            cols = c
        if r > rows:
            rows = r
    if unnamed:
        rows = max(rows, len(_ROW_TAG.findall(xml)))
        cols = max(cols, unnamed)
    return rows, cols


# The quick look that clears an ordinary sheet without walking its cells: every cell tag starts with its
# r attribute (as Excel, WPS, XlsxWriter and openpyxl write it), no column of three or more letters
# (AAA = 703 on) and no row number of five or more digits: at most 702 × 9,999 cells (< MAX_SHEET_CELLS).
# Any other sheet is measured cell by cell. (What even that misses — tabs inside tags, cells without r —
# is left to the worker's isolation: a crash costs that file alone.)
_WIDE_OR_DEEP = re.compile(rb' r="(?:[A-Za-z]{3}|[A-Za-z]{0,2}\d{5})')
_R_NOT_FIRST = re.compile(rb'<c (?!r=")')


def _ordinary(xml: bytes) -> bool:
    return _R_NOT_FIRST.search(xml) is None and _WIDE_OR_DEEP.search(xml) is None


def check_extent(xml: bytes, sheet: str) -> None:
    if _ordinary(xml):
        return
    rows, cols = sheet_extent(xml)
    if rows * cols > MAX_SHEET_CELLS or rows > 1_048_576 or cols > 16_384:
        from xlsxwriter.utility import xl_col_to_name

        far = f"{xl_col_to_name(max(cols, 1) - 1)}{rows}" if cols <= 16_384 and rows <= 1_048_576 else "表格范围以外"
        raise Refused(f"工作表“{sheet}”的使用范围过大(有内容的单元格远至 {far},共约{rows * cols:,}个单元格),"
                      "不像单位填报表,未读取;请在 Excel 中删除多余的行列(或清除远处单元格的内容)后另存再提交",
                      sheet=sheet, cell=far if far[0].isalpha() and far.isascii() else "")
