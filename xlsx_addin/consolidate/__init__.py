"""一键汇总: the consolidation job (job.py), its result model (model.py) and the CLI command."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from ..errors import RatingError
from .model import Consolidation, Problem, SetSummary, Settings, UnitRow
from ..files.outpath import is_inside

__all__ = ["Consolidation", "Problem", "SetSummary", "Settings", "UnitRow", "command", "consolidate", "find_files",
           "read_files", "summary_scheme"]


def consolidate(settings: Settings, progress=None, workers: int | None = None) -> Consolidation:
    """Read, re-score and rate every unit workbook under settings.input_dir (see job.py)."""
    from .job import consolidate as run

    return run(settings, progress=progress, workers=workers)


def __getattr__(name: str):  # job.py imports the reader, which imports model.py: load it on first use
    if name in ("find_files", "read_files", "summary_scheme"):
        from . import job

        return getattr(job, name)
    raise AttributeError(name)


def command(args) -> int:
    """`xlsx-addin consolidate DIR --out FILE …`: 0 when the run finished (problem files included), 2 on a bad argument."""
    from .job import check_settings

    from ..files.outpath import check_output

    input_dir = Path(args.input_dir)
    out = Path(args.out)
    previous = getattr(args, "previous", None)
    rules = getattr(args, "rules", None)
    overrides = None
    if rules is not None:
        from ..rules_file import read_rules_table

        overrides = read_rules_table(rules)
    from ..files import backups

    keep = getattr(args, "keep_backups", backups.DEFAULT_KEEP)
    settings = Settings(input_dir=input_dir, scheme_source=str(args.scheme), quota_mode=args.quota_mode,
                        set_by=args.set_by, previous=Path(previous) if previous is not None else None,
                        overrides=overrides,
                        exclude=(out, *backups.existing(out)) if is_inside(out, input_dir) else (),
                        ledgers=getattr(args, "ledgers", None),
                        keep_backups=backups.DEFAULT_KEEP if keep is None else keep)
    check_settings(settings)
    if settings.keep_backups < 0:
        raise RatingError("备份份数(--keep-backups)不能为负数")
    check_output(out, input_dir, settings.previous)  # before anything is read
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise RatingError(f"输出文件 {out} 的扩展名须为 .xlsx 或 .xlsm")
    if out.exists() and out.is_dir():
        raise RatingError(f"输出文件 {out} 是一个文件夹,请给出文件名(如 汇总表.xlsx)")
    workers = getattr(args, "workers", None)
    if workers is not None and workers < 1:
        raise RatingError("读取进程数(--workers)须至少为1")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RatingError(f"无法建立输出文件夹 {out.parent}:{exc.strerror or exc}") from None
    quiet = bool(getattr(args, "quiet", False)) or not sys.stderr.isatty()
    started = time.perf_counter()

    from tqdm import tqdm

    with tqdm(total=0, desc="一键汇总:读取", unit="个", file=sys.stderr, disable=quiet, leave=False,
              dynamic_ncols=True) as bar:
        def progress(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(max(0, done - bar.n))

        c = consolidate(settings, progress=progress, workers=workers)

    from .writer import write_summary

    from ..files.outpath import writing

    t = time.perf_counter()
    with writing(out):  # an OS error on writing: one Chinese message, exit code 2, nothing at `out` changed
        written = write_summary(c, out, keep_from=out if out.exists() else None)
    c.seconds["write"] = time.perf_counter() - t
    out_file = Path(written) if written else out
    for line in summary_lines(c, out_file, time.perf_counter() - started) + backup_lines(c):
        print(line)
    return 0


def backup_lines(c: Consolidation) -> list[str]:
    """Where the previous summary went, and the overwritten edits (the run must say both)."""
    lines = []
    if c.backup is not None:
        lines.append(f"上次的汇总表已备份为:{Path(c.backup).resolve()}")
    from .carryover import count_edits

    edits = count_edits(c)
    if edits:
        lines.append(f"汇总表中有{edits}处计算结果被手工改动,已按规则重新计算,原值列在“问题清单”中。")
    return lines


def summary_lines(c: Consolidation, out_file: Path, seconds: float | None = None) -> list[str]:
    """The short Chinese report printed after a run (the demo prints the same one)."""
    try:
        from ..demo import summary_lines as shared
    except ImportError:
        shared = None
    if shared is not None:
        try:
            lines = list(shared(c, out_file, seconds))
        except Exception:  # noqa: BLE001 - the report must never fail a finished run
            lines = None
        if lines:
            return lines + [_timings(c)]
    scheme = c.scheme
    lines = [f"一键汇总完成:单位文件{c.files_seen}个,评定{len(c.units)}个单位,{len(c.sets)}个评定组。"]
    for s in c.sets:
        counts = "、".join(f"{scheme.level_name(k)}{v}个" for k, v in s.counts_after.items() if v)
        lines.append(f"  {s.name}:{s.size}个单位({counts})")
    moved = sum(1 for u in c.units if u.result.quota_moved)
    lines.append(f"配额调整:{moved}个单位;需整顿:{sum(1 for u in c.units if u.result.rectify)}个单位。")
    errors = sum(1 for p in c.problems if p.severity == "错误")
    lines.append(f"问题清单:{errors}个错误,{len(c.problems) - errors}条提示。")
    lines.append(f"汇总表:{out_file.resolve()}")
    lines.append(_timings(c))
    return lines


def _timings(c: Consolidation) -> str:
    names = {"read": "读取并评分", "score": "配额与比对", "write": "写出"}
    return "各阶段用时:" + ",".join(f"{names.get(k, k)}{v:.1f}秒" for k, v in c.seconds.items())
