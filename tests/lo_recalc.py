"""Run by the system Python (/usr/bin/python3, which has python3-uno): open workbooks in a headless
LibreOffice on a loopback port, recalculate (calculateAll), print the values of the given defined names
as JSON and, when asked, export each workbook to PDF.

usage: lo_recalc.py PROFILE_DIR FILE[::PDF] NAME [NAME …]   (names are read from every file)
"""
import json
import os
import socket
import subprocess
import sys
import time

import uno  # noqa: F401  (python3-uno)
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(profile):
    port = free_port()
    args = ["soffice", "-env:UserInstallation=file://" + profile, "--headless", "--invisible", "--nologo",
            "--norestore", "--nodefault", f"--accept=socket,host=127.0.0.1,port={port};urp;"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        if proc.poll() is not None:  # a fresh profile: soffice may exit (81) once after creating it
            return None, proc
        try:
            ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            return ctx, proc
        except Exception:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("LibreOffice did not start")


def value(sheet_cell):
    t = sheet_cell.getType().value  # EMPTY, VALUE, TEXT, FORMULA
    if t == "FORMULA":
        err = sheet_cell.getError()
        if err:
            return f"#ERR{err}"
        return sheet_cell.getString() if sheet_cell.FormulaResultType2 == 2 else sheet_cell.getValue()  # FormulaResult.STRING
    if t == "TEXT":
        return sheet_cell.getString()
    if t == "VALUE":
        return sheet_cell.getValue()
    return None


def main():
    profile, specs, names = sys.argv[1], [], []
    for a in sys.argv[2:]:
        (specs if a.endswith((".xlsx", ".xlsm")) or "::" in a else names).append(a)
    ctx = None
    for _ in range(3):
        ctx, proc = start(profile)
        if ctx is not None:
            break
    if ctx is None:
        raise SystemExit("LibreOffice did not start")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    out = {}
    try:
        for spec in specs:
            path, _, pdf = spec.partition("::")
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0,
                                               (prop("Hidden", True),))
            doc.calculateAll()
            vals = {}
            ranges = doc.NamedRanges
            for n in names:
                if not ranges.hasByName(n):
                    continue
                addr = ranges.getByName(n).getReferredCells()
                if addr is None:
                    continue
                vals[n] = value(addr.getCellByPosition(0, 0))
            errors = 0
            for sheet in doc.Sheets:
                cursor = sheet.createCursor()
                cursor.gotoEndOfUsedArea(False)
                end = cursor.RangeAddress
                rng = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
                formulas = rng.queryContentCells(16)  # FORMULA
                for block in formulas.getCells():
                    if block.getError():
                        errors += 1
            vals["__formula_errors__"] = errors
            if pdf:
                doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(pdf)), (prop("FilterName", "calc_pdf_Export"),))
            doc.close(True)
            out[path] = vals
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            proc.wait(timeout=30)
        except Exception:
            proc.kill()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
