"""What a committed workbook is made of, compared by content that matters rather than by bytes.

An .xlsx/.xlsm is a zip of parts. The parts XlsxWriter writes (pinned) are compared byte for
byte; the VBA project (xl/vbaProject.bin, an OLE file whose bytes depend on the xlwings release it
was taken from and on how it was compressed) is compared as its modules and their code, read back
by olevba: the same macros in the same modules is the same project for Excel.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

VBA_PART = "xl/vbaProject.bin"


def vba_modules(path: Path | str) -> dict[str, str]:
    """{module stream: VBA code} of a workbook's project, in the project's order (olevba)."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        if not parser.detect_vba_macros():
            return {}
        return {stream: code.replace("\r\n", "\n") for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def content(path: Path | str) -> dict[str, object]:
    """{part name: bytes} for every part, the VBA project as {"modules": vba_modules}."""
    with zipfile.ZipFile(path) as z:
        parts: dict[str, object] = {n: z.read(n) for n in z.namelist() if n != VBA_PART}
        has_vba = VBA_PART in z.namelist()
    if has_vba:
        parts[VBA_PART] = {"modules": vba_modules(path)}
    return parts


def differences(a: Path | str, b: Path | str) -> list[str]:
    """The parts (and VBA modules) in which two workbooks differ; [] when they are the same."""
    ca, cb = content(a), content(b)
    out = [f"{n}: only in {Path(a).name}" for n in ca.keys() - cb.keys()]
    out += [f"{n}: only in {Path(b).name}" for n in cb.keys() - ca.keys()]
    for name in sorted(ca.keys() & cb.keys()):
        if name == VBA_PART:
            ma, mb = ca[name]["modules"], cb[name]["modules"]  # type: ignore[index]
            if list(ma) != list(mb):
                out.append(f"{name}: modules {list(ma)} != {list(mb)}")
            out += [f"{name}: module {m} differs" for m in ma if m in mb and ma[m] != mb[m]]
        elif ca[name] != cb[name]:
            out.append(f"{name} differs")
    return sorted(out)
