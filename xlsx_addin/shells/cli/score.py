"""`xlsx-addin score FILE.json` (one unit, or a set with quotas) and `xlsx-addin rules` (a scheme's numbers)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from xlsx_addin.engine.scheme.loader import DEFAULT_SCHEME
from xlsx_addin.model.choices import DEFAULT_QUOTA_MODE, QuotaMode
from xlsx_addin.model.errors import RatingError

MAX_INPUT_BYTES = 256 * 2**20  # 20,000 units' inputs are about 20 MB


def add_parsers(sub) -> None:
    s = sub.add_parser("score", help="为一个单位评分:输入为 JSON 文件(名称约定的键)")
    s.add_argument("inputs", type=Path, help="JSON 文件:一个单位的输入,或多个单位的列表")
    s.add_argument("--scheme", default=DEFAULT_SCHEME, help="评定方案名称或方案文件路径")
    s.add_argument("--quota-mode", choices=QuotaMode.values(), default=DEFAULT_QUOTA_MODE.value)
    r = sub.add_parser("rules", help="列出方案的可调参数(规则表的内容)")
    r.add_argument("--scheme", default=DEFAULT_SCHEME)


def run_score(args: argparse.Namespace) -> int:
    from xlsx_addin import load_scheme, rate_set, score_unit

    scheme = load_scheme(args.scheme)
    try:
        if args.inputs.stat().st_size > MAX_INPUT_BYTES:
            raise RatingError(f"输入文件 {args.inputs} 过大({args.inputs.stat().st_size / 2**20:.0f} MB),"
                              f"不像单位的输入(上限 {MAX_INPUT_BYTES // 2**20} MB)")
        data = json.loads(args.inputs.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RatingError(f"无法读取输入文件 {args.inputs}:{exc}") from None
    except RecursionError:  # [[[[…]]]] nested beyond the parser's stack
        raise RatingError(f"无法读取输入文件 {args.inputs}:JSON 嵌套层数过多,不是一个单位(或多个单位)的输入") from None
    if not isinstance(data, (dict, list)) or (isinstance(data, list) and not all(isinstance(u, dict) for u in data)):
        raise RatingError(f"输入文件 {args.inputs} 的内容应为一个单位的输入(JSON 对象 {{…}}),或多个单位的列表 [{{…}}, …]")
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
