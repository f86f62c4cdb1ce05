"""The two flavours of a rating workbook, chosen once per build.

- universal (.xlsx): results as native formulas, computed by any spreadsheet program;
- Python (.xlsm): results from the xlwings formula functions, a VBA project attached, saved values kept on opening.

A flavour knows what every book shares (suffix, file name, calculation settings, the VBA project, the
warning on its first sheets); each book's own steps (native results vs the hidden 函数结果 sheet) are
chosen by the flavour in that book's builder.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsx_addin.io.books.vba import project as vba_project

UDF_MODULE = "udfs.star_rating"  # the module the xlwings add-in imports the formula functions from
CALC_ID = 191029  # a current Excel calc engine id: opening does not force a full recalculation


@dataclass(frozen=True)
class Flavour:
    name: str
    suffix: str
    carries_vba: bool  # the xlwings formula functions: a VBA project, saved values kept on opening

    def filename(self, stem: str, scheme_id: str) -> str:
        """<stem>_<scheme>.xlsx or .xlsm (单位填报表_five_star.xlsx, 评星表_double_ten_star.xlsm)."""
        return f"{stem}_{scheme_id}.{self.suffix}"

    def note(self, book: str) -> str:
        """The Python flavour's warning (pointing to the universal `book`); nothing for the universal one."""
        if not self.carries_vba:
            return ""
        return ("本表为 Python 版,结果由星级评定公式函数计算(本机须安装 Python、xlsx-addin 和 xlwings);"
                f"若结果显示 #NAME?,说明本机不能运行这些函数,请改用通用版“{book}”(.xlsx),"
                "它在 Excel、WPS、LibreOffice 中都能自动计算。")

    def set_calculation(self, wb: Any, universal_calc_id: int | None = None) -> None:
        """Universal: every program recalculates on opening (under `universal_calc_id`, or XlsxWriter's default);
        Python: keep the saved values on a PC without the formula functions."""
        calc_id = CALC_ID if self.carries_vba else universal_calc_id
        if calc_id is not None:
            wb.set_calc_mode("auto", calc_id=calc_id)
        wb.calc_on_load = not self.carries_vba

    def finish(self, wb: Any) -> None:
        """The last step before closing: the Python flavour's VBA project (and its xlwings.conf sheet)."""
        if self.carries_vba:
            vba_project.attach(wb, UDF_MODULE)


UNIVERSAL = Flavour("universal", "xlsx", carries_vba=False)
PYTHON = Flavour("python", "xlsm", carries_vba=True)


def flavour_of(python: bool | Flavour) -> Flavour:
    """The flavour a builder's `python=` argument names (a Flavour passes through)."""
    if isinstance(python, Flavour):
        return python
    return PYTHON if python else UNIVERSAL
