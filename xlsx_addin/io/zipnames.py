"""A zip member's name as the tool that made the archive meant it: the project's one decoder of zip names.

Zip names carry no reliable encoding. What the tools write:
- the UTF-8 flag (general purpose bit 11) set: UTF-8 (7-Zip, Windows 10+ "send to", macOS Archive Utility
  in part, Python);
- an Info-ZIP Unicode Path extra field (0x7075): the UTF-8 name, valid while its CRC matches the raw name;
- no flag, UTF-8 bytes: Info-ZIP `zip` on Linux, macOS `ditto`/Finder, many web services;
- no flag, the local code page: CP936 (GBK) from Windows Explorer and WinRAR on a Chinese PC.

Python's zipfile decodes every unflagged name as cp437; the raw bytes come back by encoding it again. Strict
UTF-8 is tried before GBK: Chinese GBK text is almost never valid UTF-8 (its lead bytes 0x81–0xFE are followed by
bytes UTF-8 forbids there), while UTF-8 Chinese read as GBK would be mojibake. GB18030 covers the rest of GBK's
superset; cp437 is the last resort (it decodes anything).
"""
from __future__ import annotations

import struct
import zipfile
import zlib

UTF8_FLAG = 0x800
UNICODE_PATH_FIELD = 0x7075


def decode_name_bytes(raw: bytes) -> str:
    """Raw zip name bytes (no UTF-8 flag) decoded: ASCII, else UTF-8, else GBK/GB18030, else cp437."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("cp437")


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    """The Info-ZIP Unicode Path extra field's name, when present and made for these raw bytes."""
    pos = 0
    while pos + 4 <= len(extra):
        field, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4:pos + 4 + size]
        pos += 4 + size
        if field != UNICODE_PATH_FIELD or len(body) < 5 or body[0] != 1:
            continue
        (crc,) = struct.unpack_from("<I", body, 1)
        if crc != zlib.crc32(raw):
            return None  # the name was changed by a tool that ignored the field: the field is stale
        try:
            return body[5:].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def raw_name(info: zipfile.ZipInfo) -> bytes:
    """The name's bytes as stored in the archive."""
    if info.flag_bits & UTF8_FLAG:
        return info.orig_filename.encode("utf-8")
    try:
        return info.orig_filename.encode("cp437")
    except UnicodeEncodeError:  # zipfile given a metadata_encoding: the name was decoded with it already
        return info.orig_filename.encode("utf-8", "surrogateescape")


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name with "/" separators, decoded as the tool that made the archive wrote it."""
    if info.flag_bits & UTF8_FLAG:
        name = info.orig_filename
    else:
        raw = raw_name(info)
        name = _unicode_path(info.extra, raw) or decode_name_bytes(raw)
    return name.replace("\\", "/")
