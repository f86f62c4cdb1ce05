"""Unit workbooks handed in as a .zip archive: read in memory, never unpacked to disk, with the reader's bounds.

Members are shown as `包.zip/镇/村.xlsx`, their names decoded by `zipnames.member_name` (UTF-8 flag, Info-ZIP
Unicode path, UTF-8 without the flag, GBK). Other archive formats are not read: they get a row telling the clerk
to unpack them.
"""
from __future__ import annotations

import io
import os
import time
import zipfile
from dataclasses import dataclass
from typing import Callable, Iterator

from xlsx_addin.io import package
from xlsx_addin.io.package import MAX_BYTES, Refused
from xlsx_addin.io.zipnames import member_name
from xlsx_addin.model.problems import ERROR
from xlsx_addin.model.problems import Severity

ARCHIVES = (".zip",)
UNPACK_FIRST = {  # archives not read: the clerk unpacks them
    ".rar": "RAR", ".7z": "7z", ".tar": "tar", ".gz": "gzip", ".tgz": "tar.gz", ".bz2": "bzip2", ".xz": "xz",
    ".cab": "CAB", ".arj": "ARJ",
}
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods", ".et")  # the last three: legacy_reader.py


def unpack_reason(ext: str) -> str:
    return (f"这是{UNPACK_FIRST[ext]}压缩包,其中的单位填报表未读取;请先解压到单位填报表文件夹中"
            "(解压后可删除压缩包),再重新汇总")


def is_archive(path: str) -> bool:
    return path.lower().endswith(ARCHIVES)


@dataclass
class Member:
    name: str  # path inside the archive, decoded, with "/" separators
    data: bytes | None  # the workbook's bytes; None when refused
    mtime: float
    refused: str = ""  # Chinese reason when data is None
    severity: Severity = ERROR


def members(path: str, other: Callable[[str], tuple[str, Severity] | None]) -> Iterator[Member]:
    """Every unit workbook of a .zip archive, and a refusal for every other member: `other(name)` says what it is
    and what to do (files/handed_in.py; None: litter, passed over).

    Refused (the whole archive) when the archive itself breaks a bound or is damaged.
    """
    data, mtime = package.read_regular(path)
    package.check_members(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = list(package.check_directory(zf).values())
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - BadZipFile and its relatives
        raise Refused("压缩包已损坏(可能未传输完整),其中的文件无法读取;请重新提交或解压后再汇总") from None
    for info in sorted(infos, key=lambda i: member_name(i)):
        if info.is_dir():
            continue
        name = member_name(info)
        base = name.rsplit("/", 1)[-1]
        lower = base.lower()
        ext = os.path.splitext(lower)[1]
        if name.startswith("__MACOSX/") or base.startswith(("~$", "._", ".~")):
            continue
        try:
            when = time.mktime(info.date_time + (0, 0, -1))
        except (OverflowError, ValueError):
            when = mtime
        if ext in WORKBOOKS:
            if info.flag_bits & 0x1:
                yield Member(name, None, when, "压缩包中的这个文件设置了解压密码,无法读取;请解压后再汇总")
                continue
            try:
                yield Member(name, package.read_member(zf, info, MAX_BYTES), when)
            except Refused as why:
                yield Member(name, None, when, str(why))
            except Exception:  # noqa: BLE001 - bad CRC, damaged stream
                yield Member(name, None, when, "文件已损坏(压缩包内容有误,可能未传输完整),无法读取;请重新提交")
        elif ext in ARCHIVES or ext in UNPACK_FIRST:
            yield Member(name, None, when, "压缩包中还有压缩包,其中的文件未读取;请全部解压后再汇总")
        elif (told := other(base)) is not None:
            yield Member(name, None, when, told[0], told[1])
