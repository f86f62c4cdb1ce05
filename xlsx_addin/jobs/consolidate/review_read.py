"""The upper level's typed 上级评分 of the previous summary's 评分定级表, applied to this run's units
(docs/RULES.md "The upper level's step"): 评分定级表 > the subordinate summary's (原始数据) > the unit's file.

`reviews_in` reads the sheet's rows (of the output being replaced, read once by the job; the button: the open book's) keyed by the unit key;
`apply_reviews` re-scores each unit with a typed score through score_unit's `upper_scores` (the engine computes,
here only chosen and named). A refused value is a 问题清单 row naming the sheet, cell and value, and that unit keeps
the scores it had (its own, or those its subordinate summary carried up)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsx_addin.contracts.review_sheet import REVIEW, upper_item
from xlsx_addin.contracts.summary import CODE, NAME
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scoring import score_unit
from xlsx_addin.engine.upper import NAME as UPPER_NAME
from xlsx_addin.io.rawdata import THIS_LEVEL
from xlsx_addin.model.errors import InputError
from xlsx_addin.model.identity import find_unit, text_key, unit_key
from xlsx_addin.model.problems import ERROR, Problem
from xlsx_addin.model.values import is_blank, shown
from xlsx_addin.jobs.consolidate.candidates import Candidate


@dataclass(frozen=True)
class Review:
    """One unit's typed scores per item (None: blank) and the cell of each."""

    values: list[Any]
    cells: list[str]

    @property
    def typed(self) -> bool:
        return any(not is_blank(v) for v in self.values)


@dataclass
class Reviews:
    file: str = ""  # the summary they were typed in (问题清单's 文件)
    by_key: dict[str, Review] = field(default_factory=dict)  # unit key (and org_name) → its typed scores

    def find(self, code: Any, name: Any) -> Review | None:
        return find_unit(self.by_key, code, name)


def reviews_from_rows(rows: Sequence[Sequence[Any]] | None, n_items: int, file: str = "") -> Reviews:
    """The typed 上级评分 of a 评分定级表's rows (header in the first row; columns found by their headers)."""
    out = Reviews(file)
    if not rows:
        return out
    header = list(rows[0])
    at = {text_key(h): j for j, h in reversed(list(enumerate(header))) if text_key(h)}
    name_at, code_at = at.get(NAME), at.get(CODE)
    cols: dict[int, int] = {}
    for j, h in enumerate(header):
        i = upper_item(h)
        if i is not None and 0 <= i < n_items and i not in cols:
            cols[i] = j
    if name_at is None or not cols:
        return out
    names: dict[str, Review] = {}
    for r, row in enumerate(rows[1:], 1):
        def get(j: int | None) -> Any:
            return row[j] if j is not None and j < len(row) else None
        name = text_key(get(name_at))
        if not name or not isinstance(get(name_at), str):
            continue  # blank rows, block titles
        review = Review([get(cols.get(i)) for i in range(n_items)],
                        [xl_rowcol_to_cell(r, cols[i]) if i in cols else "" for i in range(n_items)])
        key = unit_key(get(code_at), name)
        if review.typed and key not in out.by_key:
            out.by_key[key] = review
            names.setdefault(name, review)
    for name, review in names.items():
        out.by_key.setdefault(name, review)
    return out


def reviews_in(rows: list[list[Any]] | None, scheme: Scheme, file: str) -> Reviews:
    """The typed 上级评分 of a summary's 评分定级表 rows (nothing when it has none, or for 双十星; an unreadable
    summary gives no rows: the carry-over names it when writing)."""
    if scheme.stars is not None or not rows:
        return Reviews(file)
    return reviews_from_rows(rows, len(scheme.items), file)


def apply_reviews(kept: list[Candidate], reviews: Reviews | None, scheme: Scheme, problems: list[Problem]) -> None:
    """Each unit with typed 上级评分 re-scored with them over what it had (its subordinate summary's scores)."""
    if reviews is None or not reviews.by_key or scheme.stars is not None:
        return
    for cand in kept:
        r = cand.result
        if r is None:
            continue
        review = reviews.find(r.org_code, r.org_name)
        if review is None or not review.typed:
            continue
        below = cand.upper or [None] * len(scheme.items)
        merged = [v if not is_blank(v) else (below[i] if i < len(below) else None) for i, v in enumerate(review.values)]
        try:
            cand.result = score_unit(scheme, cand.inputs, upper_scores=merged)
        except InputError as exc:
            if exc.name != UPPER_NAME:
                raise
            i = exc.index or 0
            problems.append(Problem(reviews.file, REVIEW, review.cells[i] if i < len(review.cells) else "",
                                    shown(exc.value), f"{r.org_name}:{exc},未采用;该单位本次按其原有得分评定,"
                                    "请改正后重新汇总", ERROR))
            continue
        who = cand.upper_by or [""] * len(scheme.items)
        cand.upper = merged
        cand.upper_by = [THIS_LEVEL if not is_blank(v) else (who[i] if i < len(who) else "")
                         for i, v in enumerate(review.values)]
