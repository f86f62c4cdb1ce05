"""Dated backups of the summary workbook: every run keeps the previous output, none is ever overwritten.

`keep(out)` copies the existing `汇总表.xlsx` to `汇总表.备份-YYYYMMDD-HHMMSS.xlsx` beside it (a name that is
taken moves on by a second, so two runs in one second keep two backups) and prunes the oldest beyond `count`.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

DEFAULT_KEEP = 10
TAG = ".备份-"
_STAMP = "%Y%m%d-%H%M%S"


def _pattern(out: Path) -> re.Pattern:
    return re.compile(re.escape(out.stem + TAG) + r"(\d{8}-\d{6})" + re.escape(out.suffix) + "$")


def existing(out: Path | str) -> list[Path]:
    """The backups of `out`, oldest first."""
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    pattern = _pattern(out)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [folder / n for n in sorted(n for n in names if pattern.match(n))]


def latest(out: Path | str) -> Path | None:
    """The newest backup of `out` (where the last run put the previous output), None when there is none."""
    found = existing(out)
    return found[-1] if found else None


def keep(out: Path | str, count: int = DEFAULT_KEEP, now: dt.datetime | None = None) -> Path | None:
    """Back up `out` (when it exists) as a new dated file; keep the `count` newest. Returns the new backup.

    The copy is made with exclusive creation, so an earlier backup is never overwritten. count < 1 keeps
    no backup at all."""
    out = Path(out)
    if count < 1 or not out.is_file():
        return None
    stamp = (now or dt.datetime.now()).replace(microsecond=0)
    while True:
        target = out.with_name(f"{out.stem}{TAG}{stamp.strftime(_STAMP)}{out.suffix}")
        try:
            dst = open(target, "xb")
        except FileExistsError:
            stamp += dt.timedelta(seconds=1)
            continue
        try:
            with dst, open(out, "rb") as src:
                shutil.copyfileobj(src, dst, 1 << 20)
        except BaseException:
            target.unlink(missing_ok=True)  # ours: made just now by the exclusive open
            raise
        break
    shutil.copystat(out, target)
    prune(out, count)
    return target


def prune(out: Path | str, count: int) -> list[Path]:
    """Delete the oldest backups of `out` beyond `count`; returns those deleted (never fails the run)."""
    old = existing(out)
    gone = []
    for path in old[:max(0, len(old) - count)]:
        try:
            path.unlink()
            gone.append(path)
        except OSError:
            pass
    return gone


__all__ = ["DEFAULT_KEEP", "existing", "keep", "latest", "prune"]
