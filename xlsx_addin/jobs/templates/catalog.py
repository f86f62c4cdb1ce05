"""All the templates of a folder: per scheme the universal and the Python unit workbooks (and the
双十星 评星表), the summary workbook huizong.xlsm and the half-year ledger workbook (`xlsx-addin templates`)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from xlsx_addin.engine.scheme import (DEFAULT_SCHEME, SCORED_SCHEMES, Scheme, apply_overrides, load_scheme,
                                      resolve_scheme)
from xlsx_addin.model.errors import SchemeError
from xlsx_addin.contracts.ledger import FILENAME as LEDGER_FILENAME
from xlsx_addin.engine.scheme import STAR_SCHEMES
from xlsx_addin.io.books.ledger.book import build_ledger_workbook
from xlsx_addin.io.books.double_ten.book import build_star_workbook, star_filename
from xlsx_addin.io.books.kit.flavour import PYTHON, UNIVERSAL
from xlsx_addin.io.books.unit.book import build_unit_workbook, unit_filename

SUMMARY_FILENAME = "huizong.xlsm"
FLAVOURS = (UNIVERSAL, PYTHON)  # every rating workbook in both flavours, universal first

__all__ = ["SUMMARY_FILENAME", "build_templates"]


def _schemes(scheme_source: str | None, rules: Mapping[str, Any] | None,
             notes: list[str] | None = None) -> list[Scheme]:
    """The schemes to build, the rules table applied. Without a scheme named, a table that names its scheme
    (its `scheme` row) goes to that one only; else to every built-in scheme its keys fit, and `notes` says
    which were left out and why (none fitting: the first refusal is raised)."""
    schemes = [load_scheme(scheme_source)] if scheme_source else [load_scheme(n) for n in SCORED_SCHEMES]
    if not rules:
        return schemes
    if scheme_source is not None:
        return [apply_overrides(s, rules, "规则表文件") for s in schemes]
    said = rules.get("scheme")
    if said is not None and str(said).strip():
        wanted = load_scheme(resolve_scheme(said))
        _note(notes, f"规则表文件指定了评定方案“{wanted.name}”({wanted.id}),只生成该方案的填报模板;"
                     f"未生成:{'、'.join(s.name for s in schemes if s.id != wanted.id)}")
        return [apply_overrides(wanted, rules, "规则表文件")]
    fitted: list[Scheme] = []
    refused: list[tuple[Scheme, SchemeError]] = []
    for s in schemes:
        try:
            fitted.append(apply_overrides(s, rules, "规则表文件"))
        except SchemeError as why:
            refused.append((s, why))
    if not fitted:
        raise refused[0][1]
    for s, error in refused:
        _note(notes, f"规则表文件不适用于“{s.name}”({s.id}),未生成该方案的填报模板:{error}")
    return fitted


def _note(notes: list[str] | None, text: str) -> None:
    if notes is not None:
        notes.append(text)


# the summary workbook's builder (the consolidation's own template), handed in by the shell that composes the jobs
SummaryBuilder = Callable[[Path, Scheme], Path]


def build_templates(out: Path, scheme_name: str | None = None, rules: Mapping[str, Any] | None = None, *,
                    summary: SummaryBuilder | None = None, notes: list[str] | None = None) -> list[Path]:
    """Every template of a folder: unit workbooks (both flavours), 评星表, the summary workbook (when a builder
    is given) and the half-year ledger workbook; the paths written. `notes` gets what was left out and why."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stars = _star_templates(out, scheme_name)
    if scheme_name and stars:
        return stars
    schemes = _schemes(scheme_name, rules, notes)
    if rules and stars:
        _note(notes, "双十星评星表按内置规则生成(规则表文件只套用于上述填报模板;双十星请用 --scheme 指定)")
    written = []
    for s in schemes:
        written += [build_unit_workbook(out / unit_filename(s, flavour), s, python=flavour) for flavour in FLAVOURS]
    written += stars
    summary_scheme = schemes[0] if (scheme_name or rules) else load_scheme(DEFAULT_SCHEME)
    if summary is not None:
        written.append(Path(summary(out / SUMMARY_FILENAME, summary_scheme)))
    # --- the half-year ledger workbook (issue 15): one per folder, beside the rating workbooks ---
    written.append(build_ledger_workbook(out / LEDGER_FILENAME, scheme=schemes[0] if (scheme_name or rules)
                                         else DEFAULT_SCHEME))
    return written


# --- 双十星: the branch's 评星表 (stars_book.py), one workbook for the organisation and its members ---------
def _star_templates(out: Path, scheme_name: str | None) -> list[Path]:
    """评星表_<scheme>.xlsx (universal) and .xlsm (Python) for a star scheme (its member scheme named <id>_member),
    or for every built-in one."""
    if scheme_name:
        scheme = load_scheme(scheme_name)
        if scheme.stars is None:
            return []
        if scheme.stars.subject == "member":  # the member scheme's workbook is its organisation scheme's
            scheme = load_scheme(scheme.id.removesuffix("_member"))
        orgs = [scheme]
    else:
        orgs = [load_scheme(n) for n in STAR_SCHEMES if load_scheme(n).star_rules().subject == "organisation"]
    return [build_star_workbook(out / star_filename(s, flavour), s, python=flavour) for s in orgs for flavour in FLAVOURS]
