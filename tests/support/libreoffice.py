"""Real-spreadsheet harness: recalculate, edit, save and print workbooks in LibreOffice headless.

Runs in the venv (which cannot import ``uno``). ``LibreOffice`` starts one ``soffice`` listening
on a loopback port with a fresh profile, and one ``lo_bridge.py`` under the system Python (which
has python3-uno) that talks UNO to it; the two sides exchange JSON lines. Every request has a
timeout; a crashed or hung soffice is killed and started again. The process groups are killed
on ``close()``, at interpreter exit, and by the bridge itself when this process goes away.

    with LibreOffice() as lo:
        values = lo.recalc("unit.xlsx", ["总分", "等级"], save_as=tmp / "out.xlsx")

In tests use the session fixture ``libreoffice`` (tests/conftest.py), which skips when soffice
is missing, and fails when ``CI=true``.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref
import xml.etree.ElementTree as ET
import zipfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .values import CellError

BRIDGE = Path(__file__).with_name("lo_bridge.py")
SYSTEM_PYTHON = os.environ.get("LO_PYTHON", "/usr/bin/python3")
FORMATS = ("xlsx", "xlsm", "xls", "ods", "pdf")


class LibreOfficeError(RuntimeError):
    """A request failed (bad file, unknown name, LibreOffice refused)."""


class LibreOfficeTimeout(LibreOfficeError):
    """A request took longer than its timeout; soffice was killed and is restarted on next use."""


class LibreOfficeUnavailable(LibreOfficeError):
    """soffice or python3-uno is not installed, or soffice does not start."""


class _Crashed(LibreOfficeError):
    """soffice or the bridge died during a request (retried once after a restart)."""


_KEEP: Any = object()


@dataclass(frozen=True)
class Cell:
    """An edit beyond the value: ``Cell("张三")``, ``Cell(0.5, number_format="0%")``,
    ``Cell(comment="请再核实")`` (the value is kept when not given)."""

    value: Any = _KEEP
    number_format: str | None = None
    comment: str | None = None

    def encode(self) -> dict:
        spec: dict[str, Any] = {} if self.value is _KEEP else {"value": self.value}
        if self.number_format:
            spec["format"] = self.number_format
        if self.comment:
            spec["comment"] = self.comment
        return {"edit": spec}


@dataclass(frozen=True)
class RecalcJob:
    """One workbook for ``recalc_many``: optional new sheets and edits (name/address → value or
    Cell), then recalc."""

    path: Path | str
    names: Sequence[str] = ()
    save_as: Path | str | None = None
    edits: Mapping[str, Any] | None = None
    fmt: str | None = None
    add_sheets: Sequence[str] = ()


def missing_requirements() -> str | None:
    """Why LibreOffice cannot be used here, or None."""
    if shutil.which(os.environ.get("SOFFICE", "soffice")) is None:
        return "LibreOffice (soffice) is not installed"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} (the system Python with python3-uno) is missing"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, env=_clean_env(),
                           timeout=60)
    if probe.returncode != 0:
        return f"python3-uno is not installed for {SYSTEM_PYTHON}"
    return None


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "error" in value:
        return CellError(value["error"], value.get("code", 0))
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _kill_group(proc: subprocess.Popen | None) -> None:
    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # started with start_new_session: pgid == pid
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


_LIVE: "weakref.WeakSet[LibreOffice]" = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for lo in list(_LIVE):
        lo.close()


@dataclass(eq=False)
class LibreOffice:
    """One soffice + bridge pair. Thread-safe (requests are serialised)."""

    timeout: float = 120.0  # seconds per workbook request
    start_timeout: float = 120.0  # seconds for soffice to accept the connection
    soffice: str | None = None
    restarts: int = field(default=0, init=False)  # how many times soffice was (re)started - 1
    # seconds spent in LibreOffice per phase of recalc (load, calculate, read, store, close)
    seconds: dict = field(default_factory=dict, init=False)
    version: str = field(default="", init=False)

    def __post_init__(self) -> None:
        self._soffice_proc: subprocess.Popen | None = None
        self._bridge: subprocess.Popen | None = None
        self._answers: queue.Queue = queue.Queue()
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._home: str | None = None
        self._log: Any = None
        self._starts = 0
        _LIVE.add(self)

    # --- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> "LibreOffice":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def soffice_pid(self) -> int | None:
        """pid of the soffice launcher (its process group holds soffice.bin)."""
        return self._soffice_proc.pid if self._soffice_proc else None

    @property
    def home(self) -> Path | None:
        """The temp folder of this instance: soffice's profile, its log, copies being edited."""
        return Path(self._home) if self._home else None

    @property
    def log(self) -> Path | None:
        """soffice's and the bridge's stderr (kept until close())."""
        return Path(self._home) / "soffice.log" if self._home else None

    @property
    def running(self) -> bool:
        return (self._bridge is not None and self._bridge.poll() is None
                and self._soffice_proc is not None and self._soffice_proc.poll() is None)

    def start(self) -> None:
        with self._lock:
            if self.running:
                return
            self._stop()
            why = missing_requirements()
            if why:
                raise LibreOfficeUnavailable(why)
            last = ""
            for _attempt in range(3):  # a fresh profile makes soffice.bin exit (code 81) once
                try:
                    self._spawn()
                    return
                except LibreOfficeUnavailable as exc:
                    last = str(exc)
                    self._stop()
            raise LibreOfficeUnavailable(f"soffice did not start: {last}")

    def _spawn(self) -> None:
        if self._home is None:  # kept across restarts: soffice initialises a profile once
            self._home = tempfile.mkdtemp(prefix="lo_harness_")
            self._log = open(Path(self._home) / "soffice.log", "ab")
        port = _free_port()
        exe = self.soffice or shutil.which(os.environ.get("SOFFICE", "soffice")) or "soffice"
        self._soffice_proc = subprocess.Popen(
            [exe, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             f"--accept=socket,host=127.0.0.1,port={port};urp;",
             f"-env:UserInstallation={(Path(self._home) / 'profile').as_uri()}"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, start_new_session=True)
        self._answers = queue.Queue()
        self._bridge = subprocess.Popen(
            [SYSTEM_PYTHON, str(BRIDGE), "--port", str(port), "--soffice-pgid", str(self._soffice_proc.pid),
             "--connect-timeout", str(self.start_timeout), "--home", self._home],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=_clean_env(),
            start_new_session=True)
        threading.Thread(target=self._pump, args=(self._bridge, self._answers), daemon=True).start()
        self._starts += 1
        self.restarts = self._starts - 1
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                msg = self._answers.get(timeout=0.5)
            except queue.Empty:
                if self._soffice_proc.poll() is not None:
                    raise LibreOfficeUnavailable(f"soffice exited with code {self._soffice_proc.returncode}")
                if time.monotonic() > deadline:
                    raise LibreOfficeUnavailable(f"no connection within {self.start_timeout:.0f} s")
                continue
            if msg is None or not msg.get("ready"):
                raise LibreOfficeUnavailable(f"bridge: {msg and msg.get('error')}")
            self.version = msg.get("version", "")
            break
        # A first document proves soffice is past its profile restart (exit 81).
        try:
            self._call({"op": "warmup"}, self.start_timeout)
        except LibreOfficeError as exc:
            raise LibreOfficeUnavailable(f"soffice opens no document: {exc}") from exc

    @staticmethod
    def _pump(proc: subprocess.Popen, answers: queue.Queue) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                answers.put(json.loads(raw))
            except ValueError:
                continue
        answers.put(None)  # end of stream: the bridge is gone

    def _stop(self) -> None:
        bridge, self._bridge = self._bridge, None
        office, self._soffice_proc = self._soffice_proc, None
        if bridge is not None and bridge.stdin is not None:
            try:
                bridge.stdin.close()
            except OSError:
                pass
        _kill_group(office)
        _kill_group(bridge)

    def close(self) -> None:
        """Kill soffice and the bridge, remove the temp folder. Safe to call twice."""
        with self._lock:
            self._stop()
            if self._log is not None:
                self._log.close()
                self._log = None
            if self._home is not None:
                shutil.rmtree(self._home, ignore_errors=True)
                self._home = None

    # --- protocol -----------------------------------------------------------------------------
    def _send(self, req: dict) -> int:
        rid = next(self._ids)
        line = json.dumps({**req, "id": rid}, ensure_ascii=False) + "\n"
        try:
            assert self._bridge is not None and self._bridge.stdin is not None
            self._bridge.stdin.write(line.encode("utf-8"))
            self._bridge.stdin.flush()
        except (OSError, AssertionError) as exc:
            raise _Crashed(f"bridge is gone: {exc}") from exc
        return rid

    def _receive(self, rid: int, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._stop()
                raise LibreOfficeTimeout(f"{what}: no answer from LibreOffice within {timeout:.0f} s "
                                         "(soffice killed, restarted on next use)")
            try:
                msg = self._answers.get(timeout=min(left, 1.0))
            except queue.Empty:
                if not self.running:
                    self._stop()
                    raise _Crashed(f"{what}: soffice or the bridge died")
                continue
            if msg is None:
                self._stop()
                raise _Crashed(f"{what}: the bridge died")
            if msg.get("id") != rid:
                continue  # a late answer to an abandoned request
            if msg.get("ok"):
                return msg["result"]
            if msg.get("fatal"):
                self._stop()
                raise _Crashed(f"{what}: {msg.get('error')}")
            raise LibreOfficeError(f"{what}: {msg.get('error')}")

    def _call(self, req: dict, timeout: float) -> Any:
        return self._receive(self._send(req), timeout, req.get("path", req["op"]))

    def request(self, req: dict, timeout: float | None = None) -> Any:
        """Send one request; restart soffice once if it crashed. Raises LibreOfficeError."""
        with self._lock:
            for attempt in (1, 2):
                self.start()
                try:
                    return self._call(req, timeout or self.timeout)
                except _Crashed:
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    # --- API ----------------------------------------------------------------------------------
    def recalc(self, path: Path | str, names: Iterable[str], save_as: Path | str | None = None, *,
               fmt: str | None = None, timeout: float | None = None) -> dict[str, Any]:
        """Open ``path`` hidden (no macros), ``calculateAll()``, return the values of the defined
        names (or 'Sheet!A1' addresses): float / str / CellError / None for an empty cell; a range
        gives a list of rows. Store the recalculated book to ``save_as`` (format from its suffix,
        or ``fmt``, or the input's), then close it."""
        return self._values(self.request(_recalc_req(RecalcJob(path, tuple(names), save_as, None, fmt)),
                                         timeout))

    def set_values(self, path: Path | str, edits: Mapping[str, Any], save_as: Path | str | None, *,
                   names: Iterable[str] = (), fmt: str | None = None, add_sheets: Sequence[str] = (),
                   timeout: float | None = None) -> dict[str, Any]:
        """Edit cells in LibreOffice (defined name or 'Sheet!A1' → value; a number, a text, a
        '=formula', None to clear, a list of rows for a range, or a ``Cell`` with a number
        format or a comment), after appending the sheets ``add_sheets``; recalculate, store to
        ``save_as`` (may be the input itself) and return the values of ``names``."""
        job = RecalcJob(path, tuple(names), save_as, dict(edits), fmt, tuple(add_sheets))
        return self._values(self.request(_recalc_req(job), timeout))

    def recalc_many(self, jobs: Iterable[RecalcJob | tuple], *, timeout: float | None = None,
                    errors: str = "raise", window: int = 4) -> list[dict[str, Any] | LibreOfficeError]:
        """``recalc`` for many workbooks, pipelined (``window`` requests in flight) through one
        soffice. Jobs are RecalcJob or (path, names[, save_as]) tuples. A job that hangs or
        crashes soffice is retried once after a restart; ``errors="return"`` puts the
        LibreOfficeError in the list instead of raising the first one."""
        todo = [j if isinstance(j, RecalcJob) else RecalcJob(*j) for j in jobs]
        results: list[Any] = [None] * len(todo)
        tries = [0] * len(todo)
        timeout = timeout or self.timeout
        pending = deque(range(len(todo)))
        with self._lock:
            while pending:
                self.start()
                flight: deque[tuple[int, int]] = deque()
                try:
                    while pending or flight:
                        while pending and len(flight) < window:
                            i = pending.popleft()
                            flight.append((i, self._send(_recalc_req(todo[i]))))
                        i, rid = flight[0]
                        try:
                            results[i] = self._values(self._receive(rid, timeout, str(todo[i].path)))
                        except (LibreOfficeTimeout, _Crashed):
                            raise
                        except LibreOfficeError as exc:
                            if errors == "raise":
                                self._drain(flight)
                                raise
                            results[i] = exc
                        flight.popleft()
                except (LibreOfficeTimeout, _Crashed) as exc:
                    i = flight[0][0]
                    tries[i] += 1
                    retry = [j for j, _ in flight][1:]
                    if tries[i] < 2:
                        retry.insert(0, i)
                    elif errors == "raise":
                        raise
                    else:
                        results[i] = exc
                    pending.extendleft(reversed(retry))
        return results

    def _drain(self, flight: deque) -> None:
        for _i, rid in list(flight)[1:]:
            try:
                self._receive(rid, self.timeout, "drain")
            except LibreOfficeError:
                pass

    def convert(self, path: Path | str, out_path: Path | str, fmt: str | None = None, *,
                recalc: bool = True, timeout: float | None = None) -> Path:
        """Recalculate (unless ``recalc=False``: the values stored in the file) and store ``path``
        as xlsx / xlsm / xls / ods / pdf (all sheets). The format comes from ``fmt`` or the
        suffix of ``out_path``."""
        out = Path(out_path)
        fmt = (fmt or out.suffix).lower().lstrip(".")
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: one of {FORMATS}")
        self.request({"op": "convert", "path": str(Path(path).resolve()), "out_path": str(out.resolve()),
                      "fmt": fmt, "recalc": recalc}, timeout)
        if not out.exists():
            raise LibreOfficeError(f"{path}: LibreOffice wrote no {out}")
        return out

    def formula_errors(self, path: Path | str, *, timeout: float | None = None) -> dict[str, CellError]:
        """After a recalculation: every formula cell whose result is an error, 'Sheet!A1' → CellError
        ({} when every formula of every sheet computes)."""
        errors = self.request({"op": "formula_errors", "path": str(Path(path).resolve())}, timeout)["errors"]
        return {where: _decode(v) for where, v in errors.items()}

    def basic_modules(self, path: Path | str, library: str = "VBAProject") -> dict[str, str]:
        """The VBA project of an .xlsm as LibreOffice imports it: module name → source ({} when
        the file has none). A second parser of the project, independent of olevba."""
        return self.request({"op": "basic_modules", "path": str(Path(path).resolve()), "library": library})["modules"]

    def defined_names(self, path: Path | str) -> dict[str, str]:
        """Workbook-level defined names as LibreOffice reads them: name → content ($Sheet.$A$1)."""
        return self.request({"op": "names", "path": str(Path(path).resolve())})["names"]

    def layout(self, path: Path | str) -> list[dict[str, Any]]:
        """Per sheet, as LibreOffice paginates it: name, visible, print_areas, title_rows
        (repeated rows or None), column_breaks / row_breaks inside the printed area (a column
        break means the sheet is wider than the page), pages, paper_mm, landscape, scale."""
        return self.request({"op": "layout", "path": str(Path(path).resolve())})["sheets"]

    def _values(self, result: dict) -> dict[str, Any]:
        for phase, secs in result.get("seconds", {}).items():
            self.seconds[phase] = self.seconds.get(phase, 0.0) + secs
        return {k: _decode(v) for k, v in result["values"].items()}


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XL_AREA = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def xlsx_areas(path: Path | str, names: Iterable[str]) -> dict[str, list]:
    """[sheet, col1, row1, col2, row2] (0-based) of the workbook-level names of an .xlsx/.xlsm
    that refer to one block on one sheet, read from xl/workbook.xml: the bridge then needs no
    UNO call to find them. Anything else (other formats, formulas, several areas) is left to
    LibreOffice."""
    p = Path(path)
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        with zipfile.ZipFile(p) as z:
            root = ET.fromstring(z.read("xl/workbook.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):
        return {}
    found = {}
    for el in root.iter(f"{_NS_MAIN}definedName"):
        m = _XL_AREA.match((el.text or "").strip())
        if el.get("localSheetId") is None and m:
            sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
            c1, r1 = _col(m.group(3)), int(m.group(4)) - 1
            c2, r2 = (_col(m.group(5)), int(m.group(6)) - 1) if m.group(5) else (c1, r1)
            found[el.get("name", "").upper()] = [sheet, min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)]
    return {n: found[n.upper()] for n in names if n.upper() in found}


def _recalc_req(job: RecalcJob) -> dict:
    return {"op": "recalc", "path": str(Path(job.path).resolve()), "names": list(job.names),
            "areas": xlsx_areas(job.path, job.names),
            "save_as": str(Path(job.save_as).resolve()) if job.save_as else None,
            "edits": {k: v.encode() if isinstance(v, Cell) else v for k, v in job.edits.items()} if job.edits else None,
            "fmt": job.fmt, "add_sheets": list(job.add_sheets)}


# --- pytest -----------------------------------------------------------------------------------
def require_libreoffice() -> None:
    """Skip the calling test when LibreOffice is missing; fail when CI=true."""
    import pytest

    why = missing_requirements()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{why}: CI must run the LibreOffice tests (.ci/run installs it)")
        pytest.skip(why)


def _fixture():
    import pytest

    @pytest.fixture(scope="session")
    def libreoffice():
        """One LibreOffice for the whole test session."""
        require_libreoffice()
        lo = LibreOffice()
        try:
            lo.start()
        except LibreOfficeUnavailable as exc:
            lo.close()
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(str(exc))
            pytest.skip(str(exc))
        yield lo
        lo.close()

    return libreoffice


try:
    libreoffice = _fixture()
except ImportError:  # used outside pytest (a benchmark script)
    pass
