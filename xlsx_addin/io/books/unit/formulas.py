"""Formula-text building blocks for the universal workbook (spreadsheet functions every program has).

Only functions that Excel 2010, WPS and LibreOffice 7 all have: IF, AND, OR, NOT, ISNUMBER,
ISERROR, ISLOGICAL, ERROR.TYPE, CHOOSE, VALUE, TRIM, LEN, LEFT, SUBSTITUTE, TEXT, ROUND, ABS,
SUM, MIN, MAX, MATCH, IFERROR and `&`. No array entry, no `_xlfn.` function, no macro.
"""
from __future__ import annotations

from typing import Iterable

TOL = "1E-9"  # the engine's comparison tolerance (scoring._TOL)
NONE = '""'  # a value the engine holds as None (blank count, unusable rate)
ERROR_NAMES = '"#NULL!","#DIV/0!","#VALUE!","#REF!","#NAME?","#NUM!","#N/A"'


def lit(text: str) -> str:
    """A text constant."""
    return '"' + text.replace('"', '""') + '"'


def cat(*parts: str) -> str:
    """Concatenation of formula parts ('' parts are dropped)."""
    parts = tuple(p for p in parts if p not in ("", '""'))
    return "&".join(parts) if parts else '""'


def num_text(expr: str) -> str:
    """textfmt.num: ROUND(x,6) as the `&` operator shows it."""
    return f'ROUND({expr},6)&""'


def percent_text(expr: str) -> str:
    """textfmt.percent: one decimal, '.0' dropped. ROUND first: LibreOffice's TEXT rounds the binary
    value (63.249999… → 63.2) where Excel rounds its 15 digits (63.3); ROUND agrees in both."""
    return f'SUBSTITUTE(TEXT(ROUND(({expr})*100,1),"0.0")&"%",".0%","%")'


def shown(expr: str) -> str:
    """inputs.shown for a raw cell: as the clerk sees it."""
    return f'({expr}&"")'


def quoted(expr: str, limit: int = 40) -> str:
    """inputs.quoted: shown, cut at `limit` characters with '…'."""
    return f'IF(LEN({expr}&"")>{limit},LEFT({expr}&"",{limit})&"…",{expr}&"")'


def error_name(expr: str) -> str:
    """The Excel error text of an error value (#N/A …)."""
    return f'IFERROR(CHOOSE(ERROR.TYPE({expr}),{ERROR_NAMES}),"#N/A")'


def is_blank(expr: str) -> str:
    """inputs.is_blank on a cell: empty or only spaces (an error value is not blank)."""
    return f'IF(ISERROR({expr}),FALSE,LEN(TRIM({expr}&""))=0)'


def as_number(expr: str) -> str:
    """parse_number: a number, a text that reads as one (VALUE), else ''. Booleans are not numbers."""
    return (f'IF(ISERROR({expr}),"",IF(ISNUMBER({expr}),{expr},IF(ISLOGICAL({expr}),"",'
            f'IFERROR(VALUE(TRIM({expr})),""))))')


def first_nonblank(chain: Iterable[str]) -> str:
    """The first of several text expressions that is not '' (nested IFs; keep chains short)."""
    items = list(chain)
    if not items:
        return '""'
    out = items[-1]
    for expr in reversed(items[:-1]):
        out = f'IF({expr}<>"",{expr},{out})'
    return out


def compare(op: str, a: str, b: str) -> str:
    """adjust.compare: comparisons that float noise cannot flip."""
    if op == "<":
        return f"{a}<{b}-{TOL}"
    if op == "<=":
        return f"{a}<={b}+{TOL}"
    if op == ">":
        return f"{a}>{b}+{TOL}"
    if op == ">=":
        return f"{a}>={b}-{TOL}"
    if op == "==":
        return f"ABS({a}-{b})<={TOL}"
    return f"ABS({a}-{b})>{TOL}"


def choose_name(rank_expr: str, names_by_rank: list[str]) -> str:
    """A level name from its rank (ranks 0..n)."""
    return f"CHOOSE({rank_expr}+1,{','.join(lit(n) for n in names_by_rank)})"
