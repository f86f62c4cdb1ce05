"""`xlsx-addin demo`: the demo job's folder of filled workbooks, consolidated by the real consolidation job,
its levels registered in a 星级管理台账 with one 复验 row (the register job), and (--ledgers) the ledgers job's
half year after it. The shell composes the jobs; none imports another."""
from __future__ import annotations

import time
from pathlib import Path

from xlsx_addin.engine.scheme.loader import DEFAULT_SCHEME, load_scheme
from xlsx_addin.jobs.consolidate.model import Consolidation
from xlsx_addin.jobs.consolidate.job import consolidate
from xlsx_addin.jobs.consolidate.report import outcome_lines
from xlsx_addin.jobs.consolidate.settings import Given, resolve_settings
from xlsx_addin.jobs.consolidate.writer import write_summary
from xlsx_addin.jobs.demo.county import make_county
from xlsx_addin.jobs.demo.town_step import Typed, type_upper_scores
from xlsx_addin.jobs.ledgers.demo import run_demo as ledgers_demo
from xlsx_addin.jobs.register.job import register_to
from xlsx_addin.jobs.register.summary import read_summary_file
from xlsx_addin.model.progress import Stage, no_stage


def run_demo(out: Path, scheme_source: str = DEFAULT_SCHEME, units: int | None = None, seed: int = 2026, *,
             ledgers: bool = False, stage: Stage = no_stage) -> list[str]:
    """Build the demo's workbooks under out, consolidate them into its summary and (ledgers, item-scored
    schemes) the next half year's ledgers; the report lines."""
    started = time.perf_counter()
    folder = make_county(out, scheme_source, units, seed, stage=stage)
    with stage("一键汇总", folder.count) as progress:
        c = consolidate(resolve_settings(Given(input_dir=folder.units_dir, scheme=folder.scheme_source)),
                        progress=progress)
    write_summary(c, folder.out_file)
    typed = type_upper_scores(folder.out_file, c.scheme)  # the town's step: a few 上级评分 typed, then re-run
    if typed:
        settings = resolve_settings(Given(input_dir=folder.units_dir, scheme=folder.scheme_source, keep_backups=0),
                                    out=folder.out_file)  # the demo keeps no backup of its own intermediate file
        c = consolidate(settings, out=folder.out_file)  # reads the typed 上级评分 of the summary it replaces
        write_summary(c, folder.out_file, keep_from=folder.out_file)
    lines = folder.lines + outcome_lines(c, folder.out_file, time.perf_counter() - started)
    lines += town_step_lines(c, typed, folder)
    lines += [""] + register_demo(folder.out_file, folder.out_file.with_name(REGISTER_NAME))
    if ledgers and load_scheme(scheme_source).stars is None:  # the half-year ledgers of the same county
        lines += [""] + ledgers_demo(Path(out), folder.out_file, seed, stage=stage)
    return lines


REGISTER_NAME = "星级管理台账.xlsx"


def register_demo(summary_file: Path, out: Path) -> list[str]:
    """The summary's levels registered in a new 星级管理台账 with one 复验 row, as a clerk would type it: the first
    unit above the bottom level is re-checked on the summary's date and lowered one level."""
    summary = read_summary_file(summary_file)
    scheme, when = summary.scheme, summary.date
    ranks = {lv.name: lv.rank for lv in scheme.levels}
    lowest = min(ranks.values())
    picked = next(((u, level) for u, level in summary.levels if ranks.get(level, lowest) > lowest), None)
    checks: list[list] = []
    was = ""
    if picked is not None and when is not None:
        unit, was = picked
        lower = scheme.level_name(ranks[was] - 1)
        checks = [[when, unit.name, unit.code, "演示:复验发现工作下滑、与所属星级不符", lower, "演示数据"]]
    if out.exists():
        out.unlink()  # the demo's own register, made anew with its summary
    done = register_to(summary, out, added_checks=checks)
    lines = ["星级管理台账(演示):"] + ["  " + line for line in done.lines]
    if checks:
        lines.append(f"  “复验记录”中已填一行演示:{checks[0][1]} 由{was}降为{checks[0][4]}(见“历年星级”的现行"
                     f"{scheme.level_term});明年一键汇总时加 --register {out.name},晋星/减星即以降级后的{scheme.level_term}比较")
    lines.append(f"  试一试:在“复验记录”中再填一行(日期、党组织名称、调整为),然后运行 "
                 f"xlsx-addin register --summary {summary_file.name} --out {out.name}")
    return lines


def town_step_lines(c: Consolidation, typed: list[Typed], folder) -> list[str]:
    """What the demo's town step did, and how a clerk does it."""
    if not typed:
        return []
    units = {u.result.org_name: u for u in c.units}
    lines = ["", f"上级党组织评分(评分定级表):演示中镇党委为{len(typed)}个单位填写了“上级评分”并重新汇总:"]
    for t in typed:
        u = units.get(t.org_name)
        if u is None:
            continue
        said = next((x for x in u.result.reasons if x.startswith("上级评分:")), "")
        lines.append(f"  · {t.set_name} {t.org_name}:{said} → 综合得分{u.result.final_score:g},{u.result.level_name}")
    lines += ["  试一试:打开汇总表的“评分定级表”,在黄色的“上级评分”列填写分数(留空则以单位自评为准),保存后再运行",
              f"  xlsx-addin consolidate {folder.units_dir} --out {folder.out_file}(或点“一键汇总”),即按上级评分重新评定;",
              "  拟定最高等次的单位列在“上级复审”,公示日期在“设置”中填写(默认一周)。"]
    return lines
