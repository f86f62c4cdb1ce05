"""Cell values as both engines (LibreOffice, formulas) return them: float, str, bool (formulas
only; LibreOffice gives 1.0 / 0.0), None for an empty cell, CellError for an error result, and a
list of rows for a range."""

from __future__ import annotations

EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


class CellError(str):
    """An error result, equal to its Excel text ("#DIV/0!"); ``code`` is LibreOffice's number
    (0 from formulas)."""

    code: int

    def __new__(cls, text: str, code: int = 0) -> "CellError":
        obj = super().__new__(cls, text)
        obj.code = code
        return obj

    def __repr__(self) -> str:
        return f"CellError({str(self)!r}, code={self.code})"
