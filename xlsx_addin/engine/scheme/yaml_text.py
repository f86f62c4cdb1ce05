"""A scheme file's YAML text parsed with bounds: `yaml.safe_load`'s safety (plain data only), plus
a size bound before parsing, duplicate keys refused with their line, and aliases bounded by the size of
the data they expand to (an alias bomb is refused before anything walks it). Errors are SchemeError in Chinese.
"""
from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from xlsx_addin.model.errors import SchemeError

MAX_SCHEME_BYTES = 1 * 2**20  # a built-in scheme is under 8 KB
MAX_NODES = 100_000  # values in the data once every alias is expanded (a built-in scheme has about 1,000)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _SchemeLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (the line of the second one named)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue  # `<<: *base` merges on purpose: its keys may be overridden
                key = self.construct_object(key_node, deep=True)
                try:
                    if key in seen:
                        raise _Duplicate(key, seen[key], key_node.start_mark.line + 1)
                    seen[key] = key_node.start_mark.line + 1
                except TypeError:  # an unhashable key: SafeConstructor says so below
                    continue
        return super().construct_mapping(node, deep)


class _Duplicate(Exception):
    def __init__(self, key: Any, first: int, second: int):
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


def too_big(size: int, origin: str) -> SchemeError:
    return SchemeError(f"方案文件 {origin} 过大({size / 2**20:.1f} MB),不像评定方案(内置方案不到 10 KB,"
                       f"上限 {MAX_SCHEME_BYTES // 2**20} MB),未读取")


def load_yaml(text: str, origin: str) -> Any:
    """The plain data of a scheme file's text; SchemeError (Chinese, with the line) when it is not one."""
    if len(text) > MAX_SCHEME_BYTES:
        raise too_big(len(text.encode("utf-8", "replace")), origin)
    loader = _SchemeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expanded_size(node, origin)
        return loader.construct_document(node)
    except _Duplicate as dup:
        before = "本行前面" if dup.first == dup.second else f"第{dup.first}行"
        raise SchemeError(f"方案文件 {origin} 第{dup.second}行:键“{dup.key}”在同一处重复出现({before}已设置过),"
                          "无法确定使用哪一个;请只保留一个") from None
    except RecursionError:
        raise SchemeError(f"方案文件 {origin} 嵌套层数过多,不是评定方案") from None
    finally:
        loader.dispose()


def _check_expanded_size(root: Node, origin: str) -> None:
    """Count the values the data holds once aliases are expanded (shared nodes counted per use, each
    node's count computed once); refuse past MAX_NODES or on an alias inside itself."""
    counts: dict[int, int] = {}
    active: set[int] = set()

    def count(node: Node) -> int:
        key = id(node)
        if key in counts:
            return counts[key]
        if key in active:
            raise SchemeError(f"方案文件 {origin} 第{node.start_mark.line + 1}行:别名(*)引用了包含它自身的内容,无法展开")
        active.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += count(child)
                if total > MAX_NODES:
                    break
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                total += count(k) + count(v)
                if total > MAX_NODES:
                    break
        active.discard(key)
        counts[key] = total
        if total > MAX_NODES:
            raise SchemeError(f"方案文件 {origin} 展开别名(&/*)后内容过多(超过{MAX_NODES:,}项,第{node.start_mark.line + 1}行起),"
                              "不像评定方案(可能是恶意构造的文件),未读取")
        return total

    count(root)
