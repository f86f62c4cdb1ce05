"""Versions the Python workbook depends on, in one place.

The Python workbook (单位填报表_<scheme>.xlsm) carries xlwings' VBA runtime and wrappers
generated at build time; they only work with the same xlwings on the clerk's PC, so xlwings
is pinned exactly: pyproject.toml's ``xlwings==`` pin must equal XLWINGS_VERSION (a test
checks), and the formula functions refuse to compute under another version.
"""
from __future__ import annotations

XLWINGS_VERSION = "0.37.8"

# The Python versions this program runs on, stated once: pyproject.toml's requires-python is ">=" the first
# (xlwings 0.37.8, pandas 3 and numpy 2.4 need 3.11), the README names the range, the bundle targets them all
# by default (a test checks the three agree).
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")
