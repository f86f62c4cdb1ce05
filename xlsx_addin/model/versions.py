"""Versions the Python workbook depends on, in one place.

The Python workbook (单位填报表_<scheme>.xlsm) carries xlwings' VBA runtime and wrappers
generated at build time; they only work with the same xlwings on the clerk's PC, so xlwings
is pinned exactly: pyproject.toml's ``xlwings==`` pin must equal XLWINGS_VERSION (a test
checks), and the formula functions refuse to compute under another version.
"""
from __future__ import annotations

XLWINGS_VERSION = "0.37.8"
