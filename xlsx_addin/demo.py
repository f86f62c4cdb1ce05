"""The demo county: realistic filled unit workbooks, consolidated — the main job with nothing to prepare.

`generate_county(n_units, scheme, seed)` makes the inputs (deterministic for a seed, any scheme);
`command(args)` builds the unit workbooks from the real template, runs the real consolidation
(一键汇总) and prints a short Chinese summary.
"""
from __future__ import annotations

import math
import os
import random
import shutil
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Iterable

from .errors import RatingError
from .names import MASS_PREFIX
from .scheme.loader import load_scheme
from .scheme.models import Scheme

UNITS_DIR = "单位填报表"  # OUT/单位填报表/<county>/<town>/<branch>.xlsx
SUMMARY_FILE = "汇总表.xlsx"  # OUT/汇总表.xlsx
_MARKER = ".xlsx-addin-demo"  # marks a folder the demo made (and may therefore clear on the next run)

# --- name material -----------------------------------------------------------------------------
_COUNTIES = ["清源县", "安平县", "永宁县", "青川县", "临泽县", "新河县", "丰宁县", "宁远县", "长乐县", "东明县"]
_PLACE_1 = list("东西南北大小新老青白石黄金龙凤马平安清柳杨李王张刘陈高双三五杏桃梨枣柏松兴永丰和")
_PLACE_2 = list("山河庄桥店集沟坪营湾口寨岭林泉堡屯岗湖塘坡洼滩峪头园铺关台")
_VILLAGE_2 = list("庄村洼屯岗沟寨湾坡岭塘集店营堡园峪铺")
_COMMUNITY = ["幸福", "和平", "建设", "光明", "育才", "朝阳", "东风", "文化", "团结", "人民", "滨河", "金桥",
              "锦绣", "阳光", "振兴", "富民", "康乐", "迎宾", "花园", "紫荆"]
_OFFICES = ["党政办", "财政所", "农业农村服务中心", "便民服务中心", "综合执法队", "司法所", "卫生院",
            "社会事务办", "经济发展办", "退役军人服务站", "文化站", "自然资源所"]
_SCHOOLS = ["中心小学", "初级中学", "中心幼儿园", "第二小学", "职业技术学校"]
_FIRMS_1 = ["宏达", "鑫源", "华信", "恒泰", "瑞丰", "金鼎", "盛世", "永兴", "天成", "绿源", "鼎盛",
            "众诚", "隆基", "新远", "博雅", "长青", "汇通", "泰和", "润泽"]
_FIRMS_2 = ["建材", "农业科技", "食品", "机械制造", "纺织", "物流", "电子", "新能源", "农牧", "商贸"]

# The branch kinds of a county and the word each scheme uses for them (first match in org_types).
_KIND_WORDS = {
    "village": ("村党支部", "农村", "村"),
    "community": ("社区党支部", "社区"),
    "organ": ("机关党支部", "机关"),
    "school": ("学校党支部", "学校", "事业单位"),
    "enterprise": ("企业党支部", "企业", "生产经营党支部", "生产经营"),
    "outlet": ("营业网点党支部", "营业网点"),
}
# member counts (low, high, mode) per kind
_MEMBERS = {"village": (15, 80, 35), "community": (10, 60, 25), "organ": (8, 40, 15), "school": (10, 60, 22),
            "enterprise": (8, 120, 18), "outlet": (8, 30, 12)}


def _org_type(scheme: Scheme, kind: str) -> str:
    allowed = scheme.choices.get("org_types") or []
    if not allowed:
        return _KIND_WORDS[kind][0]
    for word in _KIND_WORDS[kind]:
        if word in allowed:
            return word
    for word in _KIND_WORDS[kind]:
        hit = next((a for a in allowed if word in a), None)
        if hit:
            return hit
    return "其他" if "其他" in allowed else allowed[-1]


def _kinds_mix(scheme: Scheme, street: bool) -> list[tuple[str, float]]:
    """Which kinds of branch a town has, by weight; kinds the scheme has no word for are rare or absent."""
    allowed = " ".join(scheme.choices.get("org_types") or [])
    has = {k: any(w in allowed for w in words) for k, words in _KIND_WORDS.items()} if allowed else \
        {k: k != "outlet" for k in _KIND_WORDS}
    if not has["village"] and not has["community"]:  # an enterprise scheme (six_good): company branches
        return [("organ", 0.35), ("enterprise", 0.4), ("outlet", 0.25)]
    if street:
        mix = [("community", 0.55), ("organ", 0.2), ("school", 0.1), ("enterprise", 0.15), ("village", 0.0)]
    else:
        mix = [("village", 0.68), ("community", 0.06), ("organ", 0.12), ("school", 0.08), ("enterprise", 0.06)]
    # kinds the scheme cannot name stay, typed 其他, but rarely
    return [(k, w if has.get(k) else w * 0.25) for k, w in mix if w > 0]


def _place(rng: random.Random, taken: set[str], second: list[str] = _PLACE_2) -> str:
    for _ in range(1000):
        name = rng.choice(_PLACE_1) + rng.choice(second)
        if name not in taken and name[0] != name[1]:
            taken.add(name)
            return name
    i = len(taken)  # pools exhausted (huge counties): still unique, still Chinese
    while True:
        i += 1
        name = rng.choice(_PLACE_1) + rng.choice(second) + "一二三四五六七八九"[i % 9]
        if name not in taken:
            taken.add(name)
            return name


def _town_sizes(rng: random.Random, n: int) -> list[int]:
    sizes, left = [], n
    while left > 0:
        if left <= 40:
            sizes.append(left)
            break
        size = rng.randint(10, 40)
        if left - size < 10:
            size = left - 10
        sizes.append(size)
        left -= size
    return sizes


def _branch_name(rng: random.Random, kind: str, town: str, taken: set[str], used: set[str]) -> str:
    short = town.removesuffix("街道").removesuffix("镇").removesuffix("乡")
    for _ in range(200):
        if kind == "village":
            name = f"{_place(rng, taken, _VILLAGE_2)}村党支部"
        elif kind == "community":
            name = f"{rng.choice(_COMMUNITY + [_place(rng, taken)])}社区党支部"
        elif kind == "organ":
            name = f"{town}{rng.choice(_OFFICES)}党支部"
        elif kind == "school":
            name = f"{short}{rng.choice(_SCHOOLS)}党支部"
        elif kind == "outlet":
            name = f"{short}{rng.choice(['营业厅', '客户服务中心', '网格服务站'])}{rng.choice('一二三四五')}部党支部"
        else:
            name = f"{rng.choice(_FIRMS_1)}{rng.choice(_FIRMS_2)}有限公司党支部"
        if name not in used:
            used.add(name)
            return name
    n = 2
    while f"{name[:-3]}第{n}党支部" in used:
        n += 1
    used.add(f"{name[:-3]}第{n}党支部")
    return f"{name[:-3]}第{n}党支部"


# --- values ------------------------------------------------------------------------------------
def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _half(x: float) -> float:
    return round(x * 2) / 2


def _slots(scheme: Scheme) -> list[float]:
    """The points of each score cell of the unit workbook: one per sub-item when there are sub-items."""
    if scheme.sub_item_count:
        return [s.points for it in scheme.items for s in it.sub_items]
    return [it.points for it in scheme.items]


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def _star_scores(rng: random.Random, scheme: Scheme, q: float) -> list[float]:
    """items_passed schemes (ten_star): decide each star first, then scores that agree with it."""
    p = _clip(q - 0.06 + rng.gauss(0, 0.03), 0.05, 0.99)
    out: list[float] = []
    for it in scheme.items:
        cells = [s.points for s in it.sub_items] or [it.points]
        need = scheme.item_pass_share * it.points
        earned = rng.random() < p and sum(cells) >= need - 1e-9
        scores = list(cells)
        steps = rng.randint(0, 3) if earned else 0
        for _ in range(200):
            i = rng.randrange(len(scores))
            if scores[i] < 0.5:
                continue
            if earned:
                if steps <= 0 or sum(scores) - 0.5 < need - 1e-9:
                    break
                steps -= 1
            elif sum(scores) < need - 1e-9 and rng.random() < 0.5:
                break
            scores[i] -= 0.5
        out += [_num(x) for x in scores]
    return out


def _item_scores(rng: random.Random, scheme: Scheme, slots: list[float], q: float) -> list[float]:
    if scheme.level_rule == "items_passed" and scheme.item_pass_share is not None:
        return _star_scores(rng, scheme, q)
    out = []
    for points in slots:
        if scheme.sub_item_all_or_nothing and scheme.sub_item_count:
            hit = rng.random() < _clip(q + rng.gauss(0, 0.05), 0, 0.995)
            out.append((int(points) if float(points).is_integer() else points) if hit else 0)
            continue
        share = _clip(q + rng.gauss(0, 0.07), 0.2, 1.0)
        if share > 0.96:
            share = 1.0
        score = _clip(_half(points * share), 0, points)
        out.append(int(score) if float(score).is_integer() else score)
    return out


def _reviewed(rng: random.Random, scheme: Scheme, slots: list[float], own: list[float]) -> list[float]:
    out = []
    for points, s in zip(slots, own):
        if scheme.sub_item_all_or_nothing and scheme.sub_item_count:
            out.append(0 if s and rng.random() < 0.06 else s)
        elif rng.random() < 0.2 and s > 0:
            cut = min(s, rng.choice([0.5, 1, 1, 2]) * max(points / 10, 0.5))
            r = _half(s - cut)
            out.append(int(r) if float(r).is_integer() else r)
        else:
            out.append(s)
    return out


def _pick(rng: random.Random, table: Iterable[tuple[Any, float]]) -> Any:
    table = list(table)
    x = rng.random() * sum(w for _, w in table)
    for value, w in table:
        x -= w
        if x < 0:
            return value
    return table[-1][0]


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """total split into len(weights) non-negative integers roughly by weight."""
    if not weights:
        return []
    s = sum(weights) or 1.0
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i] + rng.random() * 1e-6, reverse=True)
    for i in order[:rest]:
        out[i] += 1
    return out


def _ballots(rng: random.Random, scheme: Scheme, present: int, rate: float, invalid_share: float) -> dict[str, int]:
    """One group's ballots: every present person votes (a few spoiled), satisfaction about `rate`."""
    opts = scheme.survey.options
    invalid = min(present, sum(rng.random() < invalid_share for _ in range(present)))
    valid = present - invalid
    sat = min(valid, max(0, round(valid * _clip(rate + rng.gauss(0, 0.02), 0, 1))))
    good = [o for o in opts if o.satisfied]
    bad = [o for o in opts if not o.satisfied]
    good_w = [0.72 if i == 0 else 0.28 / max(len(good) - 1, 1) for i in range(len(good))]
    bad_w = [0.75 if i == 0 else 0.25 / max(len(bad) - 1, 1) for i in range(len(bad))]
    votes = dict(zip((o.input for o in good), _split(rng, sat, good_w)))
    votes.update(zip((o.input for o in bad), _split(rng, valid - sat, bad_w)))
    if not bad and valid - sat:  # a scheme without a 'not satisfied' option: the rest are spoiled
        invalid += valid - sat
    votes[scheme.survey.invalid_input] = invalid
    return votes


def _unit_values(rng: random.Random, scheme: Scheme, kind: str, name: str, code: str, parent: str,
                 slots: list[float]) -> dict[str, Any]:
    lo, hi, mode = _MEMBERS[kind]
    members = int(round(_clip(rng.triangular(lo, hi, mode), 8, 120)))

    # latent quality: most branches are middling-good, a few excellent, a few weak
    q = _pick(rng, [(rng.gauss(0.905, 0.035), 0.08), (rng.gauss(0.80, 0.055), 0.80), (rng.gauss(0.62, 0.07), 0.12)])
    q = _clip(q, 0.35, 0.995)
    weak = q < 0.7

    honor = _pick(rng, [("国家级", 0.005), ("省级", 0.025 + 0.03 * (q > 0.88)), ("市级", 0.07 + 0.1 * (q > 0.88)),
                        ("无", 0.9)])
    innovation = _pick(rng, [("国家级", 0.002), ("省级", 0.01 + 0.02 * (q > 0.88)), ("市级", 0.04 + 0.06 * (q > 0.88)),
                             ("无", 0.95)])
    trouble = 3.0 if weak else 1.0
    overdue = 0.0
    excused = "否"
    if rng.random() < 0.06 * trouble:
        overdue = float(_pick(rng, [(rng.randint(1, 6), 0.55), (rng.randint(7, 12), 0.25), (rng.randint(13, 26), 0.2)]))
        excused = "是" if rng.random() < 0.4 else "否"
    absences = _pick(rng, [(0, 0.84), (1, 0.1 * trouble), (2, 0.035 * trouble), (3, 0.015 * trouble),
                           (4, 0.005 * trouble)])

    # the survey: participation mostly >= 80 %, satisfaction follows quality, a few very low
    participation = _pick(rng, [(rng.uniform(0.85, 1.0), 0.78), (rng.uniform(0.8, 0.85), 0.16),
                                (rng.uniform(0.6, 0.79), 0.06)])
    members_present = max(1, min(members, int(math.floor(members * participation + 0.5))))
    if participation >= 0.8 and members_present < 0.8 * members:  # rounding must not make it invalid
        members_present = math.ceil(0.8 * members)
    masses_present = rng.randint(5, max(6, min(40, members // 2 + 5)))
    rate = _clip(0.55 + 0.5 * q + rng.gauss(0, 0.03), 0.3, 1.0)
    if rng.random() < 0.03:
        rate = rng.uniform(0.4, 0.62)  # a branch the masses are unhappy with
    member_votes = _ballots(rng, scheme, members_present, rate, 0.01)
    mass_votes = _ballots(rng, scheme, masses_present, _clip(rate - 0.03, 0, 1), 0.02)

    scores = _item_scores(rng, scheme, slots, q)
    values: dict[str, Any] = {
        "org_name": name,
        "org_code": code,
        "parent_org": parent,
        "org_type": _org_type(scheme, kind),
        "member_count": members,
        "item_scores": scores,
        "honor_level": honor,
        "innovation_level": innovation,
        "criticism_committee": _pick(rng, [(0, 0.96), (1, 0.035 * trouble), (2, 0.005 * trouble)]),
        "criticism_city": _pick(rng, [(0, 0.99), (1, 0.01 * trouble)]),
        "leader_discipline_minor": _pick(rng, [(0, 0.98), (1, 0.02 * trouble)]),
        "leader_discipline_major": _pick(rng, [(0, 0.995), (1, 0.005 * trouble)]),
        "member_violations": _pick(rng, [(0, 0.95), (1, 0.04 * trouble), (2, 0.01 * trouble)]),
        "election_overdue_months": int(overdue),
        "election_overdue_excused": excused,
        "absences": absences,
        "members_present": members_present,
        "masses_present": masses_present,
    }
    if rng.random() < 0.35:  # the upper level has reviewed part of the county
        values["item_scores_reviewed"] = _reviewed(rng, scheme, slots, scores)
    for v in scheme.vote_inputs:
        values[v] = member_votes.get(v, 0) + mass_votes.get(v, 0)
        values[MASS_PREFIX + v] = mass_votes.get(v, 0)
    return values


def generate_county(n_units: int, scheme: Scheme | str = "five_star", seed: int = 2026) -> list[tuple[str, dict[str, Any]]]:
    """A realistic county of `n_units` branches: [(relative path county/town/branch.xlsx, inputs)].

    Deterministic for a seed; inputs are keyed by the names contract and fit `scheme`.
    """
    from .scoring import score_unit

    if n_units < 1:
        raise RatingError("单位数须至少为1")
    scheme = load_scheme(scheme)
    if scheme.stars is not None:  # 双十星: a town of branches with their members (star_demo.py); the branches here
        from .star_demo import generate_town

        return [(b.rel, b.values) for b in generate_town(n_units, scheme, seed)]
    rng = random.Random(f"xlsx-addin-demo/{scheme.id}/{seed}")
    county = rng.choice(_COUNTIES)
    area = rng.randint(41, 65) * 10000 + rng.randint(1, 20) * 100 + rng.randint(20, 30)  # 6-digit area code
    slots = _slots(scheme)
    sizes = _town_sizes(rng, n_units)
    town_names: set[str] = set()
    places: set[str] = set()
    out: list[tuple[str, dict[str, Any]]] = []
    n_streets = max(1, round(len(sizes) * 0.15)) if len(sizes) > 2 else 0
    for t, size in enumerate(sizes):
        street = t < n_streets
        suffix = "街道" if street else _pick(rng, [("镇", 0.75), ("乡", 0.25)])
        while True:
            town = _place(rng, places) + suffix
            if town not in town_names:
                town_names.add(town)
                break
        parent = f"{town}{'党工委' if street else '党委'}"
        mix = _kinds_mix(scheme, street)
        used: set[str] = set()
        local: set[str] = set()  # village names repeat across towns in a real county, not within one
        for u in range(size):
            kind = _pick(rng, mix)
            name = _branch_name(rng, kind, town, local, used)
            code = f"{area:06d}{t + 1:03d}{u + 1:04d}"
            values = _unit_values(rng, scheme, kind, name, code, parent, slots)
            out.append((f"{county}/{town}/{name}.xlsx", values))

    # last year's level: mostly this year's (before quotas), some one level up or down
    ranks = sorted(lv.rank for lv in scheme.levels)
    for _, values in out:
        if rng.random() < 0.08:
            continue  # newly set up or no record: no previous level
        level = score_unit(scheme, values).rule_level
        step = _pick(rng, [(0, 0.72), (1, 0.14), (-1, 0.14)])
        i = ranks.index(level) + step
        values["prev_level"] = scheme.level_name(ranks[min(max(i, 0), len(ranks) - 1)])
    return out


# --- the command -------------------------------------------------------------------------------
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: Any, width: int, right: bool = False) -> str:
    text = str(text)
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    widths = [max(_width(str(c)) for c in col) for col in zip(header, *rows)]
    lines = ["  ".join(_pad(h, w, i > 0) for i, (h, w) in enumerate(zip(header, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_pad(c, w, i > 0) for i, (c, w) in enumerate(zip(row, widths))))
    return lines


def _prepare_dir(units_dir: Path) -> None:
    """Clear the demo's own previous unit files; never a folder the demo did not make."""
    if units_dir.exists():
        if not (units_dir / _MARKER).exists():
            raise RatingError(f"文件夹 {units_dir} 已存在且不是演示程序生成的,为避免覆盖,请换一个输出文件夹(--out)")
        shutil.rmtree(units_dir)
    units_dir.mkdir(parents=True)
    (units_dir / _MARKER).write_text("xlsx-addin demo\n", encoding="utf-8")


def _build_chunk(job: tuple[str, list[tuple[str, dict[str, Any]]]]) -> int:
    from .templates import build_unit_workbook

    scheme_source, items = job
    scheme = load_scheme(scheme_source)
    for path, values in items:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        build_unit_workbook(Path(path), scheme, values)
    return len(items)


def _workers(n_files: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, n_files // 40))  # below ~40 files a process pool costs more than it saves


def build_workbooks(units: list[tuple[str, dict[str, Any]]], units_dir: Path, scheme_source: str,
                    progress=None, workers: int | None = None) -> None:
    """Write every unit workbook under units_dir; process-parallel when there are enough files."""
    jobs = [(str(units_dir / rel), values) for rel, values in units]
    workers = _workers(len(jobs)) if workers is None else max(1, workers)
    if workers == 1:
        for job in jobs:
            _build_chunk((scheme_source, [job]))
            if progress is not None:
                progress.update(1)
        return
    size = max(1, min(25, len(jobs) // (workers * 4)))
    chunks = [(scheme_source, jobs[i:i + size]) for i in range(0, len(jobs), size)]
    built = 0
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for done in pool.map(_build_chunk, chunks):
                built += done
                if progress is not None:
                    progress.update(done)
        return
    except (BrokenProcessPool, OSError, RuntimeError):
        pass  # no processes to be had (sandbox, frozen app): build the rest here
    for job in jobs[built:]:
        _build_chunk((scheme_source, [job]))
        if progress is not None:
            progress.update(1)


def _bar(total: int, desc: str, quiet: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="个", disable=quiet, file=sys.stderr, leave=False,
                dynamic_ncols=True)


def summary_lines(c, out_file: Path, seconds: float | None = None) -> list[str]:
    """The short Chinese report of a consolidation: levels per set, quota moves, rectification, problems."""
    scheme = c.scheme
    if scheme.stars is not None:  # 双十星: organisations and members
        from .star_demo import summary_lines as star_lines

        return star_lines(c, out_file, seconds)
    ranks = [lv.rank for lv in scheme.levels]
    lines = [f"评定方案:{scheme.name}({scheme.id});读取文件{c.files_seen}个,评定党组织{len(c.units)}个。", ""]

    by_set: dict[str, Counter] = defaultdict(Counter)
    for u in c.units:
        by_set[u.set_name][u.result.level] += 1
    header = ["评定组"] + [scheme.level_name(r) for r in ranks] + ["合计"]
    rows = []
    total = Counter()
    order = [s.name for s in c.sets if s.name in by_set] or sorted(by_set)
    order += [name for name in by_set if name not in order]
    for name in order:
        counts = by_set[name]
        total.update(counts)
        rows.append([name] + [counts.get(r, 0) for r in ranks] + [sum(counts.values())])
    rows.append(["合计"] + [total.get(r, 0) for r in ranks] + [sum(total.values())])
    lines.append(f"各评定组{scheme.level_term}分布(配额调整后):")
    lines += ["  " + s for s in _table(header, rows)]

    n = max(1, sum(total.values()))
    shares = "、".join(f"{scheme.level_name(r)}{total.get(r, 0) / n:.0%}" for r in ranks if total.get(r, 0))
    lines += ["", f"全县占比:{shares}"]

    moved = [u for u in c.units if u.result.quota_moved]
    mode = "强制调整" if c.settings.quota_mode == "enforce" else "仅标记"
    if not scheme.quotas:
        lines += ["", "配额:本方案未设比例限制。"]
    else:
        lines += ["", f"配额({mode}):{len(moved)}个单位因配额{'调整' if mode == '强制调整' else '被标记'}。"]
    broken = [(s.name, q) for s in c.sets for q in s.quotas if not q.holds_before and q.kind != "distribution"]
    for set_name, q in broken[:8]:
        limit = f"上限{q.limit}个" if q.kind == "cap" else f"下限{q.limit}个"
        lines.append(f"  · {set_name}:{q.label}({limit}),调整前{q.count_before}个,调整后{q.count_after}个,"
                     f"调整{q.moved}个")
    if len(broken) > 8:
        lines.append(f"  · ……另有{len(broken) - 8}处,详见汇总表“统计”表")
    spread = [(s.name, q) for s in c.sets for q in s.quotas if q.kind == "distribution"]
    if spread:
        lines.append(f"  · {spread[0][1].label}:{len(spread)}个评定组,共调整{sum(q.moved for _, q in spread)}个单位")

    rectify = [u for u in c.units if u.result.rectify]
    lines += ["", f"需整顿(整改)的党组织:{len(rectify)}个(已列入“整改台账”)。"]
    for u in rectify[:10]:
        lines.append(f"  · {u.set_name} {u.result.org_name}:{u.result.level_name},综合得分{u.result.final_score:g}")
    if len(rectify) > 10:
        lines.append(f"  · ……共{len(rectify)}个,详见汇总表“整改台账”")

    up = sum(1 for u in c.units if (u.result.change or 0) > 0)
    down = sum(1 for u in c.units if (u.result.change or 0) < 0)
    if up or down:
        rise, fall = ("晋星", "减星") if scheme.level_term == "星级" else ("升等", "降等")
        lines += ["", f"与上年度相比:{rise}{up}个,{fall}{down}个(须报上级审批)。"]

    return lines + tail_lines(c, out_file, seconds)


def tail_lines(c, out_file: Path, seconds: float | None = None) -> list[str]:
    """The report's end, shared by every scheme: the problems (errors first), the output file, the time."""
    lines: list[str] = []
    errors = [p for p in c.problems if p.severity == "错误"]
    hints = [p for p in c.problems if p.severity != "错误"]
    lines += ["", f"问题清单:{len(errors)}个错误,{len(hints)}条提示。"]
    for p in (errors + hints)[:6]:
        where = " ".join(x for x in (p.sheet, p.cell) if x)
        lines.append(f"  · [{p.severity}] {p.file}{(' ' + where) if where else ''}:{p.reason}")
    if len(c.problems) > 6:
        lines.append(f"  · ……共{len(c.problems)}条,详见汇总表“问题清单”")

    lines += ["", f"汇总表:{out_file.resolve()}"]
    if seconds is not None:
        lines.append(f"用时{seconds:.1f}秒。")
    return lines


def command(args) -> int:
    from .consolidate import consolidate
    from .consolidate.model import Settings
    from .consolidate.writer import write_summary

    started = time.perf_counter()
    quiet = bool(getattr(args, "quiet", False))
    scheme_source = str(args.scheme)
    scheme = load_scheme(scheme_source)
    if scheme.stars is not None:  # 双十星: a town of 评星表 workbooks (star_demo.py)
        from .star_demo import command as star_command

        return star_command(args)
    if args.units is None:
        args.units = 300
    if args.units < 1:
        raise RatingError("单位数(--units)须至少为1")
    out = Path(args.out)
    units_dir = out / UNITS_DIR
    out_file = out / SUMMARY_FILE

    units = generate_county(args.units, scheme, args.seed)
    _prepare_dir(units_dir)
    with _bar(len(units), "生成单位填报表", quiet) as bar:
        build_workbooks(units, units_dir, scheme_source, progress=bar)

    settings = Settings(input_dir=units_dir, scheme_source=scheme_source)
    with _bar(len(units), "一键汇总", quiet) as bar:
        c = consolidate(settings, progress=_progress_callback(bar))
    write_summary(c, out_file)

    county = units[0][0].split("/")[0]
    print(f"演示:{county},{len({rel.split('/')[1] for rel, _ in units})}个乡镇(街道),{len(units)}个党支部;"
          f"单位填报表在 {units_dir.resolve()}")
    print("\n".join(summary_lines(c, out_file, time.perf_counter() - started)))
    if getattr(args, "ledgers", False):  # the half-year ledgers of the same county (issue 15)
        from .ledgers.demo import run_demo

        print()
        print("\n".join(run_demo(out, out_file, args.seed, quiet)))
    return 0


def _progress_callback(bar):
    """Adapt a tqdm bar to the consolidation's progress hook: called with (done, total) or per file."""

    def update(done: int | None = None, total: int | None = None, *_: Any, **__: Any) -> None:
        if total is not None and bar.total != total:
            bar.total = total
            bar.refresh()
        if done is None:
            bar.update(1)
        else:
            bar.update(max(0, done - bar.n))

    return update
