"""Plain warnings for rating sets too small for their quotas (issue 22, docs/RULES.md "Quota enforcement").

**Decision — "too small":** a set of N units is too small for a share quota (a cap or a floor of share s > 0)
when N·s < 1, i.e. N < ⌈1/s⌉ (10 units for the 10 % quotas of 五星级 and 一星级及以下, 5 for a 20 % one): the
share does not amount to one unit, so a cap allows none (nobody may keep the top level) and a floor demands one
unit, far more than its share (1 of 3 = 33 %). A cap of 0 for any other reason (a share of 0, a rounding) warns
too. Only in enforce mode: in flag mode no level moves. Each warning names the set, the quotas and what to
choose instead (flag mode, or all units in one set); the CLI, the window and 统计 show the same texts.
"""
from __future__ import annotations

import math

from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.rules import CapQuota, FloorQuota
from xlsx_addin.model.choices import QuotaMode, SetBy
from xlsx_addin.jobs.consolidate.model import SetSummary


def needed(share: float) -> int:
    """The fewest units for which a share amounts to at least one unit (⌈1/share⌉; 10 for 10 %)."""
    return math.ceil(round(1 / share, 9)) if share > 0 else 0


def small_set_warnings(scheme: Scheme, sets: list[SetSummary], mode: QuotaMode, set_by: SetBy) -> list[str]:
    """One warning per set too small for its quotas (see the module notes); none in flag mode."""
    if mode is not QuotaMode.ENFORCE:
        return []
    quotas = {q.id: q for q in scheme.quotas if isinstance(q, (CapQuota, FloorQuota))}
    out = []
    for st in sets:
        n, parts, need = st.size, [], 0
        for status in st.quotas:
            q = quotas.get(status.id)
            if q is None or not n:
                continue
            levels = "、".join(status.levels)
            small = n * q.share < 1 - 1e-9
            if isinstance(q, CapQuota) and (status.limit == 0 or small):
                parts.append(f"{status.label}只有{status.limit}个名额(任何单位都不能评为{levels})")
            elif isinstance(q, FloorQuota) and small and status.limit >= 1:
                parts.append(f"{status.label}要求至少{status.limit}个(排名最后的单位即使得分高也会被调为"
                             f"{scheme.level_name(q.target_level)})")
            else:
                continue
            need = max(need, needed(q.share))
        if not parts:
            continue
        instead = "配额方式“仅标记”(命令行 --quota-mode flag,或“设置”表“配额模式”选“仅标记”)"
        if set_by is not SetBy.ALL:
            instead += f",或把全部单位合为一组评定(--set-by all,或“评定组”选“{SetBy.ALL.label}”)"
        size = f"少于按比例执行配额所需的{need}个" if need > n else "按比例算出的名额为0"
        out.append(f"评定组“{st.name}”只有{n}个单位,{size}:{';'.join(parts)}。这是规则的结果,不是程序出错;"
                   f"试算或单位很少时,请改用{instead}。")
    return out


def warning_lines(warnings: list[str], shown: int = 5) -> list[str]:
    """The report's lines: the warnings (at most `shown`, then a count)."""
    if not warnings:
        return []
    lines = ["", f"注意:{len(warnings)}个评定组单位太少,配额按比例计算已失去意义:"]
    lines += [f"  · {w}" for w in warnings[:shown]]
    if len(warnings) > shown:
        lines.append(f"  · ……共{len(warnings)}个评定组,详见汇总表“统计”表")
    return lines


__all__ = ["needed", "small_set_warnings", "warning_lines"]
