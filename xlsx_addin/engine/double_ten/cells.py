"""The 双十星 formula functions' logic on raw cell values (the 评星表's Python flavour), Excel-free.

Three result blocks, each one array call in the workbook (udfs/star_rating.py wraps them):
- XJ_STAR_RESULT(info, star_names, star_votes_for, star_votes_valid, star_records, rules): one column,
  ORG_RESULT_KEYS (得星数, 星级, 已得星目, 整顿, 优先, 说明, 提示) of the organisation;
- XJ_STAR_TABLE(same arguments): ten rows (one per star) × STAR_TABLE_KEYS (采用的星目, 得票率, 是否得星, 说明);
- XJ_MEMBER_STARS(members, member_star_names, info, rules): one row per member row × MEMBER_RESULT_KEYS
  (得星数, 星级, 处置/优先, 已得星目, 未得星说明); `members` are the member_table's input columns
  (MEMBER_INPUT_COLUMNS: 姓名, 类别, ten votes for, valid votes, ten records), a blank row gives blanks.
`info` is the (name, value) table of the organisation's cells (org_name, org_type, member_count, …);
`rules` is the scheme's 规则 table (its `scheme` row names double_ten_star or double_ten_star_member).

Nothing here decides a star: the inputs are handed to score_unit (stars.py), whose result or refusal
(`错误:…`, `待填写`) is what the cells show — the same texts the consolidation reports.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable, Mapping, Sequence

from xlsx_addin.contracts.double_ten_book import M_NAME, M_RECORDS, M_TYPE, M_VALID, M_VOTES, MEMBER_INPUT_COLUMNS, N
from xlsx_addin.engine import cell_args, cells
from xlsx_addin.model.errors import InputError, SchemeError
from xlsx_addin.engine.inputs import is_blank
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scoring import UnitResult, score_unit
from xlsx_addin.engine.double_ten.scoring import star_reason, share_text

ORG_RESULT_KEYS = ("star_count", "level", "stars", "rectify", "privileged", "reasons", "notes")
STAR_TABLE_KEYS = ("name", "share", "earned", "reason")
MEMBER_RESULT_KEYS = ("star_count", "level", "mark", "stars", "reasons")
INFO_LABEL = "党组织信息区域"


def _star_scheme(rules: Any, subject: str) -> Scheme:
    scheme = cells.scheme_for(rules)
    if scheme.stars is None or scheme.star_rules().subject != subject:
        what = "评定党组织" if subject == "organisation" else "评定党员"
        raise SchemeError(f"{cells.RULES_ORIGIN}的评定方案“{scheme.id}”不是{what}的双十星方案")
    return scheme


def score_or_text(scheme: Scheme, inputs: Mapping[str, Any]) -> UnitResult | str:
    """score_unit's result, or the cell text of its refusal (待填写 / 错误:…)."""
    try:
        return score_unit(scheme, inputs)
    except Exception as exc:  # a cell never shows a traceback
        return cell_args.cell_message(exc)


def _flat(value: Any) -> list:
    return [c for row in cell_args.as_rows(value) for c in row]


def org_inputs(info: Any, star_names: Any, star_votes_for: Any, star_votes_valid: Any, star_records: Any
               ) -> dict[str, Any]:
    """score_unit inputs of the organisation from the cells (info rows by the names contract)."""
    inputs: dict[str, Any] = dict(cell_args.as_name_table(info, INFO_LABEL))
    for name, value in (("star_names", star_names), ("star_votes_for", star_votes_for),
                        ("star_votes_valid", star_votes_valid), ("star_records", star_records)):
        if name in inputs:
            raise InputError(f"{INFO_LABEL}中的名称 {name} 与星目区域重复", name=name)
        inputs[name] = _flat(value)
    return inputs


def member_inputs(values: Mapping[str, Any], member: Mapping[str, Any], member_star_names: Sequence[Any],
                  scheme: Scheme) -> dict[str, Any]:
    """A member row of the 评星表 as score_unit inputs of the member scheme (the consolidation uses this too):
    the branch's cells, the member's own, and the branch's individual stars at the positions not set by type."""
    n = len(scheme.items)
    positions = {p - 1 for p in scheme.by_type().positions}
    own = iter(list(member_star_names) + [None] * n)
    names = [None if k in positions else next(own) for k in range(n)]
    return {"member_name": member.get("member_name"), "member_type": member.get("member_type"),
            "org_name": values.get("org_name"), "org_code": values.get("org_code"),
            "parent_org": values.get("parent_org"), "member_count": values.get("member_count"),
            "masses_present": values.get("masses_present"), "star_names": names,
            "star_votes_for": member.get("star_votes_for"), "star_votes_valid": member.get("star_votes_valid"),
            "star_records": member.get("star_records")}


def member_row(row: Sequence[Any]) -> dict[str, Any] | None:
    """One member_table row (its input columns) as the member's inputs; None for a blank row."""
    cells_ = (list(row) + [None] * MEMBER_INPUT_COLUMNS)[:MEMBER_INPUT_COLUMNS]
    if all(is_blank(c) for c in cells_):
        return None
    return {"member_name": cells_[M_NAME], "member_type": cells_[M_TYPE],
            "star_votes_for": cells_[M_VOTES:M_VOTES + N], "star_votes_valid": cells_[M_VALID],
            "star_records": cells_[M_RECORDS:M_RECORDS + N]}


def _yes(flag: bool) -> str:
    return cells.YES if flag else cells.NO


def mark(scheme: Scheme, result: UnitResult) -> str:
    """处置 / 整顿 for a level at or below rectify_max_rank, 优先 at or above privileged_min_rank, else ''."""
    if result.rectify:
        return scheme.star_rules().rectify_label
    return scheme.star_rules().privileged_label if result.privileged else ""


def org_values(result: UnitResult | str) -> list[Any]:
    """ORG_RESULT_KEYS of a result; a refusal shows in 得星数 and 星级, the other cells stay blank."""
    if isinstance(result, str):
        return [result, result, "", "", "", "", ""]
    return [len(result.stars), result.level_name, cells.LIST_SEP.join(result.stars), _yes(result.rectify),
            _yes(result.privileged), cells.REASON_SEP.join(result.reasons), cells.REASON_SEP.join(result.notes)]


def member_values(scheme: Scheme, result: UnitResult | str | None) -> list[Any]:
    """MEMBER_RESULT_KEYS of a member's result (None: a blank row)."""
    if result is None:
        return [""] * len(MEMBER_RESULT_KEYS)
    if isinstance(result, str):
        return [result, result, "", "", ""]
    return [len(result.stars), result.level_name, mark(scheme, result), cells.LIST_SEP.join(result.stars),
            cells.REASON_SEP.join(result.reasons)]


def _number(v: Any) -> Fraction | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v:
        return None
    return Fraction(str(v))


def _share(votes: Any, valid: Any) -> str:
    """得票率 as the sheet prints it (to 0.1 %, halves up) whenever both counts are usable numbers."""
    part, whole = _number(votes), _number(valid)
    if part is None or whole is None or whole <= 0 or part < 0:
        return ""
    return share_text(part, whole)


def star_rows(scheme: Scheme, inputs: Mapping[str, Any], result: UnitResult | str) -> list[list[Any]]:
    """STAR_TABLE_KEYS per star: the star adopted, its share of the vote, earned 是/否 and why not."""
    votes = (list(inputs.get("star_votes_for") or []) + [None] * N)[:N]
    valid = list(inputs.get("star_votes_valid") or [])
    valid = valid * N if len(valid) == 1 else (valid + [None] * N)[:N]
    if isinstance(result, str):
        names = [str(n).strip() if not is_blank(n) else "" for n in
                 (list(inputs.get("star_names") or []) + [None] * N)[:N]]
        return [[names[k], _share(votes[k], valid[k]), "", ""] for k in range(N)]
    detail = result.star_detail
    rows = []
    for k, (name, o) in enumerate(zip(detail.names, detail.outcomes)):
        reason = "" if o.earned else star_reason(scheme, k, o)
        rows.append([name, _share(votes[k], valid[k]), _yes(o.earned), reason])
    return rows


def _org_block(fn: Callable[[Scheme, dict, UnitResult | str], list], rows: int, cols: int) -> Callable:
    def block(info, star_names, star_votes_for, star_votes_valid, star_records, rules=None):
        try:
            scheme = _star_scheme(rules, "organisation")
            inputs = org_inputs(info, star_names, star_votes_for, star_votes_valid, star_records)
        except Exception as exc:
            text = cell_args.cell_message(exc)
            return [[text] + [""] * (cols - 1)] + [[""] * cols for _ in range(rows - 1)]
        return fn(scheme, inputs, score_or_text(scheme, inputs))

    return block


xj_star_result = _org_block(lambda s, i, r: [[v] for v in org_values(r)], len(ORG_RESULT_KEYS), 1)
xj_star_result.__doc__ = "XJ_STAR_RESULT: the organisation's results, one column (ORG_RESULT_KEYS)."
xj_star_table = _org_block(star_rows, N, len(STAR_TABLE_KEYS))
xj_star_table.__doc__ = "XJ_STAR_TABLE: one row per star (STAR_TABLE_KEYS)."


def xj_member_stars(members, member_star_names, info, rules=None) -> list[list]:
    """XJ_MEMBER_STARS: one row per row of `members` (MEMBER_RESULT_KEYS); each row answers on its own."""
    rows = cell_args.as_rows(members) or [[None]]
    try:
        scheme = _star_scheme(rules, "member")
        branch = cell_args.as_name_table(info, INFO_LABEL)
        own = _flat(member_star_names)
    except Exception as exc:
        text = cell_args.cell_message(exc)
        return [[text, text, "", "", ""] if member_row(r) is not None else [""] * len(MEMBER_RESULT_KEYS)
                for r in rows]
    out = []
    for row in rows:
        member = member_row(row)
        result = None if member is None else score_or_text(scheme, member_inputs(branch, member, own, scheme))
        out.append(member_values(scheme, result))
    return out


STAR_UDF_FUNCTIONS: dict[str, Callable] = {
    "XJ_STAR_RESULT": xj_star_result, "XJ_STAR_TABLE": xj_star_table, "XJ_MEMBER_STARS": xj_member_stars,
}
