"""The formula functions' arguments and answers (cells.py): cell-value shapes as xlwings passes them, the
scheme a workbook's 规则 range gives (cached by content), and the rule that a function never raises.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Hashable, Mapping

from xlsx_addin.model.errors import InputError, MissingInputError, RatingError, SchemeError
from xlsx_addin.engine.scheme.loader import BUILTIN, load_scheme, resolve_scheme
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.keys import SCHEME_KEY
from xlsx_addin.engine.scheme.overrides import apply_overrides, rows_to_table
from xlsx_addin.model.values import is_blank

PENDING = "待填写"

ERROR = "错误:"

REASON_SEP = "；"

LIST_SEP = "、"

RULES_ORIGIN = "规则表"

INFO_LABEL = "基本信息区域"

SURVEY_LABEL = "测评汇总区域"


# --- cell-value shapes ---------------------------------------------------------------------
def plain_value(value: Any) -> Any:
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return value.tolist()
    return value


def as_rows(value: Any) -> list[list]:
    """A range as rows; a scalar is one 1×1 row, a 1-D list is one row, None is no rows."""
    value = plain_value(value)
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        if not value:
            return []
        nested = [isinstance(plain_value(r), (list, tuple)) for r in value]
        if all(nested):
            return [list(plain_value(r)) for r in value]
        if any(nested):
            raise InputError("区域的形状无法识别(各行须为同样多的单元格)")
        return [list(value)]
    return [[value]]


def as_column(value: Any, what: str) -> list:
    """One column of values; a 1-D list is a column, a scalar is one row, None is one blank row."""
    value = plain_value(value)
    if value is None:
        return [None]
    if isinstance(value, (list, tuple)) and value and not any(isinstance(plain_value(r), (list, tuple)) for r in value):
        return list(value)
    rows = as_rows(value)
    if not rows:
        return [None]
    widths = {len(r) for r in rows}
    if widths != {1}:
        raise InputError(f"{what}应为一列,现为{max(widths)}列")
    return [r[0] for r in rows]


def as_scalar(value: Any, what: str) -> Any:
    """One cell's value; a 1×1 range is unwrapped, a larger range is refused."""
    value = plain_value(value)
    while isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise InputError(f"{what}应为单个单元格")
        value = plain_value(value[0])
    return value


def as_name_table(value: Any, what: str) -> dict[str, Any]:
    """A 2-column range of (name, value) rows; rows whose name cell is blank are skipped."""
    out: dict[str, Any] = {}
    for n, row in enumerate(as_rows(value), 1):
        if len(row) != 2:
            raise InputError(f"{what}应为2列(名称、值),现为{len(row)}列")
        name, cell = row
        if is_blank(name):
            continue
        key = str(name).strip()
        if key in out:
            raise InputError(f"{what}中名称 {key} 重复(第{n}行)", name=key)
        out[key] = cell
    return out


def frozen_value(value: Any) -> Hashable:
    """A hashable copy of a cell value or range, for the caches."""
    value = plain_value(value)
    if isinstance(value, (list, tuple)):
        return tuple(frozen_value(v) for v in value)
    return value


# --- schemes from the 规则 range, cached by content ----------------------------------------
def rules_cache_key(rules: Any) -> tuple:
    if isinstance(rules, list) and all(type(r) is list for r in rules):  # ndim=2, as xlwings sends it
        key = tuple(map(tuple, rules))
        try:
            hash(key)
            return key
        except TypeError:
            pass
    return tuple(tuple(frozen_value(c) for c in row) for row in as_rows(rules))


def base_name(table: Mapping[str, Any]) -> str:
    """The built-in scheme a 规则 table's `scheme` row names; the default when blank."""
    return resolve_scheme(table.get(SCHEME_KEY))


@functools.lru_cache(maxsize=64)
def scheme_from_key(key: tuple) -> tuple[Scheme | None, str | None]:
    """(scheme, None) or (None, the refusal message); errors are cached too."""
    try:
        table = rows_to_table(key, RULES_ORIGIN)
        name = base_name(table)
        if name not in BUILTIN:
            raise SchemeError(f"{RULES_ORIGIN}的评定方案“{name}”不是内置方案,应为:{'、'.join(BUILTIN)}")
        return apply_overrides(load_scheme(name), table, RULES_ORIGIN), None
    except RatingError as exc:
        return None, str(exc)


def scheme_for(rules: Any = None) -> Scheme:
    """The scheme a workbook's 规则 range gives (its `scheme` row names the base); five_star without one."""
    scheme, problem = scheme_from_key(rules_cache_key(rules))
    if scheme is None:
        raise SchemeError(problem)
    return scheme


# --- error handling ------------------------------------------------------------------------
def cell_message(exc: BaseException) -> str:
    if isinstance(exc, MissingInputError):
        return PENDING
    if isinstance(exc, RatingError):
        return ERROR + str(exc)
    return f"{ERROR}计算失败({type(exc).__name__}),请检查输入"


def cell_function(fn: Callable) -> Callable:
    """A scalar cell function: engine errors become cell text, nothing is raised."""

    @functools.wraps(fn)
    def wrapper(*args):
        try:
            return fn(*args)
        except Exception as exc:  # a cell must never show a traceback
            return cell_message(exc)

    return wrapper


def row_count(value: Any) -> int:
    try:
        return max(1, len(as_rows(value)))
    except Exception:
        return 1


def column_cell(fn: Callable) -> Callable:
    """A column function: a whole-call error fills the column (as high as the first argument)."""

    @functools.wraps(fn)
    def wrapper(first, *rest):
        try:
            return fn(first, *rest)
        except Exception as exc:
            return [[cell_message(exc)]] * row_count(first)

    return wrapper


def per_row(fn: Callable, rows, *args) -> list[list]:
    out = []
    for row in rows:
        try:
            out.append([fn(*args, row)])
        except Exception as exc:
            out.append([cell_message(exc)])
    return out


def version_problem(package: str, running: str, pinned: str) -> str | None:
    """The cell text when the installed package differs from the version a workbook was built for."""
    if running == pinned:
        return None
    return (f"{ERROR}本机 {package} 版本为 {running or '未知'},本工作簿需要 {package} {pinned};"
            f"请安装 {package}=={pinned} 后重新打开工作簿")
