"""The branch's 双十星 workbook (评星表): the organisation's ten stars and every member's, computed live.

Sheets: 填表说明 · 党组织评星表 · 党员评星表 (Excel table `member_table`) · 评星票 · 党员评星票 · 规则.
Universal flavour: native formulas only (IF/AND/OR/NOT/ISNUMBER/INDEX/MATCH/COUNTIF/SUMPRODUCT/
SEARCH/TRIM/TEXT/ROUND/MOD/LEFT/LEN/IFERROR/N/INT/MIN), nothing array-entered, no macro. Every number a
formula uses (threshold, record-set stars, privileged / rectify levels, caps, level names, the stars of
each type) is read from the 规则 sheet, written there from the schemes. Inputs carry the defined
names of the names contract (org_name, org_type, star_names, star_votes_for …); members are rows of
the table `member_table`, their four individual stars the cells `member_star_names`.
Cached values: the result cells carry what score_unit computes; the workbook asks for a full
recalculation on load (every program recalculates native formulas).
Python flavour (.xlsm, stars_python.py): the same sheets, names and inputs; results from the xlwings formula
functions (XJ_STAR_RESULT, XJ_STAR_TABLE, XJ_MEMBER_STARS on a hidden 函数结果 sheet), the VBA project of
vba_project.py; saved values kept on opening.
Modules: stars_layout (columns, helpers), stars_rules (规则 and the formula pieces over it), stars_org
(党组织评星表), stars_members (党员评星表), stars_ballot (评星票, 填表说明), stars_python (the Python blocks).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from xlsx_addin.model.errors import RatingError
from xlsx_addin.engine.scheme import Scheme, load_scheme
from xlsx_addin.engine.double_ten.cells import score_or_text, member_inputs
from xlsx_addin.io.books.double_ten.ballot import PrintSheets
from xlsx_addin.contracts.double_ten_book import (
    MEMBER_ROWS,
    SHEET_BALLOT,
    SHEET_GUIDE,
    SHEET_MEMBER_BALLOT,
    SHEET_MEMBERS,
    SHEET_ORG,
    SHEET_RULES,
)
from xlsx_addin.io.books.double_ten.layout import (
    CREATED,
)
from xlsx_addin.io.books.double_ten.members import MemberSheet
from xlsx_addin.io.books.double_ten.org import OrgSheet
from xlsx_addin.io.books.double_ten.rules import Rules, RulesSheet, check_supported
from xlsx_addin.io.books.double_ten.python_flavour import PythonResults, UniversalResults
from xlsx_addin.io.books.kit.flavour import PYTHON, UNIVERSAL, Flavour, flavour_of
from xlsx_addin.io.books.kit.styles import Styles
from xlsx_addin.io.books.kit.workbook import new_workbook
from xlsx_addin.io.books.kit.writing import add_sheet

__all__ = ["build_star_workbook", "star_filename"]


def star_filename(scheme: Scheme, python: bool | Flavour = False) -> str:
    """评星表_<scheme>.xlsx (universal) or .xlsm (the Python workbook)."""
    return flavour_of(python).filename("评星表", scheme.id)


class _Book(RulesSheet, OrgSheet, MemberSheet, PrintSheets):
    """The builder; its flavour's results part (UniversalResults or PythonResults) completes it."""

    hidden_sheets: tuple[str, ...]

    if TYPE_CHECKING:  # the flavour's results part
        def write_results(self) -> None: ...

    def __init__(self, path: Path, org: Scheme, member: Scheme, values: Mapping[str, Any], members: list[Mapping],
                 member_star_names: Sequence[Any], flavour: Flavour):
        self.flavour = flavour
        self.grid: dict[tuple[str, int, int], Any] = {}  # every input cell as written (the blocks' arguments)
        self.pending: list = []  # the Python flavour's result cells, written with the blocks
        self.org, self.member = org, member
        self.values, self.members = values, members
        self.own = list(member_star_names) + [None] * (4 - len(member_star_names))
        self.wb = new_workbook(path)
        self.wb.set_properties({"title": "双十星评星表", "subject": org.name, "author": "xlsx-addin",
                                "category": "星级评定", "keywords": f"{org.id};v{org.version}",
                                "comments": "由 xlsx-addin 生成", "created": CREATED})
        self.st = Styles(self.wb)
        self.st["star"] = self.wb.add_format({"font_name": "宋体", "border": 1, "align": "center", "valign": "vcenter",
                                              "bg_color": "#EDEDED", "bold": True, "font_color": "#C00000"})
        self.st["sign_bold"] = self.wb.add_format({"font_name": "宋体", "font_size": 11, "bold": True, "valign": "vcenter"})
        self.st["subtitle_wrap"] = self.wb.add_format({"font_name": "宋体", "font_size": 10, "align": "center",
                                                       "valign": "vcenter", "font_color": "#595959", "text_wrap": True})
        self.st["mark"] = self.wb.add_format({"font_name": "宋体", "border": 1, "align": "center", "valign": "vcenter",
                                              "bg_color": "#EDEDED", "bold": True})
        self.rules = Rules()
        self.names: dict[str, str] = {}
        self.ws = {}
        for name in (SHEET_GUIDE, SHEET_ORG, SHEET_MEMBERS, SHEET_BALLOT, SHEET_MEMBER_BALLOT, SHEET_RULES) + self.hidden_sheets:
            self.ws[name] = add_sheet(self.wb, name)
        flavour.set_calculation(self.wb)
        self.n_rows = max(MEMBER_ROWS, len(members) + 20)

    # cells ----------------------------------------------------------------------------------------
    def put(self, sheet: str, r: int, c: int, value: Any, style: str) -> None:
        ws = self.ws[sheet]
        fmt = self.st[style]
        self.grid[(sheet, r, c)] = None if value is None or value == "" else (
            ("是" if value else "否") if isinstance(value, bool) else value if isinstance(value, (int, float)) else str(value))
        if value is None or (isinstance(value, str) and value == ""):
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            ws.write_string(r, c, "是" if value else "否", fmt)
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value, fmt)
        else:
            ws.write_string(r, c, str(value), fmt)

    def formula(self, sheet: str, r: int, c: int, f: str, style: str, cached: Any = "") -> None:
        self.ws[sheet].write_formula(r, c, f if f.startswith("=") else "=" + f, self.st[style], cached)

    def close(self) -> None:
        self.write_results()
        for name, ref in self.names.items():
            if not name.startswith("_"):
                self.wb.define_name(name, "=" + ref)
        for name, ws in self.ws.items():
            ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                            "select_unlocked_cells": True, "sort": True, "autofilter": True})
        self.ws[SHEET_ORG].activate()
        self.flavour.finish(self.wb)
        self.wb.close()


class _UniversalBook(_Book, UniversalResults):
    pass


class _PythonBook(_Book, PythonResults):
    pass


_BOOKS: dict[Flavour, type[_Book]] = {UNIVERSAL: _UniversalBook, PYTHON: _PythonBook}


def build_star_workbook(path: str | Path, scheme: Scheme | str = "double_ten_star", values: Mapping[str, Any] | None = None,
                        members: Sequence[Mapping[str, Any]] | None = None,
                        member_star_names: Sequence[Any] | None = None, member_scheme: Scheme | str | None = None, *,
                        python: bool | Flavour = False) -> Path:
    """Write the branch's 双十星 workbook: the organisation's inputs from `values` (names contract),
    one member_table row per entry of `members` (member_name, member_type, star_votes_for,
    star_votes_valid, star_records) and the members' four individual stars.

    Universal (default, .xlsx): native formulas. `python=True` or PYTHON (.xlsm): the xlwings formula functions
    (stars_python.py) with the same sheets, names and saved values."""
    org = load_scheme(scheme)
    member = load_scheme(member_scheme or f"{org.id}_member")
    for s in (org, member):
        check_supported(s)
    if org.star_rules().subject != "organisation" or member.star_rules().subject != "member":
        raise RatingError("双十星评星表须由评定党组织的方案和评定党员的方案组成")
    values = dict(values or {})
    members = list(members or [])
    own = list(member_star_names or [])
    path = Path(path)
    flavour = flavour_of(python)
    book = _BOOKS[flavour](path, org, member, values, members, own, flavour)
    org_result = score_or_text(org, values) if values else "待填写"
    member_results = [score_or_text(member, member_inputs(values, m, own, member)) for m in members]
    book.rules_sheet()
    book.org_sheet(org_result)
    book.member_sheet(member_results)
    book.ballot_sheet()
    book.guide_sheet()
    book.close()
    return path

