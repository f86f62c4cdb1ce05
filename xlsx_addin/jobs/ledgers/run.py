"""台账汇总 to a file, and the next half year's ledgers seeded from a rating summary (CLI, button, demo)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.files.outpath import is_inside
from xlsx_addin.model.progress import Progress
from xlsx_addin.contracts.ledger import Period
from xlsx_addin.jobs.ledgers.job import run_ledgers, settings_for
from xlsx_addin.jobs.ledgers.report import summary_lines
from xlsx_addin.jobs.ledgers.seed import default_period, seed_ledgers
from xlsx_addin.jobs.ledgers.writer import write_ledger_summary


def summarise_to(input_dir: Path, out: Path, period: Period, *, as_of: dt.date | None = None,
                 due: dt.date | None = None, expect: Path | None = None, workers: int | None = None,
                 progress: Progress | None = None) -> list[str]:
    """Read every branch's 半年台账 under input_dir, write 台账汇总 to `out`; the report lines."""
    input_dir, out = Path(input_dir), Path(out)
    if out.suffix.lower() != ".xlsx":
        raise RatingError(f"输出文件 {out} 的扩展名须为 .xlsx")
    if out.exists() and out.is_dir():
        raise RatingError(f"输出文件 {out} 是一个文件夹,请给出文件名(如 台账汇总.xlsx)")
    settings = settings_for(input_dir, period, as_of, due, expect, exclude=(out,) if is_inside(out, input_dir) else (),
                            previous=out if out.is_file() else None)
    run = run_ledgers(settings, progress=progress, workers=workers)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RatingError(f"无法建立输出文件夹 {out.parent}:{exc.strerror or exc}") from None
    write_ledger_summary(run, out)
    return summary_lines(run, out)


def seed_to(summary: Path, out_dir: Path, period: Period | None = None) -> list[str]:
    """Each branch's ledger for the period, with its open 整改台账 items from the year-end rating summary."""
    summary, out_dir = Path(summary), Path(out_dir)
    if out_dir.suffix.lower() in (".xlsx", ".xlsm"):
        raise RatingError(f"与 --seed-from 同用时,--out 应为输出文件夹,而不是文件 {out_dir}")
    period = period or default_period(dt.date.today())
    written, skipped, items = seed_ledgers(summary, out_dir, period)
    lines = [f"已为{len(written)}个党组织生成{period.label}({period.code})的半年台账,带入未销号整改事项{items}项:"
             f"{out_dir.resolve()}"]
    if skipped:
        lines.append(f"{len(skipped)}个台账文件已存在,未覆盖(如需重新生成,请先移走):{skipped[0]}"
                     + (" 等" if len(skipped) > 1 else ""))
    return lines
