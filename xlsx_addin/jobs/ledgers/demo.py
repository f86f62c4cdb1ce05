"""`xlsx-addin demo --ledgers`: a realistic half year of the demo county's branches, then the ledgers job.

After the rating demo, each branch of its summary gets the next half year's 半年台账 (its open 整改台账 items
carried over, as `--seed-from` does): commitments of the branch and its members, the leaders' and the
secretary's comments, the mass evaluation and the rectification items, kept as a real branch keeps them
at the reporting date — most on time and done, some overdue, a few late, one sent nothing, one sent last
half year's ledger. Deterministic for a seed.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from xlsx_addin.io.files.made_folder import build_all, prepare_dir
from xlsx_addin.model.progress import Stage, no_stage
from xlsx_addin.model.progress import Progress
from xlsx_addin.io.tables.previous import read_ledger
from xlsx_addin.io.books.ledger.book import build_ledger_workbook
from xlsx_addin.jobs.ledgers.job import run_ledgers, settings_for
from xlsx_addin.jobs.ledgers.report import summary_lines
from xlsx_addin.jobs.ledgers.writer import write_ledger_summary
from xlsx_addin.contracts.ledger import ASPECTS, MEMBER_PREFIX, REVIEW_WAYS, Period
from xlsx_addin.jobs.ledgers.seed import branches_of, default_period, open_items, safe_name

LEDGERS_DIR = "半年台账"
SUMMARY_FILE = "台账汇总.xlsx"

_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰凤建国红文斌辉海波宁鹏飞浩然雪梅春生志成永德")
_BRANCH_PROMISES = {
    "village": [("完成村内主干道硬化{n}公里", "实事承诺"), ("为{n}户困难群众办理医疗救助", "实事承诺"),
                ("建成村级便民服务点并坚持每天值班", "服务承诺"), ("开展农技培训{n}场次", "实事承诺"),
                ("落实党员联系户制度,每季度走访全部联系户", "服务承诺"), ("整治村容村貌,清理垃圾点{n}处", "实事承诺")],
    "community": [("为辖区{n}名独居老人提供上门服务", "实事承诺"), ("推行“一站式”服务,群众办事不出社区", "服务承诺"),
                  ("改造老旧小区路灯{n}盏", "实事承诺"), ("每月开展一次志愿服务活动", "服务承诺"),
                  ("调解邻里纠纷,矛盾化解率达到95%以上", "服务承诺")],
    "organ": [("推行首问负责制和限时办结制", "服务承诺"), ("精简办事材料{n}项", "实事承诺"),
              ("结对帮扶困难户{n}户", "实事承诺"), ("每季度开展一次服务对象满意度回访", "服务承诺")],
    "other": [("开展“党员先锋岗”创建,设立示范岗{n}个", "实事承诺"), ("为职工办实事{n}件", "实事承诺"),
              ("坚持每月主题党日活动", "服务承诺"), ("结对帮扶困难家庭{n}户", "实事承诺")],
}
_MEMBER_PROMISES = ["联系服务群众{n}户", "带头参加志愿服务{n}次", "帮助解决群众实际困难{n}件", "学习党的理论,撰写心得{n}篇",
                    "带动{n}户群众发展产业", "参与矛盾纠纷调解{n}起", "完成岗位重点任务并提前办结"]
_MEASURES = ["制定计划,明确时间节点", "每月推进,支委会督办", "与群众面对面对接", "结合主题党日推进", "分解到党小组落实"]
_COMMENTS = ["承诺事项完成较好,群众认可度高", "工作积极主动,作用发挥明显", "能按时完成承诺,但亮点不多", "联系群众较好,学习还需加强"]
_DIRECTIONS = ["进一步加强理论学习", "在为群众办实事上再下功夫", "提高工作标准,打造特色", "加强与群众的沟通联系"]
_RECT_PROBLEMS = [("群众评议", "办事公开不够及时"), ("领导点评", "三会一课记录不够规范"), ("群众评议", "村内路灯损坏维修不及时"),
                  ("整改通知书", "党员活动阵地制度上墙不全"), ("领导点评", "承诺事项量化不够")]


def _kind(name: str) -> str:
    if "社区" in name:
        return "community"
    if "村" in name:
        return "village"
    if any(w in name for w in ("办", "所", "中心", "站", "队", "机关")):
        return "organ"
    return "other"


def _people(rng: random.Random, n: int) -> list[str]:
    out: dict[str, None] = {}  # insertion order: the same names for a seed whatever the hash seed
    while len(out) < n:
        out[rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))] = None
    return list(out)


def _day(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, max(0, (b - a).days)))


def _promise(rng: random.Random, due: dt.date, as_of: dt.date, quality: float) -> tuple[str, dt.date | None]:
    """完成情况 and 完成日期 at as_of: mostly done on time, some late, some overdue."""
    if due < as_of and rng.random() < quality:
        late = rng.random() < 0.12
        done = due + dt.timedelta(days=rng.randint(1, 20)) if late else due - dt.timedelta(days=rng.randint(0, 25))
        return ("已完成", min(done, as_of))
    if due >= as_of:
        return (rng.choice(("进行中", "进行中", "已完成")), None) if rng.random() < 0.5 else ("进行中", None)
    return (rng.choice(("进行中", "未完成", "未开始")), None)


def half_year(branch: dict[str, str], open_rect: list[dict[str, Any]], period: Period, as_of: dt.date,
              rng: random.Random) -> dict[str, Any]:
    """The values of one branch's ledger (names contract of ledgers/forms.py)."""
    quality = min(0.99, max(0.55, rng.gauss(0.88, 0.08)))
    members = _people(rng, rng.randint(8, 35))
    secretary = members[0]
    start, end = period.start, period.end
    deadlines = (start + dt.timedelta(days=75), end)
    commitments = []
    for text, kind in rng.sample(_BRANCH_PROMISES[_kind(branch["org_name"])], 3):
        due = _day(rng, *deadlines)
        state, done = _promise(rng, due, as_of, quality)
        commitments.append([text.format(n=rng.randint(2, 12)), kind, branch["org_name"], rng.choice(_MEASURES), due,
                            state, done, rng.choice(("满意", "满意", "基本满意")) if state == "已完成" else None])
    for m in members:
        for _ in range(0 if rng.random() < 0.06 else (2 if rng.random() < 0.2 else 1)):
            due = _day(rng, *deadlines)
            state, done = _promise(rng, due, as_of, quality)
            commitments.append([rng.choice(_MEMBER_PROMISES).format(n=rng.randint(2, 10)),
                                rng.choice(("服务承诺", "实事承诺")), m, rng.choice(_MEASURES), due, state, done,
                                rng.choice(("满意", "满意", "基本满意")) if state == "已完成" else None])
    leader = rng.choice(_SURNAMES) + rng.choice(("主任", "部长", "书记"))
    org_reviews = [[leader, f"{branch['org_name']}及书记{secretary}", _day(rng, start + dt.timedelta(days=90), end),
                    rng.choice(REVIEW_WAYS), rng.choice(_COMMENTS), rng.choice(_DIRECTIONS)]]
    member_reviews = [[secretary, m, _day(rng, start + dt.timedelta(days=120), end), rng.choice(REVIEW_WAYS),
                       rng.choice(_COMMENTS), rng.choice(_DIRECTIONS)] for m in members[1:] if rng.random() < 0.92]
    mass = []
    if rng.random() < 0.93:
        present = rng.randint(20, 60)
        for aspect in ASPECTS:
            valid = present - rng.randint(0, 2)
            sat = min(valid, round(valid * min(0.99, rng.gauss(0.72 if aspect.startswith(MEMBER_PREFIX) else 0.7, 0.1))))
            basic = min(valid - sat, round((valid - sat) * rng.uniform(0.4, 0.9)))
            mass.append([aspect, sat, basic, valid - sat - basic, present])
    rect = []
    for item in open_rect:
        given = item.get("时限")
        due = given if isinstance(given, dt.date) else start + dt.timedelta(days=120)
        closed = _day(rng, start, min(as_of, end)) if rng.random() < quality * 0.8 else None
        rect.append([item["问题"], item["来源"], item.get("整改措施") or "对照问题逐项整改", item.get("责任人") or secretary,
                     due, "已整改" if closed else "整改中", "复验合格" if closed else None, closed])
    for source, text in rng.sample(_RECT_PROBLEMS, rng.randint(0, 2)):
        due = _day(rng, start + dt.timedelta(days=60), end)
        closed = _day(rng, start + dt.timedelta(days=30), min(due, as_of)) if rng.random() < quality else None
        rect.append([text, source, "制定整改方案,限期整改", secretary, due, "已整改" if closed else "整改中",
                     "复验合格" if closed else "待复验", closed])
    report = period.due() - dt.timedelta(days=rng.randint(0, 12)) if rng.random() < 0.93 else \
        period.due() + dt.timedelta(days=rng.randint(1, 4))
    return {**branch, "period": period.code, "secretary": secretary, "report_date": report,
            "members": [[m, rng.choice(("男", "女")), "书记" if m == secretary else "党员", "正式党员"] for m in members],
            "commitments": commitments[:200], "org_reviews": org_reviews, "member_reviews": member_reviews,
            "mass_review": mass, "rectification": rect}


def build_half_year(summary: Path, out: Path, seed: int, period: Period | None = None,
                    progress: Progress | None = None) -> tuple[Path, Period, dt.date]:
    """Write the demo county's ledgers under out/半年台账 (cleared only when the demo made it). (folder, period, as-of)."""
    period = period or default_period(dt.date.today())
    as_of = period.due() + dt.timedelta(days=5)
    rng = random.Random(f"xlsx-addin-demo-ledgers/{seed}/{period.code}")
    folder = out / LEDGERS_DIR
    prepare_dir(folder)
    ledger = read_ledger(summary)
    values: dict[str, dict[str, Any]] = {}
    branches = branches_of(summary)
    silent = rng.randrange(len(branches)) if len(branches) > 2 else None  # one branch sends nothing
    stale = (silent + 1) % len(branches) if silent is not None else None  # one sends last half year's ledger
    for i, b in enumerate(branches):
        if i == silent:
            continue
        rec = ledger.find(b["org_code"], b["org_name"])
        v = half_year(b, open_items(rec) if rec is not None else [], period, as_of, rng)
        if i == stale:
            v["period"] = Period(period.year - 1, 2).code if period.half == 1 else Period(period.year, 1).code
        values[f"{safe_name(b['parent_org'] or '未填写上级党组织')}/{safe_name(b['org_name'])}.xlsx"] = v
    build_all(folder, values, build_ledger_workbook, progress)
    return folder, period, as_of


def run_demo(out: Path, summary: Path, seed: int, *, stage: Stage = no_stage) -> list[str]:
    """Build the half year, run the ledgers job (the rating summary as the expected list); the report lines."""
    with stage("生成半年台账", 0) as progress:
        folder, period, as_of = build_half_year(summary, out, seed, progress=progress)
    run = run_ledgers(settings_for(folder, period, as_of, expect=summary))
    target = out / SUMMARY_FILE
    write_ledger_summary(run, target)
    return [f"演示半年台账:{len(list(folder.rglob('*.xlsx')))}个党支部的{period.label}台账在 {folder.resolve()}"] + \
        summary_lines(run, target)


__all__ = ["build_half_year", "half_year", "run_demo"]
