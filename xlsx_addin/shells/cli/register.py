"""`xlsx-addin register --summary 汇总表.xlsx --out 星级管理台账.xlsx [--year YYYY]`: the 星级管理台账."""
from __future__ import annotations

import argparse
from pathlib import Path

from xlsx_addin.io.files.backups import DEFAULT_KEEP


def add_parser(sub) -> None:
    r = sub.add_parser("register", help="星级管理台账:把汇总表中本年度的星级(等次)登记到历年台账",
                       description="把一份汇总表的最终星级(等次)登记到星级管理台账(历年星级、复验记录、重点管理)。"
                                   "台账中已填写的复验记录、另加的列和工作表都保留;同一年度重复登记时替换该年度一列。"
                                   "复验记录中的“调整为”自其日期起降级;一键汇总加 --register 时以台账的现行星级比较晋星/减星。")
    r.add_argument("--summary", required=True, type=Path, help="本年度的汇总表(一键汇总生成的 .xlsx 或 .xlsm)")
    r.add_argument("--out", required=True, type=Path, help="星级管理台账文件(.xlsx);已有时在其上增补,并留有备份")
    r.add_argument("--year", type=int, default=None,
                   help="登记的年度,如 2025;默认取汇总表“设置”中汇总日期(每次一键汇总时记录)所在的年度")
    r.add_argument("--keep-backups", type=int, default=None,
                   help=f"保留原台账的备份份数(默认{DEFAULT_KEEP},旧的先删除;0 为不备份)")


def run(args: argparse.Namespace) -> int:
    from xlsx_addin.jobs.register.job import register_file

    keep = DEFAULT_KEEP if args.keep_backups is None else args.keep_backups
    done = register_file(args.summary, args.out, year=args.year, keep_backups=keep)
    for line in done.lines:
        print(line)
    return 0
