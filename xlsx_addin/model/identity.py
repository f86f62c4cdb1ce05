"""A unit's keys: across runs and years (org_code, else org_name) and for dedupe within a run.

Model layer: the consolidation, the ledgers and the carry-over of the previous summary all use these.
"""
from __future__ import annotations

from typing import Any, Mapping, TypeVar

from xlsx_addin.model.values import key_text


def text_key(value: Any) -> str:
    """A code or name as text: 1001.0 (a number cell) → '1001', None → ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def unit_key(code: Any, name: Any) -> str:
    """The key of a unit across runs and years: org_code when present, else org_name."""
    return text_key(code) or text_key(name)


T = TypeVar("T")


def find_unit(table: Mapping[str, T], code: Any, name: Any) -> T | None:
    """A unit's entry in a table keyed by unit_key (names too): by org_code when listed, else by org_name."""
    code_text, name_text = text_key(code), text_key(name)
    if code_text and code_text in table:
        return table[code_text]
    return table.get(name_text) if name_text else None


def dedupe_key(code: Any, parent: Any, name: Any) -> tuple[str, ...]:
    """The unit's identity within one run: org_code, else upper level + name, each normalised (key_text)."""
    code_text = key_text(code)
    if code_text:
        return ("code", code_text)
    return ("name", key_text(parent), key_text(name))
