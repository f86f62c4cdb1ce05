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
    stars = _star_templates(out, scheme_name)
    if scheme_name and stars:
        return stars
    schemes = [load_scheme(scheme_name)] if scheme_name else [load_scheme(n) for n in SCORED_SCHEMES]
    written = [build_unit_workbook(out / unit_filename(s), s) for s in schemes] + stars
    summary = _summary_builder()
    if summary is not None:
        written.append(Path(summary(out / SUMMARY_FILENAME, load_scheme(scheme_name or "five_star"))))
    return written


# --- 双十星: the branch's 评星表 (stars_book.py), one workbook for the organisation and its members ---------
def _star_templates(out: Path, scheme_name: str | None) -> list[Path]:
    """评星表_<scheme>.xlsx for a star scheme (its member scheme named <id>_member), or for every built-in one."""
    from ..scheme import STAR_SCHEMES
    from .stars_book import build_star_workbook, star_filename

    if scheme_name:
        scheme = load_scheme(scheme_name)
        if scheme.stars is None:
            return []
        if scheme.stars.subject == "member":  # the member scheme's workbook is its organisation scheme's
            scheme = load_scheme(scheme.id.removesuffix("_member"))
        return [build_star_workbook(out / star_filename(scheme), scheme)]
    orgs = [load_scheme(n) for n in STAR_SCHEMES if load_scheme(n).stars.subject == "organisation"]
    return [build_star_workbook(out / star_filename(s), s) for s in orgs]


def command(args) -> int:
    for path in build_templates(args.out, args.scheme):
        print(f"已生成 {path}")
    if _summary_builder() is None:
        print("(汇总表生成模块尚未安装,未生成 huizong.xlsm)", file=sys.stderr)
    return 0
