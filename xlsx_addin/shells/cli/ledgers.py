"""`xlsx-addin ledgers DIR --out FILE --period 2026H1 …` and `xlsx-addin ledgers --seed-from 汇总表.xlsx --out DIR`."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from xlsx_addin.model.errors import RatingError


def add_parser(sub) -> None:
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


def _date(text: str | None, what: str) -> dt.date | None:
    from xlsx_addin.jobs.ledgers.read import to_date

    if text is None:
        return None
    try:
        day = to_date(text)
    except ValueError:
        day = None
    if day is None:
        raise RatingError(f"{what}“{text}”不是日期,应为如 2026-07-15")
    return day


def run(args: argparse.Namespace) -> int:
    from xlsx_addin.contracts.ledger import period_arg
    from xlsx_addin.jobs.ledgers.run import seed_to, summarise_to
    from xlsx_addin.shells.cli.progress import progress_bar

    if args.seed_from is not None:
        lines = seed_to(args.seed_from, args.out, period_arg(args.period) if args.period else None)
    else:
        if args.input_dir is None:
            raise RatingError("请给出各支部半年台账所在文件夹,例如 xlsx-addin ledgers 台账 --out 台账汇总.xlsx --period 2026H1")
        if not args.period:
            raise RatingError("请用 --period 给出台账期间,例如 --period 2026H1")
        with progress_bar("台账汇总:读取", args.quiet) as progress:
            lines = summarise_to(args.input_dir, args.out, period_arg(args.period), as_of=_date(args.as_of, "统计截止日期"),
                                 due=_date(args.due, "应报送日期"), expect=args.expect, workers=args.workers,
                                 progress=progress)
    for line in lines:
        print(line)
    return 0
