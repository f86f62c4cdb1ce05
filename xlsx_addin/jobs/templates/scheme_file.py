"""`xlsx-addin scheme --export NAME --out FILE.yaml`: a built-in scheme's file, for a locality to copy and edit.

The built-in YAML is written verbatim (its comments name the source of every number) under a Chinese header
that says what to change and how to use the copy; the copy loads as it is (`--scheme FILE.yaml`). An existing
file is never replaced; the file is written whole or not at all.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from xlsx_addin.engine.scheme import BUILTIN, load_scheme, resolve_scheme
from xlsx_addin.engine.scheme.loader import builtin_path, scheme_from_text
from xlsx_addin.model.errors import RatingError


def builtin_schemes() -> list[tuple[str, str]]:
    """(id, Chinese name) of every built-in scheme."""
    return [(name, load_scheme(name).name) for name in BUILTIN]


def scheme_file_text(name: str) -> str:
    """The scheme file of a built-in scheme (id or Chinese name), with the header for the locality."""
    scheme_id = resolve_scheme(name)
    if scheme_id not in BUILTIN:
        known = "、".join(f"{i}({n})" for i, n in builtin_schemes())
        raise RatingError(f"没有名为“{name}”的内置评定方案:内置方案为 {known}")
    scheme = load_scheme(scheme_id)
    header = (f"# 本文件复制自内置评定方案 {scheme.id}({scheme.name}),供本地修改后使用。\n"
              "# 修改其中的数字(分值、档次、加减分、比例等)后保存(UTF-8 编码),使用时给出本文件路径:\n"
              "#   xlsx-addin consolidate 单位填报表文件夹 --out 汇总表.xlsx --scheme 本文件.yaml\n"
              "#   xlsx-addin templates --out 模板 --scheme 本文件.yaml(按本文件生成填报模板)\n"
              "# 建议把 id 和 name 改为本地方案的名称,以免与内置方案混淆。\n")
    return header + builtin_path(scheme_id).read_text(encoding="utf-8")


def export_scheme(name: str, out: Path) -> Path:
    """Write the scheme file of built-in scheme `name` to `out` (a new .yaml file); its path."""
    out = Path(out)
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise RatingError(f"方案文件须以 .yaml 结尾:{out}")
    if out.exists():
        raise RatingError(f"文件 {out} 已存在,未覆盖;请换一个文件名或先删除它")
    text = scheme_file_text(name)
    scheme_from_text(text, str(out))  # the copy loads as it is
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".yaml", dir=out.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise RatingError(f"方案文件无法写入 {out}:{exc.strerror or exc}") from None
    return out
