"""The settings of one consolidation: one validated model, filled by the CLI, the 设置 sheet or the window.

Where a setting can come from more than one place, `settings_for` decides, and only there:

1. **Scheme.** The scheme the clerk names (``--scheme``, the window's list, 设置's 评定方案) is the base;
   the default is five_star. In the window, a 规则 table that names a built-in scheme selects that scheme.
2. **Rules.** A 规则 table (``--rules FILE``, the window's table, the summary's own 规则 sheet) overrides the
   scheme's numbers; a blank 值 keeps the scheme's value (`scheme.apply_overrides`). The summary's own 规则
   sheet applies only while its ``scheme`` row names the scheme in force: after the clerk switches schemes
   it is rewritten, not applied. A table given by the clerk that names another scheme is refused.
3. **Backups.** ``--keep-backups`` or 设置's 保留备份份数, else 10; never negative.
4. **Files never read as units**: the output and its dated backups (wherever they lie).
5. **Quota mode and sets**: enforce and parent_org unless given.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from xlsx_addin.model.choices import QuotaMode, SetBy
from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.files import backups
from xlsx_addin.engine.scheme import BUILTIN, DEFAULT_SCHEME, load_scheme
from xlsx_addin.engine.scheme.overrides import SCHEME_KEY

DEFAULT_KEEP = backups.DEFAULT_KEEP


class Settings(BaseModel):
    """What one consolidation reads and how it rates (strict: a wrong type is a programming error)."""

    model_config = ConfigDict(strict=True, extra="forbid", validate_assignment=True)

    input_dir: Path
    scheme_source: str  # built-in name or path of a scheme file
    quota_mode: QuotaMode = QuotaMode.ENFORCE
    set_by: SetBy = SetBy.PARENT_ORG
    previous: Path | None = None  # last year's summary (晋星/减星)
    overrides: dict[str, Any] | None = None  # a 规则 table (key → value) applied over scheme_source
    exclude: tuple[Path, ...] = ()  # files never read as units (the summary being written, its backups)
    ledgers: Path | None = None  # a 台账汇总 (issue 15): 承诺完成率 / 整改销号率 shown in 一览表, no score changed
    keep_backups: int = Field(default=DEFAULT_KEEP, ge=0)  # dated backups of the previous summary kept (files/backups.py)

    @field_validator("quota_mode", mode="before")
    @classmethod
    def _mode(cls, value: Any) -> Any:
        return _choice(QuotaMode, value, "配额模式", "enforce(强制调整)或 flag(仅标记)")

    @field_validator("set_by", mode="before")
    @classmethod
    def _set_by(cls, value: Any) -> Any:
        return _choice(SetBy, value, "评定组", "parent_org(按上级党组织)或 all(全部单位一起)")


def _choice(enum: Any, value: Any, what: str, allowed: str) -> Any:
    if isinstance(value, str) and not isinstance(value, enum):
        try:
            return enum(value)
        except ValueError:
            raise ValueError(f"{what}“{value}”无效,应为 {allowed}") from None
    return value


def settings_for(input_dir: Path | str, scheme: str | None = None, *, rules: Mapping[str, Any] | None = None,
                 rules_from_summary: bool = False, rules_pick_scheme: bool = False,
                 quota_mode: str = "enforce", set_by: str = "parent_org", previous: Path | str | None = None,
                 ledgers: Path | str | None = None, keep_backups: int | None = None,
                 out: Path | str | None = None) -> Settings:
    """Settings with the precedence of the module notes; RatingError with a Chinese message when unusable.

    rules_from_summary: the table is the summary's own 规则 sheet (rule 2: skipped for another scheme);
    rules_pick_scheme: the window's table may select the scheme (rule 1)."""
    input_dir = Path(input_dir)
    source = str(scheme) if scheme else DEFAULT_SCHEME
    table = dict(rules) if rules else None
    if table:
        named = str(table.get(SCHEME_KEY) or "").strip()
        if rules_pick_scheme and named in BUILTIN:
            source = named
        if rules_from_summary and named and named != _scheme_id(source):
            table = None
    exclude = (Path(out), *backups.existing(Path(out))) if out is not None else ()
    try:
        # quota_mode and set_by are words here: the model's validators turn them into the enums
        return Settings.model_validate(dict(
            input_dir=input_dir, scheme_source=source, quota_mode=quota_mode, set_by=set_by,
            previous=Path(previous) if previous is not None else None, overrides=table,
            exclude=exclude, ledgers=Path(ledgers) if ledgers is not None else None,
            keep_backups=DEFAULT_KEEP if keep_backups is None else keep_backups))
    except ValidationError as exc:
        raise RatingError(_message(exc)) from None


def _scheme_id(source: str) -> str:
    """The id of a scheme source without loading it when it is a built-in name."""
    if source in BUILTIN:
        return source
    return load_scheme(source).id


def _message(exc: ValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return str(exc)
    first = errors[0]
    if first["loc"] == ("keep_backups",):
        return "备份份数(--keep-backups)不能为负数"
    return first["msg"].removeprefix("Value error, ")
