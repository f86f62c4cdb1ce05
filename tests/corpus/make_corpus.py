"""A corpus of broken and odd unit files, as clerks really send them, generated at test time.

``make_corpus(dest)`` writes every case under ``dest`` and returns the list of :class:`Case`:
which file(s) each case made, what is wrong with them and what the consolidation must do —
rate the unit (exactly as ``score_unit`` rates ``Case.inputs``) or refuse it, and which 问题清单
row (file, sheet, cell, value, Chinese reason) must name it. Nothing is a stored binary blob:
every file is built here from the real template builder (``build_unit_workbook``) and then
damaged at the byte, zip or XML level, the way Excel, WPS, a mail client or a USB stick does.

Run it by hand to look at the files:  python tests/corpus/make_corpus.py /tmp/corpus
"""
from __future__ import annotations

import io
import os
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

# Reasons a reader may give for a file it cannot open at all (any one will do).
UNREADABLE = ("损坏", "无法打开", "无法读取", "不是有效", "不是 Excel", "不是Excel", "格式", "不完整", "不能打开", "不能读取")
NOT_A_UNIT = ("填报表", "模板", "定义名称", "名称", "不是", "无法识别")


@dataclass
class Case:
    """One kind of bad or odd input and what the consolidation must make of it."""

    name: str  # short id, e.g. "zip_bomb"
    files: list[str]  # posix paths relative to the corpus root (the files or folders this case made)
    what: str  # what is wrong, for the report
    rated: bool | None  # True: every file of the case is rated; False: none is; None: not prescribed
    report: str = "must"  # "must": a 问题清单 row names each file; "may"; "none": no row names it
    reasons: tuple[tuple[str, ...], ...] = ()  # each tuple: alternatives, one must be in the row's reason
    sheet: str | None = None  # the sheet the row must name
    cell: tuple[str, ...] = ()  # the row's cell must be one of these (A1 reference or defined name)
    value: str | None = None  # the row's value must contain this
    inputs: list[dict[str, Any] | None] = field(default_factory=list)  # per file: what score_unit must rate
    org_names: list[str | None] = field(default_factory=list)  # per file: the org name in 一览表 (rated files)
    counted_once: bool = False  # the case's rated unit must appear exactly once (symlink loops)
    bounded: bool = False  # must be refused quickly and without much memory (bombs)
    skip: str = ""  # non-empty: why this case cannot be checked here (e.g. running as root)
    note: str = ""

    @property
    def must_rate(self) -> bool:
        return self.rated is True and not self.skip


# --- workbook parts: read a zip into {name: bytes} and write it back ---------------------------------
def read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _text(parts: dict[str, bytes], name: str) -> str:
    return parts[name].decode("utf-8")


def _put(parts: dict[str, bytes], name: str, text: str) -> None:
    parts[name] = text.encode("utf-8")


def defined_names(parts: dict[str, bytes]) -> dict[str, str]:
    """Workbook-level defined names → their formula text ('自评表'!$D$5:$D$14)."""
    root = ET.fromstring(parts["xl/workbook.xml"])
    out = {}
    for dn in root.iter(f"{{{NS_MAIN}}}definedName"):
        if dn.get("localSheetId") is None:
            out[dn.get("name")] = dn.text or ""
    return out


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → its part (xl/worksheets/sheet1.xml), in workbook order."""
    root = ET.fromstring(parts["xl/workbook.xml"])
    rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}
    out = {}
    for sh in root.iter(f"{{{NS_MAIN}}}sheet"):
        target = targets[sh.get(f"{{{NS_REL}}}id")]
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out[sh.get("name")] = target
    return out


_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$")


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def name_cells(parts: dict[str, bytes], name: str) -> tuple[str, list[str]]:
    """(sheet, [A1 refs]) of a defined name (a cell or a one-column/one-row range)."""
    m = _REF.match(defined_names(parts)[name].strip())
    if not m:
        raise ValueError(f"unexpected reference for {name}: {defined_names(parts)[name]}")
    sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
    c1, r1 = col_number(m.group(3)), int(m.group(4))
    c2, r2 = (col_number(m.group(5)), int(m.group(6))) if m.group(5) else (c1, r1)
    return sheet, [f"{col_letters(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _split_ref(ref: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)$", ref)
    return col_number(m.group(1)), int(m.group(2))


def cell_xml(ref: str, value: Any, style: str | None, kind: str | None = None) -> str:
    """A <c> element: number, inline string, bool, error ('#N/A' with kind='e'), blank (None),
    or a formula with a cached value (kind='f': value = (formula, cached number))."""
    s = f' s="{style}"' if style else ""
    if kind == "raw":  # a number literal written as is (NaN, INF, 1e308 …)
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if kind == "e":
        return f'<c r="{ref}"{s} t="e"><v>{escape(value)}</v></c>'
    if kind == "f":
        formula, cached = value
        return f'<c r="{ref}"{s}><f>{escape(formula)}</f><v>{cached}</v></c>'
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


_CELL = re.compile(r'<c r="(?P<ref>[A-Z]+\d+)"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)', re.S)


def set_cell(parts: dict[str, bytes], sheet: str, ref: str, value: Any, kind: str | None = None,
             style: str | None = "keep") -> None:
    """Write one cell of a sheet in place (the rest of the XML untouched), creating it if absent."""
    part = sheet_parts(parts)[sheet]
    xml = _text(parts, part)
    for m in _CELL.finditer(xml):
        if m.group("ref") == ref:
            old = re.search(r'\ss="(\d+)"', m.group("attrs"))
            keep = old.group(1) if old else None
            new = cell_xml(ref, value, keep if style == "keep" else style, kind)
            _put(parts, part, xml[:m.start()] + new + xml[m.end():])
            return
    col, row = _split_ref(ref)
    new = cell_xml(ref, value, None if style == "keep" else style, kind)
    rm = re.search(rf'<row r="{row}"[^>]*?(/>|>(.*?)</row>)', xml, re.S)
    if rm:
        if rm.group(1) == "/>":
            row_xml = rm.group(0)[:-2] + ">" + new + "</row>"
        else:
            cells = list(_CELL.finditer(rm.group(0)))
            at = next((c.start() for c in cells if _split_ref(c.group("ref"))[0] > col), None)
            body = rm.group(0)
            if at is None:
                at = body.rindex("</row>")
            row_xml = body[:at] + new + body[at:]
        _put(parts, part, xml[:rm.start()] + row_xml + xml[rm.end():])
        return
    rows = [(int(r.group(1)), r.start()) for r in re.finditer(r'<row r="(\d+)"', xml)]
    at = next((start for n, start in rows if n > row), None)
    if at is None:
        at = xml.index("</sheetData>") if "</sheetData>" in xml else None
    if at is None:  # <sheetData/>
        xml = xml.replace("<sheetData/>", f'<sheetData><row r="{row}">{new}</row></sheetData>')
        _put(parts, part, xml)
        return
    _put(parts, part, xml[:at] + f'<row r="{row}">{new}</row>' + xml[at:])


def set_name(parts: dict[str, bytes], name: str, value: Any, kind: str | None = None, index: int = 0) -> tuple[str, str]:
    """Write the cell (or the index-th cell of the range) of a defined name; returns (sheet, ref)."""
    sheet, refs = name_cells(parts, name)
    set_cell(parts, sheet, refs[index], value, kind)
    return sheet, refs[index]


def shared_strings_to_inline(parts: dict[str, bytes]) -> None:
    """What WPS and some generators write: every text cell an inline string, no sharedStrings part."""
    if "xl/sharedStrings.xml" not in parts:
        return
    root = ET.fromstring(parts["xl/sharedStrings.xml"])
    strings = []
    for si in root.iter(f"{{{NS_MAIN}}}si"):
        strings.append("".join(t.text or "" for t in si.iter(f"{{{NS_MAIN}}}t")))
    for part in list(parts):
        if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
            continue
        xml = _text(parts, part)

        def inline(m: re.Match) -> str:
            attrs = m.group("attrs")
            if 't="s"' not in attrs:
                return m.group(0)
            v = re.search(r"<v>(\d+)</v>", m.group("body") or "")
            text = strings[int(v.group(1))] if v else ""
            attrs = attrs.replace('t="s"', 't="inlineStr"')
            return f'<c r="{m.group("ref")}"{attrs}><is><t xml:space="preserve">{escape(text)}</t></is></c>'

        _put(parts, part, _CELL.sub(inline, xml))
    del parts["xl/sharedStrings.xml"]
    rels = _text(parts, "xl/_rels/workbook.xml.rels")
    _put(parts, "xl/_rels/workbook.xml.rels", re.sub(r'<Relationship [^>]*Target="sharedStrings.xml"[^>]*/>', "", rels))
    ct = _text(parts, "[Content_Types].xml")
    _put(parts, "[Content_Types].xml", re.sub(r'<Override PartName="/xl/sharedStrings.xml"[^>]*/>', "", ct))


def drop_name(parts: dict[str, bytes], name: str) -> None:
    xml = _text(parts, "xl/workbook.xml")
    new = re.sub(rf'<definedName name="{re.escape(name)}"[^>]*>[^<]*</definedName>', "", xml)
    assert new != xml, name
    _put(parts, "xl/workbook.xml", new)


def drop_sheet(parts: dict[str, bytes], sheet: str) -> None:
    """Delete a sheet as Excel does: the part goes, names that pointed into it become #REF!."""
    part = sheet_parts(parts)[sheet]
    xml = _text(parts, "xl/workbook.xml")
    m = re.search(rf'<sheet name="{re.escape(escape(sheet))}"[^>]*?r:id="(rId\d+)"[^>]*/>', xml)
    rid = m.group(1)
    xml = xml[:m.start()] + xml[m.end():]
    quoted = re.escape(f"'{sheet}'!") + "|" + re.escape(f"{sheet}!")
    xml = re.sub(rf"(<definedName [^>]*>)(?:{quoted})[^<]*(</definedName>)", r"\1#REF!\2", xml)
    _put(parts, "xl/workbook.xml", xml)
    rels = _text(parts, "xl/_rels/workbook.xml.rels")
    _put(parts, "xl/_rels/workbook.xml.rels", re.sub(rf'<Relationship Id="{rid}"[^>]*/>', "", rels))
    ct = _text(parts, "[Content_Types].xml")
    _put(parts, "[Content_Types].xml", re.sub(rf'<Override PartName="/{re.escape(part)}"[^>]*/>', "", ct))
    del parts[part]
    rel_part = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    parts.pop(rel_part, None)
    # sheet-scoped names (print areas …) index sheets by position: drop them rather than renumber
    _put(parts, "xl/workbook.xml", re.sub(r'<definedName [^>]*localSheetId="\d+"[^>]*>[^<]*</definedName>', "",
                                          _text(parts, "xl/workbook.xml")))
    app = "docProps/app.xml"
    if app in parts:  # keep the document properties believable; readers do not use them
        _put(parts, app, _text(parts, app).replace(f"<vt:lpstr>{escape(sheet)}</vt:lpstr>", ""))


def rename_sheet(parts: dict[str, bytes], old: str, new: str) -> None:
    """Rename a sheet as Excel does: the defined names follow it."""
    xml = _text(parts, "xl/workbook.xml")
    xml = xml.replace(f'<sheet name="{escape(old)}"', f'<sheet name="{escape(new)}"')
    xml = xml.replace(f"'{old}'!", f"'{new}'!").replace(f">{old}!", f">'{new}'!")
    _put(parts, "xl/workbook.xml", xml)


def hide_sheet(parts: dict[str, bytes], sheet: str, state: str = "hidden") -> None:
    xml = _text(parts, "xl/workbook.xml")
    new = xml.replace(f'<sheet name="{escape(sheet)}"', f'<sheet name="{escape(sheet)}" state="{state}"', 1)
    assert new != xml
    _put(parts, "xl/workbook.xml", new)


def add_number_style(parts: dict[str, bytes], num_fmt_id: int) -> str:
    """Append a cellXfs entry with a built-in number format (9 = 0%, 14 = m/d date); returns its index."""
    xml = _text(parts, "xl/styles.xml")
    m = re.search(r'<cellXfs count="(\d+)">', xml)
    n = int(m.group(1))
    xml = xml.replace(m.group(0), f'<cellXfs count="{n + 1}">', 1)
    end = xml.index("</cellXfs>")
    xml = (xml[:end] + f'<xf numFmtId="{num_fmt_id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           + xml[end:])
    _put(parts, "xl/styles.xml", xml)
    return str(n)


# --- files that are not zips at all ------------------------------------------------------------------
OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def ole2_header_file(n_sectors: int = 8) -> bytes:
    """The start of a Compound File Binary (legacy .xls, encrypted OOXML): header + empty sectors."""
    header = bytearray(512)
    header[:8] = OLE2_MAGIC
    header[0x18:0x1A] = (0x003E).to_bytes(2, "little")  # minor version
    header[0x1A:0x1C] = (0x0003).to_bytes(2, "little")  # major version 3 (512-byte sectors)
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")  # little-endian
    header[0x1E:0x20] = (9).to_bytes(2, "little")  # sector shift: 512
    header[0x20:0x22] = (6).to_bytes(2, "little")  # mini sector shift: 64
    header[0x2C:0x30] = (1).to_bytes(4, "little")  # one FAT sector
    header[0x30:0x34] = (1).to_bytes(4, "little")  # directory starts at sector 1
    header[0x38:0x3C] = (4096).to_bytes(4, "little")  # mini stream cutoff
    header[0x3C:0x40] = (0xFFFFFFFE).to_bytes(4, "little")  # no mini FAT
    header[0x44:0x48] = (0xFFFFFFFE).to_bytes(4, "little")  # no DIFAT sectors
    header[0x4C:0x50] = (0).to_bytes(4, "little")  # DIFAT[0]: FAT at sector 0
    header[0x50:0x200] = b"\xff" * (0x200 - 0x50)
    body = bytearray(512 * max(2, n_sectors))
    # FAT: sector 0 is the FAT itself, sector 1 the (empty) directory chain end
    body[0:4] = (0xFFFFFFFD).to_bytes(4, "little")
    body[4:8] = (0xFFFFFFFE).to_bytes(4, "little")
    body[8:512] = b"\xff" * 504
    # directory sector: one root entry "Root Entry" and a "Workbook" stream name, like BIFF8
    root = "Root Entry".encode("utf-16-le") + b"\0\0"
    body[512:512 + len(root)] = root
    body[512 + 0x40:512 + 0x42] = len(root).to_bytes(2, "little")
    body[512 + 0x42] = 5  # root storage
    wb = "Workbook".encode("utf-16-le") + b"\0\0"
    body[640:640 + len(wb)] = wb
    body[640 + 0x40:640 + 0x42] = len(wb).to_bytes(2, "little")
    body[640 + 0x42] = 2  # stream
    return bytes(header + body)


def office_lock_file(user: str = "张三") -> bytes:
    """What Excel leaves next to an open workbook (~$name.xlsx): owner name, padded, 165 bytes."""
    name = user.encode("gbk")[:53]
    data = bytes([len(user)]) + name + b" " * (54 - len(name))
    data += bytes([len(user), 0]) + user.encode("utf-16-le")
    return (data + b"\x20\x00" * 80)[:165]


def apple_double(name: str) -> bytes:
    """A macOS resource-fork file (__MACOSX/._name) as left by unzipping an archive made on a Mac."""
    magic = (0x00051607).to_bytes(4, "big") + (0x00020000).to_bytes(4, "big") + b"Mac OS X        "
    return magic + (2).to_bytes(2, "big") + b"\0" * 64 + name.encode("utf-8") + b"\0" * 200


def bomb_sheet_part(path: Path, parts: dict[str, bytes], sheet_part: str, size_mb: int) -> None:
    """Write the workbook with `sheet_part` replaced by ~size_mb of dense, well-formed rows.

    Streamed into the zip (never held in memory); deflate squeezes it ~400:1.
    """
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><sheetData>').encode()
    row = ("<row>" + "<c><v>1</v></c>" * 100 + "</row>").encode()
    block = row * 1000
    blocks = size_mb * 1024 * 1024 // len(block) + 1
    tail = b"</sheetData></worksheet>"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            if name != sheet_part:
                z.writestr(name, data)
                continue
            with z.open(name, "w", force_zip64=True) as f:
                f.write(head)
                for _ in range(blocks):
                    f.write(block)
                f.write(tail)


def forge_sizes(path: Path, member: str, fake_size: int) -> None:
    """Rewrite the uncompressed size of `member` in both the local header and the central directory
    (a bomb that lies about its size; the CRC stays the real one)."""
    data = bytearray(path.read_bytes())
    target = member.encode()
    # local file header: PK\3\4 ... size fields at +22 (compressed +18), name at +30
    i = 0
    while True:
        i = data.find(b"PK\x03\x04", i)
        if i < 0:
            break
        n = int.from_bytes(data[i + 26:i + 28], "little")
        m = int.from_bytes(data[i + 28:i + 30], "little")
        if data[i + 30:i + 30 + n] == target:
            _forge_zip64(data, i + 30 + n, m, fake_size, local=True)
            if int.from_bytes(data[i + 22:i + 26], "little") != 0xFFFFFFFF:
                data[i + 22:i + 26] = fake_size.to_bytes(4, "little")
        i += 4
    i = 0
    while True:
        i = data.find(b"PK\x01\x02", i)
        if i < 0:
            break
        n = int.from_bytes(data[i + 28:i + 30], "little")
        m = int.from_bytes(data[i + 30:i + 32], "little")
        if data[i + 46:i + 46 + n] == target:
            if int.from_bytes(data[i + 24:i + 28], "little") == 0xFFFFFFFF:
                _forge_zip64(data, i + 46 + n, m, fake_size, local=False)
            else:
                data[i + 24:i + 28] = fake_size.to_bytes(4, "little")
        i += 4
    path.write_bytes(bytes(data))


def _forge_zip64(data: bytearray, extra_at: int, extra_len: int, fake: int, local: bool) -> None:
    j = extra_at
    while j < extra_at + extra_len:
        tag = int.from_bytes(data[j:j + 2], "little")
        size = int.from_bytes(data[j + 2:j + 4], "little")
        if tag == 1 and size >= 8:
            data[j + 4:j + 12] = fake.to_bytes(8, "little")  # first field: uncompressed size
            return
        j += 4 + size


# --- the corpus ------------------------------------------------------------------------------------
def _good_units(n: int, scheme: str = "five_star", seed: int = 7) -> list[tuple[str, dict[str, Any]]]:
    """n demo units whose rating raises no remark (no survey problem, no half-filled review)."""
    from xlsx_addin import load_scheme, score_unit
    from xlsx_addin.jobs.demo.county import generate_county

    sch = load_scheme(scheme)
    out, names = [], set()
    for rel, values in generate_county(max(80, 8 * n), sch, seed=seed):
        r = score_unit(sch, values)
        if r.notes or r.survey.problem or values["org_name"] in names:
            continue
        names.add(values["org_name"])
        out.append((rel, values))
        if len(out) == n:
            break
    return out


def make_corpus(dest: Path, *, good: int = 4, bomb_mb: int = 300) -> list[Case]:
    """Write the corpus under dest (created; must be empty or absent) and return its cases."""
    from xlsx_addin import load_scheme, score_unit
    from xlsx_addin.templates import build_unit_workbook

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    scheme = load_scheme("five_star")
    pool = iter(_good_units(good + 120))
    cases: list[Case] = []

    def values() -> dict[str, Any]:
        return dict(next(pool)[1])

    def build(rel: str, vals: dict[str, Any], sch=scheme) -> Path:
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name("_build_" + str(abs(hash(rel))) + ".xlsx")
        build_unit_workbook(tmp, sch, vals)
        os.replace(tmp, path)
        return path

    def edit(rel: str, vals: dict[str, Any], change: Callable[[dict[str, bytes]], Any], out_rel: str | None = None):
        """Build rel from vals, apply change(parts) to its zip parts, write it to out_rel (default rel)."""
        path = build(rel, vals)
        parts = read_parts(path)
        result = change(parts)
        out = dest / (out_rel or rel)
        if out != path:
            path.unlink()
        write_parts(out, parts)
        return result

    def add(case: Case) -> None:
        cases.append(case)

    # --- good units (reference: rated exactly as score_unit rates them) ---------------------------
    good_files, good_inputs = [], []
    for i in range(good):
        v = values()
        rel = f"正常单位/good_{i + 1}.xlsx"
        build(rel, v)
        good_files.append(rel)
        good_inputs.append(v)
    add(Case("good", good_files, "well-filled units built by the template builder", True, "none",
             inputs=good_inputs, org_names=[v["org_name"] for v in good_inputs]))

    # --- not workbooks at all -----------------------------------------------------------------------
    (dest / "坏文件").mkdir()
    (dest / "坏文件/empty.xlsx").write_bytes(b"")
    add(Case("empty_file", ["坏文件/empty.xlsx"], "a 0-byte file (mail attachment lost)", False,
             reasons=(("空",) + UNREADABLE,)))

    (dest / "坏文件/text_renamed.xlsx").write_text("党组织名称,党员总数\n第一支部,30\n", encoding="gbk")
    add(Case("not_a_zip", ["坏文件/text_renamed.xlsx"], "a CSV text file renamed .xlsx", False,
             reasons=(UNREADABLE + ("zip", "ZIP", "压缩"),)))

    whole = build("坏文件/_whole.xlsx", values()).read_bytes()
    (dest / "坏文件/_whole.xlsx").unlink()
    (dest / "坏文件/truncated.xlsx").write_bytes(whole[: len(whole) * 3 // 5])
    add(Case("truncated_zip", ["坏文件/truncated.xlsx"], "the first 60% of a workbook (interrupted copy)", False,
             reasons=(UNREADABLE,)))

    (dest / "坏文件/legacy.xls").write_bytes(ole2_header_file())
    add(Case("legacy_xls", ["坏文件/legacy.xls"], "an Excel 97-2003 .xls file (OLE2 compound file)", False,
             reasons=(("xls", "97", "旧版", "另存为", "老版本"),)))
    (dest / "坏文件/legacy_named_xlsx.xlsx").write_bytes(ole2_header_file())
    add(Case("legacy_xls_named_xlsx", ["坏文件/legacy_named_xlsx.xlsx"],
             "an OLE2 (.xls) file saved with a .xlsx extension", False,
             reasons=(("xls", "97", "旧版", "另存为", "老版本", "密码", "加密") + UNREADABLE,)))

    # encrypted with a password (an OLE2 container holding EncryptedPackage)
    plain = build("坏文件/_plain.xlsx", values())
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(plain, "rb") as f, open(dest / "坏文件/encrypted.xlsx", "wb") as g:
        OOXMLFile(f).encrypt("123456", g)
    plain.unlink()
    add(Case("encrypted", ["坏文件/encrypted.xlsx"], "a workbook protected by an opening password", False,
             reasons=(("密码", "加密"),)))

    # a zip that is not a workbook: a Word document renamed
    with zipfile.ZipFile(dest / "坏文件/word_renamed.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                   'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>述职报告</w:t></w:r></w:p></w:body></w:document>')
    add(Case("word_renamed", ["坏文件/word_renamed.xlsx"], "a .docx renamed .xlsx (a zip without a workbook)", False,
             reasons=(UNREADABLE + NOT_A_UNIT,)))

    # --- bombs: refused from the zip directory, in bounded time and memory --------------------------
    def bomb(rel: str, forge: bool) -> None:
        path = build(rel, values())
        parts = read_parts(path)
        sheet, _ = name_cells(parts, "item_scores")
        bomb_sheet_part(path, parts, sheet_parts(parts)[sheet], bomb_mb)
        if forge:
            forge_sizes(path, sheet_parts(parts)[sheet], 40_000)

    bomb("炸弹/zip_bomb.xlsx", forge=False)
    add(Case("zip_bomb", ["炸弹/zip_bomb.xlsx"],
             f"the item sheet inflates to {bomb_mb} MB from <1 MB (declared in the zip directory)", False,
             reasons=(("过大", "解压", "超过", "压缩", "异常"),), bounded=True))
    bomb("炸弹/zip_bomb_forged.xlsx", forge=True)
    add(Case("zip_bomb_forged_size", ["炸弹/zip_bomb_forged.xlsx"],
             f"a {bomb_mb} MB sheet whose zip headers claim 40 KB (sizes forged; CRC real)", False,
             reasons=(("过大", "解压", "超过", "压缩", "异常", "大小") + UNREADABLE,), bounded=True))

    # billion laughs: entity expansion in workbook.xml (the part every reader parses for names)
    def laughs(parts: dict[str, bytes]) -> None:
        xml = _text(parts, "xl/workbook.xml")
        dtd = ('<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa">'
               + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
               + "]>")
        xml = re.sub(r"(<\?xml[^>]*\?>\s*)", r"\1" + dtd, xml, count=1)
        xml = xml.replace("</definedNames>", '<definedName name="laugh">"&j;"</definedName></definedNames>')
        _put(parts, "xl/workbook.xml", xml)

    edit("炸弹/billion_laughs.xlsx", values(), laughs)
    add(Case("billion_laughs", ["炸弹/billion_laughs.xlsx"],
             "workbook.xml declares nested XML entities that expand to 10^10 characters", False,
             reasons=(UNREADABLE + ("实体", "DTD", "异常", "过大", "不安全", "XML", "xml"),), bounded=True))

    # --- workbooks that are not this scheme's unit files --------------------------------------------
    import xlsxwriter

    (dest / "其他表格").mkdir()
    wb = xlsxwriter.Workbook(str(dest / "其他表格/台账.xlsx"))
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, ["姓名", "支部", "党费"])
    ws.write_row(1, 0, ["李四", "第一支部", 120])
    wb.close()
    add(Case("foreign_workbook", ["其他表格/台账.xlsx"], "an ordinary workbook without any defined name", False,
             reasons=(NOT_A_UNIT,)))

    four = load_scheme("four_grade")
    from xlsx_addin.jobs.demo.county import generate_county

    fv = dict(generate_county(1, four, seed=3)[0][1])
    build("其他表格/four_grade.xlsx", fv, four)
    add(Case("other_scheme", ["其他表格/four_grade.xlsx"], "a four_grade unit file in a five_star consolidation",
             False, reasons=(("方案", "four_grade", "分类定级"),), value=None))

    def old_version(parts: dict[str, bytes]) -> str:
        sheet, ref = name_cells(parts, "template_version")[0], name_cells(parts, "template_version")[1][0]
        set_cell(parts, sheet, ref, "0.1-旧版")
        return sheet

    edit("其他表格/old_version.xlsx", values(), old_version)
    add(Case("old_template_version", ["其他表格/old_version.xlsx"], "template_version changed to an older one",
             None, reasons=(("版本",),), value="0.1"))

    # the summary of an earlier run (of these very units) saved into the input folder
    summary_rel = "其他表格/上次汇总表.xlsx"
    _summary_workbook(dest / summary_rel, good_inputs[:2])
    add(Case("summary_in_input", [summary_rel],
             "an earlier 汇总表 of two of the good units saved into the input folder (its 原始数据 would count "
             "them twice)", None, reasons=(("重复", "汇总", "相同", "同一"),),
             note="the good units must still be counted once"))

    # --- structure damaged ----------------------------------------------------------------------------
    v = values()

    def missing_sheet(parts: dict[str, bytes]) -> str:
        sheet, _ = name_cells(parts, "votes_satisfied")
        drop_sheet(parts, sheet)
        return sheet

    gone = edit("结构损坏/missing_sheet.xlsx", v, missing_sheet)
    add(Case("missing_sheet", ["结构损坏/missing_sheet.xlsx"], f"the sheet {gone} was deleted (names → #REF!)",
             None, reasons=(("工作表", "#REF", "缺少", "名称", "找不到", "不存在", "无效"),)))

    edit("结构损坏/missing_name.xlsx", values(), lambda p: drop_name(p, "item_scores"))
    add(Case("missing_name", ["结构损坏/missing_name.xlsx"], "the defined name item_scores was deleted", False,
             reasons=(("item_scores", "自评得分"),)))

    v = values()
    renamed = edit("结构损坏/renamed_sheet.xlsx", v,
                   lambda p: (lambda s: (rename_sheet(p, s, s + "(修改)"), s)[1])(name_cells(p, "item_scores")[0]))
    add(Case("renamed_sheet", ["结构损坏/renamed_sheet.xlsx"],
             f"the sheet {renamed} renamed by the clerk (names follow, as in Excel)", True, "none",
             inputs=[v], org_names=[v["org_name"]]))

    v = values()

    def hidden(parts: dict[str, bytes]) -> None:
        for i, name in enumerate(sheet_parts(parts)):
            if i > 0:
                hide_sheet(parts, name, "hidden" if i % 2 else "veryHidden")

    edit("结构损坏/hidden_sheets.xlsx", v, hidden)
    add(Case("hidden_sheets", ["结构损坏/hidden_sheets.xlsx"], "every sheet but the first hidden or very hidden",
             True, "may", inputs=[v], org_names=[v["org_name"]]))

    v = values()
    edit("结构损坏/wps_inline.xlsx", v, shared_strings_to_inline)
    add(Case("wps_inline_strings", ["结构损坏/wps_inline.xlsx"],
             "WPS-style XML: every text an inline string, no sharedStrings part", True, "none",
             inputs=[v], org_names=[v["org_name"]]))

    v = values()

    def macros(parts: dict[str, bytes]) -> None:
        ct = _text(parts, "[Content_Types].xml")
        ct = ct.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                        "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        ct = ct.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        _put(parts, "[Content_Types].xml", ct)
        rels = _text(parts, "xl/_rels/workbook.xml.rels")
        rels = rels.replace("</Relationships>", '<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/'
                            '2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
        _put(parts, "xl/_rels/workbook.xml.rels", rels)
        # an OLE2 container whose text would be a macro that must never run
        parts["xl/vbaProject.bin"] = ole2_header_file(2) + b'Sub Auto_Open()\r\n Shell "cmd /c del *.*"\r\nEnd Sub\r\n'

    edit("结构损坏/with_macros.xlsx", v, macros, out_rel="结构损坏/with_macros.xlsm")
    add(Case("xlsm_macros", ["结构损坏/with_macros.xlsm"], "a macro-enabled .xlsm with a vbaProject (never run)",
             True, "may", inputs=[v], org_names=[v["org_name"]]))

    # --- wrong values in input cells ----------------------------------------------------------------
    def cell_case(name: str, rel: str, what: str, input_name: str, raw: Any, kind: str | None = None, index: int = 0,
                  rated: bool = False, reasons: tuple = (), value: str | None = None, report: str = "must",
                  expect: Callable[[dict[str, Any]], None] | None = None, vals: dict[str, Any] | None = None,
                  style: Callable[[dict[str, bytes]], str] | None = None) -> None:
        v = vals or values()
        where: dict[str, str] = {}

        def change(parts: dict[str, bytes]) -> None:
            sheet, refs = name_cells(parts, input_name)
            st = style(parts) if style else "keep"
            set_cell(parts, sheet, refs[index], raw, kind, style=st)
            where.update(sheet=sheet, ref=refs[index])

        edit(rel, v, change)
        if expect:
            expect(v)
        add(Case(name, [rel], what, rated, report, reasons=reasons, sheet=where["sheet"] if not rated else None,
                 cell=(where["ref"], input_name) if not rated else (), value=value, inputs=[v if rated else None],
                 org_names=[v["org_name"] if rated else None]))

    cell_case("text_in_number", "单元格/text_in_number.xlsx", "党员总数 typed as words (三十)", "member_count", "三十",
              reasons=(("不是数字",),), value="三十")

    cell_case("item_above_points", "单元格/item_above_points.xlsx", "an item scored 12 of 10 points", "item_scores", 12,
              index=2, reasons=(("超过",),), value="12")
    cell_case("negative_count", "单元格/negative_count.xlsx", "无故缺席 −1 times", "absences", -1,
              reasons=(("负数",),), value="-1")

    v = values()
    cell_case("more_votes_than_people", "单元格/too_many_votes.xlsx", "满意票 above the number of people present",
              "votes_satisfied", int(v["members_present"] + v["masses_present"]) + 5, vals=v,
              reasons=(("超过",),))
    votes_range = _range_of(dest / "单元格/too_many_votes.xlsx", scheme.vote_inputs)
    cases[-1].cell += (votes_range, "votes")

    # participation below the minimum: rated, the survey not counted, flagged
    v = values()
    low = max(1, int(v["member_count"] * 0.5))
    v["members_present"] = low
    # the members' ballots (total − masses' share) must fit the members present: scale them down
    member_votes = {x: int(v[x]) - int(v.get("mass_" + x) or 0) for x in scheme.vote_inputs}
    keep = low / max(1, sum(member_votes.values()))
    for x, n in member_votes.items():
        v[x] = int(n * keep) + int(v.get("mass_" + x) or 0)
    r = score_unit(scheme, v)
    assert r.survey.problem and "参与率" in r.survey.problem, r.survey.problem
    build("单元格/low_participation.xlsx", v)
    add(Case("low_participation", ["单元格/low_participation.xlsx"], "only half the members took part in the survey",
             True, "must", reasons=(("参与率", "参加测评"),), inputs=[v], org_names=[v["org_name"]]))

    cell_case("blank_org_name", "单元格/blank_org_name.xlsx", "党组织名称 left blank", "org_name", None,
              reasons=(("党组织名称", "org_name"), ("未填写", "空", "缺少")))

    cell_case("excel_error", "单元格/excel_error.xlsx", "an #N/A error value in 党员总数", "member_count", "#N/A",
              kind="e", reasons=(("错误值", "#N/A"),), value="#N/A")
    cell_case("excel_error_in_item", "单元格/excel_error_item.xlsx", "a #DIV/0! in an item score", "item_scores",
              "#DIV/0!", kind="e", index=4, reasons=(("错误值", "#DIV/0!"),), value="#DIV/0!")

    def date_style(parts):
        return add_number_style(parts, 14)

    cell_case("date_in_score", "单元格/date_in_score.xlsx", "'9/10' typed in a score cell, turned into a date by Excel",
              "item_scores", 46275, index=1, style=date_style, reasons=(("不是数字", "日期", "无效"),))
    cell_case("bool_in_count", "单元格/bool_in_count.xlsx", "TRUE in 无故缺席次数", "absences", True,
              reasons=(("不是数字", "无效", "TRUE", "整数"),))

    # half-filled form: the last five item scores blank
    v = values()

    def half(parts: dict[str, bytes]) -> None:
        sheet, refs = name_cells(parts, "item_scores")
        for ref in refs[5:]:
            set_cell(parts, sheet, ref, None)

    edit("单元格/half_filled.xlsx", v, half)
    add(Case("half_filled", ["单元格/half_filled.xlsx"], "item scores 6-10 left blank", False,
             reasons=(("未填写", "空"),)))

    # blank template forwarded as is
    try:
        build("单元格/blank_template.xlsx", {})
        add(Case("blank_template", ["单元格/blank_template.xlsx"], "the empty template returned unfilled", False,
                 reasons=(("未填写", "空"),)))
    except Exception as exc:  # the builder may refuse to build an empty form: say so in the report
        add(Case("blank_template", [], "the empty template returned unfilled", False,
                 skip=f"build_unit_workbook refused empty values: {exc!r}"))

    # --- odd but valid values: rated exactly as score_unit rates the same raw values ----------------
    v = values()
    v_items = [f"{int(x)}" if float(x).is_integer() else str(x) for x in v["item_scores"]]
    fw = str.maketrans("0123456789.", "０１２３４５６７８９．")
    raw_items = [s.translate(fw) for s in v_items]
    raw_count = f" {v['member_count']} ".translate(fw)

    def fullwidth(parts: dict[str, bytes]) -> None:
        sheet, refs = name_cells(parts, "item_scores")
        for ref, text in zip(refs, raw_items):
            set_cell(parts, sheet, ref, text)
        set_name(parts, "member_count", raw_count)

    edit("单元格/fullwidth_digits.xlsx", v, fullwidth)
    v = dict(v, item_scores=raw_items, member_count=raw_count)
    add(Case("fullwidth_digits", ["单元格/fullwidth_digits.xlsx"], "scores typed as full-width text ('８', ' ３０ ')",
             True, "may", inputs=[v], org_names=[v["org_name"]]))

    v = values()

    def percent(parts: dict[str, bytes]) -> None:
        st = add_number_style(parts, 9)
        sheet, refs = name_cells(parts, "item_scores")
        for ref, x in zip(refs, v["item_scores"]):
            set_cell(parts, sheet, ref, x, style=st)

    edit("单元格/percent_format.xlsx", v, percent)
    add(Case("percent_format", ["单元格/percent_format.xlsx"], "score cells formatted as 0% (show 900%)", True, "may",
             inputs=[v], org_names=[v["org_name"]]))

    v = values()
    cached = list(v["item_scores"])

    def formulas(parts: dict[str, bytes]) -> None:
        sheet, refs = name_cells(parts, "item_scores")
        for ref, x in zip(refs[:3], cached):
            set_cell(parts, sheet, ref, (f"{x}-0.5+0.5", x), kind="f")

    edit("单元格/formula_inputs.xlsx", v, formulas)
    add(Case("formula_inputs", ["单元格/formula_inputs.xlsx"], "scores entered as formulas (=9-0.5+0.5) with cached values",
             True, "may", inputs=[v], org_names=[v["org_name"]]))

    for label, text in (("formula_org_name_hyperlink", '=HYPERLINK("http://example.com/x","点我")'),
                        ("formula_org_name_plus", "+1-2"), ("formula_org_name_at", "@SUM(1,2)")):
        v = values()
        v["org_name"] = text
        edit(f"单元格/{label}.xlsx", v, lambda p, t=text: set_name(p, "org_name", t))
        add(Case(label, [f"单元格/{label}.xlsx"], f"org name {text!r} that looks like a formula", True, "may",
                 inputs=[v], org_names=[text], note="must be written as text in 一览表"))

    v = values()
    name_nl = "第一\n党支部\t(合并)"
    v["org_name"] = name_nl
    edit("单元格/name_newline.xlsx", v, lambda p: set_name(p, "org_name", name_nl))
    add(Case("org_name_newline_tab", ["单元格/name_newline.xlsx"], "org name with Alt+Enter newline and a tab",
             True, "may", inputs=[v], org_names=[name_nl.strip()]))

    # cached results that no longer match the inputs: the consolidation recomputes
    v = values()

    def stale(parts: dict[str, bytes]) -> None:
        for name, fake in (("result_final_score", 99.5), ("result_level", "五星级")):
            sheet, refs = name_cells(parts, name)
            xml = _text(parts, sheet_parts(parts)[sheet])
            m = next(c for c in _CELL.finditer(xml) if c.group("ref") == refs[0])
            formula = re.search(r"<f>(.*?)</f>", m.group("body") or "", re.S)
            if formula:  # keep the formula, change only its cached value (what Excel shows until recalculated)
                attrs = re.sub(r'\st="[^"]*"', "", m.group("attrs"))
                kind = ' t="str"' if isinstance(fake, str) else ""
                new = f'<c r="{refs[0]}"{attrs}{kind}><f>{formula.group(1)}</f><v>{escape(str(fake))}</v></c>'
                _put(parts, sheet_parts(parts)[sheet], xml[:m.start()] + new + xml[m.end():])
            else:
                set_cell(parts, sheet, refs[0], fake)

    edit("单元格/stale_cache.xlsx", v, stale)
    add(Case("stale_cached_result", ["单元格/stale_cache.xlsx"],
             "cached 综合得分/星级 edited to 99.5/五星级 (results recomputed from inputs)", True, "may",
             inputs=[v], org_names=[v["org_name"]]))

    # the unit edited its 规则 sheet: reported, not used (the county's rules apply)
    v = values()
    rules_where: dict[str, str] = {}

    def rules(parts: dict[str, bytes]) -> None:
        from python_calamine import CalamineWorkbook

        sheet, refs = name_cells(parts, "rules_table")
        wbk = CalamineWorkbook.from_filelike(io.BytesIO(zip_bytes(parts)))
        data = wbk.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        # the row whose key cell is levels.<top>.min_score; its value cell is the next numeric one
        target = None
        for r, row in enumerate(data):
            if any(isinstance(x, str) and x.strip() == "levels.5.min_score" for x in row):
                for c, cell in enumerate(row):
                    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                        target = (r, c, cell)
                        break
                break
        if target is None:
            raise RuntimeError("no levels.5.min_score row in the 规则 sheet")
        r, c, old = target
        ref = f"{col_letters(c + 1)}{r + 1}"
        set_cell(parts, sheet, ref, 60)
        rules_where.update(sheet=sheet, ref=ref, old=str(old))

    edit("单元格/rules_edited.xlsx", v, rules)
    add(Case("rules_sheet_edited", ["单元格/rules_edited.xlsx"],
             f"the unit lowered a band in its 规则 sheet ({rules_where.get('ref')}: {rules_where.get('old')} → 60)",
             True, "must", reasons=(("规则",),), inputs=[v], org_names=[v["org_name"]],
             note="the county's rules apply; the unit's edit is reported"))

    # duplicate org_code in two files (the same unit sent twice, or a copy-paste slip)
    v1, v2 = values(), values()
    v2["org_code"] = v1["org_code"]
    build("重复/第一次发送.xlsx", v1)
    build("重复/第二次发送.xlsx", v2)
    add(Case("duplicate_org_code", ["重复/第一次发送.xlsx", "重复/第二次发送.xlsx"],
             f"two files with the same org_code {v1['org_code']}", None, "must", reasons=(("重复", "相同"),),
             value=None, inputs=[v1, v2], org_names=[v1["org_name"], v2["org_name"]],
             note="at least one of the two files must be named by a 问题清单 row"))

    # --- file system oddities -----------------------------------------------------------------------
    (dest / "文件名").mkdir()
    lock_rel = "文件名/~$good_copy.xlsx"
    (dest / lock_rel).write_bytes(office_lock_file())
    add(Case("office_lock_file", [lock_rel], "an Office owner file left by an open workbook", False, "may"))

    (dest / "__MACOSX/文件名").mkdir(parents=True)
    (dest / "__MACOSX/文件名/._odd name.xlsx").write_bytes(apple_double("odd name.xlsx"))
    add(Case("macos_apple_double", ["__MACOSX/文件名/._odd name.xlsx"], "a macOS resource fork from an unzipped archive",
             False, "may"))

    (dest / "文件名/Thumbs.db").write_bytes(ole2_header_file(1))
    (dest / "文件名/说明.txt").write_text("请各支部于月底前报送。\n", encoding="utf-8")
    (dest / "文件名/desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-8")
    add(Case("unrelated_files", ["文件名/Thumbs.db", "文件名/说明.txt", "文件名/desktop.ini"],
             "non-workbook files lying in the folder", False, "may"))

    odd = ["文件名/第一 支部  (修改版) .xlsx", "文件名/城关镇第二党支部（最终版）［２０２６］.xlsx",
           "文件名/报表.xlsx.xlsx", "文件名/upper_case.XLSX", "文件名/" + "很长的文件名" * 13 + "党支部.xlsx"]
    odd_inputs = []
    for rel in odd:
        v = values()
        build(rel, v)
        odd_inputs.append(v)
    long_bytes = len(Path(odd[-1]).name.encode("utf-8"))
    add(Case("odd_file_names", odd, f"spaces, full-width characters, double and upper-case extension, a {long_bytes}-byte "
             "name", True, "none", inputs=odd_inputs, org_names=[v["org_name"] for v in odd_inputs]))

    deep = "深层目录/" + "/".join(f"第{i + 1}层" for i in range(20)) + "/deep.xlsx"
    v = values()
    build(deep, v)
    add(Case("deep_folders", [deep], "a unit file 20 folders deep", True, "none", inputs=[v], org_names=[v["org_name"]]))

    v = values()
    build("链接/环/unit_in_loop.xlsx", v)
    try:
        os.symlink("..", dest / "链接/环/回到上级", target_is_directory=True)
        os.symlink(".", dest / "链接/环/自己", target_is_directory=True)
        skip = ""
    except (OSError, NotImplementedError) as exc:
        skip = f"symlinks not available: {exc}"
    add(Case("symlink_loop", ["链接/环/unit_in_loop.xlsx"], "folder symlinks pointing to their parent and themselves",
             True, "may", inputs=[v], org_names=[v["org_name"]], counted_once=True, skip=skip))
    v = values()
    build("链接/文件夹.xlsx/里面的单位.xlsx", v)
    add(Case("directory_named_xlsx", ["链接/文件夹.xlsx/里面的单位.xlsx"], "a folder named 文件夹.xlsx holding a unit file",
             True, "may", inputs=[v], org_names=[v["org_name"]]))

    v = values()
    p = build("权限/no_read.xlsx", v)
    os.chmod(p, 0)
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    add(Case("no_read_permission", ["权限/no_read.xlsx"], "a file without read permission (chmod 000)", False,
             reasons=(("权限", "无法读取", "拒绝", "无法打开", "占用"),),
             skip="running as root: the file stays readable" if root or os.name == "nt" else ""))

    # saved again by openpyxl: formulas keep no cached value
    v = values()
    p = build("其他软件/openpyxl_saved.xlsx", v)
    import openpyxl

    wbk = openpyxl.load_workbook(p)
    wbk.save(p)
    add(Case("openpyxl_saved", ["其他软件/openpyxl_saved.xlsx"], "re-saved by openpyxl: no cached formula values",
             True, "may", inputs=[v], org_names=[v["org_name"]]))

    from isolation_cases import add_isolation_cases  # issue 12: crash isolation, bounds, values, archives

    add_isolation_cases(dest, scheme, values, build, edit, add, cell_case)
    return cases


def _range_of(path: Path, names: list[str]) -> str:
    """The A1 range spanning the cells of several defined names of one sheet (C9:C12)."""
    parts = read_parts(path)
    refs = [name_cells(parts, n)[1][0] for n in names]
    return f"{refs[0]}:{refs[-1]}"


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _summary_workbook(path: Path, units: list[dict[str, Any]]) -> None:
    """A real 汇总表 from an earlier run (the writer's own output) when the package has one."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        from xlsx_addin.jobs.consolidate import consolidate  # noqa: F401
        from xlsx_addin.jobs.consolidate.model import Settings
        from xlsx_addin.templates import build_unit_workbook
        from xlsx_addin import load_scheme
        import xlsx_addin.jobs.consolidate as c

        with tempfile.TemporaryDirectory() as tmp:
            sch = load_scheme("five_star")
            for i, v in enumerate(units):
                build_unit_workbook(Path(tmp) / f"u{i}.xlsx", sch, v)
            run = c.consolidate(Settings(input_dir=Path(tmp), scheme_source="five_star"), workers=1)
            writer = getattr(c, "write_summary", None)
            if writer is None:
                from xlsx_addin.jobs.consolidate.writer import write_summary as writer
            writer(run, path)
            return
    except Exception:
        pass
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    for name in ("一览表", "统计", "整改台账", "公示名单", "问题清单"):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, ["党组织名称", "综合得分", "最终星级"])
    wb.close()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus_out")
    if target.exists():
        shutil.rmtree(target)
    for case in make_corpus(target):
        print(f"{case.name:28} {'跳过:' + case.skip if case.skip else ''} {case.files}")
