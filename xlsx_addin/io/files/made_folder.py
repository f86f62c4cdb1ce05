"""A folder of workbooks the program makes itself (the demos): cleared only when it carries the program's
marker, every workbook written in the isolated workers (pool.py)."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

from xlsx_addin.io.files.pool import map_files
from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.progress import Progress, Stage

MARKER = ".xlsx-addin-demo"  # marks a folder the demo made (and may therefore clear on the next run)


def prepare_dir(units_dir: Path) -> None:
    """Clear the demo's own previous unit files; never a folder the demo did not make."""
    if units_dir.exists():
        if not (units_dir / MARKER).exists():
            raise RatingError(f"文件夹 {units_dir} 已存在且不是演示程序生成的,为避免覆盖,请换一个输出文件夹(--out)")
        shutil.rmtree(units_dir)
    units_dir.mkdir(parents=True)
    (units_dir / MARKER).write_text("xlsx-addin demo\n", encoding="utf-8")


class BuildTask:
    """A worker's task: build the workbook of `rel` from the values made in the parent (pickled once per
    worker): `build(path, values)`, a module-level function or a partial of one."""

    def __init__(self, build: Callable[[str, Any], Any], values: dict[str, Any]):
        self.build, self.values = build, values

    def __call__(self, path: str, rel: str) -> str | None:
        self.build(path, self.values[rel])
        return None

    def failed(self, path: str, rel: str, reason: str) -> str:
        return f"{rel}:{reason}"


def build_all(folder: Path, values: dict[str, Any], build: Callable[[str, Any], Any],
              progress: Progress | None = None, workers: int | None = None) -> None:
    """Write every demo workbook folder/rel from values[rel] in the isolated workers (files/pool.py)."""
    files = [(str(folder / rel), rel) for rel in values]
    for path, _ in files:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    failed = [r for r in map_files(files, BuildTask(build, values), workers, progress) if r]
    if failed:
        raise RatingError(f"演示文件未能生成({len(failed)}个),如:{failed[0]}")


def build_folder(units_dir: Path, values: dict[str, Any], build: Callable[[str, Any], Any], what: str,
                 stage: Stage) -> None:
    """The demo's folder of workbooks, made afresh (the consolidation is the shell's next step)."""
    prepare_dir(units_dir)
    with stage(f"生成{what}", len(values)) as progress:
        build_all(units_dir, values, build, progress)
