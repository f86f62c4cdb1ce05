"""One row of 问题清单 (a file or cell that could not be used, or a finding) and its severity.

Model layer: the reader, the jobs and the writers all speak in these.
"""
from __future__ import annotations

from dataclasses import dataclass

from xlsx_addin.model.choices import TextEnum

MAX_VALUE = 200  # characters of a typed value shown in a row


class Severity(TextEnum):
    """错误: the unit is not rated or the value refused; 提示: rated, worth a look."""

    ERROR = "错误"
    HINT = "提示"


ERROR, HINT = Severity.ERROR, Severity.HINT


@dataclass
class Problem:
    file: str  # path relative to the input folder
    sheet: str = ""
    cell: str = ""  # A1 reference or defined name
    value: str = ""
    reason: str = ""  # Chinese
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:  # every text valid Unicode, a typed value never longer than a cell shows
        self.file, self.sheet, self.cell, self.reason = map(_valid, (self.file, self.sheet, self.cell, self.reason))
        value = _valid(self.value)
        self.value = value if len(value) <= MAX_VALUE else f"{value[:MAX_VALUE]}…(共{len(value):,}个字符)"
        self.severity = Severity(self.severity)  # a caller may pass the text 错误 / 提示

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def count_errors(problems: "list[Problem]") -> int:
    return sum(1 for p in problems if p.is_error)


def _valid(text: object) -> str:
    text = text if isinstance(text, str) else str(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
