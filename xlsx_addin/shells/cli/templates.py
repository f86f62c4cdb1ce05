"""`xlsx-addin templates --out DIR [--scheme NAME|PATH] [--rules FILE]`."""
from __future__ import annotations

import argparse
from pathlib import Path

from xlsx_addin.shells.cli.parser import SCHEME_HELP, scheme_arg


def add_parser(sub) -> None:
    t = sub.add_parser("templates", help="生成填报模板和汇总表")
    t.add_argument("--out", required=True, type=Path, help="输出文件夹")
    t.add_argument("--scheme", type=scheme_arg, default=None, help=SCHEME_HELP + "(默认生成全部内置方案)")
    t.add_argument("--rules", type=Path, default=None,
                   help="规则表文件(.xlsx 的“规则”表,或每行 key,值 的 .csv):写入各工作簿的规则表")


def run(args: argparse.Namespace) -> int:
    from xlsx_addin.io.rules_file import read_rules_table
    from xlsx_addin.shells.templates import all_templates

    rules = read_rules_table(args.rules) if args.rules is not None else None
    notes: list[str] = []
    for path in all_templates(args.out, args.scheme, rules, notes):
        print(f"已生成 {path}")
    for note in notes:
        print(f"提示:{note}")
    return 0
