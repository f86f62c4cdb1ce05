"""Template builders: the unit workbooks (单位填报表) per scheme and the summary workbook (汇总表).

`xlsx-addin templates --out DIR [--scheme NAME|PATH] [--rules FILE]` (catalog.py) writes, for each built-in
scheme (or the one given), the universal workbook DIR/单位填报表_<scheme>.xlsx (native formulas:
any spreadsheet program, no Python) and the Python workbook DIR/单位填报表_<scheme>.xlsm (the
xlwings formula functions), the 双十星 评星表 DIR/评星表_<scheme>.xlsx and .xlsm the same way,
DIR/huizong.xlsm and DIR/半年台账.xlsx. A 规则 table given with --rules is written into
the 规则 sheets (its values become the numbers in force).
"""
from __future__ import annotations

from xlsx_addin.io.books.unit.book import build_unit_workbook, unit_filename

__all__ = ["build_unit_workbook", "unit_filename"]
