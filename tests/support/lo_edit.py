"""Edit a workbook in LibreOffice through UNO, as a clerk would, and save it as .xlsx.

Run by the system Python (python3-uno), not the venv's:

    /usr/bin/python3 tests/support/lo_edit.py BOOK.xlsx EDITS.json PROFILE_DIR

EDITS.json is a list of steps, each a dict:
  {"op": "set", "sheet": S, "cell": "S1", "value": V, "format": "0%"}   value: text, number or "=formula"
  {"op": "set_by_name", "sheet": S, "name": UNIT, "header": H, "value": V, "format": F}
        (the cell in the row whose 党组织名称 is UNIT and the column headed H)
  {"op": "comment", "sheet": S, "cell": "M4", "text": T}   or with "name"/"header" instead of "cell"
  {"op": "add_sheet", "name": N, "cells": {"A1": V, ...}}
The book is saved in place with LibreOffice's own Excel 2007-365 filter.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import uno  # noqa: F401 - python3-uno: makes com.sun.star importable
from com.sun.star.beans import PropertyValue
from com.sun.star.lang import Locale
from com.sun.star.table import CellAddress


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(profile: str):
    pipe = f"lo_edit_{uuid.uuid4().hex}"
    proc = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{os.path.abspath(profile)}", "--headless",
                             "--invisible", "--nologo", "--norestore", f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 90
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return proc, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if proc.poll() is not None:  # a fresh profile may make soffice exit (code 81) once: start again
                proc = subprocess.Popen(proc.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if time.time() > deadline:
                proc.kill()
                raise
            time.sleep(0.5)


def _find(sheet, name: str, header: str):
    """(column, row) of the cell of unit `name` under `header` (header row 1, names in column A)."""
    col = next(c for c in range(200) if sheet.getCellByPosition(c, 0).getString() == header)
    for row in range(1, 100000):
        text = sheet.getCellByPosition(0, row).getString()
        if text == name:
            return col, row
        if not text and not sheet.getCellByPosition(0, row + 1).getString():
            break
    raise KeyError(name)


def _put(doc, cell, value, fmt=None):
    if isinstance(value, str) and value.startswith("="):
        cell.setFormula(value)
    elif isinstance(value, (int, float)):
        cell.setValue(value)
    else:
        cell.setString(str(value))
    if fmt:
        formats = doc.getNumberFormats()
        locale = Locale()
        key = formats.queryKey(fmt, locale, False)
        if key == -1:
            key = formats.addNew(fmt, locale)
        cell.NumberFormat = key


def main(book: str, edits_file: str, profile: str) -> int:
    with open(edits_file, encoding="utf-8") as fh:
        edits = json.load(fh)
    proc, desktop = _connect(profile)
    try:
        url = uno.systemPathToFileUrl(os.path.abspath(book))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
        sheets = doc.getSheets()
        for e in edits:
            if e["op"] == "add_sheet":
                sheets.insertNewByName(e["name"], sheets.getCount())
                sheet = sheets.getByName(e["name"])
                for ref, value in e["cells"].items():
                    _put(doc, sheet.getCellRangeByName(ref), value)
                continue
            sheet = sheets.getByName(e["sheet"])
            if "cell" in e:
                cell = sheet.getCellRangeByName(e["cell"])
                addr = cell.getCellAddress()
            else:
                col, row = _find(sheet, e["name"], e["header"])
                cell = sheet.getCellByPosition(col, row)
                addr = cell.getCellAddress()
            if e["op"] in ("set", "set_by_name"):
                _put(doc, cell, e["value"], e.get("format"))
            elif e["op"] == "comment":
                where = CellAddress()
                where.Sheet, where.Column, where.Row = addr.Sheet, addr.Column, addr.Row
                sheet.getAnnotations().insertNew(where, e["text"])
        doc.storeToURL(url, (_prop("FilterName", "Calc MS Excel 2007 XML"), _prop("Overwrite", True)))
        doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
