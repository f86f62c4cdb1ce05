"""Output safety: the summary never replaces a file the run reads, and a failed write is one clear message.

`check_output` runs before anything is read: `--out` naming a unit workbook, a town summary inside the
input tree, or the --previous file is refused (RatingError → exit code 2). `writing(out)` turns every
OS error of the write (read-only folder, disk full, file too large, permission) into one Chinese
RatingError and removes the temporary files that write left; the previous output and its backups stay.
"""
from __future__ import annotations

import contextlib
import errno
import glob
import os
from pathlib import Path

from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.package import Refused, read_regular, special_kind
from xlsx_addin.io.reader import RAW_SHEET, defined_names
from xlsx_addin.io import package
from xlsx_addin.contracts.summary import RECORD
from xlsx_addin.io.own_output import recorded_folder, summarised
from xlsx_addin.io.tables.previous import read_sheet_rows

UNIT_NAMES = ("org_name", "item_scores")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
        return True
    except ValueError:
        return False


def workbook_kind(path: Path) -> str | None:
    """'unit' (a unit workbook: the template's defined names), 'summary' (has 原始数据), or None.

    Only workbook.xml is looked at, with the reader's bounds; nothing is read by python-calamine.
    """
    import io
    import zipfile


    try:
        data, _ = read_regular(str(path))
        if data[:2] != b"PK":
            return None
        package.check_members(data)
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = package.check_directory(zf)
        info = infos.get("xl/workbook.xml")
        if info is None:
            return None
        names, sheets = defined_names(package.read_member(zf, info, package.MAX_XML_PART))
    except (Refused, OSError, ValueError, zipfile.BadZipFile, EOFError):
        return None
    if any(n in names for n in UNIT_NAMES):
        return "unit"
    if RAW_SHEET in sheets:
        return "summary"
    return None


def read_recorded_folder(path: Path) -> tuple[str, str] | None:
    """The folder a summary file records it summarised (own_output.py); None when it records none or is unreadable."""
    try:
        return recorded_folder(read_sheet_rows(path, RECORD))
    except RatingError:
        return None


def _own(out: Path, input_dir: Path) -> bool:
    """This job's own earlier output, by the folder its record names (own_output.py); a summary without that
    record (older versions) only when it lies at the top of the folder."""
    recorded = read_recorded_folder(out)
    if recorded is None:
        return os.path.realpath(out.parent) == os.path.realpath(input_dir)
    return summarised(out, recorded, input_dir)


def check_output(out: Path, input_dir: Path, previous: Path | None) -> None:
    """Refuse an output path that names a file this run reads (see the module notes)."""
    if previous is not None and out.exists() and _same_file(out, previous):
        raise RatingError(f"输出文件 {out} 就是上年度汇总表(--previous),汇总表不能写在它上面;请另选输出文件名")
    if not out.exists() and not out.is_symlink():
        return
    try:
        kind = special_kind(os.stat(out).st_mode)
    except OSError as exc:
        raise RatingError(f"输出文件 {out} 无法访问:{exc.strerror or exc}") from None
    if kind:
        raise RatingError(f"输出文件 {out} 不是普通文件(是{kind}),请另选输出文件名")
    what = workbook_kind(out)
    if what == "unit":
        raise RatingError(f"输出文件 {out} 是一个单位填报表,写出汇总表会覆盖它(该单位也不会参与评定);"
                          "请另选输出文件名(如 汇总表.xlsx)")
    if what == "summary" and _inside(out, input_dir) and not _own(out, input_dir):
        raise RatingError(f"输出文件 {out} 是单位填报表文件夹中的一个下级汇总表(其中的单位会被读取),写出汇总表会覆盖它;"
                          "请另选输出文件名,或保存到单位填报表文件夹之外"
                          "(本程序写出的汇总表记有它汇总的文件夹,重新汇总时会认出;较早版本写出的请先移出该文件夹)")


def _temp_files(out: Path) -> set[str]:
    folder = out.parent if str(out.parent) else Path(".")
    return set(glob.glob(os.path.join(glob.escape(str(folder)), f".~{glob.escape(out.stem)}.*")))


_WHY = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已满",
    errno.EFBIG: "文件超过了磁盘或系统允许的大小",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.EACCES: "没有写入该文件夹的权限(或文件正被 Excel 打开)",
    errno.EPERM: "没有写入该文件夹的权限",
    errno.ENOENT: "文件夹不存在或已被移走",
    errno.EIO: "磁盘读写出错(U 盘或网络盘是否已拔出?)",
}


def write_error(out: Path, exc: BaseException, what: str = "汇总表") -> RatingError:
    code = getattr(exc, "errno", None)
    why = (_WHY.get(code) if isinstance(code, int) else None) or getattr(exc, "strerror", None) or "写入失败"
    again = "重新汇总" if what == "汇总表" else "重试"
    return RatingError(f"无法写出{what} {out}:{why}。原有的{what}及其备份没有改动;请处理后{again}")


def _os_error(error: BaseException) -> OSError | None:
    """The OSError behind an exception (XlsxWriter wraps it in FileCreateError)."""
    seen = 0
    exc: BaseException | None = error
    while exc is not None and seen < 5:
        if isinstance(exc, OSError):
            return exc
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner or exc.__cause__ or exc.__context__
        seen += 1
    return None


@contextlib.contextmanager
def writing(out: Path, what: str = "汇总表"):
    """OS errors of writing `out` (the summary, or another output named by `what`) as one Chinese message."""
    before = _temp_files(out)
    try:
        yield
    except RatingError:
        _clean(out, before)
        raise
    except Exception as exc:  # noqa: BLE001 - only OS errors become a message; anything else is a bug
        _clean(out, before)
        os_error = _os_error(exc)
        if os_error is None:
            raise
        raise write_error(out, os_error, what) from None


def _clean(out: Path, before: set[str]) -> None:
    for name in _temp_files(out) - before:
        with contextlib.suppress(OSError):
            os.unlink(name)


__all__ = ["check_output", "workbook_kind", "write_error", "writing"]


def is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def check_summary_out(out: Path, input_dir: Path, previous: Path | None) -> None:
    """A summary's output, before anything is read: not a file the run reads (check_output), an .xlsx or
    .xlsm file, not a folder. RatingError with a Chinese message."""
    check_output(out, input_dir, previous)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise RatingError(f"输出文件 {out} 的扩展名须为 .xlsx 或 .xlsm")
    if out.exists() and out.is_dir():
        raise RatingError(f"输出文件 {out} 是一个文件夹,请给出文件名(如 汇总表.xlsx)")
