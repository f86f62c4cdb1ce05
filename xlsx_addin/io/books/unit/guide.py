"""The 填表说明 text and the per-input rule descriptions, generated from a scheme (nothing hard-coded).

Every number is a `P` of the 规则 table (texts.py), so the workbook shows it as a formula over
the 规则 sheet and the clerk always reads the numbers in force.
"""
from __future__ import annotations

from functools import partial

from typing_extensions import assert_never

from xlsx_addin.contracts.names import DERIVED, INPUTS
from xlsx_addin.engine.scheme.rules import (
    AdjustmentRule,
    BonusByLevel,
    CapLevel,
    CapQuota,
    Demote,
    FloorQuota,
    PointsPerCount,
    SetLevel,
    ThresholdPoints,
)
from xlsx_addin.engine.scheme.parts import Condition
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.keys import (
    adjustment_key,
    condition_part_key,
    condition_value_key,
    item_points_key,
    min_score_key,
    quota_share_key,
    sub_item_points_key,
)
from xlsx_addin.model.textfmt import num
from xlsx_addin.io.books.kit.flavour import PYTHON, UNIVERSAL, Flavour
from xlsx_addin.io.books.unit.texts import P, Txt, join, parse_note, t

_OPS = {"<": "低于", "<=": "不高于", ">": "超过", ">=": "达到", "==": "为", "!=": "不为"}
_ROUNDING = {"floor": "向下取整", "ceil": "向上取整", "round": "四舍五入"}

__all__ = ["guide_sections", "level_rule_text", "num", "quota_texts", "rule_text", "rules_for_input"]


def input_label(name: str) -> str:
    if name in INPUTS:
        return INPUTS[name].label
    return DERIVED.get(name, name)


def condition_text(cond: Condition, path: str) -> Txt:
    if cond.all is not None:
        return join((condition_text(c, condition_part_key(path, "all", k)) for k, c in enumerate(cond.all)), "且")
    if cond.any is not None:
        return join((condition_text(c, condition_part_key(path, "any", k)) for k, c in enumerate(cond.any)), "或")
    simple = cond.comparison()
    value = simple.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown: Txt = (P(condition_value_key(path), "pct" if simple.input.endswith("_rate") else "num"),)
    else:
        shown = (f"“{value}”",)
    return t(input_label(simple.input), _OPS[simple.op], shown)


def _verb(points: float) -> str:
    return "加" if points >= 0 else "扣"


def rule_text(rule: AdjustmentRule, scheme: Scheme) -> Txt:
    """One adjustment in plain Chinese, with its points or its effect on the level."""
    term = scheme.level_term
    key = partial(adjustment_key, rule.id)
    match rule:
        case BonusByLevel():
            pts = join((t(w, _verb(p), P(key("points", w), "abs"), "分") for w, p in rule.points.items()), "、")
            return t(rule.label, ":", pts, ",只按最高级别计一次")
        case PointsPerCount():
            return t(rule.label, ":每次(人次)", _verb(rule.points), P(key("points"), "abs"), "分")
        case ThresholdPoints():
            when = condition_text(rule.when, key("when"))
            return t(rule.label, ":", when, "时", _verb(rule.points), P(key("points"), "abs"), "分")
        case CapLevel():
            return t(rule.label, ":", condition_text(rule.when, key("when")), "时,最高定为", P(key("max_level"), "level"))
        case SetLevel():
            return t(rule.label, ":", condition_text(rule.when, key("when")), "时,定为", P(key("level"), "level"))
        case Demote():
            cap = t(",且最高为", P(key("max_level"), "level")) if rule.max_level is not None else ()
            return t(rule.label, ":", condition_text(rule.when, key("when")), f"时,降低{rule.by}个{term}", cap)
        case _:
            assert_never(rule)


def rules_for_input(scheme: Scheme, name: str) -> list[Txt]:
    out = []
    for rule in scheme.adjustments:
        used = [getattr(rule, "input", None)] + (rule.when.inputs() if hasattr(rule, "when") else [])
        if name in used:
            out.append(rule_text(rule, scheme))
    return out


def level_rule_text(scheme: Scheme) -> list[Txt]:
    term = scheme.level_term
    if scheme.level_rule == "items_passed":
        return [t(f"每个{scheme.item_term}得分达到其分值的", P("item_pass_share", "pct"),
                  f"及以上即得该星;{term}为得星个数({scheme.levels[0].name}至{scheme.levels[-1].name})。")]
    bands: list[Txt] = []
    upper: P | None = None
    for lv in scheme.levels:
        if lv.min_score is not None:
            low = P(min_score_key(lv.rank))
            rng = t(low, "分及以上") if upper is None else t(low, "分至不足", upper, "分")
            bands.append(t(rng, "为", lv.name))
            upper = low
        else:
            bands.append(t("不足", upper, "分为", lv.name) if upper is not None else (lv.name,))
    return [t(f"按综合得分定{term}:", join(bands, ";"), "。分数段下限含本数,定级前不四舍五入。")]


def quota_texts(scheme: Scheme) -> list[Txt]:
    out: list[Txt] = []
    for q in scheme.quotas:
        if isinstance(q, CapQuota):
            names = "、".join(scheme.level_name(r) for r in q.levels)
            out.append(t(f"{q.label}:{names}不超过参评总数的", P(quota_share_key(q.id), "pct"),
                         f"({_ROUNDING[q.rounding]}),超出的按排名由低到高各降一个{scheme.level_term}。"))
        elif isinstance(q, FloorQuota):
            names = "、".join(scheme.level_name(r) for r in q.levels)
            out.append(t(f"{q.label}:{names}不少于参评总数的", P(quota_share_key(q.id), "pct"),
                         f"({_ROUNDING[q.rounding]}),不足的按排名由低到高调整为{scheme.level_name(q.target_level)}。"))
        else:
            shares = join((t(scheme.level_name(r), P(quota_share_key(q.id, r), "pct")) for r in q.shares), "、")
            out.append(t(f"{q.label}:按排名强制分布,", shares, "。"))
    if out:
        out.append(("配额在上级党组织汇总时按同一评定组(一般为同一上级党组织所属单位)统一执行,"
                    "排名先看否决和限制条件后的等次,再看综合得分、满意率、基础得分;本表显示的是配额调整前的结果。",))
    return out


FLAVOUR_UNIVERSAL = ("本表为通用版:结果由表格软件自带的公式计算,在 Excel(2010及以上)、WPS 和 LibreOffice 中打开即可自动计算,"
                     "无需安装 Python 或任何插件,也不含宏。")
FLAVOUR_PYTHON = ("本表为 Python 版(.xlsm):结果由“星级评定”公式函数计算,须在装有 Microsoft Excel、Python、xlsx-addin 和同一版本"
                  "xlwings 的电脑上打开并启用宏。若结果单元格显示 #NAME? 或“错误:本机 xlwings 版本…”,说明本机不能运行这些函数:"
                  "已填写的内容不会丢失,上级汇总时会按原始数据重新计算;如需在本机看到结果,请改用通用版“单位填报表”(.xlsx),"
                  "它在任何表格软件中都能自动计算。")


FLAVOUR_TEXT = {UNIVERSAL: FLAVOUR_UNIVERSAL, PYTHON: FLAVOUR_PYTHON}


def guide_sections(scheme: Scheme, flavour: Flavour = UNIVERSAL) -> list[tuple[str, list[Txt]]]:
    """(heading, paragraphs) of the 填表说明 sheet, with the flavour's own note."""
    term = scheme.level_term
    sv = scheme.survey
    who: list[Txt] = [(line,) for line in (
        "本表由党支部(党组织)填写,一个党组织一个文件。只能在黄色单元格中填写或选择;灰色单元格由公式自动计算,不能修改。",
        "“自评表”:填写基本情况、各项自评得分、加分减分及否决事项,由党组织书记签字;“上级审核得分”一列由上级党组织审核时填写,"
        "全部填写后按审核得分计算,未填全时按自评得分计算。",
        "“测评表”:召开党员大会(可扩大至群众代表)时打印发放,每人一张,不记名;每张票以“总体评价”一栏计票。",
        "“测评汇总表”:测评结束后当场清点,填写参加人数和各选项票数;群众代表单独计票时,另填“其中群众代表票数”。",
        f"填报时限:按上级党组织通知的时限报送本文件(评定工作一般于每年12月底前完成);{term}经公示、审批后确定。",
        "“规则”表是本地化参数(分值、分数段、加减分、配额),由县级管理员统一设置,支部不要修改;本说明和各表中的分值、"
        "比例随“规则”表自动更新。",
        FLAVOUR_TEXT[flavour],
    )]
    items: list[Txt] = []
    for i, item in enumerate(scheme.items, 1):
        line = t(f"{i}. {item.label}(", P(item_points_key(i)), "分)", f":{item.guide}" if item.guide else "")
        if item.sub_items:
            subs = join((t(s.label, "(", P(sub_item_points_key(i, j)), "分)")
                         for j, s in enumerate(item.sub_items, 1)), ";")
            line = t(line, "。细项:", subs)
        items.append(line)
    total = P("total_points") if scheme.total_points is not None else num(sum(it.points for it in scheme.items))
    how: list[Txt] = [t(f"{scheme.item_term}共{len(scheme.items)}项,满分", total, "分。",
                        "各细项达成目标得满分、未达成不得分。" if scheme.sub_item_all_or_nothing else "")]
    how += items
    how.append(("计算顺序:基础得分(各项得分之和)+加分-减分=综合得分→定" + term + "→否决和限制条件→上级汇总时执行配额。",))
    how += level_rule_text(scheme)
    adjust = [t(rule_text(r, scheme), "。") for r in scheme.adjustments]
    if not adjust:
        adjust = [("本方案没有加分、减分和否决条件,自评表不设此栏。",)]
    opts = "、".join(o.label for o in sv.options)
    sat = "+".join(o.label for o in sv.options if o.satisfied)
    survey: list[Txt] = [(f"测评选项:{opts}。满意率=({sat})票数÷有效票数;{sv.invalid_label}单独统计,不计入有效票。",),
                         ("党员和群众代表的票数可合并统计,也可单独统计群众代表票数。",)]
    if sv.min_participation is not None:
        survey.append(t("参加测评党员人数不得低于党员总数的", P("survey.min_participation", "pct"),
                        ",否则测评无效,满意率不计入评定,并在说明中注明。"))
    follow: list[Txt] = [(f"{lv.name}:{lv.follow_up}",) for lv in scheme.levels if lv.follow_up]
    follow.append(t(P("rectify_max_rank", "level"), "及以下的党组织标记为“需整改”,建立整改台账(问题、整改措施、责任人、时限),逐项销号。"))
    sections: list[tuple[str, list[Txt]]] = [
        ("一、谁填写、何时填写", who),
        (f"二、计分和定{term}方法", how),
        ("三、加分、减分和否决条件", adjust),
        ("四、党员群众测评", survey),
    ]
    quotas = quota_texts(scheme)
    if quotas:
        sections.append(("五、比例控制(配额)", quotas))
    sections.append((f"{'六' if quotas else '五'}、评定后的{'晋位争星' if term == '星级' else '分类管理'}", follow))
    if scheme.notes:
        sections.append((f"{'七' if quotas else '六'}、本方案的说明", [parse_note(n) for n in scheme.notes]))
    return sections
