"""A summary knows the folder it summarised (issue 22): the row RECORD_FOLDER of its hidden record sheet holds that
folder's absolute path and its path relative to the summary. By that record, not by its file name, a summary
found inside the folder of returned files is told apart:

- **this job's own output** (the folder it summarised is this run's folder): a re-run writes over it, and it is
  never read as units;
- **a subordinate (town) summary** (it summarised another folder): read as units, never written over.

Same folder: the same absolute path, or — the folder moved, a USB drive's letter changed — the recorded relative
path leads from where the summary lies now to this run's folder and the folder's name is the recorded one.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from xlsx_addin.contracts.summary import RECORD_FOLDER


def folder_row(input_dir: Path | str, summary: Path | str) -> list[str]:
    """The record's row for a summary written at `summary` from `input_dir`."""
    folder = os.path.abspath(input_dir)
    where = os.path.dirname(os.path.abspath(summary))
    try:
        rel = os.path.relpath(folder, where)
    except ValueError:  # another drive (Windows): no relative path
        rel = ""
    return [RECORD_FOLDER, folder, rel]


def recorded_folder(rows: Sequence[Sequence[Any]] | None) -> tuple[str, str] | None:
    """(absolute, relative) of the record's folder row, or None (an older summary, or none at all)."""
    for row in rows or []:
        cells = ["" if v is None else str(v).strip() for v in list(row)[:3]] + ["", "", ""]
        if cells[0] == RECORD_FOLDER and (cells[1] or cells[2]):
            return cells[1], cells[2]
    return None


def _same(a: str | Path, b: str | Path) -> bool:
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def summarised(summary: Path | str, recorded: tuple[str, str] | None, input_dir: Path | str) -> bool:
    """Whether the summary at `summary`, with its recorded folder, summarised `input_dir` (its own output)."""
    if recorded is None:
        return False
    absolute, rel = recorded
    if absolute and _same(absolute, input_dir):
        return True
    if not rel:
        return False
    here = os.path.join(os.path.dirname(os.path.abspath(summary)), rel)
    name = absolute.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return _same(here, input_dir) and (not name or name == os.path.basename(os.path.abspath(input_dir)))


def input_root(path: str, rel: str) -> str | None:
    """The input folder a worker's file came from (its absolute path less its relative one), when it can tell."""
    full, tail = os.path.normpath(path), os.path.normpath(rel)
    if tail and full.endswith(os.sep + tail):
        return full[: -len(tail) - 1]
    return None


__all__ = ["folder_row", "input_root", "recorded_folder", "summarised"]
