"""The compiled program of the universal unit workbook: the 计算 sheet's steps and the formula pieces
every compiler step shares (error texts, IF chains)."""
from __future__ import annotations

from dataclasses import dataclass, field

from xlsx_addin.model.textfmt import num
from xlsx_addin.io.books.unit.formulas import (
    NONE,
)


PENDING = "待填写"
ERROR = "错误:"
REASON_SEP = "；"
RULES_ORIGIN = "规则表"
MAX_MAGNITUDE = "10000000"  # inputs.MAX_MAGNITUDE (the formulas package reads no 1E7)
SURVEY_COUNTS = ("member_count", "members_present", "masses_present")


@dataclass
class Refs:
    """Where the compiled formulas find things: defined names or absolute cell references."""

    inputs: dict[str, str]  # names-contract input (and ballot) → its cell
    scores: dict[str, list[str]]  # item_scores / item_scores_reviewed → one cell per slot
    params: dict[str, str]  # 规则 key → its 值 cell


@dataclass
class Program:
    """The 计算 sheet: rows of (label, formula); each row's value is referenced as a cell."""

    sheet: str
    first_row: int = 1  # 0-based row of the first step (row 0 is the header)
    rows: list[tuple[str, str]] = field(default_factory=list)

    def add(self, label: str, formula: str) -> str:
        self.rows.append((label, formula))
        return f"'{self.sheet}'!$B${self.first_row + len(self.rows)}"

    def chain(self, label: str, errors: list[str]) -> str:
        """The first non-empty error of a list, as a running chain of cells (no deep nesting)."""
        ref = NONE
        for i in range(0, len(errors), 8):
            parts = ([ref] if ref != NONE else []) + errors[i:i + 8]
            ref = self.add(label, first_nonblank(parts))
        return ref


def ifs(steps: list[tuple[str, str]], otherwise: str = '""') -> str:
    """IF(c1,v1,IF(c2,v2,…,otherwise)): the first condition that holds gives the value."""
    out = otherwise
    for cond, value in reversed(steps):
        out = f"IF({cond},{value},{out})"
    return out


def first_nonblank(items: list[str]) -> str:
    out = items[-1]
    for expr in reversed(items[:-1]):
        out = f'IF({expr}<>"",{expr},{out})'
    return out


@dataclass
class Compiled:
    program: Program
    results: dict[str, str]  # result key → formula (without '=')


def error_message(err: str) -> str:
    """cell_args.cell_message: 待填写 as it is, every other refusal prefixed 错误:."""
    return f'IF({err}="{PENDING}","{PENDING}","{ERROR}"&{err})'


def gate(err: str, value: str) -> str:
    return f'IF({err}<>"",{error_message(err)},{value})'



def number_text(x) -> str:
    return num(x)
