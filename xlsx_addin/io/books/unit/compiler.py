"""The scheme compiled into native spreadsheet formulas: the universal workbook's live results.

One compiler for every rule kind. It walks the same scheme data the engine (inputs.normalise,
survey.survey, scoring.score_unit) walks, in the same order, and writes each step as one small
formula in a hidden 计算 sheet; the result cells read the last steps. Every number comes from
the 规则 sheet's 值 cells (a blank 值 keeps the built value, as apply_overrides does), so a
locality's edit there changes results and texts at once. Refused and missing inputs give the
engine's own `错误:…` / `待填写` texts. tests/test_universal_workbook.py recalculates filled
workbooks in LibreOffice and compares every result with score_unit.

Values the engine holds as None are '' here; "no error" is ''; a missing required input is
the text 待填写 in an error chain.
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

from typing_extensions import assert_never

from xlsx_addin.engine.inputs import describe
from xlsx_addin.contracts.names import INPUTS, MASS_PREFIX
from xlsx_addin.engine.scheme.rules import LEVEL_RULES, TEMPLATE_FIELDS, AdjustmentRule, BonusByLevel, CapLevel, Demote, LevelRule, PointsPerCount, SetLevel, ThresholdPoints
from xlsx_addin.engine.scheme.parts import Condition
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.overrides import (
    SCHEME_KEY,
    VERSION_KEY,
    adjustment_key,
    condition_part_key,
    condition_value_key,
    item_points_key,
    min_score_key,
    parameters,
    sub_item_points_key,
)
from xlsx_addin.engine.scoring import above_level, first_condition
from xlsx_addin.model.textfmt import cn_count, num
from xlsx_addin.io.books.unit.formulas import (
    NONE,
    TOL,
    as_number,
    cat,
    choose_name,
    compare,
    error_name,
    is_blank,
    lit,
    num_text,
    percent_text,
    quoted,
)

PENDING = "待填写"
ERROR = "错误:"
REASON_SEP = "；"
RULES_ORIGIN = "规则表"
MAX_MAGNITUDE = "10000000"  # inputs.MAX_MAGNITUDE (the formulas package reads no 1E7)
_SURVEY_COUNTS = ("member_count", "members_present", "masses_present")


@dataclass
class Refs:
    """Where the compiled formulas find things: defined names or absolute cell references."""

    inputs: dict[str, str]  # names-contract input (and ballot) → its cell
    scores: dict[str, list[str]]  # item_scores / item_scores_reviewed → one cell per slot
    params: dict[str, str]  # 规则 key → its 值 cell


@dataclass
class Program:
    """The 计算 sheet: rows of (label, formula); each row's value is referenced as a cell."""

    sheet: str
    first_row: int = 1  # 0-based row of the first step (row 0 is the header)
    rows: list[tuple[str, str]] = field(default_factory=list)

    def add(self, label: str, formula: str) -> str:
        self.rows.append((label, formula))
        return f"'{self.sheet}'!$B${self.first_row + len(self.rows)}"

    def chain(self, label: str, errors: list[str]) -> str:
        """The first non-empty error of a list, as a running chain of cells (no deep nesting)."""
        ref = NONE
        for i in range(0, len(errors), 8):
            parts = ([ref] if ref != NONE else []) + errors[i:i + 8]
            ref = self.add(label, _first(parts))
        return ref


def _ifs(steps: list[tuple[str, str]], otherwise: str = '""') -> str:
    """IF(c1,v1,IF(c2,v2,…,otherwise)): the first condition that holds gives the value."""
    out = otherwise
    for cond, value in reversed(steps):
        out = f"IF({cond},{value},{out})"
    return out


def _first(items: list[str]) -> str:
    out = items[-1]
    for expr in reversed(items[:-1]):
        out = f'IF({expr}<>"",{expr},{out})'
    return out


@dataclass
class Compiled:
    program: Program
    results: dict[str, str]  # result key → formula (without '=')


def _message(err: str) -> str:
    """cell_args.cell_message: 待填写 as it is, every other refusal prefixed 错误:."""
    return f'IF({err}="{PENDING}","{PENDING}","{ERROR}"&{err})'


def _gate(err: str, value: str) -> str:
    return f'IF({err}<>"",{_message(err)},{value})'


class UnitCompiler:
    def __init__(self, scheme: Scheme, refs: Refs, program: Program):
        self.s = scheme
        self.refs = refs
        self.p = program
        self.param: dict[str, str] = {}  # key → effective value cell
        self.value: dict[str, str] = {}  # ctx name → value cell ('' = None)
        self.err: dict[str, str] = {}  # input → error text cell

    # --- 规则 values ------------------------------------------------------------------------
    def compile_params(self) -> str:
        errors = []
        for prm in parameters(self.s):
            if prm.key in (SCHEME_KEY, VERSION_KEY):
                continue
            c = self.refs.params[prm.key]
            who = f"{RULES_ORIGIN}参数 {prm.key}({prm.label})的值“"
            if isinstance(prm.value, str):
                self.param[prm.key] = self.p.add(f"参数 {prm.key}", f'IF({is_blank(c)},{lit(prm.value)},TRIM({c}&""))')
                continue
            n = self.p.add(f"参数 {prm.key} 数值", as_number(c))
            base = _number(prm.value)
            self.param[prm.key] = self.p.add(f"参数 {prm.key}", f'IF({is_blank(c)},{base},IF(ISNUMBER({n}),{n},{base}))')
            integer = isinstance(prm.value, int) and prm.key.endswith(("rank", "level", "max_level"))
            check = (f'IF(ISERROR({c}),{lit(who)}&{error_name(c)}&"”不是数字",IF({is_blank(c)},"",'
                     f'IF(NOT(ISNUMBER({n})),{lit(who)}&{c}&"”不是数字",'
                     + (f'IF(ABS({n}-ROUND({n},0))>0,{lit(who)}&{c}&"”须为整数","")' if integer else '""') + ")))")
            errors.append(self.p.add(f"参数 {prm.key} 检查", check))
        return self.p.chain("规则表检查", errors)

    def prm(self, key: str) -> str:
        return self.param[key]

    # --- inputs (inputs.normalise, in its order) ---------------------------------------------
    def compile_input(self, name: str) -> None:
        spec = INPUTS[name]
        x = self.refs.inputs[name]
        d = describe(name, self.s)
        excel = f'{lit(d + "为 Excel 错误值 ")}&{error_name(x)}&",请先修正该单元格"'
        blank = self.p.add(f"{name} 为空", is_blank(x))

        def refuse(why_expr: str) -> str:
            return f'{lit(d + "的值“")}&{quoted(x)}&"”"&{why_expr}'

        if spec.kind == "text":
            self.err[name] = self.p.add(f"{name} 检查", f'IF(ISERROR({x}),{excel},"")')
            self.value[name] = self.p.add(name, f'IF({blank},"",TRIM({x}&""))')
            return
        if spec.kind in ("count", "number"):
            n = self.p.add(f"{name} 数值", as_number(x))
            minimum = spec.minimum or 0
            low = "不能为负数" if minimum == 0 else f"须不小于{num(minimum)}"
            steps = [(f"ISERROR({x})", excel), (blank, '""'), (f"NOT(ISNUMBER({n}))", refuse(lit("不是数字"))),
                     (f"ABS({n})>{MAX_MAGNITUDE}", refuse(lit("数值过大,请核对")))]
            if spec.kind == "count":
                steps.append((f"ABS({n}-ROUND({n},0))>{TOL}", refuse(lit("须为整数"))))
            steps.append((f"{n}<{_number(minimum)}", refuse(lit(low))))
            self.err[name] = self.p.add(f"{name} 检查", _ifs(steps))
            default = NONE if name in _SURVEY_COUNTS else "0"
            clean = f"ROUND({n},0)" if spec.kind == "count" else n
            self.value[name] = self.p.add(name, f'IF({blank},{default},IF(ISNUMBER({n}),{clean},0))')
            return
        if spec.kind == "yesno":
            words = self.s.choices.get("yes_no", ["是", "否"])
            t = f'TRIM({x}&"")'
            ok = "OR(" + ",".join(f"{t}={lit(w)}" for w in words) + ")"
            self.err[name] = self.p.add(f"{name} 检查", f'IF(ISERROR({x}),{excel},IF(OR({blank},ISLOGICAL({x})),"",'
                                                         f'IF({ok},"",{refuse(lit("不是可选项,应为:" + "/".join(words)))})))')
            self.value[name] = self.p.add(name, f'IF(ISERROR({x}),"",IF({blank},"否",IF(ISLOGICAL({x}),IF({x},"是","否"),{t})))')
            return
        if spec.kind == "choice":
            words = self.s.choices.get(spec.choices or "", [])
            t = f'TRIM({x}&"")'
            if words:
                ok = "OR(" + ",".join(f"{t}={lit(w)}" for w in words) + ")"
                check = f'IF(ISERROR({x}),{excel},IF({blank},"",IF({ok},"",{refuse(lit("不是可选项,应为:" + "/".join(words)))})))'
            else:
                check = f'IF(ISERROR({x}),{excel},"")'
            self.err[name] = self.p.add(f"{name} 检查", check)
            self.value[name] = self.p.add(name, f'IF(ISERROR({x}),"",IF({blank},"无",{t}))')
            return
        if spec.kind == "level":
            names = [lv.name for lv in self.s.levels]
            ranks = [lv.rank for lv in self.s.levels]
            t = f'TRIM({x}&"")'
            by_name = "OR(" + ",".join(f"{t}={lit(n)}" for n in names) + ")"
            by_rank = "OR(" + ",".join(f"{x}={r}" for r in ranks) + ")"
            why = lit(f"不是本方案的{self.s.level_term}名称,应为:{'/'.join(names)}")
            check = (f'IF(ISERROR({x}),{excel},IF({blank},"",IF(AND(ISNUMBER({x}),{by_rank}),"",'
                     f'IF(AND(NOT(ISNUMBER({x})),{by_name}),"",{refuse(why)}))))')
            self.err[name] = self.p.add(f"{name} 检查", check)
            return
        raise AssertionError(spec.kind)

    # --- item scores (inputs.item_score_list) ------------------------------------------------------
    def slots(self) -> list[tuple[str, str, int]]:
        """(where, points key, item index) per score cell, as the template lays them out."""
        if self.s.sub_item_count:
            return [(f"第{i + 1}.{j + 1}项“{sub.label}”", sub_item_points_key(i + 1, j + 1), i)
                    for i, it in enumerate(self.s.items) for j, sub in enumerate(it.sub_items)]
        return [(f"第{i + 1}项“{it.label}”", item_points_key(i + 1), i) for i, it in enumerate(self.s.items)]

    def compile_scores(self, name: str) -> tuple[str, str, list[str]]:
        """(any-blank cell, first-error cell, per-slot number cells) of one score column."""
        label = f"{INPUTS[name].label}({name})"
        blanks, errors, numbers = [], [], []
        aon = self.s.sub_item_all_or_nothing and self.s.sub_item_count > 0
        for k, ((where, key, _), c) in enumerate(zip(self.slots(), self.refs.scores[name])):
            head = f"{label}:{where}"
            n = self.p.add(f"{name}[{k + 1}] 数值", as_number(c))
            pts = self.prm(key)
            shown_n = f"{n}&\"\""
            steps = [(f"ISERROR({c})", f'{lit(head + "为 Excel 错误值 ")}&{error_name(c)}&",请先修正该单元格"'),
                     (f"NOT(ISNUMBER({n}))", f'{lit(head + "的值“")}&{quoted(c)}&"”不是数字"'),
                     (f"{n}<0", f'{lit(head + "得分")}&{shown_n}&"不能为负数"'),
                     (f"{n}>{pts}+{TOL}", f'{lit(head + "得分")}&{shown_n}&"超过标准分值"&{pts}')]
            if aon:
                steps.append((f"AND({n}>0,{n}<{pts}-{TOL})",
                              f'{lit(head + "得分")}&{shown_n}&"无效,该标准达成得"&{pts}&"分、不达成得0分"'))
            check = _ifs(steps)
            errors.append(self.p.add(f"{name}[{k + 1}] 检查", check))
            blanks.append(is_blank(c))
            numbers.append(n)
        any_blank = self.p.add(f"{name} 有空格", "OR(" + ",".join(blanks) + ")")
        first_error = self.p.chain(f"{name} 首个错误", errors)
        return any_blank, first_error, numbers

    # --- ballots and the survey (inputs.ballots, survey.survey) ---------------------------
    def compile_votes(self) -> tuple[list[str], str]:
        """Errors of the ballot counts in the engine's order, and the any-mass-vote cell."""
        errs = []
        for v in self.s.vote_inputs:
            errs.append(self._vote(v))
        mass_blank = [self.p.add(f"{MASS_PREFIX}{v} 为空", is_blank(self.refs.inputs[MASS_PREFIX + v]))
                      for v in self.s.vote_inputs]
        any_mass = self.p.add("填写了群众票数", "NOT(AND(" + ",".join(mass_blank) + "))")
        mass_errs = [self._vote(MASS_PREFIX + v) for v in self.s.vote_inputs]
        over = []
        for v in self.s.vote_inputs:
            m, t = self.value[MASS_PREFIX + v], self.value[v]
            d = describe(MASS_PREFIX + v, self.s)
            over.append(f'IF({m}>{t},{lit(d + "的值“")}&{m}&"”超过该选项总票数"&{t}&"(总票数含党员和群众)","")')
        mass_chain = self.p.chain("群众票数检查", mass_errs + over)
        errs.append(self.p.add("群众票数检查(仅当填写)", f'IF({any_mass},{mass_chain},"")'))
        return errs, any_mass

    def _vote(self, name: str) -> str:
        x = self.refs.inputs[name]
        d = describe(name, self.s)
        blank = is_blank(x)
        n = self.p.add(f"{name} 数值", as_number(x))

        def refuse(why: str) -> str:
            return f'{lit(d + "的值“")}&{quoted(x)}&{lit("”" + why)}'

        check = _ifs([(f"ISERROR({x})", f'{lit(d + "为 Excel 错误值 ")}&{error_name(x)}&",请先修正该单元格"'),
                      (blank, '""'), (f"NOT(ISNUMBER({n}))", refuse("不是数字")),
                      (f"ABS({n})>{MAX_MAGNITUDE}", refuse("数值过大,请核对")),
                      (f"ABS({n}-ROUND({n},0))>{TOL}", refuse("须为整数")), (f"{n}<0", refuse("不能为负数"))])
        self.value[name] = self.p.add(name, f'IF(ISNUMBER({n}),ROUND({n},0),0)')
        return self.p.add(f"{name} 检查", check)

    def compile_survey(self, any_mass: str, with_member_count: bool, tag: str) -> dict[str, str]:
        """survey.survey: the checks (an error cell) and the results, for one scope.

        with_member_count=False is XJ_SATISFACTION's scope: the member count is not passed."""
        sv = self.s.survey
        v = self.value
        opt = [o.input for o in sv.options]
        sat = "+".join(v[o.input] for o in sv.options if o.satisfied) or "0"
        valid = "+".join(v[i] for i in opt)
        out: dict[str, str] = {}
        out["satisfied"] = self.p.add(f"{tag}满意票", sat)
        out["valid"] = self.p.add(f"{tag}有效票", valid)
        out["invalid"] = v[sv.invalid_input]
        out["ballots"] = self.p.add(f"{tag}总票数", f"{out['valid']}+{out['invalid']}")
        m_ballots = self.p.add(f"{tag}群众票数", "+".join(v[MASS_PREFIX + i] for i in self.s.vote_inputs))
        mem_ballots = self.p.add(f"{tag}党员票数", f"{out['ballots']}-{m_ballots}")
        mc = v["member_count"] if with_member_count else NONE
        mp, ms = v["members_present"], v["masses_present"]
        has_mc = f"ISNUMBER({mc})" if with_member_count else "FALSE"
        rate = self.p.add(f"{tag}参与率", f'IF(AND({has_mc},ISNUMBER({mp})),{mp}/{mc},"")') if with_member_count else NONE
        out["rate"] = rate
        checks = []
        if with_member_count:
            checks.append(f'IF(AND({has_mc},ISNUMBER({mp})),IF({mp}>{mc},"参加测评党员人数(members_present)"&{mp}&"人超过党员总数"&{mc}&"人",""),"")')
        present = f'(IF(ISNUMBER({mp}),{mp},0)+IF(ISNUMBER({ms}),{ms},0))'
        given = f"OR(ISNUMBER({mp}),ISNUMBER({ms}))"
        checks.append(f'IF(AND({given},{out["ballots"]}>{present}),"测评票数合计"&{out["ballots"]}&"张(含无效票"&{out["invalid"]}'
                      f'&"张),超过参加测评人数"&{present}&"人","")')
        checks.append(f'IF(AND({given},{any_mass},ISNUMBER({mp})),IF({mem_ballots}>{mp},"党员测评票数"&{mem_ballots}'
                      f'&"张超过参加测评党员人数"&{mp}&"人",""),"")')
        checks.append(f'IF(AND({given},{any_mass},ISNUMBER({ms})),IF({m_ballots}>{ms},"群众测评票数"&{m_ballots}'
                      f'&"张超过参加测评群众人数"&{ms}&"人",""),"")')
        out["error"] = self.p.chain(f"{tag}测评检查", [self.p.add(f"{tag}测评检查{i + 1}", c) for i, c in enumerate(checks)])
        minimum = self.param.get("survey.min_participation") if sv.min_participation is not None else None
        problem = f'IF({out["ballots"]}=0,"",IF({out["valid"]}=0,"测评票"&{out["ballots"]}&"张全部无效,无法计算满意率",'
        if minimum is not None:
            problem += (f'IF(NOT(ISNUMBER({rate})),"",IF({rate}<{minimum}-1E-12,"测评参与率"&{percent_text(rate)}&"低于"&'
                        f'{percent_text(minimum)}&",测评无效,满意率不计入评定","")))) ')
        else:
            problem += '""))'
        out["problem"] = self.p.add(f"{tag}测评无效原因", problem.strip())
        caveat = '""'
        if minimum is not None:
            caveat = (f'IF(AND({out["ballots"]}>0,{out["valid"]}>0,NOT(ISNUMBER({rate}))),'
                      '"未填写党员总数或参加测评党员人数,无法核验测评参与率,满意率照常计入评定","")')
        out["caveat"] = self.p.add(f"{tag}测评提示", caveat)
        out["sat_rate"] = self.p.add(f"{tag}满意率", f'IF({out["valid"]}>0,{out["satisfied"]}/{out["valid"]},"")')
        out["rule_rate"] = self.p.add(f"{tag}计入评定的满意率",
                                      f'IF(AND({out["valid"]}>0,{out["problem"]}=""),{out["sat_rate"]},"")')
        return out

    # --- conditions and rules (scoring) ----------------------------------------------------
    def holds(self, cond: Condition, path: str) -> str:
        if cond.all is not None:
            return "AND(" + ",".join(self.holds(c, condition_part_key(path, "all", k)) for k, c in enumerate(cond.all)) + ")"
        if cond.any is not None:
            return "OR(" + ",".join(self.holds(c, condition_part_key(path, "any", k)) for k, c in enumerate(cond.any)) + ")"
        simple = cond.comparison()
        x = self.value[simple.input]
        target = self.prm(condition_value_key(path))
        spec = INPUTS.get(simple.input)
        if isinstance(simple.value, str) or spec and spec.kind in ("yesno", "choice", "text"):
            eq = f'{x}&""={target}&""'
            return f'AND({x}<>"",{eq})' if simple.op == "==" else f'AND({x}<>"",NOT({eq}))'
        return f"AND(ISNUMBER({x}),{compare(simple.op, x, target)})"

    def value_text(self, name: str, expr: str) -> str:
        """adjust.value_text for a ctx value or a condition threshold."""
        if name.endswith("_rate"):
            return percent_text(expr)
        spec = INPUTS.get(name)
        if spec is not None and spec.kind == "number":
            return num_text(expr)
        return f'{expr}&""'

    def reason(self, rule, fields: dict[str, str]) -> str:
        """The rule's reason template as a formula: literals and field expressions joined."""
        values: dict[str, str] = {k: '""' for k in TEMPLATE_FIELDS}
        values["label"] = lit(rule.label)
        when = getattr(rule, "when", None)
        if when is not None:
            first = first_condition(when)
            values["threshold"] = self.value_text(first.comparison().input, self.prm(condition_value_key(self._path_of(when, first, adjustment_key(rule.id, "when")))))
        max_level = getattr(rule, "max_level", None)
        if max_level is not None:
            values["max_level"] = choose_name(self.prm(adjustment_key(rule.id, "max_level")), self.names_by_rank)
            values["above_max"] = self.above_formula(self.prm(adjustment_key(rule.id, "max_level")))
        if getattr(rule, "by", None) is not None:
            values["by"] = lit(cn_count(rule.by))
        values.update(fields)
        parts = []
        for literal, fname, _, _ in string.Formatter().parse(rule.reason):
            if literal:
                parts.append(lit(literal))
            if fname is not None:
                parts.append(f"({values[fname]})")
        return cat(*parts)

    def _path_of(self, cond: Condition, target: Condition, path: str) -> str:
        if cond is target:
            return path
        for kind in ("all", "any"):
            for k, sub in enumerate(getattr(cond, kind) or []):
                found = self._path_of(sub, target, condition_part_key(path, kind, k))
                if found:
                    return found
        return ""

    @property
    def names_by_rank(self) -> list[str]:
        return [self.s.level_name(r) for r in range(len(self.s.levels))]

    def above_formula(self, rank: str) -> str:
        """scoring.above_level for a rank held in a cell."""
        top = self.s.top_rank
        options = [lit(above_level(self.s, r)) for r in range(top + 1)]
        return f"CHOOSE({rank}+1,{','.join(options)})"

    # --- the whole unit ----------------------------------------------------------------------
    def compile(self) -> dict[str, str]:
        s = self.s
        ranks = sorted(lv.rank for lv in s.levels)
        if ranks != list(range(len(ranks))):
            raise ValueError(f"{s.id}: level ranks must be 0..n for the formula compiler")
        rules_err = self.compile_params()

        order = [n for n, spec in INPUTS.items() if spec.kind != "scores"]
        for name in order:
            self.compile_input(name)
        votes_errs, any_mass = self.compile_votes()
        org_pending = self.p.add("党组织名称未填", f'IF({self.value["org_name"]}="","{PENDING}","")')
        self_blank, self_err, self_n = self.compile_scores("item_scores")
        rev_blank, rev_err, rev_n = self.compile_scores("item_scores_reviewed")
        reviewed = self.p.add("采用审核得分", f"NOT({rev_blank})")
        full = self.compile_survey(any_mass, True, "")
        sat_only = self.compile_survey(any_mass, False, "满意率函数:")

        unit_chain = ([rules_err] + [self.err[n] for n in order] + [org_pending]
                      + [f'IF({self_blank},"{PENDING}",{self_err})', f'IF({reviewed},{rev_err},"")']
                      + votes_errs + [full["error"]])
        unit_err = self.p.chain("单位输入检查", unit_chain)

        # scores per item
        slots = self.slots()
        item_used = []
        for i, it in enumerate(s.items):
            cells = [k for k, (_, _, idx) in enumerate(slots) if idx == i]
            self_sum = "+".join(self_n[k] for k in cells)
            rev_sum = "+".join(rev_n[k] for k in cells)
            item_used.append(self.p.add(f"第{i + 1}项得分", f"IF({reviewed},{rev_sum},{self_sum})"))
        base = self.p.add("基础得分", f"ROUND({'+'.join(item_used)},9)")
        self_total = self.p.add("自评得分合计", f"ROUND({'+'.join(self_n)},9)")
        reasons: list[str] = [f'IF(AND({full["problem"]}<>"",{full["ballots"]}>0),{full["problem"]},"")',
                              f'IF(AND({reviewed},ABS({base}-{self_total})>{TOL}),"采用上级审核得分"&{num_text(base)}'
                              f'&"分(自评"&{num_text(self_total)}&"分)","")']
        self.value.update(base_score=base, participation_rate=full["rate"], satisfaction_rate=full["rule_rate"])
        for v in s.vote_inputs:
            pass  # ballot counts are already in self.value under their own names
        passed = NONE
        if s.item_pass_share is not None:
            share = self.prm("item_pass_share")
            flags = [f"IF({u}>={share}*{self.prm(item_points_key(i + 1))}-{TOL},1,0)" for i, u in enumerate(item_used)]
            passed = self.p.add("达标项数", "+".join(flags))
        self.value["items_passed"] = passed

        bonus_parts, penalty_parts = [], []
        for rule in s.adjustments:
            scored = self._score_rule(rule)
            if scored is None:
                continue
            delta, score_fields = scored
            d = self.p.add(f"规则 {rule.id} 分值", delta)
            bonus_parts.append(f"MAX({d},0)")
            penalty_parts.append(f"MAX(-{d},0)")
            reasons.append(self.p.add(f"规则 {rule.id} 说明", f'IF({d}<>0,{self.reason(rule, score_fields(d))},"")'))
        bonus = self.p.add("加分", f"ROUND({'+'.join(bonus_parts) or '0'},9)")
        penalty = self.p.add("减分", f"ROUND({'+'.join(penalty_parts) or '0'},9)")
        final = self.p.add("综合得分", f"ROUND({base}+{bonus}-{penalty},9)")
        self.value["final_score"] = final

        if s.level_rule == "items_passed":
            level = self.p.add("按得星数定级", passed)
        else:
            band = str(s.bottom_rank)
            for lv in reversed(s.levels):
                if lv.min_score is not None:
                    band = f"IF({final}>={self.prm(min_score_key(lv.rank))}-{TOL},{lv.rank},{band})"
            level = self.p.add("按分数段定级", band)
        for rule in s.adjustments:
            if not isinstance(rule, LEVEL_RULES):
                continue
            holds = self.p.add(f"规则 {rule.id} 条件", self.holds(rule.when, adjustment_key(rule.id, "when")))
            new = self.p.add(f"规则 {rule.id} 调整后", f"IF({holds},{self._level_after(rule, level)},{level})")
            first = first_condition(rule.when).comparison()
            value = self.value_text(first.input, self.value[first.input])
            fields = {"value": value, "count": value, "level": choose_name(new, self.names_by_rank),
                      "from_level": choose_name(level, self.names_by_rank), "to_level": choose_name(new, self.names_by_rank)}
            reasons.append(self.p.add(f"规则 {rule.id} 说明", f'IF({new}<>{level},{self.reason(rule, fields)},"")'))
            level = new
        joined = NONE
        for r in reasons:  # one cell per step: each refers to the running text once per branch
            r = r if r.startswith("'") else self.p.add("说明(一条)", r)
            joined = self.p.add("说明(累计)", f'IF({r}="",{joined},IF({joined}="",{r},{joined}&"{REASON_SEP}"&{r}))')
        rectify = f'IF({level}<={self.prm("rectify_max_rank")},"是","否")'

        out = {
            "base": _gate(unit_err, base), "bonus": _gate(unit_err, bonus), "penalty": _gate(unit_err, penalty),
            "final": _gate(unit_err, final), "level": _gate(unit_err, choose_name(level, self.names_by_rank)),
            "reasons": _gate(unit_err, joined), "rectify": _gate(unit_err, rectify),
        }
        if s.item_pass_share is not None:
            out["star_count"] = _gate(unit_err, passed)
            names = [f'IF({u}>={self.prm("item_pass_share")}*{self.prm(item_points_key(i + 1))}-{TOL},"、"&{lit(it.label)},"")'
                     for i, (u, it) in enumerate(zip(item_used, s.items))]
            stars = self.p.add("所得星目", cat(*names))
            out["stars"] = _gate(unit_err, f'IF({stars}="","无",MID({stars},2,999))')

        # XJ_PARTICIPATION(member_count, members_present)
        part_err = self.p.chain("参与率检查", [rules_err, self.err["member_count"], self.err["members_present"],
                                              f'IF(AND(ISNUMBER({self.value["member_count"]}),ISNUMBER({self.value["members_present"]}),'
                                              f'{self.value["members_present"]}>{self.value["member_count"]}),'
                                              f'"参加测评党员人数(members_present)"&{self.value["members_present"]}&"人超过党员总数"&'
                                              f'{self.value["member_count"]}&"人","")'])
        out["participation"] = _gate(part_err, f'IF(ISNUMBER({full["rate"]}),{full["rate"]},"{PENDING}")')
        # XJ_SATISFACTION(survey): no member count in its scope
        sat_err = self.p.chain("满意率检查", [rules_err, self.err["members_present"], self.err["masses_present"]]
                               + votes_errs + [sat_only["error"]])
        out["satisfaction"] = _gate(sat_err, f'IF({sat_only["ballots"]}=0,"{PENDING}",IF({sat_only["valid"]}=0,'
                                             f'{sat_only["problem"]},{sat_only["sat_rate"]}))')
        # XJ_SURVEY_NOTE(survey, info)
        note_err = self.p.chain("测评说明检查", [rules_err] + [self.err[n] for n in _SURVEY_COUNTS] + votes_errs + [full["error"]])
        out["survey_note"] = _gate(note_err, f'IF({full["ballots"]}=0,"{PENDING}",IF({full["problem"]}<>"",'
                                             f'{full["problem"]},{full["caveat"]}))')
        return out

    def _score_rule(self, rule: AdjustmentRule) -> tuple[str, Callable[[str], dict[str, str]]] | None:
        """(delta formula, fields(delta_cell) → reason fields) of a score rule; None for level rules."""
        key = partial(adjustment_key, rule.id)
        match rule:
            case BonusByLevel():
                word = self.value[rule.input]
                pts = {w: self.prm(key("points", w)) for w in rule.points}
                best = "MAX(" + ",".join(f"IF({word}={lit(w)},{p},0)" for w, p in pts.items()) + ",0)" if pts else "0"
                return best, lambda d: {"word": word, "points": num_text(f"ABS({d})")}
            case PointsPerCount():
                count = self.value[rule.input]
                p = self.prm(key("points"))
                return (f"{p}*{count}", lambda d: {"count": f'{count}&""', "value": num_text(f"ABS({p})"),
                                                   "points": num_text(f"ABS({d})")})
            case ThresholdPoints():
                holds = self.p.add(f"规则 {rule.id} 条件", self.holds(rule.when, key("when")))
                p = self.prm(key("points"))
                first = first_condition(rule.when).comparison()
                value = self.value_text(first.input, self.value[first.input])
                return (f"IF({holds},{p},0)", lambda d: {"value": value, "count": value,
                                                         "points": num_text(f"ABS({p})")})
            case CapLevel() | SetLevel() | Demote():
                return None
            case _:
                assert_never(rule)

    def _level_after(self, rule: LevelRule, level: str) -> str:
        key = partial(adjustment_key, rule.id)
        match rule:
            case CapLevel():
                return f"MIN({level},{self.prm(key('max_level'))})"
            case SetLevel():
                return self.prm(key("level"))
            case Demote():
                new = f"MAX({level}-{rule.by},{self.s.bottom_rank})"
                return new if rule.max_level is None else f"MIN({new},{self.prm(key('max_level'))})"
            case _:
                assert_never(rule)


def _number(x) -> str:
    return num(x)


def compile_unit(scheme: Scheme, refs: Refs, sheet: str) -> Compiled:
    program = Program(sheet)
    results = UnitCompiler(scheme, refs, program).compile()
    return Compiled(program, results)
