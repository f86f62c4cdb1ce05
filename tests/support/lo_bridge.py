"""UNO side of the LibreOffice test harness: runs under the system Python (``/usr/bin/python3``).

The venv cannot import ``uno``, so ``tests/support/libreoffice.py`` starts this script as a
subprocess. It connects to a running ``soffice --accept=socket,...`` and serves one JSON object
per line on stdin, answering one JSON object per line on stdout:

    request:  {"id": 7, "op": "recalc", "path": "...", "names": [...], "save_as": null}
    answer:   {"id": 7, "ok": true, "result": {...}}
              {"id": 7, "ok": false, "error": "...", "fatal": false}

``fatal: true`` means the connection to soffice is gone: the caller restarts soffice and this
bridge. On end of stdin (the test process died or closed the pipe) the bridge kills soffice's
process group, so soffice never outlives the tests. Only the standard library and ``uno``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException
from com.sun.star.sheet.CellFlags import DATETIME, FORMULA, STRING, VALUE
from com.sun.star.sheet.FormulaResult import ERROR as FORMULA_ERROR
from com.sun.star.uno import RuntimeException

# LibreOffice error code (include/formula/errorcodes.hxx) -> Excel error text, as the xlsx/xls
# export writes it (XclTools::GetXclErrorCode in sc/source/filter/excel/xltools.cxx). Every code
# not listed there is written as #N/A, and so is it here.
ERROR_TEXTS = {
    502: "#VALUE!",  # IllegalArgument (LibreOffice shows Err:502, e.g. SQRT(-1); Excel: #NUM!)
    503: "#NUM!",  # IllegalFPOperation
    504: "#VALUE!",  # IllegalParameter
    508: "#VALUE!",  # PairExpected
    509: "#VALUE!",  # OperatorExpected
    510: "#VALUE!",  # VariableExpected
    511: "#VALUE!",  # ParameterExpected
    519: "#VALUE!",  # NoValue
    521: "#NULL!",  # NoCode
    522: "#VALUE!",  # CircularReference
    524: "#REF!",  # NoRef
    525: "#NAME?",  # NoName
    530: "#NAME?",  # NoAddin
    531: "#NAME?",  # NoMacro
    532: "#DIV/0!",  # DivisionByZero
    32767: "#N/A",  # NotAvailable
}

# Store filters by file suffix.
FILTERS = {
    ".xlsx": "Calc MS Excel 2007 XML",
    ".xlsm": "Calc MS Excel 2007 VBA XML",
    ".xls": "MS Excel 97",
    ".ods": "calc8",
    ".pdf": "calc_pdf_Export",
}
NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE

# A defined name's content as LibreOffice gives it: $Sheet.$B$2 or $'Sheet name'.$B$2:$C$9
_AREA = re.compile(r"^\$?(?:'(?P<q>(?:[^']|'')+)'|(?P<s>[^.'$:][^.':]*))\.\$?(?P<c1>[A-Z]+)\$?(?P<r1>\d+)"
                   r"(?::\$?(?P<c2>[A-Z]+)\$?(?P<r2>\d+))?$")
MAX_BLOCK = 50_000  # cells read at once per sheet; names further apart are read one by one
_SHEET_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$")


def col_letters(index):
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def sheet_ref(name):
    """A sheet name as Excel writes it in a reference: quoted when it is not a plain word."""
    return name if re.fullmatch(r"[^\W\d][\w.]*", name) else "'" + name.replace("'", "''") + "'"


def col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class Fatal(Exception):
    """The UNO connection is lost: soffice must be restarted."""


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(port, timeout):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + timeout
    while True:
        try:
            ctx = resolver.resolve(url)
            break
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return ctx, desktop


class Bridge:
    def __init__(self, ctx, desktop, workdir):
        self.ctx = ctx
        self.desktop = desktop
        self.workdir = workdir  # private copies of books being edited
        self.copies = 0

    # --- documents ----------------------------------------------------------------------------
    def load(self, path, editable=False):
        """Open hidden, macros off. Read-only, so no lock file is left beside the source if
        soffice dies. LibreOffice refuses to clear cells of a read-only document, so a book to
        edit is a private copy in the work folder (its lock file goes with it)."""
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no such file: {path}")
        if editable:
            os.makedirs(self.workdir, exist_ok=True)
            self.copies += 1
            copy = os.path.join(self.workdir, f"edit{self.copies}{os.path.splitext(path)[1]}")
            shutil.copyfile(path, copy)
            path = copy
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        props = (prop("Hidden", True), prop("ReadOnly", not editable),
                 prop("MacroExecutionMode", NEVER_EXECUTE), prop("UpdateDocMode", NO_UPDATE),
                 prop("Silent", True))
        doc = self.desktop.loadComponentFromURL(url, "_blank", 0, props)
        if doc is None:
            raise ValueError(f"LibreOffice could not open {path}")
        return doc

    def drop_copies(self):
        shutil.rmtree(self.workdir, ignore_errors=True)

    @staticmethod
    def close(doc):
        try:
            doc.close(True)
        except Exception:  # CloseVetoException or a half-dead document
            try:
                doc.dispose()
            except Exception:
                pass

    @staticmethod
    def store(doc, out_path, fmt=None, src_path=None):
        suffix = "." + fmt.lower().lstrip(".") if fmt else os.path.splitext(out_path)[1].lower()
        if suffix not in FILTERS and src_path:
            suffix = os.path.splitext(src_path)[1].lower()
        if suffix not in FILTERS:
            raise ValueError(f"unknown output format {suffix!r} (known: {sorted(FILTERS)})")
        os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
        props = [prop("FilterName", FILTERS[suffix]), prop("Overwrite", True)]
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out_path)), tuple(props))
        return FILTERS[suffix]

    # --- ranges -------------------------------------------------------------------------------
    @staticmethod
    def resolve(doc, name):
        """A workbook-level defined name, a sheet-level 'Sheet!Name' or a 'Sheet!A1[:B2]' address."""
        names = doc.NamedRanges
        if names.hasByName(name):
            cells = names.getByName(name).getReferredCells()
            if cells is None:
                raise KeyError(f"defined name {name!r} refers to no cells "
                               f"({names.getByName(name).getContent()})")
            return cells
        m = _SHEET_REF.match(name)
        if m:
            sheet_name = (m.group(1) or "").replace("''", "'") or m.group(2)
            if doc.Sheets.hasByName(sheet_name):
                sheet = doc.Sheets.getByName(sheet_name)
                local = sheet.NamedRanges
                if local.hasByName(m.group(3)):
                    cells = local.getByName(m.group(3)).getReferredCells()
                    if cells is not None:
                        return cells
                try:
                    return sheet.getCellRangeByName(m.group(3).replace("$", ""))
                except Exception:
                    pass
        raise KeyError(f"no defined name or cell {name!r}")

    @staticmethod
    def read(cells):
        """Values of a range: rows of float / str / {"error": text} / None (empty)."""
        data = [list(row) for row in cells.getDataArray()]
        empty = set()
        if any(v == "" or v is None for row in data for v in row):
            # '' is an empty cell or a formula giving ""; None an error or an unused cell.
            base = cells.getRangeAddress()
            for addr in cells.queryEmptyCells().getRangeAddresses():
                for r in range(addr.StartRow, addr.EndRow + 1):
                    for c in range(addr.StartColumn, addr.EndColumn + 1):
                        empty.add((r - base.StartRow, c - base.StartColumn))
        for r, row in enumerate(data):
            for c, v in enumerate(row):
                if (r, c) in empty:
                    row[c] = None
                elif v is None:
                    code = cells.getCellByPosition(c, r).getError()
                    row[c] = {"error": ERROR_TEXTS.get(code, "#N/A"), "code": code} if code else None
        return data

    def values(self, doc, names, known=None):
        """Values of many names with few UNO calls (each call is a round trip to soffice, slow
        on a busy machine): the names' addresses first (``known``: read from the file by the
        caller), then one block per sheet."""
        out, plain = {}, {}
        known = known or {}
        for name in names:
            area = tuple(known[name]) if name in known else self.area(doc, name)
            if area is None:
                data = self.read(self.resolve(doc, name))
                out[name] = data[0][0] if len(data) == 1 and len(data[0]) == 1 else data
            else:
                plain[name] = area
        by_sheet = {}
        for name, (sheet, c1, r1, c2, r2) in plain.items():
            by_sheet.setdefault(sheet, []).append((name, c1, r1, c2, r2))
        sheets = doc.Sheets if by_sheet else None
        for sheet, areas in by_sheet.items():
            c1, r1 = min(a[1] for a in areas), min(a[2] for a in areas)
            c2, r2 = max(a[3] for a in areas), max(a[4] for a in areas)
            if (c2 - c1 + 1) * (r2 - r1 + 1) > MAX_BLOCK:
                blocks = [(a, a[1:]) for a in areas]  # far apart: one block per name
            else:
                blocks = [(None, (c1, r1, c2, r2))]
            sh = sheets.getByName(sheet)
            for only, (b1, s1, b2, s2) in blocks:
                data = self.read(sh.getCellRangeByPosition(b1, s1, b2, s2))
                for name, n1, m1, n2, m2 in ([only] if only else areas):
                    rows = [row[n1 - b1:n2 - b1 + 1] for row in data[m1 - s1:m2 - s1 + 1]]
                    out[name] = rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
        return {name: out[name] for name in names}

    @staticmethod
    def area(doc, name):
        """(sheet, col1, row1, col2, row2) of a workbook-level name on one sheet, else None."""
        try:
            content = doc.NamedRanges.getByName(name).getContent()
        except Exception:  # NoSuchElementException: an address or a sheet-level name
            return None
        m = _AREA.match(content)
        if not m:
            return None
        sheet = m.group("q").replace("''", "'") if m.group("q") is not None else m.group("s")
        c1, r1 = col_index(m.group("c1")), int(m.group("r1")) - 1
        c2 = col_index(m.group("c2")) if m.group("c2") else c1
        r2 = int(m.group("r2")) - 1 if m.group("r2") else r1
        return sheet, min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)

    def edit(self, doc, cells, value):
        """A value, or {"edit": {"value"?, "format"?, "comment"?}}: the value (kept when absent),
        a number format code (e.g. "0%") and a comment (a note on the cell), as a clerk sets them."""
        if not (isinstance(value, dict) and "edit" in value):
            self.write(cells, value)
            return
        spec = value["edit"]
        if "value" in spec:
            self.write(cells, spec["value"])
        if spec.get("format"):
            formats = doc.getNumberFormats()
            locale = uno.createUnoStruct("com.sun.star.lang.Locale")
            key = formats.queryKey(spec["format"], locale, False)
            if key == -1:
                key = formats.addNew(spec["format"], locale)
            cells.NumberFormat = key
        if spec.get("comment"):
            cell = cells.getCellByPosition(0, 0)
            cells.getSpreadsheet().getAnnotations().insertNew(cell.getCellAddress(), spec["comment"])

    @staticmethod
    def write(cells, value):
        if isinstance(value, list):
            rows = value if value and isinstance(value[0], list) else [value]
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    Bridge.write(cells.getCellByPosition(c, r), v)
            return
        if cells.getRows().getCount() * cells.getColumns().getCount() != 1:
            raise ValueError("a range needs a list of rows")
        cell = cells.getCellByPosition(0, 0)
        if value is None:
            cell.clearContents(VALUE | DATETIME | STRING | FORMULA)  # EMPTY again, formats kept
        elif isinstance(value, bool):
            cell.setValue(1.0 if value else 0.0)
        elif isinstance(value, (int, float)):
            cell.setValue(float(value))
        elif isinstance(value, str) and value.startswith("="):
            cell.setFormula(value)
        else:
            cell.setString(str(value))

    # --- operations ---------------------------------------------------------------------------
    def op_ping(self, req):
        return {"pong": True}

    def op_warmup(self, req):
        """Open and close an empty sheet: proves soffice loads documents (not mid-restart)."""
        doc = self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            raise Fatal("soffice cannot open a new sheet")
        self.close(doc)
        return {"ready": True}

    def op_recalc(self, req):
        t = [time.perf_counter()]
        editable = bool(req.get("edits") or req.get("add_sheets"))
        doc = self.load(req["path"], editable=editable)
        t.append(time.perf_counter())
        try:
            for name in req.get("add_sheets") or []:
                doc.Sheets.insertNewByName(name, doc.Sheets.getCount())
            for name, value in (req.get("edits") or {}).items():
                self.edit(doc, self.resolve(doc, name), value)
            doc.calculateAll()
            t.append(time.perf_counter())
            values = self.values(doc, req.get("names") or [], req.get("areas"))
            t.append(time.perf_counter())
            if req.get("save_as"):
                self.store(doc, req["save_as"], req.get("fmt"), req["path"])
            t.append(time.perf_counter())
        finally:
            self.close(doc)
            if editable:
                self.drop_copies()
        t.append(time.perf_counter())
        phases = dict(zip(("load", "calculate", "read", "store", "close"),
                          (b - a for a, b in zip(t, t[1:]))))
        return {"values": values, "seconds": phases}

    def op_convert(self, req):
        doc = self.load(req["path"])
        try:
            if req.get("recalc", True):  # False: the values the file holds, as a clerk opening it sees them
                doc.calculateAll()
            return {"filter": self.store(doc, req["out_path"], req.get("fmt"))}
        finally:
            self.close(doc)

    def op_formula_errors(self, req):
        """After calculateAll: every formula cell whose result is an error, "Sheet!A1" -> error."""
        doc = self.load(req["path"])
        try:
            doc.calculateAll()
            out = {}
            for i in range(doc.Sheets.getCount()):
                sh = doc.Sheets.getByIndex(i)
                for a in sh.queryFormulaCells(FORMULA_ERROR).getRangeAddresses():
                    for r in range(a.StartRow, a.EndRow + 1):
                        for c in range(a.StartColumn, a.EndColumn + 1):
                            code = sh.getCellByPosition(c, r).getError()
                            out[f"{sheet_ref(sh.getName())}!{col_letters(c)}{r + 1}"] = {
                                "error": ERROR_TEXTS.get(code, "#N/A"), "code": code}
            return {"errors": out}
        finally:
            self.close(doc)

    def op_basic_modules(self, req):
        """The modules of the document's Basic library (an .xlsm's VBA project, as LibreOffice's
        own VBA importer reads it): name -> source. Macros are never run."""
        doc = self.load(req["path"])
        try:
            libs = doc.BasicLibraries
            name = req.get("library") or "VBAProject"
            if not libs.hasByName(name):
                return {"modules": {}}
            libs.loadLibrary(name)
            lib = libs.getByName(name)
            return {"modules": {m: lib.getByName(m) for m in lib.getElementNames()}}
        finally:
            self.close(doc)

    def op_names(self, req):
        doc = self.load(req["path"])
        try:
            nr = doc.NamedRanges
            return {"names": {n: nr.getByName(n).getContent() for n in nr.getElementNames()}}
        finally:
            self.close(doc)

    def op_layout(self, req):
        """Per sheet: visibility, print areas, repeated title rows, and the page breaks inside
        the printed area (a column break there means the sheet does not fit the page width)."""
        doc = self.load(req["path"])
        try:
            sheets = []
            for i in range(doc.Sheets.getCount()):
                sh = doc.Sheets.getByIndex(i)
                areas = [(a.StartColumn, a.StartRow, a.EndColumn, a.EndRow) for a in sh.getPrintAreas()]
                if not areas:
                    cur = sh.createCursor()
                    cur.gotoEndOfUsedArea(False)
                    a = cur.getRangeAddress()
                    areas = [(0, 0, a.EndColumn, a.EndRow)]
                last_col = max(a[2] for a in areas)
                last_row = max(a[3] for a in areas)
                col_breaks = [b.Position for b in sh.getColumnPageBreaks() if 0 < b.Position <= last_col]
                row_breaks = [b.Position for b in sh.getRowPageBreaks() if 0 < b.Position <= last_row]
                t = sh.getTitleRows()
                style = doc.StyleFamilies.getByName("PageStyles").getByName(sh.PageStyle)
                sheets.append({
                    "name": sh.getName(),
                    "visible": bool(sh.IsVisible),
                    "print_areas": areas,
                    "title_rows": [t.StartRow, t.EndRow] if sh.getPrintTitleRows() else None,
                    "column_breaks": col_breaks,
                    "row_breaks": row_breaks,
                    "pages": (len(col_breaks) + 1) * (len(row_breaks) + 1),
                    "paper_mm": [style.Width / 100, style.Height / 100],
                    "landscape": bool(style.IsLandscape),
                    "scale": int(style.PageScale),
                    "scale_to_pages_x": int(style.ScaleToPagesX),
                    "scale_to_pages_y": int(style.ScaleToPagesY),
                })
            return {"sheets": sheets}
        finally:
            self.close(doc)

    def op_shutdown(self, req):
        try:
            self.desktop.terminate()
        except Exception:
            pass
        return {"bye": True}

    def handle(self, req):
        op = getattr(self, "op_" + str(req.get("op")), None)
        if op is None:
            raise ValueError(f"unknown op {req.get('op')!r}")
        try:
            return op(req)
        except DisposedException as exc:
            raise Fatal(f"{type(exc).__name__}: {exc}") from exc
        except RuntimeException as exc:
            if not self.alive():
                raise Fatal(f"{type(exc).__name__}: {exc}") from exc
            raise

    def alive(self):
        try:
            self.desktop.getComponents()
            return True
        except Exception:
            return False


def product_version(ctx):
    try:
        provider = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", ctx)
        node = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess",
            (prop("nodepath", "/org.openoffice.Setup/Product"),))
        return f"{node.ooName} {node.ooSetupVersionAboutBox}"
    except Exception:
        return "unknown"


def kill_group(pgid):
    if pgid:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


PARENT = os.getppid()


def orphaned_cleanup(pgid, home):
    """Kill soffice; when the test process is gone, remove the temp folder it can no longer."""
    kill_group(pgid)
    if os.getppid() != PARENT and home and os.path.basename(home).startswith("lo_harness_"):
        time.sleep(0.5)  # let soffice.bin die before its profile goes
        shutil.rmtree(home, ignore_errors=True)


def watch_parent(pgid, home):
    """Clean up as soon as the test process is gone, even in the middle of a request."""

    def run():
        while os.getppid() == PARENT:
            time.sleep(0.5)
        orphaned_cleanup(pgid, home)
        os._exit(1)

    threading.Thread(target=run, daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--soffice-pgid", type=int, default=0)
    ap.add_argument("--connect-timeout", type=float, default=60.0)
    ap.add_argument("--home", default="",
                    help="the harness temp folder (profile, log, copies), removed when orphaned")
    args = ap.parse_args()
    watch_parent(args.soffice_pgid, args.home)
    try:
        return serve(args)
    finally:  # whatever ends the bridge (end of stdin, a broken pipe, an error) ends soffice
        orphaned_cleanup(args.soffice_pgid, args.home)


def serve(args):
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but answers on the protocol stream

    def send(obj):
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()

    try:
        ctx, desktop = connect(args.port, args.connect_timeout)
        workdir = os.path.join(args.home or tempfile.gettempdir(), f"work-{os.getpid()}")
        bridge = Bridge(ctx, desktop, workdir)
        send({"ready": True, "version": product_version(ctx)})
    except Exception as exc:
        send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 2

    for line in sys.stdin:
        if not line.strip():
            continue
        req = {}
        try:
            req = json.loads(line)
            result = bridge.handle(req)
            send({"id": req.get("id"), "ok": True, "result": result})
            if req.get("op") == "shutdown":
                return 0
        except Fatal as exc:
            send({"id": req.get("id"), "ok": False, "fatal": True, "error": str(exc)})
            return 3
        except Exception as exc:
            send({"id": req.get("id"), "ok": False, "fatal": False,
                  "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=3)})
    return 0  # stdin closed: the test process is gone


if __name__ == "__main__":
    sys.exit(main())
