"""`xlsx-addin score FILE.json` (one unit, or a set with quotas) and `xlsx-addin rules` (a scheme's numbers)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from xlsx_addin.engine.scheme.loader import DEFAULT_SCHEME
from xlsx_addin.shells.cli.parser import SCHEME_HELP, scheme_arg
from xlsx_addin.model.choices import DEFAULT_QUOTA_MODE, QuotaMode
from xlsx_addin.model.errors import RatingError

MAX_INPUT_BYTES = 256 * 2**20  # 20,000 units' inputs are about 20 MB


def add_parsers(sub) -> None:
    s = sub.add_parser("score", help="为一个单位评分:输入为 JSON 文件(名称约定的键)")
    s.add_argument("inputs", type=Path, help="JSON 文件:一个单位的输入,或多个单位的列表")
    s.add_argument("--scheme", type=scheme_arg, default=DEFAULT_SCHEME, help=SCHEME_HELP)
    s.add_argument("--quota-mode", choices=QuotaMode.values(), default=DEFAULT_QUOTA_MODE.value)
    r = sub.add_parser("rules", help="列出方案的可调参数(规则表的内容)")
    r.add_argument("--scheme", type=scheme_arg, default=DEFAULT_SCHEME, help=SCHEME_HELP)


def run_score(args: argparse.Namespace) -> int:
    from xlsx_addin import load_scheme, rate_set, score_unit

    scheme = load_scheme(args.scheme)
    data = read_inputs(args.inputs)
    results = rate_set(scheme, data, args.quota_mode) if isinstance(data, list) else [score_unit(scheme, data)]
    for r in results:
        if r.star_detail is not None:  # 双十星: stars, not points
            print(_star_line(r))
        else:
            print(f"{r.org_name}:基础得分{r.base_score:g} 加分{r.bonus:g} 减分{r.penalty:g} "
                  f"综合得分{r.final_score:g} → {r.level_name}{'(需整顿)' if r.rectify else ''}")
        for reason in r.reasons:
            print(f"    · {reason}")
    return 0


def read_inputs(path: Path) -> dict | list[dict]:
    """The JSON file's unit or units: UTF-8 with or without a BOM, or GBK (what Notepad writes); a clear
    Chinese message for a file that is not JSON, empty, or not a unit ({…}) or a list of units ([{…}, …])."""
    try:
        if path.is_file() and path.stat().st_size > MAX_INPUT_BYTES:
            raise RatingError(f"输入文件 {path} 过大({path.stat().st_size / 2**20:.0f} MB),"
                              f"不像单位的输入(上限 {MAX_INPUT_BYTES // 2**20} MB)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RatingError(f"输入文件 {path} 不存在") from None
    except IsADirectoryError:
        raise RatingError(f"{path} 是文件夹,应为 JSON 文件") from None
    except OSError as exc:
        raise RatingError(f"无法读取输入文件 {path}:{exc.strerror or exc}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RatingError(f"输入文件 {path} 不是文本文件(应为 UTF-8 或 GBK 编码的 JSON)")
    if not text.strip():
        raise RatingError(f"输入文件 {path} 是空的:应为一个单位({{\"org_name\": …}})或多个单位的列表([{{…}}, …])")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RatingError(f"输入文件 {path} 不是有效的 JSON:第{exc.lineno}行第{exc.colno}列,{_json_reason(exc.msg)}") from None
    except RecursionError:  # [[[[…]]]] nested beyond the parser's stack
        raise RatingError(f"无法读取输入文件 {path}:JSON 嵌套层数过多,不是一个单位(或多个单位)的输入") from None
    shape = "应为一个单位({\"org_name\": …, \"item_scores\": […]})或多个单位的列表([{…}, {…}])"
    if isinstance(data, list):
        if not data:
            raise RatingError(f"输入文件 {path} 是空列表,没有要评分的单位;{shape}")
        for i, unit in enumerate(data, 1):
            if not isinstance(unit, dict):
                raise RatingError(f"输入文件 {path} 列表中的第{i}项不是一个单位(是{_kind(unit)});{shape}")
        return data
    if not isinstance(data, dict):
        raise RatingError(f"输入文件 {path} 的内容是{_kind(data)},不是单位;{shape}")
    return data


def _kind(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return {str: "文字", int: "数字", float: "数字", list: "列表", dict: "键值表"}.get(type(value), type(value).__name__)


def _json_reason(msg: str) -> str:
    words = {"Expecting value": "此处应为一个值", "Expecting property name enclosed in double quotes":
             "此处应为双引号括起的键名", "Expecting ',' delimiter": "缺少逗号", "Expecting ':' delimiter": "缺少冒号",
             "Extra data": "多余的内容", "Unterminated string starting at": "字符串缺少结束的双引号",
             "Invalid control character at": "字符串中有控制字符"}
    return words.get(msg, msg)


def _star_line(r) -> str:
    d = r.star_detail
    who = f"{r.org_name} {d.member_name}" if d.member_name else r.org_name
    mark = f"({d.rectify_label})" if r.rectify else f"({d.privileged_label})" if r.privileged else ""
    return f"{who}:得星{len(r.stars)}颗 → {r.level_name}{mark};已得:{'、'.join(r.stars) or '无'}"


def run_rules(args: argparse.Namespace) -> int:
    from xlsx_addin import load_scheme, parameters

    for p in parameters(load_scheme(args.scheme)):
        print(f"{p.key}\t{p.label}\t{p.value}\t{p.note}")
    return 0
