"""Row heights of wrapped text: no program fits the height of a formula's text (or a written one, in XlsxWriter)."""
from __future__ import annotations


def text_height(text: str, width: float, size: float = 11) -> float:
    """A wrapped cell's row height (points) for `text` in a column `width` characters wide: a CJK character takes
    about two, a line is 1.45 × the font size (no program fits the height of a formula's text by itself)."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    lines = max(1, -(-units * size // (11 * max(width - 2, 1))))
    return lines * size * 1.45 + 4
