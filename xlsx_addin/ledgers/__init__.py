"""The half-year ledgers of the long-term mechanism (创先争优长效机制): the workbook contract and the 台账汇总 job.

`xlsx-addin ledgers DIR --out FILE --period 2026H1 [--as-of DATE] [--due DATE] [--expect FILE]` reads every
branch's 半年台账 under DIR and writes 台账汇总; `xlsx-addin ledgers --seed-from 汇总表.xlsx --out DIR` writes
each branch's ledger with its open 整改台账 items from the year-end rating summary.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from ..errors import RatingError


def _date(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    from .read import to_date

    try:
        day = to_date(text)
    except ValueError:
        day = None
    if day is None:
        raise RatingError(f"{what}“{text}”不是日期,应为如 2026-07-15")
    return day


def add_parser(sub) -> None:
    """The `ledgers` subcommand's arguments (cli.py calls this)."""
    p = sub.add_parser("ledgers", help="半年台账汇总:读取文件夹下各支部的半年台账(或按年度评定生成下半年台账)")
    p.add_argument("input_dir", type=Path, nargs="?", help="各支部半年台账所在文件夹(含子文件夹)")
    p.add_argument("--out", required=True, type=Path, help="台账汇总输出文件(.xlsx);与 --seed-from 同用时为输出文件夹")
    p.add_argument("--period", default=None, help="台账期间,如 2026H1(上半年)、2026H2(下半年)")
    p.add_argument("--as-of", default=None, help="统计截止日期(默认今天),如 2026-07-20")
    p.add_argument("--due", default=None, help="应报送日期(默认上半年7月15日、下半年次年1月15日)")
    p.add_argument("--expect", type=Path, default=None,
                   help="应报送党组织名单:上期台账汇总、星级评定汇总表,或每行一个党组织名称的文本文件")
    p.add_argument("--seed-from", type=Path, default=None, help="年度星级评定汇总表:为每个支部生成带未销号整改事项的台账")
    p.add_argument("--workers", type=int, default=None, help="读取文件的进程数(默认按CPU核数)")
    p.add_argument("--quiet", action="store_true", help="不显示进度")


def command(args) -> int:
    from .forms import period_arg

    if args.seed_from is not None:
        from .seed import seed_command

        return seed_command(args)
    if args.input_dir is None:
        raise RatingError("请给出各支部半年台账所在文件夹,例如 xlsx-addin ledgers 台账 --out 台账汇总.xlsx --period 2026H1")
    if not args.period:
        raise RatingError("请用 --period 给出台账期间,例如 --period 2026H1")
    period = period_arg(args.period)
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise RatingError(f"输出文件 {out} 的扩展名须为 .xlsx")
    if out.exists() and out.is_dir():
        raise RatingError(f"输出文件 {out} 是一个文件夹,请给出文件名(如 台账汇总.xlsx)")
    from ..files.outpath import is_inside
    from .job import run_ledgers, settings_for
    from .writer import write_ledger_summary

    input_dir = Path(args.input_dir)
    settings = settings_for(input_dir, period, _date(args.as_of, "统计截止日期"), _date(args.due, "应报送日期"),
                            args.expect, exclude=(out,) if is_inside(out, input_dir) else (),
                            previous=out if out.is_file() else None)
    quiet = bool(args.quiet) or not sys.stderr.isatty()
    from tqdm import tqdm

    with tqdm(total=0, desc="台账汇总:读取", unit="个", file=sys.stderr, disable=quiet, leave=False) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(max(0, done - bar.n))

        run = run_ledgers(settings, progress=progress, workers=args.workers)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RatingError(f"无法建立输出文件夹 {out.parent}:{exc.strerror or exc}") from None
    write_ledger_summary(run, out)
    for line in summary_lines(run, out):
        print(line)
    return 0


def summary_lines(run, out: Path) -> list[str]:
    s = run.settings
    b = run.branches
    errors = sum(1 for p in run.problems if p.severity == "错误")
    lines = [
        f"台账汇总完成({s.period.label},统计截止{s.as_of.isoformat()}):读取文件{run.files_seen}个,汇总党组织{len(b)}个。",
        f"承诺{sum(x.commitments for x in b)}项,已完成{sum(x.done for x in b)}项(其中逾期完成{sum(x.done_late for x in b)}项),"
        f"逾期未完成{sum(x.overdue for x in b)}项;整改事项{sum(x.rect_total for x in b)}项,"
        f"未销号{sum(x.rect_open for x in b)}项(其中逾期{sum(x.rect_overdue for x in b)}项),已销号{sum(x.rect_closed for x in b)}项。",
        f"未开展群众评议的党组织{sum(1 for x in b if not x.mass_held)}个;未按时报送{len(run.not_on_time)}个"
        f"(应报送日期{s.due.isoformat()})。",
        f"问题清单:{errors}个错误,{len(run.problems) - errors}条提示。",
        f"台账汇总:{out.resolve()}",
    ]
    return lines
