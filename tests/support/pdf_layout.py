"""Printed-page checks on a PDF rendered by LibreOffice: text boxes from `pdftotext -bbox-layout`.

`pages(pdf)` gives every page's size and its text lines (pdftotext's <line> boxes, in points);
`overlaps(page)` the pairs of lines whose boxes intersect (text printed over text);
`render_pdf(sources, outdir)` converts workbooks with soffice headless (a fresh profile).
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree

NS = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def available() -> bool:
    return bool(shutil.which("soffice") and shutil.which("pdftotext"))


def render_pdf(sources: list[Path], outdir: Path, profile: Path, timeout: int = 300) -> list[Path]:
    """Each workbook to <outdir>/<stem>.pdf. soffice with a fresh profile may exit 81 once: run again."""
    cmd = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
           "--outdir", str(outdir), *map(str, sources)]
    for _ in range(2):
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 81:
            break
    pdfs = [outdir / (Path(s).stem + ".pdf") for s in sources]
    missing = [p for p in pdfs if not p.exists()]
    if missing:
        raise RuntimeError(f"soffice made no {missing}: {proc.returncode} {proc.stdout} {proc.stderr}")
    return pdfs


def pages(pdf: Path) -> list[Page]:
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True,
                          timeout=120).stdout
    root = ElementTree.fromstring(html)
    out = []
    for k, page in enumerate(root.iter(f"{NS}page"), 1):
        p = Page(k, float(page.get("width")), float(page.get("height")))
        for line in page.iter(f"{NS}line"):
            words = [w.text or "" for w in line.iter(f"{NS}word")]
            p.lines.append(Line(" ".join(words), *(float(line.get(a)) for a in ("xMin", "yMin", "xMax", "yMax"))))
        out.append(p)
    return out


def overlaps(page: Page, share: float = 0.3, tolerance: float = 0.8) -> list[tuple[Line, Line]]:
    """Pairs of text lines printed over each other: boxes that intersect by more than `tolerance` points
    across and by more than `share` of the lower line's height down. (The glyph boxes of two lines of
    one wrapped cell touch by a point or so: that is line spacing, not overprint.)"""
    lines = sorted(page.lines, key=lambda ln: ln.y0)
    found = []
    for i, a in enumerate(lines):
        for b in lines[i + 1:]:
            if b.y0 >= a.y1:
                break
            down = min(a.y1, b.y1) - max(a.y0, b.y0)
            if min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance and down > share * min(a.y1 - a.y0, b.y1 - b.y0):
                found.append((a, b))
    return found


def outside(page: Page, margin: float = 0.5) -> list[Line]:
    """Lines drawn (partly) beyond the page's edges."""
    return [ln for ln in page.lines if ln.x0 < -margin or ln.x1 > page.width + margin
            or ln.y0 < -margin or ln.y1 > page.height + margin]
