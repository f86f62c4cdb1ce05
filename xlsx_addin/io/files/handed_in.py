"""Every file a clerk finds in the folder is rated or named (issue 22: every file and every unit accounted for).

`other_file(name)` says what a file that is not read as a workbook is and what to do about it, or None for
system litter (Thumbs.db, desktop.ini, .DS_Store, `~$` owner files, Mac `._` files; the `__MACOSX/` folder is
passed over by the callers), which passes silently. Used for the files of the folder (discover.py) and the
members of a .zip (archives.py).
"""
from __future__ import annotations

import os

from xlsx_addin.model.problems import ERROR, HINT, Severity
from xlsx_addin.io.files.made_folder import MARKER

LITTER = {"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store", ".localized", "icon\r",
          MARKER.lower()}  # the demo's own mark on a folder it made (made_folder.py)
LITTER_FOLDERS = {"__macosx"}

_RESUBMIT = ";如果该单位是用它代替单位填报表交来的,请让该单位用下发的模板填好后重新提交(.xlsx);如只是附件,可不处理"
_SAVE_AS = "请在 Excel 中“另存为”Excel 工作簿(.xlsx)后重新提交"

_KINDS: dict[tuple[str, ...], str] = {
    (".pdf",): "这是PDF文件(如扫描件),不是单位填报表,未参与评定",
    (".doc", ".docx", ".docm", ".dot", ".dotx", ".wps", ".wpt", ".rtf", ".odt"): "这是Word/WPS文字文档,不是单位填报表,未参与评定",
    (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".heic", ".heif", ".webp"):
        "这是照片或图片,不是单位填报表,未参与评定",
    (".txt", ".md", ".log"): "这是文本文件,不是单位填报表,未参与评定",
    (".csv",): "这是CSV文本文件(没有模板的结构和公式),不能作为单位填报表读取,未参与评定",
    (".ppt", ".pptx", ".dps", ".odp"): "这是演示文稿,不是单位填报表,未参与评定",
    (".numbers",): "这是苹果 Numbers 表格,无法读取,未参与评定;请在 Numbers 中导出为 Excel(.xlsx)后重新提交",
    (".lnk", ".url"): "这是快捷方式,它指向的文件没有读取;请把单位填报表本身放进文件夹",
}
_BY_EXT = {ext: why for exts, why in _KINDS.items() for ext in exts}
SPREADSHEETS = {  # spreadsheets a clerk may hand in that are not read: an error, the unit is not rated
    ".xlsb": "这是 Excel 二进制工作簿(.xlsb),无法读取;" + _SAVE_AS,
}


def is_litter(name: str) -> bool:
    """System litter: passed over silently."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.lower() in LITTER or base.startswith(("~$", "._"))


def other_file(name: str) -> tuple[str, Severity] | None:
    """What the clerk is told about a file not read as a workbook: (reason, severity); None for litter."""
    if is_litter(name):
        return None
    ext = os.path.splitext(name.lower())[1]
    if ext in SPREADSHEETS:
        return SPREADSHEETS[ext], ERROR
    why = _BY_EXT.get(ext)
    if why is None:
        shown = f"扩展名为{ext}" if ext else "没有扩展名"
        why = f"这不是单位填报表({shown}),未读取,未参与评定"
    if why.endswith("未参与评定"):
        why += _RESUBMIT
    return why, HINT


__all__ = ["LITTER", "LITTER_FOLDERS", "SPREADSHEETS", "is_litter", "other_file"]
