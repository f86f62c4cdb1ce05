"""Zip member names as each tool writes them (issue 22, item 4), through `xlsx-addin consolidate`.

Each archive is made byte-exact: the member name in the local header and the central directory is the exact
byte string a tool writes (UTF-8 flagged by Python/7-Zip, CP936 by Windows Explorer on a Chinese PC, UTF-8
without the flag by Info-ZIP on Linux and macOS, and Info-ZIP's Unicode Path extra field over a CP936 name).
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from xlsx_addin import load_scheme
from xlsx_addin.contracts.summary import OVERVIEW, PROBLEMS, SOURCE
from xlsx_addin.io.zipnames import decode_name_bytes, member_name
from xlsx_addin.shells.cli import main
from xlsx_addin.templates import build_unit_workbook

SCHEME = load_scheme("five_star")
TOWN, VILLAGE = "乙镇", "第8村党支部"


def _unit_bytes(tmp: Path, name: str) -> bytes:
    path = tmp / f"_{abs(hash(name))}.xlsx"
    build_unit_workbook(path, SCHEME, {"org_name": name, "org_code": name, "parent_org": TOWN, "member_count": 30,
                                       "item_scores": [8] * 10, "members_present": 28, "votes_satisfied": 25})
    data = path.read_bytes()
    path.unlink()
    return data


def _zip(path: Path, members: dict[bytes, bytes], utf8_flag: bool = False,
         extra: dict[bytes, bytes] | None = None) -> None:
    """A zip whose names are exactly the given bytes (flag bit 11 as asked; optional extra fields)."""
    stand_ins: dict[bytes, bytes] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (raw, data) in enumerate(members.items()):
            stand_in = f"{i:04d}".encode() + b"#" * (len(raw) - 4)
            stand_ins[stand_in] = raw
            info = zipfile.ZipInfo(stand_in.decode("ascii"), (2024, 12, 1, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if extra and raw in extra:
                info.extra = extra[raw]
            z.writestr(info, data)
    blob = path.read_bytes()
    for stand_in, raw in stand_ins.items():
        assert blob.count(stand_in) == 2  # the local header and the central directory
        blob = blob.replace(stand_in, raw)
    if utf8_flag:  # set bit 11 in every local header and central directory entry
        out = bytearray(blob)
        for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            pos = out.find(sig)
            while pos >= 0:
                (flags,) = struct.unpack_from("<H", out, pos + at)
                struct.pack_into("<H", out, pos + at, flags | 0x800)
                pos = out.find(sig, pos + 4)
        blob = bytes(out)
    path.write_bytes(blob)


def _unicode_path_field(raw: bytes, name: str) -> bytes:
    body = b"\x01" + struct.pack("<I", zlib.crc32(raw)) + name.encode("utf-8")
    return struct.pack("<HH", 0x7075, len(body)) + body


def _column(path: Path, sheet: str, title: str) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    head = next(i for i, r in enumerate(rows) if title in r)
    col = rows[head].index(title)
    return [str(r[col]) for r in rows[head + 1:] if col < len(r) and r[col]]


@pytest.mark.slow
def test_every_kind_of_zip_name_is_decoded_in_the_summary(tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    member = f"{TOWN}/{VILLAGE}.xlsx"
    kinds = {  # archive → (its members' raw names, flag set, extra fields)
        "标志UTF8.zip": ("旗标", "utf-8", True, False),
        "Windows中文.zip": ("资源管理器", "gbk", False, False),
        "Linux与Mac.zip": ("信息压缩", "utf-8", False, False),
        "统一路径.zip": ("扩展字段", "gbk", False, True),
    }
    expected = []
    for archive, (tag, encoding, flag, unicode_field) in kinds.items():
        name = f"{tag}{member}"
        raw = name.encode(encoding)
        extra = {raw: _unicode_path_field(raw, name)} if unicode_field else None
        _zip(folder / archive, {raw: _unit_bytes(tmp_path, f"{tag}{VILLAGE}"),
                                f"{tag}{TOWN}/空文件.xlsx".encode(encoding): b""}, flag, extra)
        expected.append(f"{archive}/{name}")
    out = tmp_path / "汇总表.xlsx"
    assert main(["consolidate", str(folder), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    sources = _column(out, OVERVIEW, SOURCE)
    assert sorted(sources) == sorted(expected)
    problems = "\n".join(_column(out, PROBLEMS, "文件"))
    for archive, (tag, *_rest) in kinds.items():  # the empty workbook beside each unit is named, decoded
        assert f"{archive}/{tag}{TOWN}/空文件.xlsx" in problems
    assert "Σ" not in problems + "".join(sources) and "τ" not in problems


def test_decoder_on_raw_bytes_of_each_tool():
    name = "乙镇/第8村党支部.xlsx"
    assert decode_name_bytes(name.encode("utf-8")) == name  # Info-ZIP, macOS
    assert decode_name_bytes(name.encode("gbk")) == name  # Windows Explorer on a Chinese PC
    assert decode_name_bytes(b"plain/ascii.xlsx") == "plain/ascii.xlsx"
    assert decode_name_bytes("€".encode("cp1252") + b"\xff") == "Ç\xa0"  # nothing fits: cp437, never an error
    info = zipfile.ZipInfo("x")
    info.orig_filename = info.filename = "a\\b.xlsx"
    assert member_name(info) == "a/b.xlsx"  # Windows separators
    # a stale Unicode Path field (the name changed after it was written) is ignored
    raw = name.encode("gbk")
    info = zipfile.ZipInfo(raw.decode("cp437"))
    info.extra = _unicode_path_field(b"other", "别的名字.xlsx")
    assert member_name(info) == name
