"""Isolated worker processes: a file that crashes the reader, exhausts memory or hangs costs only itself.

`run_isolated(files, task, workers)` calls ``task(path, rel)`` for every file in worker processes (at
least one, even for a single file) and returns the results in order. Each worker writes the index of
the file it is on into shared memory before it starts it, so when a worker dies (SIGABRT from a native
reader, SIGKILL, the memory limit) or runs past the file's time limit, the parent knows the one file
to blame: that file gets ``task.failed(path, rel, reason)``, the worker is replaced and the other files
of its chunk are read again. Workers live no longer than their parent (PR_SET_PDEATHSIG on Linux, and
a thread watching the parent everywhere) and get an address-space limit (RLIMIT_AS) where the OS has one.
"""
from __future__ import annotations

import collections
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import wait
from typing import Any, Callable, Protocol

from xlsx_addin.model.progress import Progress

WORKER_MEMORY = 2 * 2**30  # address space a worker may add to what it starts with (bytes)
FILE_SECONDS = 30.0  # time limit per file, plus SECONDS_PER_MB of its size
SECONDS_PER_MB = 1.0
POLL = 0.5  # how often the parent looks at the clock while the workers are busy
USE_PDEATHSIG = sys.platform.startswith("linux")  # else (and as well) a thread watches the parent


class FileTask(Protocol):
    """What a worker runs for each file, and the result of a file that crashed, hung or ran out of memory."""

    def __call__(self, path: str, rel: str, /) -> Any: ...

    def failed(self, path: str, rel: str, reason: str, /) -> Any: ...


def file_seconds(path: str) -> float:
    """The time limit for one file (XLSX_ADDIN_FILE_SECONDS overrides the base, for tests and slow PCs)."""
    base = float(os.environ.get("XLSX_ADDIN_FILE_SECONDS") or FILE_SECONDS)
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0
    return base + SECONDS_PER_MB * size / 2**20


def crash_reason(exitcode: int | None) -> str:
    """Why a worker stopped, for 问题清单."""
    what = ""
    if exitcode is not None and exitcode < 0:
        try:
            what = {signal.SIGABRT: "程序异常中止", signal.SIGSEGV: "程序访问内存出错"}.get(signal.Signals(-exitcode), "")
        except ValueError:
            what = ""
        if not what and -exitcode == getattr(signal, "SIGKILL", 9):
            what = "内存耗尽被系统终止"
    detail = f"{what}," if what else ""
    return (f"文件损坏或过大,读取时程序中止({detail}可能是异常的工作表范围或压缩内容),该单位未参与评定;"
            "请在 Excel 中打开检查、删除多余的行列后另存再提交")


MEMORY_REASON = ("文件过大或内容异常,读取时内存不足,该单位未参与评定;"
                 "请在 Excel 中打开检查、删除多余的行列后另存再提交")


def timeout_reason(seconds: float) -> str:
    return (f"文件读取超过{seconds:.0f}秒仍未完成(文件内容异常或过大),已停止读取,该单位未参与评定;"
            "请在 Excel 中打开检查后另存再提交")


# --- the worker side ---------------------------------------------------------------------------------
def _die_with_parent(parent_pid: int) -> None:
    """The kernel kills this process when the parent dies (Linux); elsewhere a thread watches the parent."""
    if USE_PDEATHSIG:
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid and os.name != "nt":  # the parent died before prctl took effect
        os._exit(1)
    parent = multiprocessing.parent_process()

    def watch() -> None:
        if parent is not None and parent.sentinel is not None:
            try:
                wait([parent.sentinel])
            except OSError:
                pass
            os._exit(1)
        while os.getppid() == parent_pid:  # no sentinel: poll
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _limit_memory(budget: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no RLIMIT_AS
        return
    try:
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        used = 1 << 30
    limit = used + budget
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def _quiet_stderr() -> None:
    """A native reader that aborts prints its own message and backtrace: not for the clerk's console."""
    os.environ["RUST_BACKTRACE"] = "0"
    try:
        import faulthandler

        faulthandler.disable()  # it may hold its own copy of stderr (pytest, PYTHONFAULTHANDLER)
    except (ImportError, RuntimeError):
        pass
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except OSError:
        pass


def _worker_main(conn, task, slot, parent_pid: int, memory: int) -> None:
    _die_with_parent(parent_pid)
    _limit_memory(memory)
    _quiet_stderr()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if chunk is None:
            os._exit(0)
        out = []
        for index, path, rel in chunk:
            slot[1] = time.monotonic()
            slot[0] = index
            try:
                out.append(task(path, rel))
            except MemoryError:
                out.append(task.failed(path, rel, MEMORY_REASON))
            except Exception as exc:  # noqa: BLE001 - a task that raises costs its file alone, like a crash
                out.append(task.failed(path, rel, f"读取时发生意外错误({type(exc).__name__}),该单位未参与评定;"
                                                  "请在 Excel 中打开检查后另存再提交"))
        slot[0] = -1
        conn.send(out)


# --- the parent side ---------------------------------------------------------------------------------
IN_FLIGHT = 2  # chunks given to a worker at once: it starts the next while the parent takes the last one's results


class _Worker:
    def __init__(self, ctx, task, memory: int):
        self.slot = ctx.RawArray("d", [-1.0, 0.0])  # index of the file being read, when it started
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, task, self.slot, os.getpid(), memory),
                                daemon=True, name="xlsx-addin-reader")
        self.proc.start()
        child.close()
        self.chunks: collections.deque[list[int]] = collections.deque()  # given, results not yet back, in order

    def give(self, chunk: list[int], files: list[tuple[str, str]]) -> None:
        self.chunks.append(chunk)
        try:
            self.conn.send([(i, files[i][0], files[i][1]) for i in chunk])
        except (OSError, ValueError):  # it died on its last chunk: its death, found next, re-queues this one
            pass

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(timeout=2)
        self.kill()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=5)
        self.conn.close()


def context():
    """fork where the OS has it (fast start, nothing re-imported), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_isolated(files: list[tuple[str, str]], task: FileTask, workers: int, chunk_size: int,
                 progress: Callable[[int], Any] | None = None, memory: int = WORKER_MEMORY) -> list[Any]:
    """task(path, rel) for every file, in order, in `workers` isolated processes (see the module notes).

    OSError / RuntimeError when no worker process can be started at all (the caller reads in-process).
    """
    n = len(files)
    results: list[Any] = [None] * n
    queue = collections.deque(list(range(i, min(n, i + chunk_size))) for i in range(0, n, chunk_size))
    ctx = context()
    pool = [_Worker(ctx, task, memory) for _ in range(max(1, min(workers, len(queue) or 1)))]
    count = 0
    try:
        while queue or any(w.chunks for w in pool):
            for k, w in enumerate(pool):
                if not w.chunks and queue and not w.proc.is_alive():
                    w.kill()
                    pool[k] = w = _Worker(ctx, task, memory)
                while len(w.chunks) < IN_FLIGHT and queue:
                    w.give(queue.popleft(), files)
            busy = [w for w in pool if w.chunks]
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=POLL))
            for w in pool:
                if not w.chunks:
                    continue
                if w.conn in ready or w.proc.sentinel in ready:
                    out = _receive(w)
                    if out is not None:
                        chunk = w.chunks.popleft()
                        for i, r in zip(chunk, out):
                            results[i] = r
                        count += len(chunk)
                        if progress is not None:
                            progress(count)
                        continue
                    if w.proc.is_alive():
                        w.proc.join(timeout=2)
                    reason = crash_reason(w.proc.exitcode)
                else:
                    at = int(w.slot[0])
                    if at < 0:
                        continue
                    limit = file_seconds(files[at][0])
                    if time.monotonic() - w.slot[1] <= limit:
                        continue
                    reason = timeout_reason(limit)
                culprit, rest = _blame(w)
                w.kill()
                w.chunks.clear()  # replaced when it is next given a chunk
                if culprit is not None:
                    results[culprit] = task.failed(*files[culprit], reason)
                    count += 1
                    if progress is not None:
                        progress(count)
                    if rest:
                        queue.appendleft(rest)
                else:  # died between files: read each of them alone, so the next death names its file
                    queue.extendleft([i] for i in reversed(rest))
    finally:
        for w in pool:
            if w.proc.is_alive():
                w.stop()
    return results


def _receive(w: _Worker) -> list[Any] | None:
    try:
        if w.conn.poll():
            return w.conn.recv()
    except (EOFError, OSError):
        return None
    return None


def _blame(w: _Worker) -> tuple[int | None, list[int]]:
    """(the file the worker was on, the other files given to it, to read again)."""
    given = [i for chunk in w.chunks for i in chunk]
    at = int(w.slot[0])
    if at in given:
        return at, [i for i in given if i != at]
    if len(given) == 1:
        return given[0], []
    return None, given


# Files per worker process below which one more process costs more than it saves. Measured on a 2-vCPU VM
# (benchmarks/RESULTS.md): one file takes ≈ 1.3 ms to read and score; a forked worker (Linux) starts in
# ≈ 0.02 s, a spawned one (Windows, macOS) first imports the package, ≈ 0.3 s.
FILES_PER_WORKER = {"fork": 50, "forkserver": 250, "spawn": 250}

MAX_WORKERS = 8


# --- reading ---------------------------------------------------------------------------------------
def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def choose_workers(n_files: int, workers: int | None) -> int:
    """The worker processes for n_files: as many as the CPUs allow with enough files for each; at least 1."""
    if workers is not None:
        return max(1, min(int(workers), max(1, n_files)))
    method = multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]
    per_worker = FILES_PER_WORKER.get(method, FILES_PER_WORKER["spawn"])
    return max(1, min(_cpus(), MAX_WORKERS, n_files // per_worker))


def map_files(files: list[tuple[str, str]], task: FileTask, workers: int | None = None,
              progress: Progress | None = None) -> list[Any]:
    """task(path, rel) for every file, in order, in isolated worker processes (files/pool.py).

    Even one file is read in a worker: a file that crashes, exhausts memory or hangs gets
    task.failed(path, rel, reason) and costs nothing else. `task` must pickle (a module-level function
    or an object of one) and have a `failed` method. Only when no process can be started at all (a
    sandbox) are the files read here.
    """
    n = len(files)
    if n == 0:
        return []
    w = choose_workers(n, workers)
    size = max(1, min(64, math.ceil(n / (w * 6))))
    tick = (lambda done: progress(done, n)) if progress is not None else None
    try:
        return run_isolated(files, task, w, size, progress=tick)
    except (OSError, RuntimeError, ImportError):
        pass  # no processes to be had: read here
    out: list[Any] = []
    for path, rel in files:
        out.append(task(path, rel))
        if progress is not None:
            progress(len(out), n)
    return out
