"""What a printed PDF shows, from poppler's ``pdftotext -bbox-layout``: pages with their size and
the boxes of every line and word (PDF points, origin top left), and the checks the print tests
need: text runs drawn over each other, text outside the page, the text of each page.

    pages = read_pages(pdf)
    assert not overlapping_text(pdf)
    assert not text_outside_page(pdf)
    assert not pages_without(pdf, "序号")                 # the header row repeats
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def shrunk(self, dx: float, dy: float) -> "Box":
        return Box(self.x0 + dx, self.y0 + dy, self.x1 - dx, self.y1 - dy)

    def overlap(self, other: "Box") -> float:
        """Area of the intersection (0 when they only touch or are apart)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    line: int  # index of its line on the page
    text: str
    box: Box


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    box: Box
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: tuple[Line, ...]

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for line in self.lines for w in line.words)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Overlap:
    page: int
    a: Word
    b: Word
    area: float

    def __str__(self) -> str:
        return (f"page {self.page}: {self.a.text!r} {_fmt(self.a.box)} "
                f"overlaps {self.b.text!r} {_fmt(self.b.box)}")


def _fmt(b: Box) -> str:
    return f"[{b.x0:.1f},{b.y0:.1f} – {b.x1:.1f},{b.y1:.1f}]"


def _box(el: ET.Element) -> Box:
    return Box(float(el.get("xMin", 0)), float(el.get("yMin", 0)), float(el.get("xMax", 0)),
               float(el.get("yMax", 0)))


def poppler_missing() -> str | None:
    for tool in ("pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            return f"poppler-utils ({tool}) is not installed"
    return None


def read_pages(pdf: Path | str) -> list[Page]:
    """Every page with its lines and words, in pdftotext's reading order."""
    p = Path(pdf).resolve()
    return list(_read(str(p), p.stat().st_mtime_ns, p.stat().st_size))


@lru_cache(maxsize=32)
def _read(path: str, _mtime: int, _size: int) -> tuple[Page, ...]:
    out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", path, "-"],
                         check=True, capture_output=True, timeout=300).stdout
    root = ET.fromstring(out)
    pages = []
    for n, pel in enumerate(root.iter(f"{_NS}page"), start=1):
        lines = []
        for lel in pel.iter(f"{_NS}line"):
            words = tuple(Word(n, len(lines), (w.text or ""), _box(w)) for w in lel.iter(f"{_NS}word"))
            lines.append(Line(n, " ".join(w.text for w in words), _box(lel), words))
        pages.append(Page(n, float(pel.get("width", 0)), float(pel.get("height", 0)), tuple(lines)))
    return tuple(pages)


def page_sizes(pdf: Path | str) -> list[tuple[float, float]]:
    """(width, height) of each page in points; A4 portrait is about (595.3, 841.9)."""
    return [(p.width, p.height) for p in read_pages(pdf)]


def page_texts(pdf: Path | str) -> list[str]:
    """The text of each page, one line of text per line."""
    return [p.text for p in read_pages(pdf)]


def overlapping_text(pdf: Path | str, tolerance: float = 0.5, shrink: float = 0.2) -> list[Overlap]:
    """Pairs of words on the same page whose boxes intersect: text printed over text.

    Each box is first shrunk by ``tolerance`` points horizontally and by ``shrink`` × its height
    vertically (pdftotext's boxes span the font's whole ascent and descent, so the boxes of
    tightly set rows touch; CJK fonts reach about 1.45 × the font size), then any positive
    intersection counts. Neighbouring words of one line never overlap in a clean PDF."""
    found = []
    for page in read_pages(pdf):
        boxes = [(w.box.shrunk(tolerance, shrink * w.box.height), w) for w in page.words if w.text.strip()]
        boxes.sort(key=lambda bw: bw[0].y0)
        active: list[tuple[Box, Word]] = []
        for box, word in boxes:  # sweep top to bottom
            active = [(b, w) for b, w in active if b.y1 > box.y0]
            for b, w in active:
                area = b.overlap(box)
                if area > 0:
                    found.append(Overlap(page.number, w, word, area))
            active.append((box, word))
    return found


def text_outside_page(pdf: Path | str, margin: float = 0.0) -> list[Word]:
    """Words whose box is not wholly inside the page (cut off when printed)."""
    out = []
    for page in read_pages(pdf):
        for w in page.words:
            b = w.box
            if b.x0 < -margin or b.y0 < -margin or b.x1 > page.width + margin or b.y1 > page.height + margin:
                out.append(w)
    return out


def pages_without(pdf: Path | str, text: str, pages: range | None = None) -> list[int]:
    """Numbers of the pages (of ``pages``, default all) whose text lacks ``text``: for a
    repeated header row, pass its title and the page range of the sheet."""
    texts = page_texts(pdf)
    wanted = pages or range(1, len(texts) + 1)
    return [n for n in wanted if text not in texts[n - 1]]


def page_count(pdf: Path | str) -> int:
    return len(read_pages(pdf))
