"""Corpus cases of issue 12 (a bad file costs only itself), added to make_corpus's list.

Classes: sheets and names far too large for a cell reader (the XFD1048576 abort), values no
spreadsheet holds (NaN, ±INF, 1e308, percentages as scores), names given twice or in another case,
identities that differ only by invisible characters, zip structures (duplicate members, too many
members), special files (FIFO, device and dangling symlinks, a socket), file names in GBK bytes, and
archives (.zip read in memory, .rar/.7z refused with a row).
"""
from __future__ import annotations

import io
import os
import re
import socket
import zipfile
from pathlib import Path
from typing import Any, Callable

from make_corpus import (UNREADABLE, Case, _put, _text, add_number_style, name_cells, read_parts, set_cell,
                         sheet_parts, write_parts)

TOO_BIG = ("过大", "范围")


def _workbook_xml(parts: dict[str, bytes], change: Callable[[str], str]) -> None:
    xml = _text(parts, "xl/workbook.xml")
    new = change(xml)
    assert new != xml
    _put(parts, "xl/workbook.xml", new)


def _name_xml(name: str, target: str) -> str:
    return f"<definedName name=\"{name}\">{target}</definedName>"


def _zip(path: Path, members: dict[str, bytes], utf8: bool = True) -> None:
    """A zip of members; utf8=False writes the names in GBK bytes without the UTF-8 flag (a Windows zip
    from a Chinese PC): zipfile would flag any non-ASCII name as UTF-8, so ASCII stand-ins of the same
    length are written and then replaced by the GBK bytes (names are not covered by the CRC)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    swaps = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (name, data) in enumerate(members.items()):
            if not utf8:
                raw = name.encode("gbk")
                stand_in = f"{i:04d}".encode() + b"#" * (len(raw) - 4)
                swaps[stand_in] = raw
                name = stand_in.decode()
            z.writestr(name, data)
    if swaps:
        data = path.read_bytes()
        for stand_in, raw in swaps.items():
            data = data.replace(stand_in, raw)
        path.write_bytes(data)


def add_isolation_cases(dest: Path, scheme, values: Callable[[], dict[str, Any]], build, edit, add, cell_case) -> None:
    from xlsx_addin.templates import build_unit_workbook

    # --- sheets and names too large for a cell reader (python-calamine allocates the whole rectangle) ----
    def far_cell(label: str, rel: str, sheet_of: str, ref: str, what: str) -> None:
        where = {}

        def change(parts: dict[str, bytes]) -> None:
            sheet, _ = name_cells(parts, sheet_of)
            set_cell(parts, sheet, ref, "x", style=None)
            where["sheet"] = sheet

        edit(rel, values(), change)
        add(Case(label, [rel], what, False, reasons=(TOO_BIG,), sheet=where["sheet"], bounded=True))

    far_cell("far_cell_xfd1048576", "范围/xfd1048576.xlsx", "item_scores", "XFD1048576",
             "one cell holding text at XFD1048576 of 自评表 (calamine would allocate 512 GB and abort)")
    far_cell("far_cell_row_20000", "范围/xfd20000.xlsx", "votes_satisfied", "XFD20000",
             "a cell at XFD20000 of 测评汇总表 (another sheet, far down and far right)")
    far_cell("far_cell_rules_sheet", "范围/rules_far.xlsx", "rules_table", "AAA900000", "a cell far out in the 规则 sheet")

    def blank_far(parts: dict[str, bytes]) -> None:  # a styled blank cell is not read: no problem at all
        sheet, _ = name_cells(parts, "item_scores")
        set_cell(parts, sheet, "XFD1048576", None, style="1")

    v = values()
    edit("范围/styled_blank_far.xlsx", v, blank_far)
    add(Case("styled_blank_far_cell", ["范围/styled_blank_far.xlsx"], "a styled but empty cell at XFD1048576", True,
             "none", inputs=[v], org_names=[v["org_name"]]))

    def whole_sheet_name(name: str, target: str):
        def change(parts: dict[str, bytes]) -> None:
            _workbook_xml(parts, lambda x: re.sub(rf'(<definedName name="{name}">)[^<]*(</definedName>)',
                                                  rf"\g<1>{target}\g<2>", x, count=1))
        return change

    edit("范围/name_whole_sheet.xlsx", values(), whole_sheet_name("item_scores", "'自评表'!$A$1:$XFD$1048576"))
    add(Case("defined_name_whole_sheet", ["范围/name_whole_sheet.xlsx"],
             "item_scores redefined as $A$1:$XFD$1048576 (17 billion cells)", False, reasons=(TOO_BIG,),
             cell=("item_scores",), bounded=True))
    edit("范围/name_whole_columns.xlsx", values(), whole_sheet_name("rules_table", "规则!$A$1:$D$1048576"))
    add(Case("defined_name_whole_columns", ["范围/name_whole_columns.xlsx"], "rules_table covering 4 whole columns",
             False, reasons=(TOO_BIG,), cell=("rules_table",), bounded=True))

    # --- values no spreadsheet holds, and values in the wrong form ------------------------------------
    for label, name, literal, index in (("nan_in_count", "member_count", "NaN", 0),
                                        ("nan_lower_in_votes", "votes_satisfied", "nan", 0),
                                        ("inf_in_count", "absences", "INF", 0),
                                        ("minus_infinity_in_item", "item_scores", "-Infinity", 3),
                                        ("inf_in_masses", "masses_present", "inf", 0)):
        cell_case(label, f"数值/{label}.xlsx", f"<v>{literal}</v> in {name}", name, literal, kind="raw", index=index,
                  reasons=(("不是有效数字", "非数值", "无穷大"),))
    cell_case("huge_literal_1e308", "数值/huge_1e308.xlsx", "<v>1e308</v> in 无故缺席次数", "absences", "1e308",
              kind="raw", reasons=(("过大",),))
    cell_case("huge_literal_in_item", "数值/huge_item.xlsx", "<v>1.7976931348623157e308</v> in an item score",
              "item_scores", "1.7976931348623157e308", kind="raw", index=0, reasons=(("超过", "过大"),))
    cell_case("nan_typed_as_text", "数值/nan_text.xlsx", "the text 'NaN' in 党员总数", "member_count", "NaN",
              reasons=(("不是数字",),), value="NaN")
    cell_case("bool_in_item", "数值/bool_in_item.xlsx", "TRUE in an item score", "item_scores", True, index=2,
              reasons=(("不是数字", "无效", "TRUE"),))

    def date_style(parts):
        return add_number_style(parts, 14)

    cell_case("date_in_count", "数值/date_in_count.xlsx", "a date (2026-09-30) in 党员总数", "member_count", 46295,
              style=date_style, reasons=(("不是数字", "日期", "无效"),))
    cell_case("error_in_votes", "数值/error_in_votes.xlsx", "#VALUE! in a vote count", "votes_basic", "#VALUE!",
              kind="e", reasons=(("错误值", "#VALUE!"),), value="#VALUE!")

    def percent_style(parts):
        return add_number_style(parts, 9)

    cell_case("percent_score_90", "数值/percent_score.xlsx", "90% typed in an item score (0.9 in a 0% cell)",
              "item_scores", 0.9, index=1, style=percent_style, reasons=(("百分",),))
    cell_case("percent_text_score", "数值/percent_text.xlsx", "'90%' typed as text in an item score", "item_scores",
              "90%", index=4, reasons=(("百分",),), value="90%")

    v = values()
    long_name = "第一党支部" * 10_000  # 50,000 characters
    edit("数值/long_name.xlsx", v, lambda p: set_cell(p, *_cell_of(p, "org_name"), long_name))
    add(Case("org_name_50000_chars", ["数值/long_name.xlsx"], "a 50,000-character 党组织名称", False,
             reasons=(("过长",),), cell=(_cell_of(read_parts(dest / "数值/long_name.xlsx"), "org_name")[1], "org_name")))

    # --- defined names: twice, in another case ---------------------------------------------------------
    def twice(name: str, spelled: str, target_of: str):
        def change(parts: dict[str, bytes]) -> None:
            sheet, refs = name_cells(parts, target_of)
            target = f"'{sheet}'!${re.match('[A-Z]+', refs[0]).group()}${re.search('[0-9]+', refs[0]).group()}"
            _workbook_xml(parts, lambda x: x.replace("</definedNames>", _name_xml(spelled, target) + "</definedNames>"))
        return change

    edit("名称/twice_same_case.xlsx", values(), twice("member_count", "member_count", "members_present"))
    add(Case("defined_name_twice", ["名称/twice_same_case.xlsx"],
             "member_count defined twice (the second pointing at 参加测评人数)", False, reasons=(("两次",),),
             cell=("member_count",)))
    edit("名称/twice_other_case.xlsx", values(), twice("member_count", "MEMBER_COUNT", "members_present"))
    add(Case("defined_name_twice_other_case", ["名称/twice_other_case.xlsx"],
             "member_count and MEMBER_COUNT (one name to Excel)", False, reasons=(("两次",),),
             cell=("MEMBER_COUNT", "member_count")))
    edit("名称/twice_item_scores.xlsx", values(), twice("item_scores", "Item_Scores", "org_code"))
    add(Case("defined_name_twice_items", ["名称/twice_item_scores.xlsx"], "item_scores and Item_Scores", False,
             reasons=(("两次",),), cell=("Item_Scores", "item_scores")))

    v = values()

    def upper(parts: dict[str, bytes]) -> None:
        _workbook_xml(parts, lambda x: re.sub(r'<definedName name="([a-z_]+)"',
                                              lambda m: f'<definedName name="{m.group(1).upper()}"', x))

    edit("名称/upper_case_names.xlsx", v, upper)
    add(Case("defined_names_upper_case", ["名称/upper_case_names.xlsx"],
             "every defined name upper-cased (MEMBER_COUNT …): Excel treats names case-insensitively", True, "none",
             inputs=[v], org_names=[v["org_name"]]))

    # --- identities that differ only by invisible or full-width characters: one unit ---------------------
    for label, spell in (("org_code_zero_width", lambda c: c[:3] + "\u200b" + c[3:]),
                         ("org_code_fullwidth_spaces", lambda c: "\u3000" + c.translate(str.maketrans(
                             "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ")) + " ")):
        v1, v2 = values(), values()
        v2["org_code"] = spell(str(v1["org_code"]))
        build(f"标识/{label}_a.xlsx", v1)
        build(f"标识/{label}_b.xlsx", v2)
        add(Case(label, [f"标识/{label}_a.xlsx", f"标识/{label}_b.xlsx"],
                 f"two files whose org_code differs only by {label.split('_', 2)[-1]}", None, "must",
                 reasons=(("重复",),), inputs=[v1, v2], org_names=[v1["org_name"], v2["org_name"]],
                 note="one unit: exactly one of the two is rated, both are named"))

    # --- zip structures -----------------------------------------------------------------------------------
    v = values()
    path = build("压缩结构/dup_member.xlsx", v)
    parts = read_parts(path)
    sheet_part = sheet_parts(parts)[name_cells(parts, "item_scores")[0]]
    evil = dict(parts)
    sheet, refs = name_cells(evil, "item_scores")
    set_cell(evil, sheet, refs[0], 0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name": exactly the point
            z.writestr(sheet_part, evil[sheet_part])
    add(Case("duplicate_zip_member", ["压缩结构/dup_member.xlsx"],
             f"two zip members named {sheet_part} (the second with other scores)", False, reasons=(("同名",),)))

    v = values()
    path = build("压缩结构/dup_member_case.xlsx", v)
    parts = read_parts(path)
    parts["XL/" + sheet_part[3:].upper()] = parts[sheet_part]
    write_parts(path, parts)
    add(Case("duplicate_zip_member_case", ["压缩结构/dup_member_case.xlsx"],
             "a member and its upper-case twin (Office part names ignore case)", False, reasons=(("同名",),)))

    v = values()
    path = build("压缩结构/many_members.xlsx", v)
    parts = read_parts(path)
    for i in range(12_000):
        parts[f"customXml/item{i}.xml"] = b"<a/>"
    write_parts(path, parts)
    add(Case("too_many_zip_members", ["压缩结构/many_members.xlsx"], "12,000 extra members in the package", False,
             reasons=(("部件过多", "过多"),), bounded=True))

    v = values()
    edit("压缩结构/broken_workbook_xml.xlsx", v,
         lambda p: _put(p, "xl/workbook.xml", _text(p, "xl/workbook.xml")[:-40]))
    add(Case("truncated_workbook_xml", ["压缩结构/broken_workbook_xml.xlsx"], "workbook.xml cut short", False,
             reasons=(UNREADABLE,)))

    def twin_sheet(parts: dict[str, bytes]) -> None:  # the first sheet renamed like the item sheet, in other case
        sheet, _ = name_cells(parts, "item_scores")
        first = re.search(r'<sheet name="([^"]*)"', _text(parts, "xl/workbook.xml")).group(1)
        assert first != sheet
        _workbook_xml(parts, lambda x: x.replace(f'<sheet name="{first}"', f'<sheet name="{sheet.upper()}"', 1))

    edit("压缩结构/twin_sheets.xlsx", values(), twin_sheet)
    add(Case("duplicate_sheet_name", ["压缩结构/twin_sheets.xlsx"], "two sheets of the same name", False,
             reasons=(("同名工作表",),)))

    def twin_rid(parts: dict[str, bytes]) -> None:
        rels = _text(parts, "xl/_rels/workbook.xml.rels")
        first = re.search(r"<Relationship [^>]*/>", rels).group(0)
        other = re.sub(r'Target="[^"]*"', 'Target="worksheets/sheet1.xml"', first)
        _put(parts, "xl/_rels/workbook.xml.rels", rels.replace("</Relationships>", other + "</Relationships>"))

    edit("压缩结构/twin_rids.xlsx", values(), twin_rid)
    add(Case("duplicate_relationship_id", ["压缩结构/twin_rids.xlsx"], "one relationship Id given twice", False,
             reasons=(("重复的编号",),)))

    def external_entity(parts: dict[str, bytes]) -> None:
        xml = _text(parts, "xl/workbook.xml")
        xml = re.sub(r"(<\?xml[^>]*\?>\s*)", r'\1<!DOCTYPE workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>', xml, 1)
        _put(parts, "xl/workbook.xml", xml.replace("</definedNames>", '<definedName name="x">"&x;"</definedName>'
                                                   "</definedNames>"))

    edit("压缩结构/external_entity.xlsx", values(), external_entity)
    add(Case("xml_external_entity", ["压缩结构/external_entity.xlsx"], "workbook.xml with an external entity (XXE)",
             False, reasons=(("不安全", "DTD", "实体"),)))

    # --- special files ----------------------------------------------------------------------------------
    special = dest / "特殊文件"
    special.mkdir(exist_ok=True)
    skip_fifo = ""
    try:
        os.mkfifo(special / "pipe.xlsx")
    except (AttributeError, OSError) as exc:
        skip_fifo = f"no FIFOs here: {exc}"
    add(Case("fifo_named_xlsx", ["特殊文件/pipe.xlsx"], "a named pipe called pipe.xlsx (open() would block)", False,
             reasons=(("命名管道", "不是普通文件"),), skip=skip_fifo))
    links = {"zero.xlsx": "/dev/zero", "urandom.xlsm": "/dev/urandom", "dangling.xlsx": "does_not_exist.xlsx",
             "proc.xlsx": "/proc/self/status", "to_pipe.xlsx": "pipe.xlsx"}
    skip_links = ""
    for name, target in links.items():
        try:
            os.symlink(target, special / name)
        except (OSError, NotImplementedError) as exc:
            skip_links = f"symlinks not available: {exc}"
    add(Case("symlink_to_dev_zero", ["特殊文件/zero.xlsx"], "x.xlsx a symlink to /dev/zero (size 0, endless)", False,
             reasons=(("设备文件", "不是普通文件"),), skip=skip_links))
    add(Case("symlink_to_dev_urandom", ["特殊文件/urandom.xlsm"], "a .xlsm symlink to /dev/urandom", False,
             reasons=(("设备文件", "不是普通文件"),), skip=skip_links))
    add(Case("symlink_dangling", ["特殊文件/dangling.xlsx"], "a symlink to a file that is gone", False,
             reasons=(("不存在",),), skip=skip_links))
    add(Case("symlink_to_proc_file", ["特殊文件/proc.xlsx"], "a symlink to /proc/self/status (size 0, has text)",
             False, reasons=(UNREADABLE,), skip=skip_links if os.path.exists("/proc/self/status") else "no /proc"))
    add(Case("symlink_to_fifo", ["特殊文件/to_pipe.xlsx"], "a symlink to the named pipe", False,
             reasons=(("命名管道", "不是普通文件", "同一文件"),), skip=skip_links or skip_fifo))
    skip_sock = ""
    try:
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(special / "sock.xlsx"))
        s.close()
    except (AttributeError, OSError) as exc:
        skip_sock = f"no unix sockets here: {exc}"
    add(Case("socket_named_xlsx", ["特殊文件/sock.xlsx"], "a unix socket called sock.xlsx", False,
             reasons=(("套接字", "不是普通文件"),), skip=skip_sock))

    v = values()
    outside = dest.parent / f"{dest.name}_外部" / "outside.xlsx"
    outside.parent.mkdir(parents=True, exist_ok=True)
    build_unit_workbook(outside, scheme, v)
    try:
        os.symlink(outside, special / "link_to_outside.xlsx")
        skip = ""
    except (OSError, NotImplementedError) as exc:
        skip = f"symlinks not available: {exc}"
    add(Case("symlink_to_regular_file", ["特殊文件/link_to_outside.xlsx"], "a symlink to a good unit elsewhere",
             True, "none", inputs=[v], org_names=[v["org_name"]], skip=skip))

    # --- file names in GBK bytes (a Windows zip unpacked on UOS / Kylin) ----------------------------------
    v = values()
    gbk_name = "城关镇第三党支部.xlsx"
    skip = ""
    try:
        raw = os.fsencode(str(dest / "文件名")) + b"/" + gbk_name.encode("gbk")
        tmp = build("文件名/_gbk_build.xlsx", v)
        os.rename(os.fsencode(str(tmp)), raw)
    except (OSError, UnicodeError) as exc:
        skip = f"cannot make a GBK-named file here: {exc}"
    add(Case("gbk_file_name", [f"文件名/{gbk_name}"], "a file name in GBK bytes (surrogates once decoded)", True,
             "none", inputs=[v], org_names=[v["org_name"]], skip=skip or (os.name == "nt" and "Windows") or ""))

    # --- archives -------------------------------------------------------------------------------------------
    def workbook_bytes(vals: dict[str, Any]) -> bytes:
        tmp = build("压缩包/_member_build.xlsx", vals)
        data = tmp.read_bytes()
        tmp.unlink()
        return data

    v1, v2 = values(), values()
    _zip(dest / "压缩包/城关镇报送.zip", {"城关镇/东村党支部.xlsx": workbook_bytes(v1),
                                          "城关镇/西村党支部.xlsx": workbook_bytes(v2), "说明.txt": "请查收".encode()})
    add(Case("zip_of_units", ["压缩包/城关镇报送.zip/城关镇/东村党支部.xlsx", "压缩包/城关镇报送.zip/城关镇/西村党支部.xlsx"],
             "unit workbooks handed in as a .zip", True, "none", inputs=[v1, v2],
             org_names=[v1["org_name"], v2["org_name"]]))
    v1 = values()
    _zip(dest / "压缩包/gbk_names.zip", {"南关镇/南关村党支部.xlsx": workbook_bytes(v1)}, utf8=False)
    add(Case("zip_with_gbk_names", ["压缩包/gbk_names.zip/南关镇/南关村党支部.xlsx"],
             "a Windows zip: GBK member names without the UTF-8 flag", True, "none", inputs=[v1],
             org_names=[v1["org_name"]]))
    v1 = values()
    _zip(dest / "压缩包/mixed.zip", {"好/good.xlsx": workbook_bytes(v1), "坏/empty.xlsx": b"",
                                       "坏/far.xlsx": _far_cell_bytes(workbook_bytes(values())),
                                       "坏/inner.zip": b"PK\x05\x06" + b"\0" * 18, "坏/old.xls": b"\xd0\xcf\x11\xe0"})
    add(Case("zip_with_bad_members", ["压缩包/mixed.zip/坏/empty.xlsx", "压缩包/mixed.zip/坏/far.xlsx",
                                      "压缩包/mixed.zip/坏/inner.zip", "压缩包/mixed.zip/坏/old.xls"],
             "a zip holding an empty, an oversized and a nested archive member beside a good unit", False,
             reasons=(UNREADABLE + ("过大", "压缩包", "xls", "空"),)))
    add(Case("zip_good_member_beside_bad", ["压缩包/mixed.zip/好/good.xlsx"], "the good unit of that zip", True,
             "none", inputs=[v1], org_names=[v1["org_name"]]))
    (dest / "压缩包/truncated.zip").write_bytes((dest / "压缩包/城关镇报送.zip").read_bytes()[:2000])
    add(Case("truncated_zip_archive", ["压缩包/truncated.zip"], "a .zip cut short in transfer", False,
             reasons=(UNREADABLE,)))
    (dest / "压缩包/units.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + os.urandom(64))
    add(Case("rar_archive", ["压缩包/units.rar"], "unit workbooks in a .rar", False, reasons=(("解压",),)))
    (dest / "压缩包/units.7z").write_bytes(b"7z\xbc\xaf\x27\x1c\x00\x04" + os.urandom(64))
    add(Case("seven_zip_archive", ["压缩包/units.7z"], "unit workbooks in a .7z", False, reasons=(("解压",),)))


def _cell_of(parts: dict[str, bytes], name: str) -> tuple[str, str]:
    sheet, refs = name_cells(parts, name)
    return sheet, refs[0]


def _far_cell_bytes(data: bytes) -> bytes:
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            parts[info.filename] = z.read(info)
    sheet, _ = name_cells(parts, "item_scores")
    set_cell(parts, sheet, "XFD1048576", 1, style=None)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, d in parts.items():
            z.writestr(name, d)
    return buf.getvalue()
