"""argparse in Chinese: usage, help headings and every error a clerk can meet (`缺少必需的参数:--out`).

argparse builds its texts with gettext and ships no Chinese catalogue; rather than install one for the whole
process, this parser (every subcommand's parser is the same class) writes its own headings and translates
the error messages it is given, by the English templates of argparse (3.10–3.13).
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

TYPE_WORDS = {"int": "整数", "float": "数值", "Path": "路径", "scheme_arg": "评定方案"}

# (English pattern, Chinese template) in the order argparse may nest them ("argument --out: expected …")
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"^argument (?P<arg>.+?): (?P<rest>.*)$", "参数 {arg}:{rest}"),
    (r"^the following arguments are required: (?P<args>.*)$", "缺少必需的参数:{args}"),
    (r"^one of the arguments (?P<args>.*) is required$", "参数 {args} 须给出其中一个"),
    (r"^unrecognized arguments: (?P<args>.*)$", "无法识别的参数:{args}(查看用法:加 -h)"),
    (r"^invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)$", "无效的选项 {value}(可选:{choices})"),
    (r"^invalid (?P<type>\w+) value: (?P<value>.*)$", "{value} 不是有效的{type}"),
    (r"^expected one argument$", "需要给出一个值"),
    (r"^expected at least one argument$", "至少需要给出一个值"),
    (r"^expected at most one argument$", "至多给出一个值"),
    (r"^expected (?P<n>\d+) arguments?$", "需要给出{n}个值"),
    (r"^not allowed with argument (?P<arg>.*)$", "不能与参数 {arg} 同时使用"),
    (r"^ignored explicit argument (?P<value>.*)$", "多余的值 {value}"),
    (r"^ambiguous option: (?P<option>\S+) could match (?P<matches>.*)$", "选项 {option} 不明确,可能是:{matches}"),
    (r"^(?P<option>\S+) could match (?P<matches>.*)$", "选项 {option} 不明确,可能是:{matches}"),
)


def translate(message: str) -> str:
    """argparse's English error message in Chinese (unknown ones are kept as they are)."""
    for pattern, template in _MESSAGES:
        m = re.match(pattern, message, re.S)
        if m is None:
            continue
        parts = m.groupdict()
        if "rest" in parts:
            parts["rest"] = translate(parts["rest"])
        if "type" in parts:
            parts["type"] = TYPE_WORDS.get(parts["type"], parts["type"])
        return template.format(**parts)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法:" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser speaking Chinese; subparsers made from it are of the same class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False  # its own -h below, in Chinese
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}:错误:{translate(message)}\n")


SCHEME_HELP = ("评定方案:内置方案的名称(如 five_star)或中文名(如 服务型党组织星级评定),或方案文件(.yaml)路径;"
               "全部内置方案见 xlsx-addin scheme --list")


def scheme_arg(text: str) -> str:
    """--scheme: a built-in id, a built-in scheme's Chinese name (服务型党组织星级评定) or a file path."""
    from xlsx_addin.engine.scheme.loader import resolve_scheme

    return resolve_scheme(text)
