"""The branch's 双十星 workbook (评星表): the organisation's ten stars and every member's, computed live.

Sheets: 填表说明 · 党组织评星表 · 党员评星表 (Excel table `member_table`) · 评星票 · 规则.
Universal flavour: native formulas only (IF/AND/OR/NOT/ISNUMBER/INDEX/MATCH/COUNTIF/SUMPRODUCT/
SEARCH/TRIM/TEXT/ROUND/MOD/LEFT/LEN/IFERROR/N/INT/MIN), nothing array-entered, no macro. Every number a
formula uses (threshold, record-set stars, privileged / rectify levels, caps, level names, the stars of
each type) is read from the 规则 sheet, written there from the schemes. Inputs carry the defined
names of the names contract (org_name, org_type, star_names, star_votes_for …); members are rows of
the table `member_table`, their four individual stars the cells `member_star_names`.
Cached values: the result cells carry what score_unit computes; the workbook asks for a full
recalculation on load (every program recalculates native formulas).
"""
from __future__ import annotations

import datetime as _dt
import string
from pathlib import Path
from typing import Any, Mapping, Sequence

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from ..errors import RatingError
from ..inputs import flatten
from ..names import INPUTS, STAR_INPUTS
from ..scheme import Scheme, load_scheme, parameters
from .styles import Styles

CREATED = _dt.datetime(2026, 1, 1, 0, 0, 0)
SHEET_GUIDE, SHEET_ORG, SHEET_MEMBERS, SHEET_BALLOT, SHEET_RULES = "填表说明", "党组织评星表", "党员评星表", "评星票", "规则"
MEMBER_TABLE = "member_table"
MEMBER_ROWS = 80  # blank member rows in the template (a branch has 10–60 members)
N = 10  # stars

# member_table columns, in order (header texts are what the consolidation reads)
M_NAME, M_TYPE = 0, 1
M_VOTES = 2  # 2..11
M_VALID = 12
M_RECORDS = 13  # 13..22
M_COUNT, M_LEVEL, M_MARK, M_STARS, M_REASONS = 23, 24, 25, 26, 27
M_STAR_NAME = 28  # 28..37 helpers: each star's name
M_EARNED = 38  # 38..47 helpers: 是/否
M_PROBLEM = 48  # 48..57 helpers: the star's refused / missing input
M_STATUS, M_RAW_STARS, M_RAW_REASONS = 58, 59, 60
M_LAST = 60
MEMBER_HEADERS = (["党员姓名", "党员类别"] + [f"第{k}星赞成票" for k in range(1, N + 1)] + ["有效票数"]
                  + [f"第{k}星日常记录" for k in range(1, N + 1)] + ["得星数", "星级", "处置/优先", "已得星目", "未得星说明"]
                  + [f"第{k}星星名" for k in range(1, N + 1)] + [f"第{k}星得星" for k in range(1, N + 1)]
                  + [f"第{k}星检查" for k in range(1, N + 1)] + ["检查结果", "已得星目(计算)", "未得星说明(计算)"])
assert len(MEMBER_HEADERS) == M_LAST + 1

ORG_INFO = ("org_name", "org_code", "parent_org", "org_type", "member_count", "masses_present", "target_rank_bottom",
            "prev_level")
_HINTS = {
    "org_name": "必填,与上级通知的名称一致", "org_code": "有组织代码的填写", "parent_org": "填写镇(街道)党委全称",
    "org_type": "下拉选择;其他类别须在下表自行填写6颗共性星名称", "member_count": "本支部党员总数(整数)",
    "masses_present": "参加民主评星的群众代表人数(有效票数不能超过党员总数与群众代表人数之和)",
    "target_rank_bottom": "全镇目标考核后3位的村、后2位的镇直部门填“是”", "prev_level": "上年度评定的星级,没有的留空",
}


class _Sheet(Worksheet):
    """Formulas written as given: they use only functions every program has (no _xlfn. expansion to look
    for, which costs XlsxWriter ~30 regex passes per formula); an empty-text cached result is stored as text."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        return formula[1:] if formula.startswith("=") else formula

    def _xml_formula_element(self, formula, result, attributes=[]) -> None:  # noqa: B006 (XlsxWriter's signature)
        if result == "" and not any(k == "t" for k, _ in attributes):
            attributes = [*attributes, ("t", "str")]
        super()._xml_formula_element(formula, result, attributes)


def star_filename(scheme: Scheme) -> str:
    return f"评星表_{scheme.id}.xlsx"


def _abs(sheet: str, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> str:
    a = xl_rowcol_to_cell(r1, c1, row_abs=True, col_abs=True)
    if r2 is None:
        return f"'{sheet}'!{a}"
    return f"'{sheet}'!{a}:{xl_rowcol_to_cell(r2, c2, row_abs=True, col_abs=True)}"


def _q(text: str) -> str:
    return '"' + str(text).replace('"', '""') + '"'


def template_formula(template: str, fields: Mapping[str, str]) -> str:
    """A reason template compiled to an Excel text expression: literals quoted, {field} → its expression."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(_q(literal))
        if name is not None:
            parts.append(f"({fields.get(name, _q(''))})")
    return "&".join(parts) or '""'


def pct_formula(part: str, whole: str) -> str:
    """share_text() as a formula: to 0.1 %, halves up, no trailing .0 (90%, 90.1%)."""
    t = f"ROUND({part}*1000/{whole},0)"
    return f'IF(MOD({t},10)=0,TEXT({t}/10,"0"),TEXT({t}/10,"0.0"))&"%"'


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
    return next(r for r in scheme.stars.rules if r.kind == "vote_share")


def _record_rule(scheme: Scheme):
    return next((r for r in scheme.stars.rules if r.kind == "record"), None)


def _check_supported(scheme: Scheme) -> None:
    if scheme.stars is None:
        raise RatingError(f"评定方案“{scheme.id}”不是按星评定的方案,不能生成双十星评星表")
    kinds = [r.kind for r in scheme.stars.rules]
    if kinds not in (["record", "vote_share"], ["vote_share"]):
        raise RatingError(f"评定方案“{scheme.id}”的得星规则顺序({'、'.join(kinds)})评星表暂不支持")
    for rule in scheme.adjustments:
        simple = rule.when.input is not None and rule.when.op in ("==", "!=")
        if rule.kind != "cap_level" or not simple or rule.when.input not in ("target_rank_bottom", "org_type"):
            raise RatingError(f"评定方案“{scheme.id}”的规则“{rule.id}”评星表暂不支持(仅支持按是/否条件封顶)")


# --- the workbook --------------------------------------------------------------------------------

class _Book:
    def __init__(self, path: Path, org: Scheme, member: Scheme, values: Mapping[str, Any], members: list[Mapping],
                 member_star_names: Sequence[Any]):
        self.org, self.member = org, member
        self.values, self.members = values, members
        self.own = list(member_star_names) + [None] * (4 - len(member_star_names))
        self.wb = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_numbers": False,
                                                  "strings_to_formulas": False, "strings_to_urls": False})
        self.wb.set_properties({"title": "双十星评星表", "subject": org.name, "author": "xlsx-addin",
                                "category": "星级评定", "keywords": f"{org.id};v{org.version}",
                                "comments": "由 xlsx-addin 生成", "created": CREATED})
        self.st = Styles(self.wb)
        self.st["star"] = self.wb.add_format({"font_name": "宋体", "border": 1, "align": "center", "valign": "vcenter",
                                              "bg_color": "#EDEDED", "bold": True, "font_color": "#C00000"})
        self.st["mark"] = self.wb.add_format({"font_name": "宋体", "border": 1, "align": "center", "valign": "vcenter",
                                              "bg_color": "#EDEDED", "bold": True})
        self.rules = Rules()
        self.names: dict[str, str] = {}
        self.ws = {}
        for name in (SHEET_GUIDE, SHEET_ORG, SHEET_MEMBERS, SHEET_BALLOT, SHEET_RULES):
            self.ws[name] = self.wb.add_worksheet(name, worksheet_class=_Sheet)
        self.n_rows = max(MEMBER_ROWS, len(members) + 20)

    # cells ----------------------------------------------------------------------------------------
    def put(self, sheet: str, r: int, c: int, value: Any, style: str) -> None:
        ws = self.ws[sheet]
        fmt = self.st[style]
        if value is None or (isinstance(value, str) and value == ""):
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            ws.write_string(r, c, "是" if value else "否", fmt)
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value, fmt)
        else:
            ws.write_string(r, c, str(value), fmt)

    def formula(self, sheet: str, r: int, c: int, f: str, style: str, cached: Any = "") -> None:
        self.ws[sheet].write_formula(r, c, f if f.startswith("=") else "=" + f, self.st[style], cached)

    # 规则 -------------------------------------------------------------------------------------------
    def rules_sheet(self) -> None:
        ws, S = self.ws[SHEET_RULES], SHEET_RULES
        for col, width in ((0, 40), (1, 34), (2, 30), (3, 46), (4, 10), (5, 10), (6, 10), (7, 10)):
            ws.set_column(col, col, width)
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
                self.rules.cells[(scheme.id, p.key)] = _abs(S, r, 2)
                if p.key == "scheme":
                    self.names[sid] = _abs(S, r, 2)
                if p.key == "version" and scheme is self.org:
                    self.names["template_version"] = _abs(S, r, 2)
                if p.key.endswith("threshold"):
                    self.formula(S, r, 4, pct_formula(_abs(S, r, 2), "1"), "result_center")
                    self.rules.thr_text[scheme.id] = _abs(S, r, 4)
                r += 1
            self.names[table] = _abs(S, top, 0, r - 1, 3)
            r += 1
        # the stars of each type, one row per type word (MATCH finds the word, INDEX the k-th star)
        for scheme in (self.org, self.member):
            ibt = scheme.items_by_type
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
            self.rules.words[scheme.id] = _abs(S, top, 0, r - 1, 0)
            self.rules.sets[scheme.id] = _abs(S, top, 1, r - 1, len(ibt.positions))
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
            self.rules.level_names[scheme.id] = _abs(S, top, 0, r - 1, 0)
            self.rules.ranks[scheme.id] = _abs(S, top, 1, r - 1, 1)
            r += 1
        ws.freeze_panes(1, 0)
        _page(ws, landscape=True, title="规则")

    # shared formula pieces ------------------------------------------------------------------------
    def is_record(self, scheme: Scheme, name: str) -> str:
        rule = _record_rule(scheme)
        if rule is None:
            return "FALSE"
        cell = self.rules.key(scheme, f"stars.rules.{rule.id}.stars")
        return f'ISNUMBER(SEARCH("、"&{name}&"、","、"&SUBSTITUTE({cell}," ","")&"、"))'

    def star_reason(self, scheme: Scheme, k: int, name: str, votes: str, valid: str, record: str) -> str:
        """The reason text of a star not earned: the record rule's when decided by record, else the vote rule's."""
        vote = _vote_rule(scheme)
        fields = {"star": name, "index": str(k), "votes_for": votes, "votes_valid": valid, "record": record,
                  "share": pct_formula(votes, valid), "threshold": self.rules.thr_text[scheme.id]}
        vote_text = template_formula(vote.reason, {**fields, "label": _q(vote.label), "record": _q("")})
        rule = _record_rule(scheme)
        if rule is None:
            return vote_text
        rec_text = template_formula(rule.reason, {**fields, "label": _q(rule.label), "share": _q(""),
                                                  "threshold": _q("")})
        return f'IF(AND({record}<>"",{self.is_record(scheme, name)}),{rec_text},{vote_text})'

    def vote_problem(self, scheme: Scheme, where: str, votes: str, valid: str, record: str, name: str,
                     members: str, masses: str) -> str:
        """'' when the star's inputs are usable; else 待填写 or 错误:…, in the engine's order of checks."""
        words = _record_rule(scheme)
        yes, no = (words.earned_word, words.not_earned_word) if words else ("是", "否")
        by_record = f'AND({record}<>"",{self.is_record(scheme, name)})'

        def text(x: str) -> str:
            return f'AND({x}<>"",NOT(ISNUMBER({x})))'

        def bad(x: str) -> str:
            return f"AND(ISNUMBER({x}),IF(ISNUMBER({x}),OR({x}<0,{x}<>INT({x})),FALSE))"

        steps = [
            (f"OR({text(votes)},{text(valid)})", f'"错误:"&{where}&"票数须为数字"'),
            (f"OR({bad(votes)},{bad(valid)})", f'"错误:"&{where}&"票数须为不小于0的整数"'),
            (f"AND(ISNUMBER({votes}),ISNUMBER({valid}),N({votes})>N({valid}))", f'"错误:"&{where}&"赞成票数超过有效票数"'),
            (f"AND(ISNUMBER({valid}),ISNUMBER({members}),N({valid})>N({members})+N({masses}))",
             f'"错误:"&{where}&"有效票数超过党员总数与群众代表人数之和"'),
            (f'AND({record}<>"",{record}<>{_q(yes)},{record}<>{_q(no)})', f'"错误:"&{where}&"日常管理记录应为{yes}/{no}或留空"'),
            (f'AND({record}<>"",NOT({self.is_record(scheme, name)}))', f'"错误:"&{where}&"不能按日常管理记录直接认定"'),
            (by_record, '""'),
            (f'OR({votes}="",{valid}="")', '"待填写"'),
            (f"N({valid})=0", f'"错误:"&{where}&"有效票数为0"'),
        ]
        out = '""'
        for test, value in reversed(steps):
            out = f"IF({test},{value},{out})"
        return out

    def earned(self, scheme: Scheme, name: str, votes: str, valid: str, record: str) -> str:
        rule = _record_rule(scheme)
        thr = self.rules.key(scheme, f"stars.rules.{_vote_rule(scheme).id}.threshold")
        by_vote = f'IF({votes}/{valid}>{thr},"是","否")'
        if rule is None:
            return by_vote
        return (f'IF(AND({record}<>"",{self.is_record(scheme, name)}),'
                f'IF({record}={_q(rule.earned_word)},"是","否"),{by_vote})')

    def caps(self, scheme: Scheme):
        """Each cap rule with its condition and its cap as formula pieces (the condition value and cap from 规则)."""
        for rule in scheme.adjustments:
            cond = rule.when
            value = self.rules.key(scheme, f"adjustments.{rule.id}.when.value")
            cap = self.rules.key(scheme, f"adjustments.{rule.id}.max_level")
            given = f"TRIM({self.names[cond.input]})"
            yield rule, given, f"{given}{'=' if cond.op == '==' else '<>'}{value}", cap

    def level_rank(self, scheme: Scheme, count: str) -> str:
        """Stars earned, then each cap rule whose yes/no condition holds."""
        out = count
        for _, _, test, cap in self.caps(scheme):
            out = f"IF({test},MIN({out},{cap}),{out})"
        return out

    def level_name(self, scheme: Scheme, rank: str) -> str:
        return (f"INDEX({self.rules.level_names[scheme.id]},MATCH({rank},{self.rules.ranks[scheme.id]},0))")

    # 党组织评星表 ------------------------------------------------------------------------------------
    def org_sheet(self, result) -> None:
        S, ws, org = SHEET_ORG, self.ws[SHEET_ORG], self.org
        for col, width in ((0, 6), (1, 9), (2, 16), (3, 14), (4, 10), (5, 10), (6, 10), (7, 11), (8, 9), (9, 52)):
            ws.set_column(col, col, width)
        ws.set_column(11, 17, 12, None, {"hidden": True})
        ws.merge_range(0, 0, 0, 9, f"{org.name} · 党组织评星表", self.st["title"])
        ws.set_row(0, 34)
        ws.merge_range(1, 0, 1, 9, "黄色单元格由本党组织填写;灰色单元格自动计算,不能修改。", self.st["subtitle"])
        r = 2
        for name in ORG_INFO:
            spec = INPUTS.get(name) or STAR_INPUTS[name]
            ws.merge_range(r, 0, r, 1, ("*" if name in ("org_name", "org_type") else "") + spec.label, self.st["label_bold"])
            value = self.values.get(name)
            style = "input_int" if spec.kind == "count" else "input_center" if spec.kind in ("yesno", "level") else "input_text"
            ws.merge_range(r, 2, r, 4, None, self.st[style])
            self.put(S, r, 2, _scalar(value), style)
            ws.merge_range(r, 5, r, 9, _HINTS.get(name, ""), self.st["hint_box"])
            ws.set_row(r, 30)
            self.names[name] = _abs(S, r, 2)
            dv = _validation(org, name, spec)
            if dv:
                ws.data_validation(r, 2, r, 2, dv)
            r += 1
        type_row = self.names["org_type"]
        set_row = f"IFERROR(MATCH(TRIM({type_row}),{self.rules.words[org.id]},0),0)"
        self.formula(S, 5, 11, set_row, "result_center")  # L6: the type's row in 规则 (0 = not a listed type)
        set_cell = _abs(S, 5, 11)
        r += 1
        head = r
        for c, text in enumerate(("序号", "类别", "星目名称(填写)", "采用的星目", "赞成票数", "有效票数",
                                  "得票率", "日常管理记录", "是否得星", "说明")):
            self.put(S, r, c, text, "header")
        ws.set_row(r, 30)
        for c, text in ((11, "名称检查"), (12, "票数检查"), (13, "名称(累计)"), (14, "票数(累计)"), (15, "已得(累计)"),
                        (16, "说明(累计)")):
            self.put(S, r, c, text, "header")
        top = r + 1
        self.org_top = top
        detail = getattr(result, "star_detail", None)
        self.org_names = list(detail.names) if detail else [""] * N
        positions = [p - 1 for p in org.items_by_type.positions]
        names = _cells(self.values.get("star_names"), N)
        votes = _cells(self.values.get("star_votes_for"), N)
        valid = _cells(self.values.get("star_votes_valid"), N, allow_one=True)
        records = _cells(self.values.get("star_records"), N)
        members, masses = self.names["member_count"], self.names["masses_present"]
        for k in range(N):
            rr = top + k
            R = rr + 1
            self.put(S, rr, 0, k + 1, "label_center")
            self.put(S, rr, 1, "共性星" if k in positions else "个性星", "label_center")
            self.put(S, rr, 2, _scalar(names[k]), "input_center")
            self.put(S, rr, 4, _scalar(votes[k]), "input_int")
            self.put(S, rr, 5, _scalar(valid[k]), "input_int")
            self.put(S, rr, 7, _scalar(records[k]), "input_center")
            ws.data_validation(rr, 4, rr, 5, {"validate": "integer", "criteria": ">=", "value": 0,
                                              "error_title": "票数有误", "error_message": "票数须为不小于0的整数"})
            ws.data_validation(rr, 7, rr, 7, {"validate": "list", "source": ["是", "否"], "input_title": "日常管理记录",
                                              "input_message": "可直接认定的星(见规则表)填是/否;其他星留空,按民主测评"})
            typed = f"TRIM(C{R})"
            if k in positions:
                j = positions.index(k) + 1
                adopted = f'IF({set_cell}>0,INDEX({self.rules.sets[org.id]},{set_cell},{j}),{typed})'
            else:
                adopted = typed
            self.formula(S, rr, 3, adopted, "result_center", detail.names[k] if detail else "")
            where = f'"第{k + 1}颗星“"&D{R}&"”:"'
            if k in positions:
                name_problem = (f'IF(AND({set_cell}>0,{typed}<>"",{typed}<>D{R}),"错误:第{k + 1}项星目名称与党组织类别规定的“"&D{R}&"”不符",'
                                f'IF(D{R}="",IF(TRIM({type_row})="","待填写","错误:党组织类别不是方案规定的类别,请自行填写第{k + 1}项星目名称"),""))')
            else:
                name_problem = f'IF(D{R}="","待填写","")'
            self.formula(S, rr, 11, name_problem, "result_text")
            self.formula(S, rr, 12, self.vote_problem(org, where, f"E{R}", f"F{R}", f"TRIM(H{R})", f"D{R}", members, masses),
                         "result_text")
            self.formula(S, rr, 13, f'IF(L{R}<>"",L{R},"")' if k == 0 else f'IF(N{R - 1}<>"",N{R - 1},L{R})', "result_text")
            self.formula(S, rr, 14, f'IF(M{R}<>"",M{R},"")' if k == 0 else f'IF(O{R - 1}<>"",O{R - 1},M{R})', "result_text")
            share = f'IF(AND(ISNUMBER(E{R}),ISNUMBER(F{R})),IF(AND(F{R}>0,E{R}>=0),{pct_formula(f"E{R}", f"F{R}")},""),"")'
            self.formula(S, rr, 6, share, "result_center")
            self.formula(S, rr, 8, f'IF(OR(L{R}<>"",M{R}<>""),"",{self.earned(org, f"D{R}", f"E{R}", f"F{R}", f"TRIM(H{R})")})',
                         "star", ("是" if detail.outcomes[k].earned else "否") if detail else "")
            reason = self.star_reason(org, k + 1, f"D{R}", f"E{R}", f"F{R}", f"TRIM(H{R})")
            self.formula(S, rr, 9, f'IF(I{R}="否",{reason},"")', "result_text",
                         _reason_of(result, k) if detail else "")
            got = f'IF(I{R}="是",D{R},"")'
            self.formula(S, rr, 15, got if k == 0 else f'IF(I{R}="是",IF(P{R - 1}="",D{R},P{R - 1}&"、"&D{R}),P{R - 1})',
                         "result_text")
            self.formula(S, rr, 16, f'J{R}' if k == 0 else f'IF(J{R}="",Q{R - 1},IF(Q{R - 1}="",J{R},Q{R - 1}&"；"&J{R}))',
                         "result_text")
            ws.set_row(rr, 30)
        last = top + N - 1
        L = last + 1
        self.names["star_names"] = _abs(S, top, 2, last, 2)
        self.names["star_votes_for"] = _abs(S, top, 4, last, 4)
        self.names["star_votes_valid"] = _abs(S, top, 5, last, 5)
        self.names["star_records"] = _abs(S, top, 7, last, 7)

        # results
        r = last + 2
        mc, mp = self.names["member_count"], self.names["masses_present"]
        prev, trb = self.names["prev_level"], self.names["target_rank_bottom"]
        h1 = (f'IF(AND({mc}<>"",IF(ISNUMBER({mc}),OR({mc}<1,{mc}<>INT({mc})),TRUE)),"错误:党员总数须为不小于1的整数",'
              f'IF(AND({mp}<>"",IF(ISNUMBER({mp}),OR({mp}<0,{mp}<>INT({mp})),TRUE)),"错误:参加测评群众人数须为不小于0的整数",""))')
        self.formula(S, r, 11, h1, "result_text")  # shared by the members (their branch's counts)
        self.head_problem = _abs(S, r, 11)
        h2 = (f'IF(AND(TRIM({prev})<>"",ISNA(MATCH(TRIM({prev}),{self.rules.level_names[org.id]},0))),"错误:上年度星级不是本方案的星级名称",'
              f'IF(AND(TRIM({trb})<>"",TRIM({trb})<>"是",TRIM({trb})<>"否"),"错误:年度目标考核排名靠后应为是或否",'
              f'IF(TRIM({self.names["org_name"]})="","待填写","")))')
        self.formula(S, r + 1, 11, h2, "result_text")
        dup = f'IF(SUMPRODUCT((COUNTIF($D${top + 1}:$D${L},$D${top + 1}:$D${L})>1)*($D${top + 1}:$D${L}<>""))>0,"错误:星目名称重复","")'
        status = (f'IF(L{r + 1}<>"",L{r + 1},IF(L{r + 2}<>"",L{r + 2},IF(N{L}<>"",N{L},'
                  f'IF({dup}<>"",{dup},O{L}))))')
        self.formula(S, r, 12, status, "result_text")
        st = _abs(S, r, 12)
        count = f'COUNTIF($I${top + 1}:$I${L},"是")'
        rank = self.level_rank(org, count)
        self.formula(S, r, 13, f'IF({st}<>"","",{rank})', "result_center")
        rank_cell = _abs(S, r, 13)
        priv = self.rules.key(org, "stars.privileged_min_rank")
        rect = self.rules.key(org, "rectify_max_rank")
        ok = result is not None and not isinstance(result, str)
        rows = [
            ("得星数", "result_star_count", f'IF({st}<>"",{st},{count})', "result_bold", len(result.stars) if ok else result),
            ("星级", "result_level", f'IF({st}<>"",{st},{self.level_name(org, rank_cell)})', "result_bold",
             result.level_name if ok else result),
            ("已得星目", "result_stars", f'IF({st}<>"","",P{L})', "result_text", "、".join(result.stars) if ok else ""),
            (f'"{org.stars.rectify_label}("&{self.level_name(org, rect)}&"以下)"', "result_rectify",
             f'IF({st}<>"","",IF({rank_cell}<={rect},"是","否"))', "mark", _yes(result.rectify) if ok else ""),
            (f'"{org.stars.privileged_label}("&{self.level_name(org, priv)}&"以上)"', "result_privileged",
             f'IF({st}<>"","",IF({rank_cell}>={priv},"是","否"))', "mark", _yes(result.privileged) if ok else ""),
            ("说明(未得星及封顶)", "result_reasons", f'IF({st}<>"","",{self.reasons_with_caps(org, f"Q{L}", count)})',
             "result_text_left", "；".join(result.reasons) if ok else ""),
        ]
        for label, name, f, style, cached in rows:
            ws.merge_range(r, 0, r, 2, None, self.st["label_bold"])
            if label.startswith('"'):  # a label that tells a number of the 规则 sheet: a formula over it
                self.formula(S, r, 0, label, "label_bold", _label_value(org, name))
            else:
                self.put(S, r, 0, label, "label_bold")
            ws.merge_range(r, 3, r, 9, None, self.st[style])
            self.formula(S, r, 3, f, style, cached)
            self.names[name] = _abs(S, r, 3)
            ws.set_row(r, 44 if name == "result_reasons" else 22)
            r += 1
        ws.freeze_panes(head + 1, 0)
        _page(ws, landscape=True, title=org.name)

    def reasons_with_caps(self, scheme: Scheme, star_reasons: str, count: str) -> str:
        """The stars' reasons, then each cap rule that lowered the level (the engine's order)."""
        out = star_reasons
        level = count
        for rule, given, test, cap in self.caps(scheme):
            new = f"MIN({level},{cap})"
            text = template_formula(rule.reason, {
                "label": _q(rule.label), "value": given, "count": given, "level": self.level_name(scheme, new),
                "from_level": self.level_name(scheme, level), "to_level": self.level_name(scheme, new)})
            out = f'IF(AND({test},{new}<{level}),IF({out}="",{text},{out}&"；"&{text}),{out})'
            level = f"IF({test},{new},{level})"
        return out

    # 党员评星表 --------------------------------------------------------------------------------------
    def member_sheet(self, results: list) -> None:
        S, ws, m = SHEET_MEMBERS, self.ws[SHEET_MEMBERS], self.member
        ws.set_column(0, 0, 10)
        ws.set_column(1, 1, 20)
        ws.set_column(2, 11, 7)
        ws.set_column(12, 12, 8)
        ws.set_column(13, 22, 7)
        ws.set_column(23, 25, 9)
        ws.set_column(26, 27, 40)
        ws.set_column(28, M_LAST, 10, None, {"hidden": True})
        ws.merge_range(0, 0, 0, 27, f"{m.name} · 党员评星表", self.st["title"])
        ws.set_row(0, 34)
        ws.merge_range(1, 0, 1, 27, "每名党员一行:黄色单元格填写,灰色自动计算。第1至6星为共性星(按党员类别确定,见下方对照),"
                       "第7至10星为本支部设定的个性星。", self.st["subtitle"])
        # individual stars of the branch's members: one cell above each of their vote columns
        positions = [p - 1 for p in m.items_by_type.positions]
        own_cols = [c for c in range(N) if c not in positions]
        ws.merge_range(2, 0, 2, 1, "*本支部党员个性星名称", self.st["label_bold"])
        ws.merge_range(2, M_VOTES, 2, M_VOTES + own_cols[0] - 1, "第7至10星 →", self.st["hint_box"])
        for j, k in enumerate(own_cols):
            self.put(S, 2, M_VOTES + k, _scalar(self.own[j]), "input_center")
        if own_cols != list(range(own_cols[0], own_cols[0] + len(own_cols))):
            raise RatingError("评星表要求个性星排在共性星之后")
        self.names["member_star_names"] = _abs(S, 2, M_VOTES + own_cols[0], 2, M_VOTES + own_cols[-1])
        own_refs = {k: _abs(S, 2, M_VOTES + k) for k in own_cols}
        # legend: the ten stars of each member type, aligned with the vote columns
        r = 3
        self.put(S, r, 0, "星目对照", "header")
        self.put(S, r, 1, "党员类别", "header")
        for k in range(N):
            self.put(S, r, M_VOTES + k, f"第{k + 1}星", "header")
        r += 1
        for group in m.items_by_type.sets:
            labels = [it.label for it in group.typed_items()]
            self.put(S, r, 0, "", "label")
            self.put(S, r, 1, group.types[0], "label")
            for k in range(N):
                if k in positions:
                    self.put(S, r, M_VOTES + k, labels[positions.index(k)], "label_center")
                else:
                    self.formula(S, r, M_VOTES + k, f'TRIM({own_refs[k]})', "result_center", _scalar(self.own[own_cols.index(k)]) or "")
            r += 1
        r += 1
        head = r
        first = head + 1
        last = head + self.n_rows
        columns = [{"header": h, "header_format": self.st["header"]} for h in MEMBER_HEADERS]
        ws.add_table(head, 0, last, M_LAST, {"name": MEMBER_TABLE, "columns": columns, "autofilter": True,
                                              "style": "Table Style Light 1"})
        ws.set_row(head, 42)
        self.names["_member_rows"] = (first, last)
        words, sets = self.rules.words[m.id], self.rules.sets[m.id]
        branch, members, masses = self.names["org_name"], self.names["member_count"], self.names["masses_present"]
        priv = self.rules.key(m, "stars.privileged_min_rank")
        rect = self.rules.key(m, "rectify_max_rank")
        col = xl_col_to_name
        for i in range(self.n_rows):
            rr = first + i
            R = rr + 1
            data = self.members[i] if i < len(self.members) else {}
            res = results[i] if i < len(results) else None
            ok = res is not None and not isinstance(res, str)
            self.put(S, rr, M_NAME, _scalar(data.get("member_name")), "input_text")
            self.put(S, rr, M_TYPE, _scalar(data.get("member_type")), "input_center")
            v = _cells(data.get("star_votes_for"), N)
            recs = _cells(data.get("star_records"), N)
            valid = _scalar(flatten(data.get("star_votes_valid"))[0]) if data.get("star_votes_valid") is not None else None
            for k in range(N):
                self.put(S, rr, M_VOTES + k, _scalar(v[k]), "input_int")
                self.put(S, rr, M_RECORDS + k, _scalar(recs[k]), "input_center")
            self.put(S, rr, M_VALID, valid, "input_int")
            filled = f'COUNTA(A{R}:{col(M_RECORDS + N - 1)}{R})>0'
            # helpers: names, problems, earned
            for k in range(N):
                cname = f"{col(M_STAR_NAME + k)}{R}"
                if k in positions:
                    j = positions.index(k) + 1
                    f = f'IFERROR(INDEX({sets},MATCH(TRIM(B{R}),{words},0),{j}),"")'
                else:
                    f = f"TRIM({own_refs[k]})"
                self.formula(S, rr, M_STAR_NAME + k, f, "result_center",
                             res.star_detail.names[k] if ok else "")
                votes, rec = f"{col(M_VOTES + k)}{R}", f"TRIM({col(M_RECORDS + k)}{R})"
                where = f'"第{k + 1}颗星“"&{cname}&"”:"'
                self.formula(S, rr, M_PROBLEM + k,
                             self.vote_problem(m, where, votes, f"$M{R}", rec, cname, members, masses), "result_text")
            names_range = f"{col(M_STAR_NAME)}{R}:{col(M_STAR_NAME + N - 1)}{R}"
            first_problem = '""'
            for k in reversed(range(N)):
                p = f"{col(M_PROBLEM + k)}{R}"
                first_problem = f'IF({p}<>"",{p},{first_problem})'
            status = (f'IF(NOT({filled}),"",IF({self.head_problem}<>"",{self.head_problem},IF(TRIM(A{R})="","待填写",IF(TRIM({branch})="","待填写",'
                      f'IF(TRIM(B{R})="","待填写",IF(ISNA(MATCH(TRIM(B{R}),{words},0)),"错误:党员类别“"&TRIM(B{R})&"”不是方案规定的类别",'
                      f'IF(COUNTIF({names_range},"")>0,"待填写",'
                      f'IF(SUMPRODUCT((COUNTIF({names_range},{names_range})>1)*1)>0,"错误:星目名称重复",'
                      f'{first_problem}))))))))')
            self.formula(S, rr, M_STATUS, status, "result_text", ("" if ok else (res or "")) if i < len(self.members) else "")
            st = f"{col(M_STATUS)}{R}"
            raw_stars, raw_reasons = [], []
            for k in range(N):
                cname = f"{col(M_STAR_NAME + k)}{R}"
                votes, rec = f"{col(M_VOTES + k)}{R}", f"TRIM({col(M_RECORDS + k)}{R})"
                e = f"{col(M_EARNED + k)}{R}"
                self.formula(S, rr, M_EARNED + k,
                             f'IF(OR(NOT({filled}),{st}<>""),"",{self.earned(m, cname, votes, f"$M{R}", rec)})',
                             "result_center", ("是" if res.star_detail.outcomes[k].earned else "否") if ok else "")
                raw_stars.append(f'IF({e}="是",{cname}&"、","")')
                raw_reasons.append(f'IF({e}="否",{self.star_reason(m, k + 1, cname, votes, f"$M{R}", rec)}&"；","")')
            self.formula(S, rr, M_RAW_STARS, "&".join(raw_stars), "result_text",
                         "".join(s + "、" for s in res.stars) if ok else "")
            self.formula(S, rr, M_RAW_REASONS, "&".join(raw_reasons), "result_text",
                         "".join(x + "；" for x in res.reasons) if ok else "")
            count = f'COUNTIF({col(M_EARNED)}{R}:{col(M_EARNED + N - 1)}{R},"是")'
            rank = self.level_rank(m, count) if m.adjustments else count
            self.formula(S, rr, M_COUNT, f'IF(NOT({filled}),"",IF({st}<>"",{st},{count}))', "result_center",
                         len(res.stars) if ok else (res or ""))
            self.formula(S, rr, M_LEVEL, f'IF(NOT({filled}),"",IF({st}<>"",{st},{self.level_name(m, rank)}))',
                         "result_center", res.level_name if ok else (res or ""))
            mark = (f'IF(OR(NOT({filled}),{st}<>""),"",IF({rank}<={rect},{_q(m.stars.rectify_label)},'
                    f'IF({rank}>={priv},{_q(m.stars.privileged_label)},"")))')
            self.formula(S, rr, M_MARK, mark, "mark", _mark(m, res) if ok else "")
            raw_s, raw_r = f"{col(M_RAW_STARS)}{R}", f"{col(M_RAW_REASONS)}{R}"
            self.formula(S, rr, M_STARS, f'IF({raw_s}="","",LEFT({raw_s},LEN({raw_s})-1))', "result_text",
                         "、".join(res.stars) if ok else "")
            self.formula(S, rr, M_REASONS, f'IF({raw_r}="","",LEFT({raw_r},LEN({raw_r})-1))', "result_text",
                         "；".join(res.reasons) if ok else "")
        ws.data_validation(first, M_TYPE, last, M_TYPE, {"validate": "list", "source": m.choices.get("member_types", [])[:4] or
                                                         [s.types[0] for s in m.items_by_type.sets]})
        ws.data_validation(first, M_VOTES, last, M_VALID, {"validate": "integer", "criteria": ">=", "value": 0,
                                                             "error_title": "票数有误", "error_message": "票数须为不小于0的整数"})
        ws.data_validation(first, M_RECORDS, last, M_RECORDS + N - 1, {"validate": "list", "source": ["是", "否"]})
        ws.freeze_panes(first, 2)
        _page(ws, landscape=True, title=m.name, repeat=(head, head))
        ws.print_area(0, 0, last, 27)

    # 评星票 -------------------------------------------------------------------------------------------
    def ballot_sheet(self) -> None:
        S, ws = SHEET_BALLOT, self.ws[SHEET_BALLOT]
        ws.set_column(0, 0, 6)
        ws.set_column(1, 1, 30)
        ws.set_column(2, 4, 12)
        ws.merge_range(0, 0, 0, 4, "“双十星”民主评星票(党组织)", self.st["title"])
        ws.set_row(0, 36)
        ws.merge_range(1, 0, 1, 4, None, self.st["sign"])
        self.formula(S, 1, 0, f'"被评党组织:"&{self.names["org_name"]}', "sign", "被评党组织:" + str(self.values.get("org_name") or ""))
        ws.merge_range(2, 0, 2, 4, "评议人身份:□ 党员  □ 群众代表        日期:    年   月   日", self.st["sign"])
        for c, text in enumerate(("序号", "星目", "同意", "不同意", "弃权")):
            self.put(S, 3, c, text, "header")
        for k in range(N):
            r = 4 + k
            self.put(S, r, 0, k + 1, "label_center")
            self.formula(S, r, 1, f"'{SHEET_ORG}'!$D${self.org_top + k + 1}", "ballot_item", self.org_names[k])
            for c in (2, 3, 4):
                self.put(S, r, c, "□", "ballot_box")
            ws.set_row(r, 28)
        r = 4 + N + 1
        ws.merge_range(r, 0, r, 4, None, self.st["text_top"])
        self.formula(S, r, 0, self.ballot_note(self.org), "text_top")
        ws.set_row(r, 60)
        # members: one line per member, a box per star
        r += 2
        ws.merge_range(r, 0, r, 4, "“双十星”民主评星票(党员):每名党员每颗星同意划“√”,不同意划“×”,弃权不划", self.st["guide_head"])
        ws.set_row(r, 24)
        r += 1
        self.put(S, r, 0, "序号", "header")
        self.put(S, r, 1, "党员姓名 / 类别", "header")
        ws.set_column(5, 14, 6)
        ws.merge_range(r, 2, r, 4, "星目(第1至6星按类别,第7至10星见表头)", self.st["header"])
        for k in range(N):
            self.put(S, r, 5 + k, f"第{k + 1}星", "header")
        first, _ = self.names["_member_rows"]
        own = [f"'{SHEET_MEMBERS}'!${xl_col_to_name(M_VOTES + k)}$3" for k in range(N)
               if k not in [p - 1 for p in self.member.items_by_type.positions]]
        r += 1
        self.put(S, r, 1, "个性星名称", "label")
        positions = [p - 1 for p in self.member.items_by_type.positions]
        j = 0
        for k in range(N):
            if k in positions:
                self.put(S, r, 5 + k, "按类别", "label_center")
            else:
                self.formula(S, r, 5 + k, own[j], "label_center", _scalar(self.own[j]) or "")
                j += 1
        r += 1
        for i in range(self.n_rows):
            R = first + i + 1
            self.put(S, r + i, 0, i + 1, "label_center")
            name_cell = f"'{SHEET_MEMBERS}'!$A${R}"
            type_cell = f"'{SHEET_MEMBERS}'!$B${R}"
            data = self.members[i] if i < len(self.members) else {}
            self.formula(S, r + i, 1, f'IF({name_cell}="","",{name_cell}&IF({type_cell}="",""," / "&{type_cell}))',
                         "ballot_item", _ballot_name(data))
            ws.merge_range(r + i, 2, r + i, 4, None, self.st["label"])
            for k in range(N):
                self.put(S, r + i, 5 + k, "□", "ballot_box")
        ws.print_area(0, 0, r + max(len(self.members), 1) - 1 if self.members else r + self.n_rows - 1, 14)
        _page(ws, title="评星票", fit_width_only=True)

    def ballot_note(self, scheme: Scheme) -> str:
        thr = self.rules.thr_text[scheme.id]
        return (f'"填写说明:每颗星在“同意”“不同意”“弃权”中选一项划“√”;弃权、多选或无法辨认的不计入有效票。'
                f'当场唱票,赞成票数÷有效票数高于"&{thr}&"(不含本数)方可得星。"')

    # 填表说明 -----------------------------------------------------------------------------------------
    def guide_sheet(self) -> None:
        S, ws, org, m = SHEET_GUIDE, self.ws[SHEET_GUIDE], self.org, self.member
        ws.set_column(0, 0, 96)
        self.put(S, 0, 0, "“双十星”评星表 · 填表说明", "title")
        ws.set_row(0, 32)
        thr = self.rules.thr_text[org.id]
        rec = self.rules.key(org, f"stars.rules.{_record_rule(org).id}.stars") if _record_rule(org) else '""'
        priv = self.rules.key(org, "stars.privileged_min_rank")
        rect = self.rules.key(org, "rectify_max_rank")
        goal = m.stars.goal
        lines: list[tuple[str, bool]] = [
            ("一、本表用途", False),
            (_q("本工作簿用于“十星级党组织”(党组织评星表)和“十星级党员”(党员评星表)的年终民主评星,填好后报镇党委一键汇总。"
                "黄色单元格填写,灰色单元格自动计算;本表只用普通公式,Excel、WPS、LibreOffice 都能计算,无需宏或插件。"), True),
            ("二、星目", False),
            (_q("每个党组织、每名党员各评十颗星:第1至6星为共性星,按类别确定(见“规则”表的对照,党组织评星表的“采用的星目”列自动显示);"
                "第7至10星为个性星,由上级党组织或本支部结合实际设定,须填写名称。党组织类别不在方案所列类别中的,须在“星目名称(填写)”列自行填写6颗共性星名称。"), True),
            ("三、得星", False),
            (f'"每颗星民主测评:得票率=赞成票数÷有效票数,高于"&{thr}&"(不含本数)的得星。赞成票数不能超过有效票数,有效票数不能超过党员总数与参加测评群众代表人数之和。"', True),
            (f'"可按日常管理情况直接认定的星("&{rec}&"):“日常管理记录”填“是”即得星、填“否”即不得星,留空则按民主测评;其他星不能填记录。"', True),
            ("四、星级与结果运用", False),
            (f'"星级=得星数(十星级至一星级,一颗未得为无星)。"&{self.level_name(org, priv)}&"以上(含本数)优先推荐、享受有关激励政策;"'
             f'&{self.level_name(org, rect)}&"以下(含本数)的党组织整顿、党员处置。"', True),
        ]
        for rule in org.adjustments:
            cap = self.rules.key(org, f"adjustments.{rule.id}.max_level")
            lines.append((f'{_q(rule.label + ":“年度目标考核排名靠后”填“是”的,最高定为")}&{self.level_name(org, cap)}&"。"', True))
        if goal is not None:
            share = self.rules.key(m, "stars.goal.share")
            rank = self.rules.key(m, "stars.goal.rank")
            lines.append((f'"目标:力争"&TEXT({share},"0%")&"以上的党员达到"&{self.level_name(m, rank)}&";这是目标而非配额,汇总时报告占比,不调整任何人的星级。"', True))
        lines += [
            ("五、党员评星表", False),
            (_q("每名党员填一行:姓名、类别(下拉选择)、每颗星的赞成票数、有效票数(一次测评各星相同)、可直接认定的星的日常管理记录。"
                "行数不够时请向镇党委索取新表,不要插入或删除行列。"), True),
            ("六、出错提示", False),
            (_q("灰色结果显示“待填写”表示还有必填项未填;显示“错误:…”表示某项填写有误(如赞成票多于有效票),按提示改正即可。"), True),
        ]
        r = 2
        for text, formula in lines:
            if formula:
                self.formula(S, r, 0, text, "guide_body")
                ws.set_row(r, 48)
            else:
                self.put(S, r, 0, text, "guide_head")
                ws.set_row(r, 22)
            r += 1
        _page(ws, title="填表说明")

    def close(self) -> None:
        for name, ref in self.names.items():
            if not name.startswith("_"):
                self.wb.define_name(name, "=" + ref)
        for name, ws in self.ws.items():
            ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                            "select_unlocked_cells": True, "sort": True, "autofilter": True})
        self.ws[SHEET_ORG].activate()
        self.wb.close()


# --- helpers ---------------------------------------------------------------------------------------

def _page(ws, *, landscape: bool = False, title: str = "", repeat: tuple[int, int] | None = None,
          fit_width_only: bool = False) -> None:
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(0.5, 0.5, 0.7, 0.7)
    ws.center_horizontally()
    if repeat:
        ws.repeat_rows(*repeat)
    ws.set_header(f"&L&9{title}&R&9&A")
    ws.set_footer("&C&9第 &P 页,共 &N 页")


def _scalar(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        v = v[0] if v else None
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v


def _cells(raw: Any, n: int, allow_one: bool = False) -> list[Any]:
    if raw is None:
        return [None] * n
    cells = flatten(raw)
    if allow_one and len(cells) == 1:
        return cells * n
    return (cells + [None] * n)[:n]


def _validation(scheme: Scheme, name: str, spec) -> dict | None:
    if name == "org_type":
        words = scheme.choices.get("org_types")
        return {"validate": "list", "source": words, "ignore_blank": True, "error_type": "information",
                "error_title": "类别", "error_message": "不在列表中的类别须自行填写6颗共性星名称"} if words else None
    if spec.kind == "yesno":
        return {"validate": "list", "source": ["是", "否"]}
    if spec.kind == "count":
        return {"validate": "integer", "criteria": ">=", "value": 1 if name == "member_count" else 0,
                "error_title": "输入有误", "error_message": f"{spec.label}须为整数"}
    if spec.kind == "level":
        return {"validate": "list", "source": [lv.name for lv in scheme.levels]}
    return None


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _mark(scheme: Scheme, r) -> str:
    if r.rectify:
        return scheme.stars.rectify_label
    return scheme.stars.privileged_label if r.privileged else ""


def _label_value(scheme: Scheme, name: str) -> str:
    st = scheme.stars
    if name == "result_rectify":
        return f"{st.rectify_label}({scheme.level_name(scheme.rectify_max_rank)}以下)"
    return f"{st.privileged_label}({scheme.level_name(st.privileged_min_rank)}以上)"


def _reason_of(result, k: int) -> str:
    d = result.star_detail
    o = d.outcomes[k]
    if o.earned:
        return ""
    return next((x for x in result.reasons if x.startswith(o.name)), "")


def _ballot_name(data: Mapping) -> str:
    name = _scalar(data.get("member_name"))
    if not name:
        return ""
    t = _scalar(data.get("member_type"))
    return f"{name}" + (f" / {t}" if t else "")


def member_inputs(values: Mapping[str, Any], member: Mapping[str, Any], member_star_names: Sequence[Any],
                  scheme: Scheme) -> dict[str, Any]:
    """A member row of the workbook as score_unit inputs of double_ten_star_member (the consolidation uses this)."""
    n = len(scheme.items)
    positions = {p - 1 for p in scheme.items_by_type.positions}
    own = iter(list(member_star_names) + [None] * n)
    names = [None if k in positions else next(own) for k in range(n)]
    out = {"member_name": member.get("member_name"), "member_type": member.get("member_type"),
           "org_name": values.get("org_name"), "org_code": values.get("org_code"),
           "parent_org": values.get("parent_org"), "member_count": values.get("member_count"),
           "masses_present": values.get("masses_present"), "star_names": names,
           "star_votes_for": member.get("star_votes_for"), "star_votes_valid": member.get("star_votes_valid"),
           "star_records": member.get("star_records")}
    return out


def _score(scheme: Scheme, inputs: Mapping[str, Any]):
    from ..errors import InputError, MissingInputError
    from ..scoring import score_unit

    try:
        return score_unit(scheme, inputs)
    except MissingInputError:
        return "待填写"
    except InputError as exc:
        return f"错误:{exc}"


def build_star_workbook(path: str | Path, scheme: Scheme | str = "double_ten_star", values: Mapping[str, Any] | None = None,
                        members: Sequence[Mapping[str, Any]] | None = None,
                        member_star_names: Sequence[Any] | None = None, member_scheme: Scheme | str | None = None) -> Path:
    """Write the branch's 双十星 workbook: the organisation's inputs from `values` (names contract),
    one member_table row per entry of `members` (member_name, member_type, star_votes_for,
    star_votes_valid, star_records) and the members' four individual stars."""
    org = load_scheme(scheme)
    member = load_scheme(member_scheme or f"{org.id}_member")
    for s in (org, member):
        _check_supported(s)
    if org.stars.subject != "organisation" or member.stars.subject != "member":
        raise RatingError("双十星评星表须由评定党组织的方案和评定党员的方案组成")
    values = dict(values or {})
    members = list(members or [])
    own = list(member_star_names or [])
    path = Path(path)
    book = _Book(path, org, member, values, members, own)
    org_result = _score(org, values) if values else "待填写"
    member_results = [_score(member, member_inputs(values, m, own, member)) for m in members]
    book.rules_sheet()
    book.org_sheet(org_result)
    book.member_sheet(member_results)
    book.ballot_sheet()
    book.guide_sheet()
    book.close()
    return path

