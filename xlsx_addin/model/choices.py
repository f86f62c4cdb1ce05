"""The few closed choices of a run, as enums whose values are the words the CLI and files use.

Model layer. Each member is also its text (`QuotaMode.FLAG == "flag"`), so a 设置 value or an argparse
choice compares and prints as itself.
"""
from __future__ import annotations

import enum


class TextEnum(str, enum.Enum):
    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class QuotaMode(TextEnum):
    """enforce: units above a quota move down; flag: they are only marked."""

    ENFORCE = "enforce"
    FLAG = "flag"


class SetBy(TextEnum):
    """The rating sets quotas apply to: each upper-level organisation's units, or all units together."""

    PARENT_ORG = "parent_org"
    ALL = "all"
