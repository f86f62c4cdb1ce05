"""One 提示 row for the units whose own 规则 table differs from the summary's rules in the same way.

A county that changed one rule after sending out the templates would otherwise read one identical row per
unit (300 rows), plus a row per stored result the different rules changed. The units alike are named once:
`N个单位的规则表与本次汇总的规则不同(…):<the differences>;涉及:<files>`; a difference met in one unit
keeps its own row (its cell and value).
"""
from __future__ import annotations

from xlsx_addin.jobs.consolidate.scorer import RESULT_BY_OTHER_RULES, RULES_DIFFER
from xlsx_addin.model.problems import HINT, Problem

FILES_NAMED = 5  # files named in the grouped row; the rest are counted


def group_rule_notes(problems: list[Problem]) -> list[Problem]:
    """The problems with each group of identical rule differences folded into its first row (order kept)."""
    groups: dict[str, list[Problem]] = {}
    for p in problems:
        if p.severity is HINT and p.reason.startswith(RULES_DIFFER):
            groups.setdefault(p.reason, []).append(p)
    grouped = {reason: rows for reason, rows in groups.items() if len(rows) > 1}
    if not grouped:
        return problems
    in_group = {id(p): reason for reason, rows in grouped.items() for p in rows}
    files_of = {reason: {p.file for p in rows} for reason, rows in grouped.items()}
    folded = {reason: sum(1 for p in problems if p.severity is HINT and p.file in files and
                          RESULT_BY_OTHER_RULES in p.reason and not p.reason.startswith(RULES_DIFFER))
              for reason, files in files_of.items()}
    out: list[Problem] = []
    for p in problems:
        reason = in_group.get(id(p))
        if reason is not None:
            if p is grouped[reason][0]:
                out.append(_grouped(grouped[reason], folded[reason]))
            continue
        if (p.severity is HINT and RESULT_BY_OTHER_RULES in p.reason
                and any(p.file in files for files in files_of.values())):
            continue  # a stored result the different rules changed: counted in its group's row
        out.append(p)
    return out


def _grouped(rows: list[Problem], results: int) -> Problem:
    first = rows[0]
    files = sorted({p.file for p in rows})
    named = "、".join(files[:FILES_NAMED]) + (f"等{len(files)}个文件" if len(files) > FILES_NAMED else "")
    diffs = first.reason[len(RULES_DIFFER):]
    text = (f"{len(rows)}个单位的规则表与本次汇总的规则不同(以汇总规则为准,各单位的规则未使用):{diffs};"
            f"涉及:{named}")
    if results:
        text += f";这些单位表内保存的结果因此有{results}处与汇总重新计算的不同,以汇总为准"
    values = {p.value for p in rows}
    return Problem(first.file if len(files) == 1 else f"{len(files)}个文件", first.sheet,
                   first.cell if len({p.cell for p in rows}) == 1 else "",
                   first.value if len(values) == 1 else "", text, HINT)
