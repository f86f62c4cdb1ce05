"""Load schemes (built-in name or YAML path) and report errors naming file, rule and field."""
from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from xlsx_addin.model.errors import SchemeError
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.yaml_text import MAX_SCHEME_BYTES, load_yaml, too_big

STAR_SCHEMES = ("double_ten_star", "double_ten_star_member")  # 双十星: stars by vote or record, own workbook
BUILTIN = ("five_star", "four_grade", "ten_star", "six_good") + STAR_SCHEMES
SCORED_SCHEMES = tuple(n for n in BUILTIN if n not in STAR_SCHEMES)  # the 单位填报表 schemes
DEFAULT_SCHEME = "five_star"


def builtin_path(name: str):
    return resources.files("xlsx_addin.engine") / "schemes" / f"{name}.yaml"


def load_scheme(source: str | Path | Scheme = DEFAULT_SCHEME) -> Scheme:
    """A built-in scheme by id or Chinese name, or a scheme YAML file by path."""
    if isinstance(source, Scheme):
        return source
    text = str(source)
    if text in BUILTIN:
        return _load_builtin(text)
    path = Path(text)
    if path.suffix.lower() not in (".yaml", ".yml") and not path.exists():
        if text.strip() and resolve_scheme(text) in BUILTIN:  # 服务型党组织星级评定, the name shown everywhere
            return _load_builtin(resolve_scheme(text))
        known = "、".join(f"{n}({_load_builtin(n).name})" for n in BUILTIN)
        raise SchemeError(f"未知的评定方案“{text}”:内置方案为 {known},或给出方案文件(.yaml)路径")
    try:
        if path.is_file() and path.stat().st_size > MAX_SCHEME_BYTES:  # before reading it
            raise too_big(path.stat().st_size, str(path))
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemeError(f"方案文件 {path} 无法读取:{exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SchemeError(f"方案文件 {path} 不是 UTF-8 编码的文本") from None
    return scheme_from_text(raw, str(path))


def resolve_scheme(text: Any) -> str:
    """The scheme a clerk's text names (a 评定方案 cell, a 规则 table's scheme row, --scheme): blank → the
    default; a built-in id, or a built-in scheme's Chinese name → its id; anything else is a file path."""
    value = "" if text is None else str(text).strip()
    if isinstance(text, float) and text != text:  # NaN: an empty cell
        value = ""
    if not value:
        return DEFAULT_SCHEME
    if value in BUILTIN:
        return value
    for name in BUILTIN:
        if _load_builtin(name).name == value:
            return name
    return value


@functools.lru_cache(maxsize=None)
def _load_builtin(name: str) -> Scheme:
    return scheme_from_text(builtin_path(name).read_text(encoding="utf-8"), f"内置方案 {name}.yaml")


def scheme_from_text(text: str, origin: str) -> Scheme:
    try:
        data = load_yaml(text, origin)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        raise SchemeError(f"方案文件 {origin} {where}格式错误:{getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise SchemeError(f"方案文件 {origin} 的内容须为键值表(YAML 映射)")
    return scheme_from_dict(data, origin)


def scheme_from_dict(data: dict[str, Any], origin: str) -> Scheme:
    try:
        return Scheme.model_validate(data)
    except ValidationError as exc:
        raise SchemeError(format_validation(exc, data, origin)) from None


def format_validation(exc: ValidationError, data: Any, origin: str) -> str:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        rule = _rule_name(data, loc)
        field = ".".join(str(p) for k, p in enumerate(loc)
                         if not (_is_kind_tag(p) and k and isinstance(loc[k - 1], int))) or "(整体)"
        msg = err.get("ctx", {}).get("error") or _chinese(err)
        lines.append(f"{rule}字段 {field}:{msg}")
    return f"方案文件 {origin} 有误:" + ";".join(lines)


def _is_kind_tag(part: Any) -> bool:
    return isinstance(part, str) and part in (
        "bonus_by_level", "points_per_count", "threshold", "cap_level", "set_level", "demote",
        "cap", "floor", "distribution", "record", "vote_share",
    )


def _rule_name(data: Any, loc: list) -> str:
    """'规则 honor(表彰或署名文章) ' when the error sits inside a rule or quota (or a 双十星 star rule)."""
    try:
        if loc[:2] == ["stars", "rules"] and len(loc) >= 3 and isinstance(loc[2], int):
            entry = data["stars"]["rules"][loc[2]]
        elif len(loc) >= 2 and loc[0] in ("adjustments", "quotas", "items", "levels") and isinstance(loc[1], int):
            entry = data[loc[0]][loc[1]]
        else:
            return ""
    except (KeyError, IndexError, TypeError):
        return ""
    if isinstance(entry, dict):
        key = entry.get("id") or entry.get("name") or entry.get("label") or loc[1]
        label = entry.get("label", "")
        return f"规则 {key}" + (f"({label})" if label and label != key else "") + " "
    return ""


_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段(可能拼写错误)",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "string_type": "须为文字",
    "bool_parsing": "须为 true/false",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "须不小于 {ge}",
    "less_than_equal": "须不大于 {le}",
    "less_than": "须小于 {lt}",
    "too_short": "至少须有 {min_length} 项",
    "literal_error": "须为以下之一:{expected}",
    "union_tag_invalid": "kind 须为以下之一:{expected_tags}",
    "union_tag_not_found": "缺少 kind 字段",
    "string_pattern_mismatch": "只能用小写英文字母、数字和下划线",
    "list_type": "须为列表",
    "dict_type": "须为键值表",
    "model_type": "须为键值表",
}


def _chinese(err: ErrorDetails) -> str:
    template = _MESSAGES.get(err["type"])
    if template is None:
        return err["msg"]
    try:
        return template.format(**err.get("ctx", {}))
    except (KeyError, IndexError):
        return template
