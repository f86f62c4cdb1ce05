"""`xlsx-addin demo [--units N] [--out DIR] [--scheme NAME] [--ledgers]`: the main job with nothing to prepare."""
from __future__ import annotations

import argparse
from pathlib import Path

from xlsx_addin.engine.scheme.loader import DEFAULT_SCHEME
from xlsx_addin.shells.cli.parser import SCHEME_HELP, scheme_arg


def add_parser(sub) -> None:
    d = sub.add_parser("demo", help="生成一个模拟县的填报表并一键汇总(无需准备任何文件)")
    d.add_argument("--units", type=int, default=None, help="单位数(默认300;双十星为一个镇的党支部数,默认24)")
    d.add_argument("--out", type=Path, default=Path("demo_out"), help="输出文件夹(默认 demo_out)")
    d.add_argument("--scheme", type=scheme_arg, default=DEFAULT_SCHEME, help=SCHEME_HELP)
    d.add_argument("--seed", type=int, default=2026, help="随机种子(同一种子结果相同)")
    d.add_argument("--quiet", action="store_true", help="不显示进度")
    d.add_argument("--ledgers", action="store_true", help="再为这些支部生成下一个半年的台账并汇总(台账汇总.xlsx)")


def run(args: argparse.Namespace) -> int:
    from xlsx_addin.shells.demo import run_demo
    from xlsx_addin.shells.cli.progress import progress_bar

    def stage(description: str, total: int):
        return progress_bar(description, args.quiet, total)

    print("\n".join(run_demo(args.out, str(args.scheme), args.units, args.seed, ledgers=args.ledgers, stage=stage)))
    return 0
