"""A second engine: evaluate an .xlsx with the ``formulas`` package (pure Python, no soffice).

    book = FormulasBook("unit.xlsx", inputs=["score", "items"])   # compile once (seconds)
    book.values(["result_level"], {"score": 95})                  # then milliseconds per case

How ``formulas`` (1.3) reads a workbook, from its source (formulas/excel/__init__.py):
- Workbook-level defined names become nodes ``'[file.xlsx]'!NAME`` (upper-cased); names with a
  sheet scope (localSheetId) and hidden names are skipped, so only global names resolve.
- Cells are nodes ``'[file.xlsx]SHEET'!A1`` (sheet upper-cased); cross-sheet references and ranges
  work. Only cells that hold something (a value or a formula) are nodes: an edit of a blank
  cell has nothing to change, so ``FormulasBook`` writes a placeholder 0 into every blank cell of
  ``inputs`` (in a temporary copy) before compiling; ``None`` as an edit value empties it again.
- Values come back as numpy arrays: numbers (int/float/bool), str, ``XlError`` and ``EMPTY``;
  converted here to float / bool / str / CellError / None (bool kept: True == 1.0 in Python).
Known differences from Excel and LibreOffice (tests/test_support_harness.py pins them):
``=10^400`` gives #VALUE! (Excel, LibreOffice: #NUM!); MATCH with a blank lookup value matches
it as 0 (Excel, LibreOffice: #N/A); SQRT(-1) gives #NUM! like Excel (LibreOffice: #VALUE!); a
reference to a missing sheet logs a warning and gives #REF!; functions it does not implement
give #NAME?; no dynamic arrays, no macros or UDFs (xlwings functions are #NAME?).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
from openpyxl.utils import get_column_letter, range_boundaries

from .values import CellError


def _plain(x: Any) -> Any:
    import schedula as sh
    from formulas.tokens.operand import XlError

    if x is sh.EMPTY:
        return None
    if isinstance(x, XlError):
        return CellError(str(x))
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, float, np.integer, np.floating)):
        return float(x)
    return str(x) if isinstance(x, np.str_) else x


def _shape(value: Any) -> Any:
    arr = np.asarray(getattr(value, "value", value), dtype=object)
    if arr.ndim == 0:
        return _plain(arr.item())
    rows = [[_plain(v) for v in row] for row in arr.reshape(arr.shape[0], -1)]
    return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows


class FormulasBook:
    """One workbook compiled by ``formulas``; ``values`` recalculates it with edits."""

    def __init__(self, path: Path | str, inputs: Iterable[str] = ()) -> None:
        import formulas

        self.path = Path(path).resolve()
        inputs = list(inputs)
        with tempfile.TemporaryDirectory(prefix="formulas_") as tmp:
            src = Path(tmp) / self.path.name
            shutil.copyfile(self.path, src)
            filled = _fill_blanks(src, inputs) if inputs else []
            self.model = formulas.ExcelModel().loads(str(src)).finish()
        self._book = f"[{self.path.name}]"
        self._nodes = {k.upper(): k for k in self.model.dsp.data_nodes if isinstance(k, str)}
        # The placeholders are blank again unless an edit fills them.
        self._blank = [self.key(f"{sheet}!{ref}") for sheet, ref in filled]
        self._refs = {k.upper(): v for k, v in self.model.references.items()}

    def key(self, name: str) -> str:
        """The node of a defined name or a 'Sheet!A1[:B2]' reference."""
        if "!" in name:
            sheet, ref = name.rsplit("!", 1)
            sheet = sheet.strip("'").replace("''", "'")
            want = f"'{self._book}{sheet}'!{ref.replace('$', '')}"
        else:
            want = f"'{self._book}'!{name}"
        node = self._nodes.get(want.upper())
        if node is None:
            raise KeyError(f"formulas has no node for {name!r} in {self.path.name} "
                           "(a sheet-scoped or hidden name, or a blank cell nothing refers to)")
        return node

    def cells_of(self, name: str) -> list[str]:
        """The cell nodes a defined name refers to (row by row)."""
        rng = self._refs.get(f"'{self._book}'!{name}".upper())
        if rng is None:
            return [self.key(name)]
        out = []
        for r in rng.ranges:
            prefix, ref = r["name"].rsplit("!", 1)
            c1, r1, c2, r2 = range_boundaries(ref)
            for row in range(r1, r2 + 1):
                for col in range(c1, c2 + 1):
                    cell = f"{prefix}!{get_column_letter(col)}{row}"
                    out.append(self._nodes.get(cell.upper(), cell))
        return out

    def values(self, names: Iterable[str], edits: Mapping[str, Any] | None = None) -> dict[str, Any]:

        inputs: dict[str, Any] = {cell: _empty(cell) for cell in self._blank}
        for name, value in (edits or {}).items():
            cells = self.cells_of(name) if "!" not in name else [self.key(name)]
            flat = list(np.ravel(np.asarray(value, dtype=object))) if isinstance(value, list) else [value]
            if len(flat) != len(cells):
                raise ValueError(f"{name}: {len(flat)} values for {len(cells)} cells")
            for cell, v in zip(cells, flat):
                if cell not in self.model.dsp.data_nodes:
                    raise KeyError(f"{name}: {cell} is blank in {self.path.name}; list it in inputs=")
                inputs[cell] = _empty(cell) if v is None else v
        names = list(names)
        keys = {n: self.key(n) for n in names}
        sol = self.model.calculate(inputs=inputs, outputs=list(keys.values()) or None)
        return {n: _shape(sol[k]) if k in sol else None for n, k in keys.items()}


def _empty(cell: str) -> Any:
    """The value of a blank cell node, as formulas builds it."""
    import schedula as sh
    from formulas.ranges import Ranges

    return Ranges().push(cell, value=np.array([[sh.EMPTY]], dtype=object))


def _fill_blanks(path: Path, inputs: list[str]) -> list[tuple[str, str]]:
    """Write 0 into the blank cells of ``inputs`` (defined names or 'Sheet!A1') in ``path``;
    return the (sheet, cell) filled."""
    import openpyxl

    filled = []
    wb = openpyxl.load_workbook(path)
    for name in inputs:
        if name in wb.defined_names:
            dests = list(wb.defined_names[name].destinations)
        else:
            sheet, ref = name.rsplit("!", 1)
            dests = [(sheet.strip("'"), ref)]
        for sheet, ref in dests:
            cells = wb[sheet][ref.replace("$", "")]
            for row in (cells if isinstance(cells, tuple) else ((cells,),)):
                for cell in (row if isinstance(row, tuple) else (row,)):
                    if cell.value is None:
                        cell.value = 0
                        filled.append((sheet, cell.coordinate))
    wb.save(path)
    return filled


def evaluate(path: Path | str, names: Iterable[str],
             edits: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Load, calculate and return the values of ``names`` (one-off; use FormulasBook for many)."""
    return FormulasBook(path, inputs=list(edits or ())).values(names, edits)
