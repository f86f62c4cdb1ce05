"""The unit compiler's first steps: the 规则 values, the inputs (refused and missing ones as the engine's texts),
the scores, the ballot and the survey."""
from __future__ import annotations


from xlsx_addin.engine.inputs import describe
from xlsx_addin.contracts.names import INPUTS, MASS_PREFIX
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.keys import SCHEME_KEY, VERSION_KEY, item_points_key, sub_item_points_key
from xlsx_addin.engine.scheme.overrides import parameters
from xlsx_addin.model.textfmt import num
from xlsx_addin.io.books.unit.formulas import (
    NONE,
    TOL,
    as_number,
    error_name,
    is_blank,
    lit,
    percent_text,
    quoted,
)

from xlsx_addin.io.books.unit.compiler_program import MAX_MAGNITUDE, RULES_ORIGIN, SURVEY_COUNTS, Program, Refs, ifs, number_text


class InputSteps:
    """The 规则 values, inputs, scores, votes and survey of UnitCompiler (its first part)."""

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
            base = number_text(prm.value)
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
            steps.append((f"{n}<{number_text(minimum)}", refuse(lit(low))))
            self.err[name] = self.p.add(f"{name} 检查", ifs(steps))
            default = NONE if name in SURVEY_COUNTS else "0"
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
            check = ifs(steps)
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

        check = ifs([(f"ISERROR({x})", f'{lit(d + "为 Excel 错误值 ")}&{error_name(x)}&",请先修正该单元格"'),
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
