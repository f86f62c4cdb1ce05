"""Recalculate workbooks in LibreOffice over UNO and dump cell ranges as JSON (run by /usr/bin/python3).

usage: stars_lo_recalc.py JOB.json OUT.json
JOB: {"files": [path, ...], "ranges": {"label": "'Sheet'!A1:B2" or a defined name, ...}}
OUT: {path: {label: [[value, ...], ...]}}: each file loaded hidden, calculateAll(), ranges read, closed.
soffice is started with a fresh profile on a loopback port; a first start may exit with code 81 (profile
set-up): it is started again.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import uno  # noqa: F401  (python3-uno: only in the system Python)
from com.sun.star.beans import PropertyValue


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _start(profile: str):
    port = _port()
    args = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible", "--nologo",
            "--norestore", f"--accept=socket,host=127.0.0.1,port={port};urp;"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        if proc.poll() is not None:
            return proc, None
        try:
            ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            return proc, ctx
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.25)
    proc.kill()
    raise SystemExit("soffice did not start")


def _read(doc, ref: str):
    if "!" in ref:
        sheet, cells = ref.rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
        rng = doc.Sheets.getByName(sheet).getCellRangeByName(cells.replace("$", ""))
    else:
        rng = doc.NamedRanges.getByName(ref).getReferredCells()
    return [list(row) for row in rng.getDataArray()]


def main() -> None:
    job = json.load(open(sys.argv[1], encoding="utf-8"))
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    proc, ctx = _start(profile)
    if ctx is None:  # exit code 81: the fresh profile was set up; start again
        proc, ctx = _start(profile)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    out = {}
    try:
        for path in job["files"]:
            url = uno.systemPathToFileUrl(os.path.abspath(path))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
            try:
                doc.calculateAll()
                out[path] = {label: _read(doc, ref) for label, ref in job["ranges"].items()}
            finally:
                doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge drops as soffice quits
            pass
        proc.wait(timeout=60)
    json.dump(out, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)


if __name__ == "__main__":
    main()
