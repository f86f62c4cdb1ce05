"""One exception tree; every message is Chinese and names what was refused and why."""
from __future__ import annotations


class RatingError(ValueError):
    """Base of every error the engine raises on bad rules or bad inputs."""


class SchemeError(RatingError):
    """A scheme file or a 规则 table cannot be used (names the file, rule and field)."""


class InputError(RatingError):
    """A unit input is refused: names the input (name and label), the value and why.

    `index`: for an input of several cells (item_scores …), the position of the refused cell in it."""

    def __init__(self, message: str, *, name: str | None = None, value: object = None, index: int | None = None):
        super().__init__(message)
        self.name = name
        self.value = value
        self.index = index


class MissingInputError(InputError):
    """A required input is blank: a half-filled form, not a wrong one."""
