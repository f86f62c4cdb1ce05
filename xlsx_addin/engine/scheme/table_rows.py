"""The rows of a 规则 table as Excel, WPS and clerks write them, read into key → value.

Normalised: trailing empty cells (`levels.5.min_score,95,` — Excel's CSV when any row has a 备注), a BOM or
zero-width characters, full-width characters, upper case and spaces in keys (`ＬＥＶＥＬＳ. 5 .MIN_SCORE`).
Layouts: (参数, key, 值[, 说明]) and (key, 值[, 备注]); a header row naming `key` fixes the key's column.
Skipped: blank rows, the header, title and note rows (text only). Refused with the row: a key that cannot be
read (latin letters and a dot), a row holding a number but no key, a key given twice. No row that could set a number is skipped.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable

from xlsx_addin.model.errors import SchemeError
from xlsx_addin.model.values import is_blank, quoted

_KEY_RE = re.compile(r"^[a-z_]+(\.[a-z0-9_\u4e00-\u9fff]+)*$")
_INVISIBLE = re.compile(r"[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_KEY_HEADERS = ("key", "参数名", "键")
_HEADER_WORDS = {"参数", "值", "数值", "说明", "备注", "value", "label", *_KEY_HEADERS}


def clean(value: Any) -> Any:
    """A cell as read: text without BOM, zero-width or control characters, its ends trimmed."""
    if isinstance(value, str):
        return _INVISIBLE.sub("", value).strip()
    return value


def as_key(value: Any) -> str | None:
    """The key a cell spells (NFKC, spaces removed, lower case, 。 for .), or None when it spells none."""
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", value)).replace("。", ".")
    text = "".join(text.split()).lower()
    return text if _KEY_RE.match(text) and text not in _KEY_HEADERS else None


def _attempted_key(value: Any) -> bool:
    """Text that looks meant as a key (latin letters and a dot) though it does not read as one."""
    if not isinstance(value, str):
        return False
    text = unicodedata.normalize("NFKC", value)
    return bool(re.search(r"[A-Za-z]", text)) and ("." in text or "。" in text)


def rows_to_table(rows: Iterable[Iterable[Any]], origin: str = "规则表") -> dict[str, Any]:
    """Parse a 规则 range: rows of (参数, key, 值[, 说明]) or (key, 值[, 备注]); see the module's notes."""
    table: dict[str, Any] = {}
    seen: dict[str, int] = {}
    key_col: int | None = None
    for n, row in enumerate(rows, 1):
        cells = [clean(c) for c in row]
        while cells and is_blank(cells[-1]):
            cells.pop()
        if not cells:
            continue
        words = [c.lower() if isinstance(c, str) else c for c in cells]
        if any(w in _KEY_HEADERS for w in words) and all(is_blank(w) or w in _HEADER_WORDS for w in words):
            key_col = next(i for i, w in enumerate(words) if w in _KEY_HEADERS)
            continue
        key_at = _key_column(cells, key_col)
        if key_at is None:
            _refuse_or_skip(cells, n, origin)
            continue
        key = as_key(cells[key_at])
        assert key is not None
        value = cells[key_at + 1] if key_at + 1 < len(cells) else None
        if key in seen:
            label = f"({cells[key_at - 1]})" if key_at and not is_blank(cells[key_at - 1]) else ""
            raise SchemeError(f"{origin}第{seen[key]}行和第{n}行重复设置了参数 {key}{label}:"
                              f"值“{quoted(table[key])}”与“{quoted(value)}”,请只保留一行")
        seen[key] = n
        table[key] = value
    return table


def _key_column(cells: list, key_col: int | None) -> int | None:
    """The key's column: the header's, else the first of columns 1–2 that spells a key."""
    if key_col is not None:
        return key_col if key_col < len(cells) and as_key(cells[key_col]) else None
    for i in (0, 1):
        if i < len(cells) and as_key(cells[i]) is not None:
            return i
    return None


def _refuse_or_skip(cells: list, n: int, origin: str) -> None:
    """A row without a key: a title or a note (text only) is skipped; a row holding a number is refused, named."""
    attempted = next((c for c in cells[:3] if _attempted_key(c)), None)
    if attempted is not None:
        raise SchemeError(f"{origin}第{n}行的参数名“{quoted(attempted)}”无法识别(参数名由英文字母、数字、下划线和点组成,"
                          "如 levels.5.min_score);请改正或删除该行")
    filled = [c for c in cells if not is_blank(c)]
    if len(filled) >= 2 and any(_number_like(c) for c in filled[1:]):  # a number that would be lost
        raise SchemeError(f"{origin}第{n}行(“{'、'.join(quoted(c, 16) for c in filled[:3])}”)没有可识别的参数名,"
                          "无法确定要设置哪个参数;每行应为:参数名 key,值(或:参数,key,值,说明)。请改正或删除该行")


def _number_like(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and bool(re.fullmatch(r"[+-]?[\d.,]+%?", unicodedata.normalize("NFKC", value).strip()))
