"""`xlsx-addin scheme --list` and `xlsx-addin scheme --export NAME --out FILE.yaml` (a scheme file to copy)."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    s = sub.add_parser("scheme", help="列出内置评定方案,或导出一个方案文件供本地修改")
    s.add_argument("--list", action="store_true", help="列出内置评定方案(名称与中文名)")
    s.add_argument("--export", metavar="方案", default=None,
                   help="要导出的内置方案:名称(如 five_star)或中文名(如 服务型党组织星级评定)")
    s.add_argument("--out", type=Path, default=None, help="导出的方案文件(.yaml),不覆盖已有文件")


def run(args: argparse.Namespace) -> int:
    from xlsx_addin.jobs.templates.scheme_file import builtin_schemes, export_scheme
    from xlsx_addin.model.errors import RatingError

    if args.export is None:
        for scheme_id, name in builtin_schemes():
            print(f"{scheme_id}\t{name}")
        if not args.list:
            print("导出方案文件:xlsx-addin scheme --export 方案名称 --out 本地方案.yaml")
        return 0
    if args.out is None:
        raise RatingError("请用 --out 给出导出的方案文件路径(.yaml),如 --out 本地方案.yaml")
    path = export_scheme(args.export, args.out)
    print(f"已导出 {path}")
    print(f"修改其中的数字后使用:xlsx-addin consolidate 单位填报表文件夹 --out 汇总表.xlsx --scheme {path}")
    return 0
