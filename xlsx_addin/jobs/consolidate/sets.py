"""The rules and the sets of a consolidation: its scheme, its settings checked, last year's levels,
the rating sets with their quotas applied."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from xlsx_addin.model.errors import RatingError
from xlsx_addin.io.files.discover import check_folder
from xlsx_addin.model.choices import SetBy
from xlsx_addin.model.identity import find_unit, unit_key
from xlsx_addin.model.problems import HINT, Problem
from xlsx_addin.engine.quotas import apply_quotas
from xlsx_addin.engine.scheme.loader import load_scheme
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.overrides import apply_overrides
from xlsx_addin.engine.scoring import UnitResult
from xlsx_addin.jobs.consolidate.candidates import Candidate
from xlsx_addin.jobs.consolidate.model import SetSummary, UnitRow
from xlsx_addin.jobs.consolidate.previous import read_previous_levels
from xlsx_addin.jobs.consolidate.settings import Settings

NO_PARENT = "未填写上级党组织"

ALL_SET = "全部"


# --- settings --------------------------------------------------------------------------------------
def summary_scheme(settings: Settings) -> Scheme:
    """The rules of the consolidation: the scheme (built-in name or YAML path) with the overrides table."""
    scheme = load_scheme(settings.scheme_source)
    if settings.overrides:
        scheme = apply_overrides(scheme, settings.overrides, origin="汇总表规则表")
    return scheme


def check_settings(settings: Settings) -> None:
    """Refuse unusable settings with a Chinese message (RatingError): the CLI turns it into exit code 2."""
    check_folder(settings.input_dir, "单位填报表文件夹", "单位填报表所在的文件夹")  # quota mode and sets: the model
    if settings.previous is not None and not Path(settings.previous).is_file():
        raise RatingError(f"上年度汇总表 {settings.previous} 不存在")
    if settings.ledgers is not None and not Path(settings.ledgers).is_file():
        raise RatingError(f"台账汇总 {settings.ledgers} 不存在")
    if settings.star_register is not None and not Path(settings.star_register).is_file():
        raise RatingError(f"星级管理台账 {settings.star_register} 不存在")
    if settings.expect is not None and not Path(settings.expect).is_file():
        raise RatingError(f"应报送党组织名单 {settings.expect} 不存在")


# --- last year -------------------------------------------------------------------------------------
def previous_levels(path: Path, scheme: Scheme) -> dict[str, int]:
    """Last year's final level by unit key and by org_name, from an earlier summary's 一览表."""
    out: dict[str, int] = {}
    for key, name in read_previous_levels(path).items():
        level = scheme.level_by_name(name)
        if level is not None:
            out[key] = level.rank
    return out


def rate_sets(rated: list[tuple[Candidate, UnitResult]], scheme: Scheme, settings: Settings,
               prev: dict[str, int] | None, problems: list[Problem]) -> tuple[list[UnitRow], list[SetSummary]]:
    groups: dict[str, list[tuple[Candidate, UnitResult]]] = {}
    for cand, r in rated:
        if settings.set_by is SetBy.ALL:
            name = ALL_SET
        elif r.parent_org:
            name = r.parent_org
        else:
            name = NO_PARENT
            problems.append(cand.problem(f"未填写上级党组织,归入“{NO_PARENT}”组单独评定(配额在该组内计算)",
                                         name="parent_org", severity=HINT))
        groups.setdefault(name, []).append((cand, r))

    ranks = [lv.rank for lv in scheme.levels]
    rows: list[UnitRow] = []
    sets: list[SetSummary] = []
    for name in sorted(groups, key=lambda s: (s == NO_PARENT, s)):
        members = sorted(groups[name], key=lambda x: x[0].source)
        results = [r for _, r in members]
        before = Counter(r.rule_level for r in results)
        rated = apply_quotas(scheme, results, settings.quota_mode)
        statuses = rated.quotas
        after = Counter(r.level for r in rated)
        sets.append(SetSummary(name=name, size=len(results), quotas=statuses,
                               counts_before={k: before.get(k, 0) for k in ranks},
                               counts_after={k: after.get(k, 0) for k in ranks}))
        for (cand, _), r in zip(members, rated):
            key = unit_key(r.org_code, r.org_name)
            if prev is not None:  # --previous wins over the unit's own prev_level input
                found = find_unit(prev, r.org_code, r.org_name)
                if found is not None:
                    r = r.with_previous(found)
            rows.append(UnitRow(result=r, set_name=name, source_file=cand.source, key=key, inputs=cand.inputs,
                                upper_by=tuple(cand.upper_by)))
    return rows, sets
