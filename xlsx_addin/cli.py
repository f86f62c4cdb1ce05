"""Command line: `xlsx-addin` / `python -m xlsx_addin`. A thin shell over the engine."""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
import traceback
from pathlib import Path

from .errors import RatingError

# subcommand → module whose `command(args) -> int` runs it (imported lazily: fast start-up)
_COMMANDS = {
    "templates": "xlsx_addin.templates",
    "consolidate": "xlsx_addin.consolidate",
    "demo": "xlsx_addin.demo",
    "ledgers": "xlsx_addin.ledgers",  # the half-year ledgers (issue 15)
    # reach (issue 16)
    "bundle": "xlsx_addin.bundle",
    "gui": "xlsx_addin.gui",
}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xlsx-addin", description="星级评定 / 分类定级:模板生成、一键汇总、演示")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")

    t = sub.add_parser("templates", help="生成填报模板和汇总表")
    t.add_argument("--out", required=True, type=Path, help="输出文件夹")
    t.add_argument("--scheme", default=None, help="评定方案名称或方案文件(.yaml)路径(默认生成全部内置方案)")
    t.add_argument("--rules", type=Path, default=None,
                   help="规则表文件(.xlsx 的“规则”表,或每行 key,值 的 .csv):写入各工作簿的规则表")

    c = sub.add_parser("consolidate", help="一键汇总:读取文件夹下全部单位填报表")
    c.add_argument("input_dir", type=Path, help="单位填报表所在文件夹(含子文件夹)")
    c.add_argument("--out", required=True, type=Path, help="汇总表输出文件(.xlsx 或 .xlsm)")
    c.add_argument("--scheme", default="five_star", help="评定方案名称或方案文件(.yaml)路径")
    c.add_argument("--quota-mode", choices=("enforce", "flag"), default="enforce",
                   help="配额:enforce 强制调整(默认),flag 仅标记")
    c.add_argument("--set-by", choices=("parent_org", "all"), default="parent_org",
                   help="评定组:parent_org 按上级党组织(默认),all 全部单位一起")
    c.add_argument("--rules", type=Path, default=None,
                   help="规则表文件(.xlsx 的“规则”表,或每行 key,值 的 .csv):套用于评定方案之上")
    c.add_argument("--previous", type=Path, default=None, help="上年度汇总表(比较晋星/减星)")
    c.add_argument("--workers", type=int, default=None, help="读取文件的进程数(默认按CPU核数)")
    c.add_argument("--quiet", action="store_true", help="不显示进度")
    c.add_argument("--ledgers", type=Path, default=None,  # issue 15
                   help="下半年台账汇总(台账汇总.xlsx):一览表中列出承诺完成率、整改销号率(不影响评定)")
    # summary (issue 13): dated backups of the previous output
    c.add_argument("--keep-backups", type=int, default=10,
                   help="保留上次汇总表的备份份数(默认10,旧的先删除;0 为不备份)")

    d = sub.add_parser("demo", help="生成一个模拟县的填报表并一键汇总(无需准备任何文件)")
    d.add_argument("--units", type=int, default=None, help="单位数(默认300;双十星为一个镇的党支部数,默认24)")
    d.add_argument("--out", type=Path, default=Path("demo_out"), help="输出文件夹(默认 demo_out)")
    d.add_argument("--scheme", default="five_star", help="评定方案")
    d.add_argument("--seed", type=int, default=2026, help="随机种子(同一种子结果相同)")
    d.add_argument("--quiet", action="store_true", help="不显示进度")
    d.add_argument("--ledgers", action="store_true", help="再为这些支部生成下一个半年的台账并汇总(台账汇总.xlsx)")

    from .ledgers import add_parser as add_ledgers  # the half-year ledgers (issue 15)

    add_ledgers(sub)

    s = sub.add_parser("score", help="为一个单位评分:输入为 JSON 文件(名称约定的键)")
    s.add_argument("inputs", type=Path, help="JSON 文件:一个单位的输入,或多个单位的列表")
    s.add_argument("--scheme", default="five_star", help="评定方案名称或方案文件路径")
    s.add_argument("--quota-mode", choices=("enforce", "flag"), default="enforce")

    r = sub.add_parser("rules", help="列出方案的可调参数(规则表的内容)")
    r.add_argument("--scheme", default="five_star")

    # reach (issue 16): the offline install folder and the 一键汇总 window
    from .bundle import add_parser as bundle_parser

    bundle_parser(sub)
    sub.add_parser("gui", help="打开一键汇总窗口(不需要 Excel)")
    return p


def _score(args) -> int:
    from . import load_scheme, rate_set, score_unit

    scheme = load_scheme(args.scheme)
    try:
        data = json.loads(args.inputs.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RatingError(f"无法读取输入文件 {args.inputs}:{exc}") from None
    results = rate_set(scheme, data, args.quota_mode) if isinstance(data, list) else [score_unit(scheme, data)]
    for r in results:
        if r.star_detail is not None:  # 双十星: stars, not points
            print(_star_line(r))
            for reason in r.reasons:
                print(f"    · {reason}")
            continue
        print(f"{r.org_name}:基础得分{r.base_score:g} 加分{r.bonus:g} 减分{r.penalty:g} "
              f"综合得分{r.final_score:g} → {r.level_name}{'(需整顿)' if r.rectify else ''}")
        for reason in r.reasons:
            print(f"    · {reason}")
    return 0


def _star_line(r) -> str:
    d = r.star_detail
    who = f"{r.org_name} {d.member_name}" if d.member_name else r.org_name
    mark = f"({d.rectify_label})" if r.rectify else f"({d.privileged_label})" if r.privileged else ""
    return f"{who}:得星{len(r.stars)}颗 → {r.level_name}{mark};已得:{'、'.join(r.stars) or '无'}"


def _rules(args) -> int:
    from . import load_scheme, parameters

    for p in parameters(load_scheme(args.scheme)):
        print(f"{p.key}\t{p.label}\t{p.value}\t{p.note}")
    return 0


# --- never a traceback for a clerk (issue 12): not from an exception, a destructor or the exit flush ---
_LOG = "xlsx-addin-error.log"


def _log(text: str) -> Path | None:
    """Append text to the log for the IT person; None when even that cannot be written (disk full)."""
    log = Path(tempfile.gettempdir()) / _LOG
    try:
        with open(log, "a", encoding="utf-8") as f:
            f.write(text + "\n")
        return log
    except OSError:
        return None


def _unraisable(hook_args) -> None:  # "Exception ignored in …" (a destructor, a closing file): logged only
    _log("".join(traceback.format_exception(hook_args.exc_type, hook_args.exc_value, hook_args.exc_traceback)))


def _flush_quietly() -> None:
    """Flush stdout/stderr now; a full disk or a closed pipe must not print "Exception ignored" at exit."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
                os.close(devnull)
            except (OSError, ValueError):
                pass


def main(argv: list[str] | None = None) -> int:
    sys.unraisablehook = _unraisable
    try:
        return _main(argv)
    finally:
        _flush_quietly()


def _main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # Windows consoles default to a legacy code page
        except (AttributeError, ValueError):
            pass
    args = build_parser().parse_args(argv)
    try:
        if args.command == "score":
            return _score(args)
        if args.command == "rules":
            return _rules(args)
        return importlib.import_module(_COMMANDS[args.command]).command(args)
    except RatingError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断,未写出不完整的文件。", file=sys.stderr)
        return 130
    except Exception:  # never a traceback for a clerk: keep it in a log for the IT person
        log = _log(traceback.format_exc())
        where = f",详细信息已写入 {log}" if log else ""
        print(f"程序内部错误{where},请发给技术支持人员。", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
