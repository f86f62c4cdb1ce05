"""Cells that hold a formula but no saved result (a script, openpyxl or a non-Excel program wrote the file and
nothing calculated it): python-calamine reads them as blank. Found in the sheet's XML; simple arithmetic
(`=10-1+1`, `=90+5`, `=12%`) is computed here, anything else is named to the clerk, never read as blank."""
from __future__ import annotations

import ast
import html
import operator
import re

from xlsx_addin.contracts.names import input_spec
from xlsx_addin.io.unitfile import UnitFile

_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>', re.S)
_REF = re.compile(rb'\br="\$?([A-Za-z]{1,3})\$?(\d{1,7})"')
_FORMULA = re.compile(rb'<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)', re.S)
_VALUE = re.compile(rb'<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)', re.S)
_STR_TYPE = re.compile(rb'\bt="(?:str|s|inlineStr)"')
MAX_SIMPLE = 120  # characters of a formula computed here


def uncached_formulas(xml: bytes) -> dict[str, str]:
    """A1 → formula text ('' for a shared formula's follower) of the cells with a formula and no saved value.
    A text formula's empty result (`t="str"`, `<v></v>`) is a saved value."""
    if b"<f" not in xml and b":f" not in xml:
        return {}
    out: dict[str, str] = {}
    for m in _CELL.finditer(xml):
        found = _uncached(m)
        if found is not None:
            out[found[0]] = found[1]
    return out


def uncached_formula_at(xml: bytes, a1: str) -> str | None:
    """The formula of cell `a1` when it holds one without a saved value; None otherwise. Finds the one cell, so a
    unit's few blank input cells cost a search each, not a parse of the sheet."""
    at = xml.find(b' r="' + a1.encode("ascii") + b'"')
    if at < 0:
        return None
    m = _CELL.match(xml, xml.rfind(b"<", 0, at))
    found = _uncached(m) if m is not None else None
    return found[1] if found is not None and found[0] == a1 else None


def _uncached(m: re.Match[bytes]) -> tuple[str, str] | None:
    """(A1, formula) of a matched cell with a formula and no saved value."""
    attrs, body = m.group(1), m.group(2)
    f = _FORMULA.search(body)
    if f is None:
        return None
    v = _VALUE.search(body)
    if v is not None and (v.group(1) or _STR_TYPE.search(attrs)):
        return None
    ref = _REF.search(attrs)
    if ref is None:
        return None
    return (ref.group(1).upper() + ref.group(2)).decode(), html.unescape((f.group(1) or b"").decode("utf-8", "replace"))


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def simple_value(formula: str) -> float | None:
    """The value of a formula of numbers, + - * /, parentheses and % (what Excel computes); None otherwise."""
    text = formula.strip().lstrip("=").strip()
    if not text or len(text) > MAX_SIMPLE or not re.fullmatch(r"[0-9.+\-*/()% ]+", text):
        return None
    text = re.sub(r"(\d+(?:\.\d*)?|\.\d+)\s*%", r"(\1/100)", text)
    if "%" in text:
        return None
    try:
        tree = ast.parse(text, mode="eval")
        value = _eval(tree.body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, RecursionError):
        return None
    return value if value - value == 0 else None


def _eval(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        v = _eval(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    raise ValueError("not simple arithmetic")


def uncached_reason(formula: str) -> str:
    return (f"单元格是公式(={formula.lstrip('=')}),但文件中没有保存公式的计算结果(由脚本或非 Excel 程序生成的文件常见),"
            "无法读取其值;请在 Excel 或 WPS 中打开该文件、保存后再提交(或直接填写数值)")


def fill_uncached(unit: UnitFile, xmls: dict[str, bytes]) -> None:
    """Blank input cells (the names contract's) that hold an uncached formula: simple arithmetic computed, else the
    file refused, cell named. Only the blank input cells are looked up in their sheet's XML."""
    for name, value in list(unit.values.items()):
        if input_spec(name) is None:  # a unit's inputs only (the names contract); other books keep their own reading
            continue
        cells = value if isinstance(value, list) else [value]
        for i, v in enumerate(cells):
            if v is not None:
                continue
            index = i if isinstance(value, list) else None
            sheet, cell = unit.where(name, index)
            xml = xmls.get(sheet)
            formula = uncached_formula_at(xml, cell) if xml is not None and cell else None
            if formula is None:
                continue
            number = simple_value(formula)
            if number is None:
                unit.problem(uncached_reason(formula) + ",该单位未参与评定", name=name, index=index,
                             value="=" + formula.lstrip("="))
                return
            if isinstance(value, list):
                value[i] = number
            else:
                unit.values[name] = number
