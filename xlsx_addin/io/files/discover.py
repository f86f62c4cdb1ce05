"""Finding the unit files of a folder: workbooks read, every other file named (handed_in.py), litter and outputs
skipped."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from xlsx_addin.io.archives import ARCHIVES, UNPACK_FIRST, unpack_reason
from xlsx_addin.io.files.handed_in import LITTER_FOLDERS, SPREADSHEETS, is_litter, other_file
from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.legacy_reader import EXTENSIONS as LEGACY_EXTENSIONS
from xlsx_addin.model.problems import ERROR, HINT, Problem

EXTENSIONS = (".xlsx", ".xlsm") + LEGACY_EXTENSIONS

OTHER_FORMATS = SPREADSHEETS  # spreadsheets a clerk may hand in that are not read: each gets a clear reason


# --- finding the files -----------------------------------------------------------------------------
def shown_path(rel: str) -> str:
    """A path as the clerk should read it: names in GBK bytes (a Windows zip unpacked on UOS/Kylin) decoded,
    anything else undecodable replaced, so every text written to the summary is valid Unicode."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return os.sep.join(_shown_name(part) for part in rel.split(os.sep))


def _shown_name(name: str) -> str:
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    raw = os.fsencode(name)
    for codec in ("gbk", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def is_backup_of(path: str, out: str) -> bool:
    """A backup kept beside `out` (汇总表.备份-20261201-101500.xlsx; older runs: 汇总表.bak.xlsx …)."""
    folder, name = os.path.split(path)
    out_folder, out_name = os.path.split(out)
    stem, ext = os.path.splitext(out_name)
    return (os.path.normcase(folder) == os.path.normcase(out_folder) and name.lower().endswith(ext.lower())
            and name.startswith(stem + ".") and (".bak" in name[len(stem):].lower() or
                                                 name[len(stem):].startswith(".备份-")))  # backups.py's names


def check_folder(folder: Path | str, what: str, hint: str) -> Path:
    """The input folder of a run, or a RatingError naming it: missing, or a file (`what`: 单位填报表文件夹 …)."""
    d = Path(folder)
    if not d.exists():
        raise RatingError(f"{what} {d} 不存在")
    if not d.is_dir():
        raise RatingError(f"{d} 不是文件夹,请给出{hint}")
    return d


def find_files(input_dir: Path, exclude: Iterable[Path] = ()) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(absolute path, relative path) of every .xlsx/.xlsm (and .zip of them) under input_dir, sorted;
    skipped files as 提示, archives that must be unpacked as 错误.

    Symbolic links to folders are not followed (no loops); a file reached twice is read once. The files
    in `exclude` (the summary being written) and their backups are never read.
    """
    root = os.path.abspath(input_dir)
    skip = {os.path.realpath(p) for p in exclude}
    seen: set[str] = set()
    files: list[tuple[str, str]] = []
    problems: list[Problem] = []

    def unreadable(err: OSError) -> None:
        rel = shown_path(os.path.relpath(err.filename, root)) if err.filename else "."
        problems.append(Problem(file=rel, reason=f"文件夹无法读取:{err.strerror or err}", severity=ERROR))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if d.lower() not in LITTER_FOLDERS)  # __MACOSX/: litter
        for name in sorted(filenames):
            lower = name.lower()
            full = os.path.join(dirpath, name)
            rel = shown_path(os.path.relpath(full, root))
            ext = os.path.splitext(lower)[1]
            if is_litter(name):  # system litter passes silently (handed_in.py)
                continue
            if ext in UNPACK_FIRST:
                problems.append(Problem(file=rel, reason=unpack_reason(ext), severity=ERROR))
                continue
            if name.startswith(".~") and lower.endswith(EXTENSIONS + ARCHIVES):
                problems.append(Problem(file=rel, reason="汇总程序写出汇总表时留下的临时文件,已跳过", severity=HINT))
                continue
            real = os.path.realpath(full)
            if real in skip or any(is_backup_of(os.path.abspath(full), os.path.abspath(p)) for p in exclude):
                continue
            if not lower.endswith(EXTENSIONS + ARCHIVES):  # every other file named, with what to do
                other = other_file(name)
                if other is not None:
                    problems.append(Problem(file=rel, reason=other[0], severity=other[1]))
                continue
            if real in seen:
                problems.append(Problem(file=rel, reason="与另一个文件是同一文件(快捷方式/链接),已跳过", severity=HINT))
                continue
            seen.add(real)
            files.append((full, rel))
    return files, problems
