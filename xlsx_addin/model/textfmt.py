"""How numbers read in texts (reasons, messages, 填表说明): one definition each.

The universal workbook's formulas render the same numbers with spreadsheet functions; each
function here names its formula twin (templates/compiler.py), and the differential test proves
they agree:
- num(x)      ↔ ROUND(x,6)&""                               (no exponent, at most 6 decimals)
- percent(r)  ↔ SUBSTITUTE(TEXT(ROUND(r*100,1),"0.0")&"%",".0%","%")  (one decimal, half away from zero)
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CN_DIGITS = "零一二三四五六七八九十"


def num(x: float) -> str:
    """A number as a spreadsheet's `&` shows ROUND(x, 6): 85, 89.5, 0.000001 (never 1e-06)."""
    v = round(float(x), 6)
    if v.is_integer():
        return str(int(v))
    return f"{v:.6f}".rstrip("0")


def _round_half_up(x: float, places: int) -> Decimal:
    """x rounded as Excel and LibreOffice do: on its 15 significant digits, halves away from zero."""
    return Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(rate: float | None) -> str:
    """63.2%, 60% (one decimal, dropped when zero); '' for None."""
    if rate is None:
        return ""
    text = f"{_round_half_up(rate * 100, 1)}%"
    return text.replace(".0%", "%")


def cn_count(n: int) -> str:
    """一 … 十 for small counts ('降低一个星级'); digits beyond ten."""
    return _CN_DIGITS[n] if 0 <= n <= 10 else str(n)
