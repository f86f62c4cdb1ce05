"""The few closed choices of a run, as enums whose values are the words the CLI and files use.

Model layer. Each member is also its text (`QuotaMode.FLAG == "flag"`), so an argparse choice compares and
prints as itself. Each member carries, stated here only, the Chinese the clerk sees: its `label` (the 设置
sheet, the window, the reports), an `explanation` (the 设置 sheet's 说明) and the other words a clerk may type
in the 设置 sheet for it (`aliases`).
"""
from __future__ import annotations

import enum
from typing import TypeVar

C = TypeVar("C", bound="Choice")


class TextEnum(str, enum.Enum):
    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Choice(TextEnum):
    """A closed choice with its Chinese label, explanation and accepted aliases."""

    label: str
    explanation: str
    aliases: tuple[str, ...]

    def __new__(cls, value: str, label: str = "", explanation: str = "", *aliases: str) -> "Choice":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.explanation = explanation
        member.aliases = aliases
        return member

    @classmethod
    def from_text(cls: type[C], text: str) -> C | None:
        """The member a word names: its value, its label or one of its aliases; None for any other word."""
        for member in cls:
            if text == member.value or text == member.label or text in member.aliases:
                return member
        return None

    @classmethod
    def values(cls) -> list[str]:
        """The words of the CLI and the files (argparse choices)."""
        return [m.value for m in cls]

    @classmethod
    def labels(cls) -> list[str]:
        return [m.label for m in cls]

    @classmethod
    def allowed(cls) -> str:
        """The words a refusal offers: 'enforce(强制调整)或 flag(仅标记)'."""
        return "或 ".join(f"{m.value}({m.label})" for m in cls)

    @classmethod
    def explained(cls) -> str:
        """Every label with its explanation: '强制调整:…;仅标记:…'."""
        return ";".join(f"{m.label}:{m.explanation}" for m in cls)


class QuotaMode(Choice):
    """enforce: units above a quota move down; flag: they are only marked."""

    ENFORCE = ("enforce", "强制调整", "超出配额的单位按排名调整")
    FLAG = ("flag", "仅标记", "不调整,只在一览表中列出应调整的单位")


class SetBy(Choice):
    """The rating sets quotas apply to: each upper-level organisation's units, or all units together."""

    PARENT_ORG = ("parent_org", "按上级党组织", "同一上级党组织的单位一起排名并执行配额")
    ALL = ("all", "全县统一", "全部单位一起排名", "全部", "全部单位", "全镇统一", "全市统一", "统一")


# what a run uses when no one chose (consolidate/settings.py; the CLI's help names them)
DEFAULT_QUOTA_MODE = QuotaMode.ENFORCE
DEFAULT_SET_BY = SetBy.PARENT_ORG
