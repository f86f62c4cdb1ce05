"""Shared pytest fixtures. tests/ is a package, so test modules import helpers as tests.support.*"""

# --- LibreOffice / PDF / formulas harness (tests/support/, see docs/TESTING.md) ---------------
from tests.support.libreoffice import libreoffice  # noqa: F401  (session fixture)
