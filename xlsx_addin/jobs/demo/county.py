"""The demo county: realistic filled unit workbooks, consolidated — the main job with nothing to prepare.

`generate_county(n_units, scheme, seed)` makes the inputs (deterministic for a seed, any scheme);
`make_county(out, …)` builds the unit workbooks from the real template; the shell then runs the real
consolidation (一键汇总) on them and prints a short Chinese summary.
"""
from __future__ import annotations

import functools
import math
import random
from pathlib import Path
from typing import Any

from xlsx_addin.io.files.made_folder import build_all, build_folder
from xlsx_addin.jobs.demo.common import COUNTIES, DemoFolder, branch_name, clip, pick, place
from xlsx_addin.model.progress import Stage, no_stage
from xlsx_addin.model.errors import RatingError
from xlsx_addin.contracts.names import MASS_PREFIX
from xlsx_addin.model.progress import Progress
from xlsx_addin.engine.scheme.loader import DEFAULT_SCHEME, load_scheme
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scoring import score_unit
from xlsx_addin.jobs.demo.double_ten import generate_town, make_town
from xlsx_addin.io.books.unit.book import build_unit_workbook

UNITS_DIR = "单位填报表"  # OUT/单位填报表/<county>/<town>/<branch>.xlsx
SUMMARY_FILE = "汇总表.xlsx"  # OUT/汇总表.xlsx


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


def _half(x: float) -> float:
    return round(x * 2) / 2


def _slots(scheme: Scheme) -> list[float]:
    """The points of each score cell of the unit workbook: one per sub-item when there are sub-items."""
    if scheme.sub_item_count:
        return [s.points for it in scheme.items for s in it.sub_items]
    return [it.points for it in scheme.items]


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def _star_scores(rng: random.Random, scheme: Scheme, pass_share: float, q: float) -> list[float]:
    """items_passed schemes (ten_star): decide each star first, then scores that agree with it."""
    p = clip(q - 0.06 + rng.gauss(0, 0.03), 0.05, 0.99)
    out: list[float] = []
    for it in scheme.items:
        cells = [s.points for s in it.sub_items] or [it.points]
        need = pass_share * it.points
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
        return _star_scores(rng, scheme, scheme.item_pass_share, q)
    out = []
    for points in slots:
        if scheme.sub_item_all_or_nothing and scheme.sub_item_count:
            hit = rng.random() < clip(q + rng.gauss(0, 0.05), 0, 0.995)
            out.append((int(points) if float(points).is_integer() else points) if hit else 0)
            continue
        share = clip(q + rng.gauss(0, 0.07), 0.2, 1.0)
        if share > 0.96:
            share = 1.0
        score = clip(_half(points * share), 0, points)
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
    sat = min(valid, max(0, round(valid * clip(rate + rng.gauss(0, 0.02), 0, 1))))
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
    members = int(round(clip(rng.triangular(lo, hi, mode), 8, 120)))

    # latent quality: most branches are middling-good, a few excellent, a few weak
    q = pick(rng, [(rng.gauss(0.905, 0.035), 0.08), (rng.gauss(0.80, 0.055), 0.80), (rng.gauss(0.62, 0.07), 0.12)])
    q = clip(q, 0.35, 0.995)
    weak = q < 0.7

    honor = pick(rng, [("国家级", 0.005), ("省级", 0.025 + 0.03 * (q > 0.88)), ("市级", 0.07 + 0.1 * (q > 0.88)),
                        ("无", 0.9)])
    innovation = pick(rng, [("国家级", 0.002), ("省级", 0.01 + 0.02 * (q > 0.88)), ("市级", 0.04 + 0.06 * (q > 0.88)),
                             ("无", 0.95)])
    trouble = 3.0 if weak else 1.0
    overdue = 0.0
    excused = "否"
    if rng.random() < 0.06 * trouble:
        overdue = float(pick(rng, [(rng.randint(1, 6), 0.55), (rng.randint(7, 12), 0.25), (rng.randint(13, 26), 0.2)]))
        excused = "是" if rng.random() < 0.4 else "否"
    absences = pick(rng, [(0, 0.84), (1, 0.1 * trouble), (2, 0.035 * trouble), (3, 0.015 * trouble),
                           (4, 0.005 * trouble)])

    # the survey: participation mostly >= 80 %, satisfaction follows quality, a few very low
    participation = pick(rng, [(rng.uniform(0.85, 1.0), 0.78), (rng.uniform(0.8, 0.85), 0.16),
                                (rng.uniform(0.6, 0.79), 0.06)])
    members_present = max(1, min(members, int(math.floor(members * participation + 0.5))))
    if participation >= 0.8 and members_present < 0.8 * members:  # rounding must not make it invalid
        members_present = math.ceil(0.8 * members)
    masses_present = rng.randint(5, max(6, min(40, members // 2 + 5)))
    rate = clip(0.55 + 0.5 * q + rng.gauss(0, 0.03), 0.3, 1.0)
    if rng.random() < 0.03:
        rate = rng.uniform(0.4, 0.62)  # a branch the masses are unhappy with
    member_votes = _ballots(rng, scheme, members_present, rate, 0.01)
    mass_votes = _ballots(rng, scheme, masses_present, clip(rate - 0.03, 0, 1), 0.02)

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
        "criticism_committee": pick(rng, [(0, 0.96), (1, 0.035 * trouble), (2, 0.005 * trouble)]),
        "criticism_city": pick(rng, [(0, 0.99), (1, 0.01 * trouble)]),
        "leader_discipline_minor": pick(rng, [(0, 0.98), (1, 0.02 * trouble)]),
        "leader_discipline_major": pick(rng, [(0, 0.995), (1, 0.005 * trouble)]),
        "member_violations": pick(rng, [(0, 0.95), (1, 0.04 * trouble), (2, 0.01 * trouble)]),
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
    form = set(scheme.form_inputs)  # only the inputs the scheme's form has (drawn anyway: same random stream)
    return {k: v for k, v in values.items() if k in form or k.removeprefix(MASS_PREFIX) in scheme.vote_inputs}


def generate_county(n_units: int, scheme: Scheme | str = DEFAULT_SCHEME, seed: int = 2026) -> list[tuple[str, dict[str, Any]]]:
    """A realistic county of `n_units` branches: [(relative path county/town/branch.xlsx, inputs)].

    Deterministic for a seed; inputs are keyed by the names contract and fit `scheme`.
    """
    if n_units < 1:
        raise RatingError("单位数须至少为1")
    scheme = load_scheme(scheme)
    if scheme.stars is not None:  # 双十星: a town of branches with their members (star_demo.py); the branches here
        return [(b.rel, b.values) for b in generate_town(n_units, scheme, seed)]
    rng = random.Random(f"xlsx-addin-demo/{scheme.id}/{seed}")
    county = rng.choice(COUNTIES)
    area = rng.randint(41, 65) * 10000 + rng.randint(1, 20) * 100 + rng.randint(20, 30)  # 6-digit area code
    slots = _slots(scheme)
    sizes = _town_sizes(rng, n_units)
    town_names: set[str] = set()
    places: set[str] = set()
    out: list[tuple[str, dict[str, Any]]] = []
    n_streets = max(1, round(len(sizes) * 0.15)) if len(sizes) > 2 else 0
    for t, size in enumerate(sizes):
        street = t < n_streets
        suffix = "街道" if street else pick(rng, [("镇", 0.75), ("乡", 0.25)])
        while True:
            town = place(rng, places) + suffix
            if town not in town_names:
                town_names.add(town)
                break
        parent = f"{town}{'党工委' if street else '党委'}"
        mix = _kinds_mix(scheme, street)
        used: set[str] = set()
        local: set[str] = set()  # village names repeat across towns in a real county, not within one
        for u in range(size):
            kind = pick(rng, mix)
            name = branch_name(rng, kind, town, local, used)
            code = f"{area:06d}{t + 1:03d}{u + 1:04d}"
            values = _unit_values(rng, scheme, kind, name, code, parent, slots)
            out.append((f"{county}/{town}/{name}.xlsx", values))

    # last year's level: mostly this year's (before quotas), some one level up or down
    ranks = sorted(lv.rank for lv in scheme.levels)
    for _, values in out:
        if rng.random() < 0.08:
            continue  # newly set up or no record: no previous level
        level = score_unit(scheme, values).rule_level
        step = pick(rng, [(0, 0.72), (1, 0.14), (-1, 0.14)])
        i = ranks.index(level) + step
        values["prev_level"] = scheme.level_name(ranks[min(max(i, 0), len(ranks) - 1)])
    return out


def _build_unit(scheme_source: str, path: str, values: dict[str, Any]) -> None:
    build_unit_workbook(Path(path), load_scheme(scheme_source), values)


def build_workbooks(units: list[tuple[str, dict[str, Any]]], units_dir: Path, scheme_source: str,
                    progress: Progress | None = None, workers: int | None = None) -> None:
    """Write every unit workbook under units_dir (in the consolidation's isolated workers)."""
    build_all(units_dir, dict(units), functools.partial(_build_unit, scheme_source), progress, workers)


def make_county(out: Path, scheme_source: str = DEFAULT_SCHEME, units: int | None = None, seed: int = 2026, *,
                stage: Stage = no_stage) -> DemoFolder:
    """Build the demo county's unit workbooks under out (双十星: a town of 评星表); the shell consolidates them."""
    scheme = load_scheme(scheme_source)
    if scheme.stars is not None:  # 双十星: a town of 评星表 workbooks (double_ten.py)
        return make_town(out, scheme_source, units, seed, stage=stage)
    units = 300 if units is None else units
    if units < 1:
        raise RatingError("单位数(--units)须至少为1")
    out = Path(out)
    units_dir = out / UNITS_DIR
    made = generate_county(units, scheme, seed)
    build_folder(units_dir, dict(made), functools.partial(_build_unit, scheme_source), "单位填报表", stage)
    county = made[0][0].split("/")[0]
    return DemoFolder(units_dir, out / SUMMARY_FILE, scheme_source, len(made),
                      [f"演示:{county},{len({rel.split('/')[1] for rel, _ in made})}个乡镇(街道),{len(made)}个党支部;"
                       f"单位填报表在 {units_dir.resolve()}"])
