"""The 双十星 demo: a realistic town of filled 评星表 workbooks (every branch type, 10–60 members each), consolidated.

`generate_town(n_branches, scheme, seed)` makes the inputs (deterministic for a seed); `command(args)` writes
the workbooks with the real builder, runs the real consolidation and prints a short Chinese report.
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsx_addin.io.files.made_folder import build_all, build_folder
from xlsx_addin.jobs.demo.common import COUNTIES, DemoFolder, PLACE_2, branch_name, clip, pick, place
from xlsx_addin.model.progress import Stage, no_stage
from xlsx_addin.model.errors import RatingError
from xlsx_addin.engine.itemsets import item_labels
from xlsx_addin.model.progress import Progress
from xlsx_addin.engine.scheme.loader import load_scheme
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.io.books.double_ten.book import build_star_workbook

UNITS_DIR = "评星表"  # OUT/评星表/<town>/<branch>.xlsx
SUMMARY_FILE = "双十星汇总表.xlsx"
DEFAULT_BRANCHES = 24  # one town

# branch kinds: the org_type word, the members' type, the weight in a town
_KINDS = {
    "village": ("农村", "农村党员", 0.5),
    "community": ("社区", "社区党员", 0.14),
    "organ": ("机关", "机关、事业单位党员", 0.1),
    "school": ("学校", "机关、事业单位党员", 0.08),
    "institution": ("事业单位", "机关、事业单位党员", 0.06),
    "enterprise": ("企业", "非公企业和社会组织党员", 0.08),
    "social": ("社会组织", "非公企业和社会组织党员", 0.04),
}
_SOCIAL = ["志愿者协会", "老年人协会", "商会", "慈善协会", "个体劳动者协会"]
_COOPS = ["农民专业合作社", "家庭农场联合会"]
_OWN_STARS = {  # individual stars (个性星) a branch sets for its field: (organisation's, members')
    "village": (["产业星", "治理星", "文明星", "平安星", "集体经济星", "人居环境星"], ["带富星", "服务星", "孝老星", "互助星", "环保星"]),
    "community": (["服务星", "治理星", "和谐星", "平安星", "文化星"], ["志愿星", "服务星", "邻里星", "文明星", "调解星"]),
    "organ": (["作风星", "效能星", "廉洁星", "创新星", "为民星"], ["作风星", "廉洁星", "担当星", "服务星", "效能星"]),
    "school": (["育人星", "师德星", "质量星", "安全星", "特色星"], ["师德星", "育人星", "教研星", "爱生星", "奉献星"]),
    "institution": (["作风星", "服务星", "安全星", "效能星", "民生星"], ["作风星", "服务星", "技能星", "担当星", "奉献星"]),
    "enterprise": (["发展星", "安全星", "和谐星", "诚信星", "创新星"], ["技能星", "安全星", "诚信星", "岗位星", "奉献星"]),
    "social": (["服务星", "公益星", "诚信星", "规范星", "活力星"], ["公益星", "志愿星", "诚信星", "服务星", "奉献星"]),
    "committee": (["作风星", "廉洁星", "效能星", "为民星", "创新星"], ["作风星", "廉洁星", "担当星", "服务星", "效能星"]),
}
_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
_GIVEN = list("建国华明丽芳军伟强磊敏静秀英玉兰桂梅红霞平刚勇杰涛斌超浩宇晨欣怡文博海燕志国庆丰春秋冬雪峰林")


@dataclass
class Branch:
    rel: str  # <town>/<branch>.xlsx
    values: dict[str, Any]  # the organisation's inputs (names contract)
    members: list[dict[str, Any]] = field(default_factory=list)
    member_star_names: list[str] = field(default_factory=list)


def _name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in used:
            used.add(name)
            return name
    return name  # 同名 happens in real branches too


def _votes(rng: random.Random, valid: int, q: float) -> int:
    """Votes for of a star: most stars well above 90 %, a weaker branch or member often not."""
    share = clip(rng.gauss(q, 0.025), 0.5, 1.0)
    return min(valid, max(0, round(share * valid)))


def _records(rng: random.Random, scheme: Scheme, names: list[str]) -> list[str]:
    record = scheme.star_rules().record_stars()
    return [pick(rng, [("是", 0.75), ("否", 0.04), ("", 0.21)]) if n in record else "" for n in names]


def _star_names(scheme: Scheme, type_word: str, typed: list[str]) -> list[str]:
    return item_labels(scheme, type_word, typed)


def _common(scheme: Scheme, type_word: str) -> list[str]:
    group = scheme.by_type().set_for(type_word)
    return [it.label for it in group.typed_items()] if group else []


def generate_town(n_branches: int = DEFAULT_BRANCHES, scheme: Scheme | str = "double_ten_star", seed: int = 2026,
                  member_scheme: Scheme | str | None = None) -> list[Branch]:
    """A town of n branches: the 镇党委, villages, communities, offices, schools, firms, social organisations
    and sometimes a co-operative that names its own common stars; 10–60 members each."""
    if n_branches < 1:
        raise RatingError("党支部数须至少为1")
    org = load_scheme(scheme)
    member = load_scheme(member_scheme or f"{org.id}_member")
    rng = random.Random(f"xlsx-addin-star-demo/{org.id}/{seed}")
    county = rng.choice(COUNTIES)
    town = place(rng, set()) + "镇"
    parent = f"{town}党委"
    short = town.removesuffix("镇")
    kinds = ["committee"] + [pick(rng, [(k, w) for k, (_, _, w) in _KINDS.items()]) for _ in range(n_branches - 1)]
    if n_branches >= 8:  # a town has one of each
        for i, k in enumerate(_KINDS, 1):
            if k not in kinds[1:] and i < n_branches:
                kinds[i] = k
    taken: set[str] = set()
    used: set[str] = set()
    out: list[Branch] = []
    area = rng.randint(41, 65) * 10000 + rng.randint(1, 20) * 100 + rng.randint(20, 30)
    for u, kind in enumerate(kinds):
        coop = kind == "village" and rng.random() < 0.08
        if kind == "committee":
            name, type_word = f"{town}机关党支部", "镇党委"
        elif kind == "institution":
            name, type_word = f"{town}{rng.choice(['卫生院', '农业农村服务中心', '文化站', '便民服务中心'])}党支部", "事业单位"
            if name in used:
                name = branch_name(rng, "organ", town, taken, used)
            used.add(name)
        elif kind == "social":
            name, type_word = f"{short}{rng.choice(_SOCIAL)}党支部", "社会组织"
            if name in used:
                name = f"{short}{place(rng, taken, PLACE_2)}{rng.choice(_SOCIAL)}党支部"
            used.add(name)
        elif coop:
            name, type_word = f"{place(rng, taken)}{rng.choice(_COOPS)}党支部", "农民专业合作社"
            used.add(name)
        else:
            base = {"school": "school", "enterprise": "enterprise"}.get(kind, kind)
            name = branch_name(rng, base, town, taken, used)
            type_word = _KINDS[kind][0]
        members_n = rng.randint(10, 60) if kind in ("village", "committee") else rng.randint(10, 35)
        masses = rng.randint(3, 9)
        weak = rng.random() < 0.2  # a weaker branch: several stars not earned, 整顿 likely
        q = clip(rng.gauss(0.9 if weak else 0.965, 0.025), 0.8, 1.0)
        own_org, own_member = _OWN_STARS[kind]
        common = ["学习星", "法纪星", "组织生活星", "合作星", "诚信星", "惠农星"] if coop else _common(org, type_word)
        own = rng.sample([x for x in own_org if x not in common], 4)
        names_typed = (common if coop else [""] * 6) + own  # a type of no set names its six common stars itself
        names = _star_names(org, type_word, names_typed)
        present = members_n - rng.randint(0, min(3, members_n // 5)) + masses
        valid = [present - pick(rng, [(0, 0.8), (1, 0.15), (2, 0.05)]) for _ in names]
        votes = [_votes(rng, v, q) for v in valid]
        values = {"org_name": name, "org_code": f"{area:06d}001{u + 1:04d}", "parent_org": parent, "org_type": type_word,
                  "member_count": members_n, "masses_present": masses, "star_names": names_typed,
                  "star_votes_for": votes, "star_votes_valid": valid, "star_records": _records(rng, org, names),
                  "target_rank_bottom": "否"}
        branch = Branch(f"{county}/{town}/{name}.xlsx", values)
        mtype = _KINDS.get(kind, ("", "机关、事业单位党员", 0))[1] if kind != "committee" else "机关、事业单位党员"
        taken_m = set(_common(member, mtype)) | set(_common(member, "社区党员"))
        branch.member_star_names = rng.sample([x for x in own_member if x not in taken_m], 4)
        people: set[str] = set()
        for _ in range(members_n):
            this_type = mtype if not (kind == "village" and rng.random() < 0.05) else "社区党员"
            member_q = clip(rng.gauss(max(q, 0.95) + 0.01, 0.02), 0.75, 1.0)
            m_valid = present
            m_names = _star_names(member, this_type, [""] * 6 + branch.member_star_names)
            branch.members.append({"member_name": _name(rng, people), "member_type": this_type,
                                   "star_votes_for": [_votes(rng, m_valid, member_q) for _ in range(10)],
                                   "star_votes_valid": m_valid, "star_records": _records(rng, member, m_names)})
        out.append(branch)
    # the town's target assessment: its bottom 3 villages and bottom 2 offices cannot be 十星级党组织
    villages = [b for b, k in zip(out, kinds) if k == "village"]
    offices = [b for b, k in zip(out, kinds) if k in ("organ", "institution")]
    for b in rng.sample(villages, min(3, len(villages))) + rng.sample(offices, min(2, len(offices))):
        b.values["target_rank_bottom"] = "是"
    return out


def _build_branch(scheme: str, path: str, b: Branch) -> None:
    build_star_workbook(path, scheme, b.values, b.members, b.member_star_names)


def build_town(branches: list[Branch], units_dir: Path, scheme: str, progress: Progress | None = None) -> None:
    build_all(units_dir, {b.rel: b for b in branches}, functools.partial(_build_branch, scheme), progress)


def make_town(out: Path, scheme_source: str = "double_ten_star", units: int | None = None, seed: int = 2026, *,
              stage: Stage = no_stage) -> DemoFolder:
    """The demo town's 评星表 under out; the shell consolidates them into out/双十星汇总表.xlsx."""
    scheme = load_scheme(scheme_source)
    n = units if units is not None else DEFAULT_BRANCHES
    if n < 1:
        raise RatingError("党支部数(--units)须至少为1")
    out = Path(out)
    units_dir = out / UNITS_DIR
    branches = generate_town(n, scheme, seed)
    build_folder(units_dir, {b.rel: b for b in branches}, functools.partial(_build_branch, scheme_source), "评星表", stage)
    town = branches[0].rel.split("/")[1]
    return DemoFolder(units_dir, out / SUMMARY_FILE, scheme_source, len(branches),
                      [f"演示:{town},{len(branches)}个党支部(含镇党委机关),党员{sum(len(b.members) for b in branches)}名;"
                       f"评星表在 {units_dir.resolve()}"])
