"""Read one unit workbook by its workbook-level defined names: zip + XML + python-calamine, nothing executed.

The defined names are parsed from ``xl/workbook.xml`` (python-calamine has no defined-names API);
the cell values, cached formula results included, come from python-calamine. No macro, formula
or external link is ever run. Every failure becomes a Chinese :class:`Problem`, never an exception.
"""
from __future__ import annotations

import functools
import html
import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

from xlsxwriter.utility import xl_col_to_name

from .consolidate.model import Problem
from .inputs import shown
from .names import INPUTS, MASS_PREFIX, STAR_INPUTS, VOTE_PREFIX

RESULT_PREFIX = "result_"
RULES_TABLE = "rules_table"
SCHEME_ID = "scheme_id"
TEMPLATE_VERSION = "template_version"
SPECIAL = (RULES_TABLE, SCHEME_ID, TEMPLATE_VERSION)
MAX_BYTES = 200 * 2**20  # a unit workbook is tens of KB; a town's summary a few MB
MAX_SHEET_BYTES = 64 * 2**20  # one sheet's XML, unpacked (a unit's is under 100 KB)
MAX_UNPACKED_BYTES = 256 * 2**20  # the whole package, unpacked (zip bombs)
RAW_SHEET = "原始数据"  # a summary workbook's raw-inputs sheet (consolidate/rawdata.py)

_NAME_RE = re.compile(r"<(?:\w+:)?definedName\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?definedName>)", re.S)
_ATTR_RE = re.compile(r'([\w:]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_SHEET_RE = re.compile(r"<(?:\w+:)?sheet\b([^>]*?)/?>")
_REF_RE = re.compile(
    r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def wanted(name: str) -> bool:
    """The defined names a consolidation reads (inputs, ballots, stored results, rules)."""
    return (name in INPUTS or name in SPECIAL or name in STAR_NAMES
            or name.startswith((VOTE_PREFIX, MASS_PREFIX + VOTE_PREFIX, RESULT_PREFIX)))


# 双十星 workbooks (templates/stars_book.py): the star inputs, and two-dimensional ranges read as rows —
# the member table (an Excel table, found by its table name) and the member scheme's 规则 table.
TWO_D = {RULES_TABLE, "member_table", "member_rules_table"}
STAR_NAMES = set(STAR_INPUTS) | {"member_table", "member_star_names", "member_rules_table", "member_scheme_id"}
_TABLE_RE = re.compile(r"<(?:\w+:)?table\b([^>]*)>")


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
        text = zf.read(rels).decode("utf-8", "replace")
        for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*?)/?>", text):
            if not (_attr(m.group(1), "Type") or "").endswith("/table"):
                continue
            target = _attr(m.group(1), "Target") or ""
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            if target not in files:
                continue
            with zf.open(target) as f:  # the table's attributes open the part: never inflate it whole
                head = _TABLE_RE.search(f.read(4096).decode("utf-8", "replace"))
            name, ref = (_attr(head.group(1), "name"), _attr(head.group(1), "ref")) if head else (None, None)
            corners = re.fullmatch(r"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)", ref or "")
            if name and corners:
                c1, r1, c2, r2 = corners.groups()
                out.setdefault(name, f"'{sheet.replace(chr(39), chr(39) * 2)}'!${c1}${r1}:${c2}${r2}")
    return out


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass(frozen=True)
class Ref:
    """A rectangular range of one sheet, 0-based and inclusive."""

    sheet: str
    row1: int
    col1: int
    row2: int
    col2: int

    @property
    def single(self) -> bool:
        return self.row1 == self.row2 and self.col1 == self.col2

    @property
    def a1(self) -> str:
        first = f"{xl_col_to_name(self.col1)}{self.row1 + 1}"
        return first if self.single else f"{first}:{xl_col_to_name(self.col2)}{self.row2 + 1}"

    def cell(self, index: int) -> str:
        """A1 address of the index-th cell, row by row."""
        width = self.col2 - self.col1 + 1
        r, c = divmod(index, width)
        return f"{xl_col_to_name(self.col1 + c)}{self.row1 + r + 1}"

    @property
    def size(self) -> int:
        return (self.row2 - self.row1 + 1) * (self.col2 - self.col1 + 1)


@functools.lru_cache(maxsize=4096)  # the same template gives the same texts in every file
def parse_ref(text: str) -> Ref | None:
    """'自评表'!$E$5:$E$14, 规则!B2, 'It''s'!$A$1 → Ref; None for anything else (constants, #REF!, unions)."""
    m = _REF_RE.match(text.strip().lstrip("="))
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    c1, r1 = col_index(m.group(3)), int(m.group(4)) - 1
    if m.group(5):
        c2, r2 = col_index(m.group(5)), int(m.group(6)) - 1
    else:
        c2, r2 = c1, r1
    if r1 < 0 or r2 < 0:
        return None
    return Ref(sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def defined_names(workbook_xml: str) -> tuple[dict[str, str], list[str]]:
    """Workbook-level defined names (name → formula text) and the sheet names, in order.

    Sheet-local names (localSheetId) and Excel's own _xlnm.* names are left out; the first of
    a name defined twice wins.
    """
    names, sheets = _parse_once(_parse_workbook, workbook_xml)
    return dict(names), list(sheets)


# Files made from one template carry the same workbook.xml (and relationships): parse each distinct
# text once. The key is the whole text, so a part that differs in any byte is parsed afresh.
CACHED_PART_CHARS = 1 << 18  # larger texts (never a template's) are parsed without being kept


def _parse_once(parse, *texts: str):
    """parse(*texts) through its cache; texts too large to keep bypass it."""
    if sum(map(len, texts)) > CACHED_PART_CHARS:
        return parse.__wrapped__(*texts)
    return parse(*texts)


@functools.lru_cache(maxsize=64)
def _parse_workbook(workbook_xml: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    sheets = []
    for m in _SHEET_RE.finditer(workbook_xml):
        name = _attr(m.group(1), "name")
        if name is not None:
            sheets.append(name)
    names: dict[str, str] = {}
    for m in _NAME_RE.finditer(workbook_xml):
        attrs = m.group(1)
        if "localSheetId" in attrs:
            continue
        name = _attr(attrs, "name")
        if not name or name[:6].lower() == "_xlnm.":
            continue
        text = m.group(2) or ""
        names.setdefault(name, html.unescape(text) if "&" in text else text)
    return tuple(names.items()), tuple(sheets)


def sheet_parts(zf: zipfile.ZipFile, workbook_xml: str) -> dict[str, str]:
    """Sheet name → its part in the package (xl/worksheets/sheet1.xml), by the workbook's relationships."""
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    return dict(_parse_once(_parse_sheet_parts, rels, workbook_xml))


@functools.lru_cache(maxsize=64)  # keyed by both whole texts, like _parse_workbook
def _parse_sheet_parts(rels: str, workbook_xml: str) -> tuple[tuple[str, str], ...]:
    targets = {}
    for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*?)/?>", rels):
        rid, target = _attr(m.group(1), "Id"), _attr(m.group(1), "Target")
        if rid and target:
            targets[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for m in _SHEET_RE.finditer(workbook_xml):
        name, rid = _attr(m.group(1), "name"), _attr(m.group(1), "id")
        if name is not None and rid in targets:
            out[name] = targets[rid]
    return tuple(out.items())


_ERROR_CELL_RE = re.compile(rb'<(?:\w+:)?c\b(?=[^>]*\bt="e")[^>]*\br="([A-Z]+\d+)"[^>]*>(.*?)</(?:\w+:)?c>', re.S)
_V_RE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def error_cells(xml: bytes) -> dict[str, str]:
    """A1 → Excel error value (#N/A …) of the cells of a sheet part that hold one (calamine shows them blank)."""
    if b't="e"' not in xml:
        return {}
    out = {}
    for m in _ERROR_CELL_RE.finditer(xml):
        v = _V_RE.search(m.group(2))
        out[m.group(1).decode()] = html.unescape(v.group(1).decode("utf-8", "replace")) if v else "#VALUE!"
    return out


def _attr(attrs: str, key: str) -> str | None:
    for k, a, b in _ATTR_RE.findall(attrs):
        if k == key or k.endswith(":" + key):
            value = a or b
            return html.unescape(value) if "&" in value else value
    return None


@dataclass
class UnitFile:
    """What one unit workbook holds, read by its defined names; where each value came from."""

    path: str  # as opened
    rel: str  # relative to the input folder: what the clerk sees in 问题清单
    mtime: float = 0.0
    values: dict[str, Any] = field(default_factory=dict)  # one cell → value; a column/row → list; 2-D → rows
    refs: dict[str, Ref] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every workbook-level defined name found
    sheets: list[str] = field(default_factory=list)
    raw_units: list[tuple[dict[str, Any], str, int]] | None = None  # a summary's 原始数据 rows
    raw_scheme_id: str | None = None
    source_format: str = ""  # set by legacy_reader: the format of a .xls/.ods/.et file and how it was read

    @property
    def failed(self) -> bool:
        return any(p.severity == "错误" for p in self.problems)

    def inputs(self, allowed) -> dict[str, Any]:
        """The raw inputs keyed by the names contract, for the names in `allowed` that were read."""
        return {k: v for k, v in self.values.items() if k in allowed}

    @property
    def results(self) -> dict[str, Any]:
        return {k: v for k, v in self.values.items() if k.startswith(RESULT_PREFIX)}

    @property
    def rules_rows(self) -> list[list[Any]] | None:
        rows = self.values.get(RULES_TABLE)
        return rows if isinstance(rows, list) else None

    @property
    def scheme_id(self) -> Any:
        return self.values.get(SCHEME_ID)

    @property
    def template_version(self) -> Any:
        return self.values.get(TEMPLATE_VERSION)

    def where(self, name: str, index: int | None = None) -> tuple[str, str]:
        """(sheet, A1 cell) of a name, or of its index-th cell; ("", name) when unknown."""
        ref = self.refs.get(name)
        if ref is None:
            return "", name
        if index is not None and 0 <= index < ref.size:
            return ref.sheet, ref.cell(index)
        return ref.sheet, ref.a1

    def problem(self, reason: str, *, name: str | None = None, index: int | None = None, value: Any = "",
                severity: str = "错误") -> Problem:
        sheet, cell = self.where(name, index) if name else ("", "")
        p = Problem(file=self.rel, sheet=sheet, cell=cell, value=shown(value), reason=reason, severity=severity)
        self.problems.append(p)
        return p


def _file_problem(data: bytes) -> str | None:
    """Why these bytes are not an xlsx/xlsm package; None when they look like one."""
    if not data:
        return "文件为空(0字节),请重新提交"
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return None
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if _ENCRYPTED in data:
            return "文件设置了打开密码(已加密),无法读取;请去掉密码后重新提交"
        return "这是旧版 Excel 97-2003(.xls)格式的文件,只是扩展名为 .xlsx;请在 Excel 中“另存为”Excel 工作簿(.xlsx)后重新提交"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        return "这是网页/XML 文本文件,不是 Excel 工作簿;请在 Excel 中“另存为”Excel 工作簿(.xlsx)后重新提交"
    return "不是有效的 Excel 工作簿(.xlsx/.xlsm),文件可能已损坏或扩展名被改过"


def _workbook_part(zf: zipfile.ZipFile) -> str | None:
    try:
        return zf.read("xl/workbook.xml").decode("utf-8", "replace")
    except KeyError:
        pass
    try:  # a package whose workbook part has another name: follow the root relationship
        rels = zf.read("_rels/.rels").decode("utf-8", "replace")
    except KeyError:
        return None
    m = re.search(r'Target="/?([^"]*)"[^>]*Type="[^"]*/officeDocument"', rels) or \
        re.search(r'Type="[^"]*/officeDocument"[^>]*Target="/?([^"]*)"', rels)
    if not m:
        return None
    try:
        return zf.read(m.group(1)).decode("utf-8", "replace")
    except KeyError:
        return None


def read_unit(path: str | os.PathLike, rel: str | None = None, *, want: Callable[[str], bool] = wanted,
              tables: frozenset[str] = frozenset({RULES_TABLE})) -> UnitFile:
    """Read one workbook; never raises (an unexpected failure becomes a Problem too).

    `want` picks the defined names to read (default: a unit workbook's); `tables` are read as rows (2-D)."""
    path = os.fspath(path)
    unit = UnitFile(path=path, rel=rel if rel is not None else path)
    try:
        _read(unit, want, tables)
    except (zipfile.BadZipFile, zlib.error, EOFError, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError,
            struct.error):  # what zipfile raises on damaged headers, offsets and streams
        unit.values.clear()
        unit.problem("文件已损坏(压缩包内容有误,可能未传输完整),无法读取;请重新提交")
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop a county's consolidation
        unit.values.clear()
        unit.problem(f"读取文件时发生意外错误({type(exc).__name__}:{exc}),请在 Excel 中打开检查后另存再提交")
    return unit


def _read(unit: UnitFile, want: Callable[[str], bool] = wanted, tables: frozenset[str] = frozenset({RULES_TABLE})) -> None:
    try:
        with open(unit.path, "rb") as f:
            st = os.fstat(f.fileno())
            unit.mtime = st.st_mtime
            if st.st_size > MAX_BYTES:
                unit.problem(f"文件过大({st.st_size / 2**20:.0f} MB),不像单位填报表(通常不到1 MB),未读取;"
                             "请删除其中的图片等内容后重新提交")
                return
            data = f.read()
    except PermissionError:
        unit.problem("文件无法打开(没有读取权限,或正被其他程序独占打开);请关闭该文件后重新汇总")
        return
    except OSError as exc:
        unit.problem(f"文件无法打开:{exc.strerror or exc}")
        return
    from . import legacy_reader  # .xls/.ods/.et: read by legacy_reader.py

    if legacy_reader.handles(unit.path) or legacy_reader.is_xls_inside(data):
        legacy_reader.read(unit, data)
        return
    why = _file_problem(data)
    if why:
        unit.problem(why)
        return
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        workbook_xml = _workbook_part(zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError):
        unit.problem("文件已损坏(不是完整的 xlsx 压缩包),可能未传输完整;请重新提交")
        return
    except (ValueError, zipfile.error):
        unit.problem("文件已损坏(压缩包内容无法解压);请重新提交")
        return
    if workbook_xml is None:
        unit.problem("不是 Excel 工作簿(压缩包中没有工作簿内容),可能是其他 Office 文件改了扩展名")
        return
    names, unit.sheets = defined_names(workbook_xml)
    unit.names = list(names)

    parts = sheet_parts(zf, workbook_xml)
    for name, text in table_names(zf, parts).items():  # Excel tables are workbook-level names too
        names.setdefault(name, text)
    refs: dict[str, Ref] = {}
    for name, text in names.items():
        if not want(name):
            continue
        ref = parse_ref(text)
        if ref is None:
            unit.problem(_bad_ref_reason(name, text), value=text)
            unit.problems[-1].cell = name
            continue
        refs[name] = ref
    unit.refs = refs

    needed = {ref.sheet for ref in refs.values()} or ({RAW_SHEET} & set(unit.sheets))
    try:
        infos = {i.filename: i for i in zf.infolist()}
    except Exception:  # noqa: BLE001
        infos = {}
    total = sum(i.file_size for i in infos.values())
    big = [(name, infos[parts[name]].file_size) for name in needed if parts.get(name) in infos
           and infos[parts[name]].file_size > MAX_SHEET_BYTES]
    if big or total > MAX_UNPACKED_BYTES:
        what = f"工作表“{big[0][0]}”解压后{big[0][1] / 2**20:.0f} MB" if big else f"解压后共{total / 2**20:.0f} MB"
        unit.problem(f"文件过大({what}),不像单位填报表,未读取(可能是异常的压缩文件)")
        return
    errors: dict[str, dict[str, str]] = {}
    # Unpack here first what calamine will unpack: zipfile stops at the size the package declares and
    # checks the CRC, so a forged size (a zip bomb in disguise) is refused before calamine inflates it.
    forged = [i.filename for i in infos.values() if i.compress_size > i.file_size + 4096]
    if forged:  # deflate never grows data like this: the declared size is a lie
        unit.problem(f"文件已损坏(“{forged[0]}”解压后大小与记录不符,可能是异常的压缩文件),无法读取;请重新提交")
        return
    for name in sorted(needed):
        part = parts.get(name)
        if part not in infos:
            continue
        try:
            xml = _read_part(zf, part)
        except Exception:  # noqa: BLE001 - bad CRC, forged sizes …
            unit.problem(f"文件已损坏(“{name}”的压缩内容有误,或解压后大小与记录不符),无法读取;请重新提交")
            return
        errors[name] = error_cells(xml)

    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine's own error types vary by version
        unit.problem(_calamine_reason(exc))
        return
    try:
        if not refs:
            if RAW_SHEET in unit.sheets:
                _read_raw_sheet(unit, wb)
            return
        grids: dict[str, tuple[list[list[Any]], int, int] | None] = {}
        for name, ref in list(refs.items()):
            if ref.sheet not in grids:
                grids[ref.sheet] = _grid(wb, ref.sheet)
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
            unit.values[name] = _values(grid, ref, name in tables or name in TWO_D, errors.get(ref.sheet))
    finally:
        wb.close()


def _read_part(zf: zipfile.ZipFile, part: str, chunk: int = 1 << 20) -> bytes:
    """A part unpacked 1 MB at a time (zf.read would inflate a forged member whole before checking it)."""
    out = []
    with zf.open(part) as f:
        while True:
            data = f.read(chunk)
            if not data:
                return b"".join(out)
            out.append(data)


def _bad_ref_reason(name: str, text: str) -> str:
    if "#REF!" in text.upper():
        return f"定义名称 {name} 指向的单元格已被删除(#REF!),请使用未改动结构的模板重新填报"
    if "[" in text:
        return f"定义名称 {name} 指向其他工作簿(外部链接),不予读取"
    if "," in text:
        return f"定义名称 {name} 指向多个区域,无法读取"
    return f"定义名称 {name} 不是单元格区域(内容为“{text}”),无法读取"


def _calamine_reason(exc: Exception) -> str:
    kind = type(exc).__name__
    if kind == "PasswordError":
        return "文件设置了打开密码(已加密),无法读取;请去掉密码后重新提交"
    return "文件内容无法解析(可能已损坏或不是 Excel 工作簿),请在 Excel 中打开检查后另存为 .xlsx 再提交"


def _grid(wb, sheet: str) -> tuple[list[list[Any]], int, int] | None:
    try:
        ws = wb.get_sheet_by_name(sheet)
    except Exception:  # noqa: BLE001 - WorksheetNotFound, or a chart sheet
        return None
    rows = ws.to_python()
    start = ws.start or (0, 0)
    return rows, start[0], start[1]


def _values(grid: tuple[list[list[Any]], int, int], ref: Ref, two_d: bool, errors: dict[str, str] | None = None) -> Any:
    rows, r0, c0 = grid
    out = []
    for r in range(ref.row1, ref.row2 + 1):
        i = r - r0
        row = rows[i] if 0 <= i < len(rows) else ()
        line = []
        for c in range(ref.col1, ref.col2 + 1):
            j = c - c0
            v = row[j] if 0 <= j < len(row) else None
            if v == "" and errors:  # calamine shows an Excel error (#N/A …) as blank
                v = errors.get(f"{xl_col_to_name(c)}{r + 1}", "")
            line.append(None if v == "" else v)
        out.append(line)
    if two_d:
        return out
    if ref.single:
        return out[0][0]
    return [v for line in out for v in line]


def _read_raw_sheet(unit: UnitFile, wb) -> None:
    """A town's summary workbook among the unit files: its 原始数据 rows are units, re-scored like unit files.

    Layout (consolidate/rawdata.py): A1 holds the marker, a row of keys (org_name …) heads the data rows.
    """
    from .consolidate import rawdata

    grid = _grid(wb, RAW_SHEET)
    if grid is None:
        return
    rows, r0, c0 = grid
    full = [[None] * c0 + [None if v == "" else v for v in row] for row in rows]
    full = [[] for _ in range(r0)] + full
    if not full or not full[0] or str(full[0][0] or "").strip() != rawdata.MARKER:
        return
    for k, row in enumerate(full):
        if "org_name" in row:
            keys = ["" if v is None else str(v).strip() for v in row]
            data = [list(r) + [None] * (len(keys) - len(r)) for r in full[k + 1:]]
            unit.raw_units = rawdata.from_rows(keys, data)
            break
    for row in full[:3]:  # the scheme id, when the sheet names it: a cell "scheme" followed by the id
        for i, v in enumerate(row[:-1]):
            if v == "scheme" and row[i + 1]:
                unit.raw_scheme_id = str(row[i + 1]).strip()
