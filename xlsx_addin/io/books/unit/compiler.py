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
from functools import partial
from typing import Callable

from typing_extensions import assert_never

from xlsx_addin.contracts.names import INPUTS
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.keys import (
    adjustment_key,
    condition_part_key,
    condition_value_key,
    item_points_key,
    min_score_key,
)
from xlsx_addin.engine.scheme.parts import Condition
from xlsx_addin.engine.scheme.rules import (
    LEVEL_RULES,
    TEMPLATE_FIELDS,
    AdjustmentRule,
    BonusByLevel,
    CapLevel,
    Demote,
    LevelRule,
    PointsPerCount,
    SetLevel,
    ThresholdPoints,
)
from xlsx_addin.engine.scoring import above_level, first_condition
from xlsx_addin.model.textfmt import cn_count
from xlsx_addin.io.books.unit.formulas import (
    NONE,
    TOL,
    cat,
    choose_name,
    compare,
    lit,
    num_text,
    percent_text,
)

from xlsx_addin.io.books.unit.compiler_inputs import InputSteps
from xlsx_addin.io.books.unit.compiler_program import PENDING, REASON_SEP, SURVEY_COUNTS, Compiled, Program, Refs, gate


class UnitCompiler(InputSteps):
    """The scheme compiled step by step (InputSteps: 规则 values, inputs, scores, survey; here: conditions, reasons,
    adjustments and levels)."""

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
                found = self._path_of(sub, target, f"{path}.{kind}.{k + 1}")
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

        order = [n for n in s.form_inputs if INPUTS[n].kind != "scores"]
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
            "base": gate(unit_err, base), "bonus": gate(unit_err, bonus), "penalty": gate(unit_err, penalty),
            "final": gate(unit_err, final), "level": gate(unit_err, choose_name(level, self.names_by_rank)),
            "reasons": gate(unit_err, joined), "rectify": gate(unit_err, rectify),
        }
        if s.item_pass_share is not None:
            out["star_count"] = gate(unit_err, passed)
            names = [f'IF({u}>={self.prm("item_pass_share")}*{self.prm(item_points_key(i + 1))}-{TOL},"、"&{lit(it.label)},"")'
                     for i, (u, it) in enumerate(zip(item_used, s.items))]
            stars = self.p.add("所得星目", cat(*names))
            out["stars"] = gate(unit_err, f'IF({stars}="","无",MID({stars},2,999))')

        # XJ_PARTICIPATION(member_count, members_present)
        part_err = self.p.chain("参与率检查", [rules_err, self.err["member_count"], self.err["members_present"],
                                              f'IF(AND(ISNUMBER({self.value["member_count"]}),ISNUMBER({self.value["members_present"]}),'
                                              f'{self.value["members_present"]}>{self.value["member_count"]}),'
                                              f'"参加测评党员人数(members_present)"&{self.value["members_present"]}&"人超过党员总数"&'
                                              f'{self.value["member_count"]}&"人","")'])
        out["participation"] = gate(part_err, f'IF(ISNUMBER({full["rate"]}),{full["rate"]},"{PENDING}")')
        # XJ_SATISFACTION(survey): no member count in its scope
        sat_err = self.p.chain("满意率检查", [rules_err, self.err["members_present"], self.err["masses_present"]]
                               + votes_errs + [sat_only["error"]])
        out["satisfaction"] = gate(sat_err, f'IF({sat_only["ballots"]}=0,"{PENDING}",IF({sat_only["valid"]}=0,'
                                             f'{sat_only["problem"]},{sat_only["sat_rate"]}))')
        # XJ_SURVEY_NOTE(survey, info)
        note_err = self.p.chain("测评说明检查", [rules_err] + [self.err[n] for n in SURVEY_COUNTS] + votes_errs + [full["error"]])
        out["survey_note"] = gate(note_err, f'IF({full["ballots"]}=0,"{PENDING}",IF({full["problem"]}<>"",'
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

def compile_unit(scheme: Scheme, refs: Refs, sheet: str) -> Compiled:
    program = Program(sheet)
    results = UnitCompiler(scheme, refs, program).compile()
    return Compiled(program, results)
