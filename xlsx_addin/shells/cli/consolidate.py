"""`xlsx-addin consolidate DIR --out FILE …`: the same job as the summary workbook's button."""
from __future__ import annotations

import argparse
from pathlib import Path

from xlsx_addin.engine.scheme.loader import DEFAULT_SCHEME
from xlsx_addin.shells.cli.parser import SCHEME_HELP, scheme_arg
from xlsx_addin.io.files.backups import DEFAULT_KEEP
from xlsx_addin.model.choices import DEFAULT_QUOTA_MODE, DEFAULT_SET_BY, Choice, QuotaMode, SetBy


def add_parser(sub) -> None:
    c = sub.add_parser("consolidate", help="一键汇总:读取文件夹下全部单位填报表")
    c.add_argument("input_dir", type=Path, help="单位填报表所在文件夹(含子文件夹)")
    c.add_argument("--out", required=True, type=Path, help="汇总表输出文件(.xlsx 或 .xlsm)")
    c.add_argument("--scheme", type=scheme_arg, default=None, help=SCHEME_HELP + f"(默认{DEFAULT_SCHEME})")
    c.add_argument("--quota-mode", choices=QuotaMode.values(), default=None,
                   help=f"配额:{_choices_help(QuotaMode, DEFAULT_QUOTA_MODE)}")
    c.add_argument("--set-by", choices=SetBy.values(), default=None, 
                   help=f"评定组:{_choices_help(SetBy, DEFAULT_SET_BY)}")
    c.add_argument("--rules", type=Path, default=None,
                   help="规则表文件(.xlsx 的“规则”表,或每行 key,值 的 .csv):套用于评定方案之上")
    c.add_argument("--previous", type=Path, default=None, help="上年度汇总表(比较晋星/减星)")
    c.add_argument("--register", type=Path, default=None,
                   help="星级管理台账(xlsx-addin register 生成):台账中有的单位,以台账最近登记年度的现行星级(含复验降级;"
                        "本汇总表自己登记的本年度除外,取再前一年度)为上年度星级比较晋星/减星,优先于 --previous;"
                        "台账中没有的单位仍按上年度汇总表")
    c.add_argument("--workers", type=int, default=None, help="读取文件的进程数(默认按CPU核数)")
    c.add_argument("--quiet", action="store_true", help="不显示进度")
    c.add_argument("--ledgers", type=Path, default=None,
                   help="下半年台账汇总(台账汇总.xlsx):一览表中列出承诺完成率、整改销号率(不影响评定)")
    c.add_argument("--expect", type=Path, default=None,
                   help="应上报的党组织名单:汇总表、台账汇总、有“党组织名称”列的 Excel 表,或每行一个名称的 .txt/.csv"
                        "(UTF-8 或 GBK);“上报情况”表和问题清单列出未上报的单位(不给时以上次汇总表中的单位为准)")
    c.add_argument("--publicity-start", default=None, help="公示开始日期,如 2026-12-07(公示名单写明公示期)")
    c.add_argument("--publicity-end", default=None, help="公示结束日期(默认开始后一周,共7天)")
    c.add_argument("--keep-backups", type=int, default=None,
                   help=f"保留上次汇总表的备份份数(默认{DEFAULT_KEEP},旧的先删除;0 为不备份)")


def _choices_help(enum: type[Choice], default: Choice) -> str:
    """'enforce 强制调整(默认),flag 仅标记'."""
    return ",".join(f"{m.value} {m.label}{'(默认)' if m is default else ''}" for m in enum)


def run(args: argparse.Namespace) -> int:
    from xlsx_addin.jobs.consolidate.run import consolidate_to
    from xlsx_addin.jobs.consolidate.publicity import to_date
    from xlsx_addin.jobs.consolidate.settings import Given, resolve_settings
    from xlsx_addin.io.rules_file import read_rules_table
    from xlsx_addin.shells.cli.progress import progress_bar

    rules = read_rules_table(args.rules) if args.rules is not None else None
    given = Given(input_dir=args.input_dir, scheme=args.scheme, rules=rules, quota_mode=args.quota_mode,
                  set_by=args.set_by, previous=args.previous, ledgers=args.ledgers, keep_backups=args.keep_backups,
                  star_register=args.register, expect=args.expect,
                  publicity_start=to_date(args.publicity_start, "公示开始日期(--publicity-start)"),
                  publicity_end=to_date(args.publicity_end, "公示结束日期(--publicity-end)"))
    settings = resolve_settings(given, out=args.out)
    with progress_bar("一键汇总:读取", args.quiet) as progress:
        done = consolidate_to(settings, args.out, workers=args.workers, progress=progress)
    for line in done.lines:
        print(line)
    return 0
