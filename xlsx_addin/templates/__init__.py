"""Template builders: the unit workbook (单位填报表) per scheme and the summary workbook (汇总表).

`xlsx-addin templates --out DIR [--scheme NAME]` writes DIR/单位填报表_<scheme>.xlsx for each
built-in scheme (or the one given) and, when the summary builder is present, DIR/huizong.xlsm.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from ..scheme import SCORED_SCHEMES, load_scheme
from .unit import build_unit_workbook, unit_filename

SUMMARY_FILENAME = "huizong.xlsm"

__all__ = ["SUMMARY_FILENAME", "build_templates", "build_unit_workbook", "command", "unit_filename"]


def _summary_builder():
    try:
        module = importlib.import_module(f"{__name__}.summary")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.summary":
            raise
        return None
    return getattr(module, "build_summary_workbook", None)


def build_templates(out: Path, scheme_name: str | None = None) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    schemes = [load_scheme(scheme_name)] if scheme_name else [load_scheme(n) for n in SCORED_SCHEMES]
    written = [build_unit_workbook(out / unit_filename(s), s) for s in schemes]
    summary = _summary_builder()
    if summary is not None:
        written.append(Path(summary(out / SUMMARY_FILENAME, load_scheme(scheme_name or "five_star"))))
    return written


def command(args) -> int:
    for path in build_templates(args.out, args.scheme):
        print(f"已生成 {path}")
    if _summary_builder() is None:
        print("(汇总表生成模块尚未安装,未生成 huizong.xlsm)", file=sys.stderr)
    return 0
