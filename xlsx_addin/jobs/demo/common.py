"""What every demo shares: county, town and branch names, random picks, the folder a demo hands on."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable


# --- name material -----------------------------------------------------------------------------
COUNTIES = ["清源县", "安平县", "永宁县", "青川县", "临泽县", "新河县", "丰宁县", "宁远县", "长乐县", "东明县"]

PLACE_1 = list("东西南北大小新老青白石黄金龙凤马平安清柳杨李王张刘陈高双三五杏桃梨枣柏松兴永丰和")

PLACE_2 = list("山河庄桥店集沟坪营湾口寨岭林泉堡屯岗湖塘坡洼滩峪头园铺关台")

VILLAGE_2 = list("庄村洼屯岗沟寨湾坡岭塘集店营堡园峪铺")


COMMUNITY = ["幸福", "和平", "建设", "光明", "育才", "朝阳", "东风", "文化", "团结", "人民", "滨河", "金桥",
              "锦绣", "阳光", "振兴", "富民", "康乐", "迎宾", "花园", "紫荆"]


OFFICES = ["党政办", "财政所", "农业农村服务中心", "便民服务中心", "综合执法队", "司法所", "卫生院",
            "社会事务办", "经济发展办", "退役军人服务站", "文化站", "自然资源所"]

SCHOOLS = ["中心小学", "初级中学", "中心幼儿园", "第二小学", "职业技术学校"]


FIRMS_1 = ["宏达", "鑫源", "华信", "恒泰", "瑞丰", "金鼎", "盛世", "永兴", "天成", "绿源", "鼎盛",
            "众诚", "隆基", "新远", "博雅", "长青", "汇通", "泰和", "润泽"]

FIRMS_2 = ["建材", "农业科技", "食品", "机械制造", "纺织", "物流", "电子", "新能源", "农牧", "商贸"]


def place(rng: random.Random, taken: set[str], second: list[str] = PLACE_2) -> str:
    for _ in range(1000):
        name = rng.choice(PLACE_1) + rng.choice(second)
        if name not in taken and name[0] != name[1]:
            taken.add(name)
            return name
    i = len(taken)  # pools exhausted (huge counties): still unique, still Chinese
    while True:
        i += 1
        name = rng.choice(PLACE_1) + rng.choice(second) + "一二三四五六七八九"[i % 9]
        if name not in taken:
            taken.add(name)
            return name


def branch_name(rng: random.Random, kind: str, town: str, taken: set[str], used: set[str]) -> str:
    short = town.removesuffix("街道").removesuffix("镇").removesuffix("乡")
    for _ in range(200):
        if kind == "village":
            name = f"{place(rng, taken, VILLAGE_2)}村党支部"
        elif kind == "community":
            name = f"{rng.choice(COMMUNITY + [place(rng, taken)])}社区党支部"
        elif kind == "organ":
            name = f"{town}{rng.choice(OFFICES)}党支部"
        elif kind == "school":
            name = f"{short}{rng.choice(SCHOOLS)}党支部"
        elif kind == "outlet":
            name = f"{short}{rng.choice(['营业厅', '客户服务中心', '网格服务站'])}{rng.choice('一二三四五')}部党支部"
        else:
            name = f"{rng.choice(FIRMS_1)}{rng.choice(FIRMS_2)}有限公司党支部"
        if name not in used:
            used.add(name)
            return name
    n = 2
    while f"{name[:-3]}第{n}党支部" in used:
        n += 1
    used.add(f"{name[:-3]}第{n}党支部")
    return f"{name[:-3]}第{n}党支部"


# --- values ------------------------------------------------------------------------------------
def clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def pick(rng: random.Random, table: Iterable[tuple[Any, float]]) -> Any:
    table = list(table)
    x = rng.random() * sum(w for _, w in table)
    for value, w in table:
        x -= w
        if x < 0:
            return value
    return table[-1][0]


@dataclass(frozen=True)
class DemoFolder:
    """A demo's folder of filled workbooks, ready for the consolidation the shell runs on it."""
    units_dir: Path  # the workbooks to consolidate
    out_file: Path  # where the demo's summary goes
    scheme_source: str
    count: int  # workbooks made
    lines: list[str] = field(default_factory=list)  # what the demo made, said first
