"""An .ods sheet's extent measured from content.xml before python-calamine allocates it: the rectangle from A1 to
the farthest cell that holds something (repeated empty rows and cells, as LibreOffice writes them to the sheet's
edge, count for nothing). A sheet past the reader's bound is refused like an .xlsx one, sheet and far cell named."""
from __future__ import annotations

from xml.etree.ElementTree import Element

from xlsx_addin.io.package import MAX_SHEET_CELLS, Refused

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CELLS = (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell")
_ROW = f"{{{_TABLE}}}table-row"
_ROW_GROUPS = {f"{{{_TABLE}}}{tag}" for tag in ("table-row-group", "table-header-rows", "table-rows")}
MAX_ROWS, MAX_COLS = 1_048_576, 16_384


def _repeat(el: Element, attr: str) -> int:
    try:
        return max(1, int(el.get(f"{{{_TABLE}}}{attr}") or 1))
    except ValueError:
        return 1


def _holds_something(cell: Element) -> bool:
    return cell.get(f"{{{_OFFICE}}}value-type") is not None or cell.get(f"{{{_TABLE}}}formula") is not None \
        or len(cell) > 0


def _rows(parent: Element):
    for el in parent:
        if el.tag == _ROW:
            yield el
        elif el.tag in _ROW_GROUPS:
            yield from _rows(el)


def sheet_extent(table: Element) -> tuple[int, int]:
    """(rows, columns) of the rectangle from A1 to the farthest cell with content."""
    rows = cols = 0
    r = 0
    for row in _rows(table):
        times = _repeat(row, "number-rows-repeated")
        c = 0
        last = 0
        for cell in row:
            if cell.tag not in _CELLS:
                continue
            span = _repeat(cell, "number-columns-repeated")
            if _holds_something(cell):
                last = c + span
            c += span
        if last:
            rows = r + times
            cols = max(cols, last)
        r += times
    return rows, cols


def check_extents(body: Element) -> None:
    """Refused (sheet and far cell named) for a sheet whose rectangle is past MAX_SHEET_CELLS."""
    from xlsxwriter.utility import xl_col_to_name

    for table in body.iter(f"{{{_TABLE}}}table"):
        rows, cols = sheet_extent(table)
        if rows * cols <= MAX_SHEET_CELLS:
            continue
        name = table.get(f"{{{_TABLE}}}name") or ""
        far = f"{xl_col_to_name(cols - 1)}{rows}" if cols <= MAX_COLS and rows <= MAX_ROWS else "表格范围以外"
        raise Refused(f"工作表“{name}”的使用范围过大(有内容的单元格远至 {far},共约{rows * cols:,}个单元格),"
                      "不像单位填报表,未读取;请删除多余的行列(或清除远处单元格的内容)后另存为 Excel 工作簿(.xlsx)再提交",
                      sheet=name, cell=far if far.isascii() else "")
