"""The unit workbook builder (stable API): `build_unit_workbook(path, scheme, values=None, python=False)` and
`unit_filename`. The builders live in xlsx_addin/io/books/; `xlsx-addin templates` is the templates job
(xlsx_addin/jobs/templates/) composed with the summary workbook by xlsx_addin/shells/templates.py."""
from __future__ import annotations

from xlsx_addin.io.books.unit.book import build_unit_workbook, unit_filename

__all__ = ["build_unit_workbook", "unit_filename"]
