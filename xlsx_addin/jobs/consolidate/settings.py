"""The settings of one consolidation: one validated model, and `resolve_settings`, the one place that decides
what wins when a setting comes from more than one place and what applies when none gives it.

Each shell gives only what it was given (`Given`, unset = None): the CLI its arguments, the window the
clerk's choices, the button the 设置 sheet (settings_sheet.py). The precedence, each rule in one function:

1. **Scheme** (`_scheme`): the clerk's, else 设置's 评定方案, else DEFAULT_SCHEME. In the window
   (`table_picks_scheme`), a 规则 table of the clerk's that names a built-in scheme selects that scheme.
2. **Rules** (`_rules`): a 规则 table of the clerk's overrides the scheme's numbers (a blank 值 keeps the
   scheme's value: `scheme.apply_overrides`); one naming another scheme is kept, for the engine to refuse.
   Without it, the summary's own 规则 sheet applies only while its ``scheme`` row names the scheme in
   force: after the clerk switches schemes it is rewritten, not applied.
3. **Everything else** (`_first`): the clerk's, else 设置's, else the model's default (quota mode enforce,
   sets by parent_org, DEFAULT_KEEP backups, no previous summary, no ledgers, no register, no roster file). Backups
   are never negative. Last year's level: the register's level in force for the units it has, else the previous
   summary's, else the unit file's own 上年度星级 (jobs/consolidate/register_levels.py).
   The 公示's dates: each the clerk's, else 设置's; a start alone lasts one week (publicity.period).
4. **Files never read as units**: the output and its dated backups (wherever they lie).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from xlsx_addin.model.choices import DEFAULT_QUOTA_MODE, DEFAULT_SET_BY, Choice, QuotaMode, SetBy
from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.files import backups
from xlsx_addin.engine.scheme import BUILTIN, DEFAULT_SCHEME, load_scheme
from xlsx_addin.engine.scheme.keys import SCHEME_KEY
from xlsx_addin.jobs.consolidate.publicity import period

DEFAULT_KEEP = backups.DEFAULT_KEEP
T = TypeVar("T")


class Settings(BaseModel):
    """What one consolidation reads and how it rates (strict: a wrong type is a programming error)."""

    model_config = ConfigDict(strict=True, extra="forbid", validate_assignment=True)

    input_dir: Path
    scheme_source: str  # built-in name or path of a scheme file
    quota_mode: QuotaMode = DEFAULT_QUOTA_MODE
    set_by: SetBy = DEFAULT_SET_BY
    previous: Path | None = None  # last year's summary (晋星/减星)
    overrides: dict[str, Any] | None = None  # a 规则 table (key → value) applied over scheme_source
    exclude: tuple[Path, ...] = ()  # files never read as units (the summary being written, its backups)
    ledgers: Path | None = None  # a 台账汇总 (issue 15): 承诺完成率 / 整改销号率 shown in 一览表, no score changed
    keep_backups: int = Field(default=DEFAULT_KEEP, ge=0)  # dated backups of the previous summary kept (files/backups.py)
    star_register: Path | None = None  # a 星级管理台账: last year's level in force (after 复验) wins over `previous`'s
    expect: Path | None = None  # the roster (应报名单, io/roster.py); None: the previous summary's units (roster.py)
    summary: Path | None = None  # the summary being written: its folder anchors the 设置 sheet's relative paths
    publicity_start: dt.date | None = None  # the 公示's first and last day (公示名单 states them; publicity.py)
    publicity_end: dt.date | None = None

    @field_validator("quota_mode", mode="before")
    @classmethod
    def _mode(cls, value: Any) -> Any:
        return _choice(QuotaMode, value, "配额模式")

    @field_validator("set_by", mode="before")
    @classmethod
    def _set_by(cls, value: Any) -> Any:
        return _choice(SetBy, value, "评定组")


def _choice(enum: type[Choice], value: Any, what: str) -> Any:
    if isinstance(value, str) and not isinstance(value, enum):
        try:
            return enum(value)
        except ValueError:
            raise ValueError(f"{what}“{value}”无效,应为 {enum.allowed()}") from None
    return value


@dataclass(frozen=True)
class Given:
    """What one source gave for a consolidation; None = not given (a later source or the default applies)."""

    input_dir: Path | None = None
    scheme: str | None = None  # built-in name or path of a scheme file
    rules: Mapping[str, Any] | None = None  # a 规则 table (key → value)
    quota_mode: QuotaMode | str | None = None  # a word the model checks (Settings._mode)
    set_by: SetBy | str | None = None
    previous: Path | None = None
    ledgers: Path | None = None
    keep_backups: int | None = None
    star_register: Path | None = None
    expect: Path | None = None
    publicity_start: dt.date | None = None
    publicity_end: dt.date | None = None


NOTHING = Given()


def resolve_settings(given_by_clerk: Given, from_settings_sheet: Given = NOTHING, *,
                     summary_rules: Mapping[str, Any] | None = None, table_picks_scheme: bool = False,
                     out: Path | None = None) -> Settings:
    """The Settings by the precedence of the module notes; RatingError with a Chinese message when unusable.

    summary_rules: the summary's own 规则 sheet (rule 2); table_picks_scheme: the window's rule 1;
    out: the summary to be written (rule 4)."""
    clerk, sheet = given_by_clerk, from_settings_sheet
    input_dir = _first(clerk.input_dir, sheet.input_dir)
    if input_dir is None:
        raise RatingError("请给出单位填报表所在的文件夹")
    source = _scheme(clerk, sheet, table_picks_scheme)
    fields: dict[str, Any] = dict(
        input_dir=Path(input_dir), scheme_source=source, overrides=_rules(clerk.rules, summary_rules, source),
        exclude=_never_units(out, _first(clerk.star_register, sheet.star_register)),
        summary=Path(out) if out is not None else None,
        previous=_first(clerk.previous, sheet.previous), ledgers=_first(clerk.ledgers, sheet.ledgers),
        quota_mode=_first(clerk.quota_mode, sheet.quota_mode), set_by=_first(clerk.set_by, sheet.set_by),
        keep_backups=_first(clerk.keep_backups, sheet.keep_backups), star_register=_first(clerk.star_register, sheet.star_register),
        expect=_first(clerk.expect, sheet.expect))
    fields["publicity_start"], fields["publicity_end"] = period(_first(clerk.publicity_start, sheet.publicity_start),
                                                                _first(clerk.publicity_end, sheet.publicity_end))
    try:  # what no source gave is left out: the model's defaults apply
        return Settings.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        raise RatingError(_message(exc)) from None


def _never_units(*paths: Path | None) -> tuple[Path, ...]:
    """Rule 4: the output (and the register, when given) with their dated backups."""
    return tuple(p for path in paths if path is not None for p in (Path(path), *backups.existing(Path(path))))


def _first(*values: T | None) -> T | None:
    """The first value given, in the order of precedence."""
    return next((v for v in values if v is not None), None)


def _scheme(clerk: Given, sheet: Given, table_picks_scheme: bool) -> str:
    """Rule 1: the clerk's scheme, else 设置's, else the default; the window's table may name a built-in one."""
    named = _table_scheme(clerk.rules)
    if table_picks_scheme and named in BUILTIN:
        return named
    return str(_first(clerk.scheme or None, sheet.scheme or None) or DEFAULT_SCHEME)


def _rules(clerks: Mapping[str, Any] | None, summarys: Mapping[str, Any] | None, source: str) -> dict[str, Any] | None:
    """Rule 2: the clerk's table; else the summary's own 规则 sheet while it is for the scheme in force."""
    if clerks:
        return dict(clerks)
    if not summarys:
        return None
    named = _table_scheme(summarys)
    return None if named and named != _scheme_id(source) else dict(summarys)


def _table_scheme(table: Mapping[str, Any] | None) -> str:
    return str((table or {}).get(SCHEME_KEY) or "").strip()


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
