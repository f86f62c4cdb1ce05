"""Cell values as a clerk typed and sees them: blank, shown text, the normalised key text, Excel errors.

Model layer: imports nothing of the package, so every layer above may use it.
"""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

EXCEL_ERRORS = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA")
_INVISIBLE = re.compile(r"[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def shown(value: Any) -> str:
    """A cell value as the clerk sees it (TRUE/FALSE like Excel, 85 not 85.0, lists joined)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (list, tuple)):
        return "、".join(shown(v) for v in value)
    return str(value)


QUOTE_LIMIT = 40  # characters of a value quoted in a message (the 评星表 formulas cut the same)


def quoted(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """A value as a clerk sees it in a message: TRUE/FALSE like Excel, long text cut short."""
    text = shown(value)
    return text if len(text) <= limit else text[:limit] + "…"


def key_text(value: Any) -> str:
    """A name or code as compared for dedupe: NFKC (full-width → half-width), zero-width and control
    characters removed, runs of spaces made one, ends trimmed. The original text is what is shown."""
    if is_blank(value):
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", shown(value)))
    return " ".join(text.split())


def excel_error(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return value.strip().upper()
    return None
