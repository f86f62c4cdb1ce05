"""Command line: `xlsx-addin` / `python -m xlsx_addin`. A thin shell: each command module turns its
arguments into one call of a job (no argparse namespace goes below this package)."""
from __future__ import annotations

import argparse
import io
import signal
import sys
import traceback

from xlsx_addin.shells.cli import bundle as cli_bundle
from xlsx_addin.shells.cli import consolidate as cli_consolidate
from xlsx_addin.shells.cli import demo as cli_demo
from xlsx_addin.shells.cli import ledgers as cli_ledgers
from xlsx_addin.shells.cli import register as cli_register
from xlsx_addin.shells.cli import scheme as cli_scheme
from xlsx_addin.shells.cli import score as cli_score
from xlsx_addin.shells.cli import templates as cli_templates
from xlsx_addin.shells.cli.parser import ChineseArgumentParser
from xlsx_addin.shells.errors import clerk_message, is_program_fault, write_log

# subcommand → (add its parser, run it); each run(args) imports its job when called: a fast start
_COMMANDS = {
    "templates": (cli_templates.add_parser, cli_templates.run),
    "consolidate": (cli_consolidate.add_parser, cli_consolidate.run),
    "demo": (cli_demo.add_parser, cli_demo.run),
    "ledgers": (cli_ledgers.add_parser, cli_ledgers.run),
    "bundle": (cli_bundle.add_parser, cli_bundle.run),
    "register": (cli_register.add_parser, cli_register.run),
    "scheme": (cli_scheme.add_parser, cli_scheme.run),
}


def build_parser() -> argparse.ArgumentParser:
    p = ChineseArgumentParser(prog="xlsx-addin", description="星级评定 / 分类定级:模板生成、一键汇总、演示")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")
    for name in ("templates", "consolidate", "demo", "ledgers", "register"):
        _COMMANDS[name][0](sub)
    cli_score.add_parsers(sub)
    _COMMANDS["scheme"][0](sub)
    _COMMANDS["bundle"][0](sub)
    sub.add_parser("gui", help="打开一键汇总窗口(不需要 Excel)")
    return p


def _run(args: argparse.Namespace) -> int:
    if args.command == "score":
        return cli_score.run_score(args)
    if args.command == "rules":
        return cli_score.run_rules(args)
    if args.command == "gui":
        from xlsx_addin.shells.gui import main as window

        return window([])
    return _COMMANDS[args.command][1](args)


# --- never a traceback for a clerk (issue 12): not from an exception, a destructor or the exit flush ---
def _unraisable(hook_args) -> None:  # "Exception ignored in …" (a destructor, a closing file): logged only
    if not is_program_fault(hook_args.exc_value):  # a closed pipe or a full disk at close: nothing to log
        return
    write_log("".join(traceback.format_exception(hook_args.exc_type, hook_args.exc_value, hook_args.exc_traceback)))


def _flush_quietly() -> bool:
    """Flush stdout/stderr now; a full disk or a closed pipe must not print "Exception ignored" at exit.

    True when a stream could not be flushed (its reader went away)."""
    import os

    failed = False
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            failed = True
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
                os.close(devnull)
            except (OSError, ValueError):
                pass
    return failed


# what a shell reports for a writer whose reader went away (`yes | head`: 128 + SIGPIPE); 0 where no SIGPIPE
CLOSED_PIPE = 128 + signal.SIGPIPE if hasattr(signal, "SIGPIPE") else 0


def main(argv: list[str] | None = None) -> int:
    sys.unraisablehook = _unraisable
    try:
        code = _main(argv)
    except BrokenPipeError:  # while telling an error, on a closed stderr
        code = CLOSED_PIPE
    finally:
        closed = _flush_quietly()
    return CLOSED_PIPE if closed and code == 0 else code


def _main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue  # replaced (a test's capture, a GUI without a console): nothing to reconfigure
        try:
            stream.reconfigure(encoding="utf-8")  # Windows consoles default to a legacy code page
        except ValueError:
            pass
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("已中断,未写出不完整的文件。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away (`xlsx-addin rules | head`): end quietly
        return CLOSED_PIPE
    except Exception as exc:  # never a traceback for a clerk (shells/errors.py)
        message = clerk_message(exc)
        if is_program_fault(exc):
            print(message, file=sys.stderr)
            return 1
        print(f"错误:{message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
