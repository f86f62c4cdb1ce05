"""The built-in templates' cell maps: where a unit workbook keeps each name, and the row labels around them.

A .xls/.ods/.et unit file is checked against its template's row labels (a row inserted or deleted is
refused with the row that did not match), and read by the cell map when it lost its defined names.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from xlsx_addin.engine.scheme import BUILTIN
from xlsx_addin.io.legacy_books import Book
from xlsx_addin.io.unitfile import RULES_TABLE, SCHEME_ID, TEMPLATE_VERSION, Ref, UnitFile

NEW_TEMPLATE = "请用下发的模板重新填报"


@dataclass(frozen=True)
class TemplateMap:
    """Where the built-in template of a scheme keeps each name, and the static texts of those rows."""

    scheme_id: str
    version: str
    refs: dict[str, Ref]
    labels: dict[tuple[str, int], dict[int, str]]  # (sheet, row) → {col: text}


@functools.lru_cache(maxsize=None)
def template_map(scheme_id: str) -> TemplateMap | None:
    """The cell map of the current built-in template of scheme_id (templates/cellmap.py); None when there is none."""
    try:
        text = (resources.files("xlsx_addin.io") / "cellmaps" / f"{scheme_id}.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError, ValueError):
        return None
    data = json.loads(text)
    refs = {k: Ref(v[0], v[1], v[2], v[3], v[4]) for k, v in data["refs"].items()}
    labels = {(s, r): {int(c): t for c, t in row.items()} for s, r, row in data["labels"]}
    return TemplateMap(data["scheme_id"], data["version"], refs, labels)


def _norm(value: Any) -> str:
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


def _cell(grid, r: int, c: int) -> Any:
    rows, r0, c0 = grid
    i, j = r - r0, c - c0
    if 0 <= i < len(rows) and 0 <= j < len(rows[i]):
        v = rows[i][j]
        return None if v == "" else v
    return None


def _a1(r: int, c: int) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(r, c)


@dataclass
class Mismatch:
    sheet: str
    row: int
    col: int
    expected: str
    actual: Any


def layout_mismatches(book: Book, refs: dict[str, Ref], tmap: TemplateMap) -> list[Mismatch]:
    """Template row labels that the file does not have where its cells say they should be."""
    out = []
    grids: dict[str, Any] = {}
    seen = set()
    for name, tref in tmap.refs.items():
        ref = refs.get(name)
        if ref is None or name == RULES_TABLE:
            continue
        dr, dc = ref.row1 - tref.row1, ref.col1 - tref.col1
        if ref.sheet not in grids:
            grids[ref.sheet] = book.grid(ref.sheet)
        grid = grids[ref.sheet]
        for r in range(tref.row1, tref.row2 + 1):
            for c, text in tmap.labels.get((tref.sheet, r), {}).items():
                fr, fc = r + dr, c + dc
                if (ref.sheet, fr, fc) in seen:
                    continue
                seen.add((ref.sheet, fr, fc))
                actual = _cell(grid, fr, fc) if grid is not None else None
                if _norm(actual) != text:
                    out.append(Mismatch(ref.sheet, fr, fc, text, actual))
    out.sort(key=lambda m: (m.sheet, m.row, m.col))
    return out



def single(book: Book, ref: Ref | None) -> Any:
    if ref is None:
        return None
    grid = book.grid(ref.sheet)
    return _cell(grid, ref.row1, ref.col1) if grid is not None else None


def text_of(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def check_layout(unit: UnitFile, book: Book, refs: dict[str, Ref], tmap: TemplateMap) -> bool:
    """True when the rows match the template; else one 错误 row naming the first row that does not."""
    bad = layout_mismatches(book, refs, tmap)
    if not bad:
        return True
    m = bad[0]
    more = f"(共{len(bad)}处不符)" if len(bad) > 1 else ""
    actual = "空白" if m.actual is None else f"“{text_of(m.actual)}”"
    unit.problem(f"表格版式与模板不符:工作表“{m.sheet}”第{m.row + 1}行的{_a1(m.row, m.col)}应为“{m.expected}”,"
                 f"实为{actual}{more};可能插入或删除了行,为避免读错,本文件未读取;{NEW_TEMPLATE}",
                 value="" if m.actual is None else m.actual)
    unit.problems[-1].sheet, unit.problems[-1].cell = m.sheet, _a1(m.row, m.col)
    return False


def identify(unit: UnitFile, book: Book) -> TemplateMap | None:
    """The built-in template this file (without defined names) was made from, its layout checked."""
    maps = [m for m in (template_map(s) for s in BUILTIN) if m is not None]
    found = [m for m in maps if text_of(single(book, m.refs.get(SCHEME_ID))) == m.scheme_id]
    if not found:
        if not maps or not any(has_sheet(book, m) for m in maps):
            unit.problem("不是本系统的单位填报表(没有模板的定义名称,也没有模板的工作表),未参与评定;" + NEW_TEMPLATE)
            return None
        best = min(maps, key=lambda m: len(layout_mismatches(book, m.refs, m)))
        ref = best.refs[SCHEME_ID]
        unit.problem(f"文件中没有定义名称(另存时丢失),且在模板位置(工作表“{ref.sheet}”{ref.a1})找不到评定方案标识;"
                     f"无法确认版式,为避免读错,本文件未读取;{NEW_TEMPLATE}", value=single(book, ref) or "")
        unit.problems[-1].sheet, unit.problems[-1].cell = ref.sheet, ref.a1
        return None
    tmap = found[0]
    version = text_of(single(book, tmap.refs.get(TEMPLATE_VERSION)))
    if version != tmap.version:
        ref = tmap.refs[TEMPLATE_VERSION]
        unit.problem(f"文件中没有定义名称(另存时丢失),只能按模板的单元格位置读取,但其模板版本“{version or '空白'}”"
                     f"与本程序的模板版本“{tmap.version}”不同,版式无法核对,本文件未读取;{NEW_TEMPLATE}", value=version)
        unit.problems[-1].sheet, unit.problems[-1].cell = ref.sheet, ref.a1
        return None
    if not check_layout(unit, book, tmap.refs, tmap):
        return None
    return tmap


def has_sheet(book: Book, m: TemplateMap) -> bool:
    return any(ref.sheet in book.sheets for ref in m.refs.values())



__all__ = ["NEW_TEMPLATE", "TemplateMap", "check_layout", "identify", "layout_mismatches", "single", "template_map",
           "text_of"]
