"""The 评星表's 规则 sheet and the formula pieces that read it (thresholds, record stars, caps, level names)."""
from __future__ import annotations

from xlsx_addin.engine.scheme.double_ten_models import VoteShareRule
from xlsx_addin.engine.scheme.rules import CapLevel

import string
from typing import Mapping

from xlsx_addin.model.errors import RatingError
from xlsx_addin.engine.inputs import QUOTE_LIMIT, describe
from xlsx_addin.contracts.names import INPUTS
from xlsx_addin.engine.scheme import Scheme, parameters
from xlsx_addin.engine.scheme.keys import adjustment_key, condition_value_key, star_rule_key
from xlsx_addin.contracts.double_ten_book import (
    SHEET_RULES,
)
from xlsx_addin.io.books.double_ten.layout import (
    BookParts,
    excel_quoted,
)
from xlsx_addin.io.books.kit.page import abs_ref, page_setup
from xlsx_addin.io.books.kit.text import text_height


def template_formula(template: str, fields: Mapping[str, str]) -> str:
    """A reason template compiled to an Excel text expression: literals quoted, {field} → its expression."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(excel_quoted(literal))
        if name is not None:
            parts.append(f"({fields.get(name, excel_quoted(''))})")
    return "&".join(parts) or '""'


def pct_formula(part: str, whole: str) -> str:
    """share_text() as a formula: to 0.1 %, halves up, no trailing .0 (90%, 90.1%)."""
    t = f"ROUND({part}*1000/{whole},0)"
    return f'IF(MOD({t},10)=0,TEXT({t}/10,"0"),TEXT({t}/10,"0.0"))&"%"'


def shown_q(x: str) -> str:
    """inputs.quoted() as a formula: the value as shown, cut to 40 characters with "…"."""
    return f'IF(LEN({x})>{QUOTE_LIMIT},LEFT({x},{QUOTE_LIMIT})&"…",{x})'


def count_steps(name: str, x: str, prefix: str) -> list[tuple[str, str]]:
    """inputs.to_count's refusals of a non-blank cell as (test, text) steps: not a number, not whole, too small."""
    minimum = int(INPUTS[name].minimum or 0) if name in INPUTS else 0
    head = f'{prefix}&"{describe(name)}的值“"&{shown_q(x)}&"”'
    number = f"ISNUMBER({x})"
    return [(f'AND({x}<>"",NOT({number}))', head + '不是数字"'),
            (f"AND({number},IF({number},{x}<>INT({x}),FALSE))", head + '须为整数"'),
            (f"AND({number},IF({number},{x}<{minimum},FALSE))",
             head + ('不能为负数"' if minimum == 0 else f'须不小于{minimum}"'))]


def if_chain(steps: list[tuple[str, str]], otherwise: str = '""') -> str:
    """The first step whose test holds gives the value (nested IFs)."""
    out = otherwise
    for test, value in reversed(steps):
        out = f"IF({test},{value},{out})"
    return out


class Rules:
    """Where the 规则 sheet keeps each number and list the formulas read."""

    def __init__(self):
        self.cells: dict[tuple[str, str], str] = {}  # (scheme id, key) → absolute cell
        self.words: dict[str, str] = {}  # scheme id → type words column
        self.sets: dict[str, str] = {}  # scheme id → the common stars block (one row per type word)
        self.ranks: dict[str, str] = {}
        self.level_names: dict[str, str] = {}
        self.thr_text: dict[str, str] = {}

    def key(self, scheme: Scheme, key: str) -> str:
        return self.cells[(scheme.id, key)]


def _vote_rule(scheme: Scheme):
    return next(r for r in scheme.star_rules().rules if isinstance(r, VoteShareRule))


def record_rule(scheme: Scheme):
    return next((r for r in scheme.star_rules().rules if r.kind == "record"), None)


def check_supported(scheme: Scheme) -> None:
    if scheme.stars is None:
        raise RatingError(f"评定方案“{scheme.id}”不是按星评定的方案,不能生成双十星评星表")
    kinds = [r.kind for r in scheme.star_rules().rules]
    if kinds not in (["record", "vote_share"], ["vote_share"]):
        raise RatingError(f"评定方案“{scheme.id}”的得星规则顺序({'、'.join(kinds)})评星表暂不支持")
    for rule in scheme.adjustments:
        simple = isinstance(rule, CapLevel) and rule.when.input is not None and rule.when.op in ("==", "!=")
        if not isinstance(rule, CapLevel) or not simple or rule.when.input not in ("target_rank_bottom", "org_type"):
            raise RatingError(f"评定方案“{scheme.id}”的规则“{rule.id}”评星表暂不支持(仅支持按是/否条件封顶)")



class RulesSheet(BookParts):
    """The 规则 sheet (a mixin of the workbook builder, stars_book._Book) and the formula pieces over it."""

    # 规则 -------------------------------------------------------------------------------------------
    def rules_sheet(self) -> None:
        ws, S = self.ws[SHEET_RULES], SHEET_RULES
        for col, width in ((0, 40), (1, 34), (2, 30), (3, 46), (4, 10), (5, 10), (6, 10), (7, 10)):
            ws.set_column(col, col, width, None, {"hidden": col == 1})  # the keys: read by programs, not printed
        ws.merge_range(0, 0, 0, 3, "规则参数(由镇党委统一设置,支部不要修改)", self.st["section"])
        r = 1
        for scheme, table, sid in ((self.org, "rules_table", "scheme_id"),
                                   (self.member, "member_rules_table", "member_scheme_id")):
            ws.merge_range(r, 0, r, 3, f"{scheme.name}", self.st["guide_head"])
            r += 1
            for c, text in enumerate(("参数", "key", "值", "说明")):
                self.put(S, r, c, text, "header")
            r += 1
            top = r
            for p in parameters(scheme):
                self.put(S, r, 0, p.label, "label")
                self.put(S, r, 1, p.key, "key")
                value = int(p.value) if isinstance(p.value, float) and p.value.is_integer() else p.value
                style = "locked_param" if p.key in ("scheme", "version") else (
                    "input_percent" if p.key.endswith(("threshold", "share")) else "input_param")
                self.put(S, r, 2, value, style)
                self.put(S, r, 3, p.note, "hint")
                ws.set_row(r, max(15, text_height(p.label, 40), text_height(p.note or "", 46, 9)))
                self.rules.cells[(scheme.id, p.key)] = abs_ref(S, r, 2)
                if p.key == "scheme":
                    self.names[sid] = abs_ref(S, r, 2)
                if p.key == "version" and scheme is self.org:
                    self.names["template_version"] = abs_ref(S, r, 2)
                if p.key.endswith("threshold"):
                    self.formula(S, r, 4, pct_formula(abs_ref(S, r, 2), "1"), "result_center")
                    self.rules.thr_text[scheme.id] = abs_ref(S, r, 4)
                r += 1
            self.names[table] = abs_ref(S, top, 0, r - 1, 3)
            r += 1
        # the stars of each type, one row per type word (MATCH finds the word, INDEX the k-th star)
        for scheme in (self.org, self.member):
            ibt = scheme.by_type()
            ws.merge_range(r, 0, r, 3, f"{scheme.name}:按类别确定的共性星(方案规定,修改请改方案文件)", self.st["section"])
            r += 1
            self.put(S, r, 0, "类别", "header")
            for k in range(len(ibt.positions)):
                self.put(S, r, 1 + k, f"第{ibt.positions[k]}星", "header")
            r += 1
            top = r
            for group in ibt.sets:
                labels = [it.label for it in group.typed_items()]
                for word in group.types:
                    self.put(S, r, 0, word.strip(), "label")
                    for k, label in enumerate(labels):
                        self.put(S, r, 1 + k, label, "label_center")
                    r += 1
            self.rules.words[scheme.id] = abs_ref(S, top, 0, r - 1, 0)
            self.rules.sets[scheme.id] = abs_ref(S, top, 1, r - 1, len(ibt.positions))
            r += 1
        for scheme in (self.org, self.member):
            ws.merge_range(r, 0, r, 3, f"{scheme.name}:星级名称", self.st["section"])
            r += 1
            self.put(S, r, 0, "星级", "header")
            self.put(S, r, 1, "得星数", "header")
            r += 1
            top = r
            for lv in scheme.levels:
                self.put(S, r, 0, lv.name, "label")
                self.put(S, r, 1, lv.rank, "number_center")
                r += 1
            self.rules.level_names[scheme.id] = abs_ref(S, top, 0, r - 1, 0)
            self.rules.ranks[scheme.id] = abs_ref(S, top, 1, r - 1, 1)
            r += 1
        ws.freeze_panes(1, 0)
        page_setup(ws, landscape=True, title="规则")

    # shared formula pieces ------------------------------------------------------------------------
    def is_record(self, scheme: Scheme, name: str) -> str:
        rule = record_rule(scheme)
        if rule is None:
            return "FALSE"
        cell = self.rules.key(scheme, star_rule_key(rule.id, "stars"))
        return f'ISNUMBER(SEARCH("、"&{name}&"、","、"&SUBSTITUTE({cell}," ","")&"、"))'

    def star_reason(self, scheme: Scheme, k: int, name: str, votes: str, valid: str, record: str) -> str:
        """The reason text of a star not earned: the record rule's when decided by record, else the vote rule's."""
        vote = _vote_rule(scheme)
        fields = {"star": name, "index": str(k), "votes_for": votes, "votes_valid": valid, "record": record,
                  "share": pct_formula(votes, valid), "threshold": self.rules.thr_text[scheme.id]}
        vote_text = template_formula(vote.reason, {**fields, "label": excel_quoted(vote.label), "record": excel_quoted("")})
        rule = record_rule(scheme)
        if rule is None:
            return vote_text
        rec_text = template_formula(rule.reason, {**fields, "label": excel_quoted(rule.label), "share": excel_quoted(""),
                                                  "threshold": excel_quoted("")})
        return f'IF(AND({record}<>"",{self.is_record(scheme, name)}),{rec_text},{vote_text})'

    def vote_problem(self, scheme: Scheme, where: str, votes: str, valid: str, record: str, name: str,
                     members: str, masses: str, raw_record: str | None = None) -> str:
        """'' when the star's inputs are usable; else 待填写 or the engine's 错误:… text (stars.evaluate), in its
        order of checks: votes for, valid votes, for > valid, valid > members + masses (when the masses are stated), the
        record, then missing."""
        words = record_rule(scheme)
        yes, no = (words.earned_word, words.not_earned_word) if words else ("是", "否")
        by_record = f'AND({record}<>"",{self.is_record(scheme, name)})'
        at = f'"错误:"&{where}'
        rule = record_rule(scheme)
        allowed = (f'IF(SUBSTITUTE({self.rules.key(scheme, star_rule_key(rule.id, "stars"))}," ","")="","无",'
                   f'SUBSTITUTE({self.rules.key(scheme, star_rule_key(rule.id, "stars"))}," ",""))') if rule else '"无"'
        steps = count_steps("star_votes_for", votes, at) + count_steps("star_votes_valid", valid, at) + [
            (f"AND(ISNUMBER({votes}),ISNUMBER({valid}),N({votes})>N({valid}))",
             f'{at}&"赞成票数"&{votes}&"超过有效票数"&{valid}'),
            (f"AND(ISNUMBER({valid}),ISNUMBER({members}),ISNUMBER({masses}),N({valid})>N({members})+N({masses}))",
             f'{at}&"有效票数"&{valid}&"超过党员总数"&{members}&"人"&IF(N({masses})<>0,"与参加测评群众代表"&{masses}'
             f'&"人之和"&(N({members})+N({masses}))&"人","")'),
            (f'AND({record}<>"",{record}<>{excel_quoted(yes)},{record}<>{excel_quoted(no)})',
             f'{at}&"{describe("star_records")}的值“"&{shown_q(raw_record or record)}&"”无效,应为{yes}/{no}或留空"'),
            (f'AND({record}<>"",NOT({self.is_record(scheme, name)}))',
             f'{at}&"不能按日常管理记录直接认定(可直接认定的星:"&{allowed}&"),请清空该记录并填写民主测评票数"'),
            (by_record, '""'),
            (f'OR({votes}="",{valid}="")', '"待填写"'),
            (f"N({valid})=0", f'{at}&"有效票数为0,无法计算得票率"'),
        ]
        return if_chain(steps)

    def earned(self, scheme: Scheme, name: str, votes: str, valid: str, record: str) -> str:
        rule = record_rule(scheme)
        thr = self.rules.key(scheme, star_rule_key(_vote_rule(scheme).id, "threshold"))
        by_vote = f'IF({votes}/{valid}>{thr},"是","否")'
        if rule is None:
            return by_vote
        return (f'IF(AND({record}<>"",{self.is_record(scheme, name)}),'
                f'IF({record}={excel_quoted(rule.earned_word)},"是","否"),{by_vote})')

    def caps(self, scheme: Scheme):
        """Each cap rule with its condition and its cap as formula pieces (the condition value and cap from 规则)."""
        for rule in scheme.adjustments:
            if not isinstance(rule, CapLevel):  # check_supported allows caps only
                continue
            cond = rule.when
            value = self.rules.key(scheme, condition_value_key(adjustment_key(rule.id, "when")))
            cap = self.rules.key(scheme, adjustment_key(rule.id, "max_level"))
            given = f"TRIM({self.names[str(cond.input)]})"
            yield rule, given, f"{given}{'=' if cond.op == '==' else '<>'}{value}", cap

    def level_rank(self, scheme: Scheme, count: str) -> str:
        """Stars earned, then each cap rule whose yes/no condition holds."""
        out = count
        for _, _, test, cap in self.caps(scheme):
            out = f"IF({test},MIN({out},{cap}),{out})"
        return out

    def level_name(self, scheme: Scheme, rank: str) -> str:
        return (f"INDEX({self.rules.level_names[scheme.id]},MATCH({rank},{self.rules.ranks[scheme.id]},0))")


    def reasons_with_caps(self, scheme: Scheme, star_reasons: str, count: str) -> str:
        """The stars' reasons, then each cap rule that lowered the level (the engine's order)."""
        out = star_reasons
        level = count
        for rule, given, test, cap in self.caps(scheme):
            new = f"MIN({level},{cap})"
            text = template_formula(rule.reason, {
                "label": excel_quoted(rule.label), "value": given, "count": given, "level": self.level_name(scheme, new),
                "from_level": self.level_name(scheme, level), "to_level": self.level_name(scheme, new)})
            out = f'IF(AND({test},{new}<{level}),IF({out}="",{text},{out}&"；"&{text}),{out})'
            level = f"IF({test},{new},{level})"
        return out



def masses_note(members: str, masses: str, most_valid: str) -> str:
    """scoring._masses_note as a formula: valid votes above the members with the masses blank (a 提示)."""
    return (f'IF(AND(TRIM({masses})="",ISNUMBER({members}),N({most_valid})>N({members})),"有效票数"&{most_valid}&"超过党员总数"'
            f'&{members}&"人,未填写参加测评群众代表人数(masses_present):已按群众代表参加投票评定,请填写参加测评群众代表人数以便核对","")')
