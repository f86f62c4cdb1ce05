"""The 评星表's 党组织评星表 sheet: the organisation's inputs, its ten stars and its results."""
from __future__ import annotations

from xlsx_addin.contracts.names import INPUTS, STAR_INPUTS
from xlsx_addin.contracts.double_ten_book import (
    N,
    ORG_INFO,
    SHEET_ORG,
)
from xlsx_addin.io.books.double_ten.layout import (
    BookParts,
    HINTS,
    cell_list,
    label_value,
    excel_quoted,
    reason_of,
    scalar_value,
    validation,
    yes_no,
)
from xlsx_addin.io.books.kit.page import abs_ref, page_setup
from xlsx_addin.engine.inputs import describe
from xlsx_addin.engine.itemsets import known_types, type_label
from xlsx_addin.io.books.double_ten.rules import count_steps, if_chain, masses_note, pct_formula, shown_q


class OrgSheet(BookParts):
    """党组织评星表 (a mixin of stars_book._Book)."""

    # 党组织评星表 ------------------------------------------------------------------------------------
    def org_sheet(self, result) -> None:
        S, ws, org = SHEET_ORG, self.ws[SHEET_ORG], self.org
        for col, width in ((0, 6), (1, 9), (2, 16), (3, 14), (4, 10), (5, 10), (6, 10), (7, 11), (8, 9), (9, 52)):
            ws.set_column(col, col, width)
        ws.set_column(11, 17, 12, None, {"hidden": True})
        ws.merge_range(0, 0, 0, 9, f"{org.name} · 党组织评星表", self.st["title"])
        ws.set_row(0, 34)
        note = self.flavour.note("评星表")
        ws.merge_range(1, 0, 1, 9, "黄色单元格由本党组织填写;灰色单元格自动计算,不能修改。" + note,
                       self.st["subtitle_wrap" if note else "subtitle"])  # the Python flavour's note: two lines
        if note:
            ws.set_row(1, 48)
        r = 2
        for name in ORG_INFO:
            spec = INPUTS.get(name) or STAR_INPUTS[name]
            ws.merge_range(r, 0, r, 1, ("*" if name in ("org_name", "org_type") else "") + spec.label, self.st["label_bold"])
            value = self.values.get(name)
            style = "input_int" if spec.kind == "count" else "input_center" if spec.kind in ("yesno", "level") else "input_text"
            ws.merge_range(r, 2, r, 4, None, self.st[style])
            self.put(S, r, 2, scalar_value(value), style)
            ws.merge_range(r, 5, r, 9, HINTS.get(name, ""), self.st["hint_box"])
            ws.set_row(r, 32 if len(spec.label) > 9 else 24)
            self.names[name] = abs_ref(S, r, 2)
            dv = validation(org, name, spec)
            if dv:
                ws.data_validation(r, 2, r, 2, dv)
            r += 1
        type_row = self.names["org_type"]
        set_row = f"IFERROR(MATCH(TRIM({type_row}),{self.rules.words[org.id]},0),0)"
        self.helper(S, 5, 11, set_row, "result_center")  # L6: the type's row in 规则 (0 = not a listed type)
        set_cell = abs_ref(S, 5, 11)
        # R6: the common stars left unnamed, as itemsets.positions_text words them (第1至6项, 第2、4项)
        top0 = 2 + len(ORG_INFO) + 2
        slots = [p - 1 for p in org.by_type().positions]
        blank = [f'(TRIM(C{top0 + p + 1})="")' for p in slots]
        count = "(" + "+".join(blank) + ")"
        first = if_chain([(b_, str(p + 1)) for b_, p in zip(blank, slots)], "0")
        last_slot = if_chain([(b_, str(p + 1)) for b_, p in reversed(list(zip(blank, slots)))], "0")
        joined = "&".join(f'IF({b_},"{p + 1}、","")' for b_, p in zip(blank, slots))
        self.helper(S, 5, 17, f'IF({count}=0,"",IF(AND({count}>2,{last_slot}-{first}+1={count}),"第"&{first}&"至"&{last_slot}&"项",'
                              f'"第"&LEFT({joined},LEN({joined})-1)&"项"))', "result_text")
        missing_cell = abs_ref(S, 5, 17)
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
        assert top == top0
        self.org_top = top
        detail = getattr(result, "star_detail", None)
        self.org_names = list(detail.names) if detail else [""] * N
        positions = [p - 1 for p in org.by_type().positions]
        names = cell_list(self.values.get("star_names"), N)
        votes = cell_list(self.values.get("star_votes_for"), N)
        valid = cell_list(self.values.get("star_votes_valid"), N, allow_one=True)
        records = cell_list(self.values.get("star_records"), N)
        members, masses = self.names["member_count"], self.names["masses_present"]
        for k in range(N):
            rr = top + k
            R = rr + 1
            self.put(S, rr, 0, k + 1, "label_center")
            self.put(S, rr, 1, "共性星" if k in positions else "个性星", "label_center")
            self.put(S, rr, 2, scalar_value(names[k]), "input_center")
            self.put(S, rr, 4, scalar_value(votes[k]), "input_int")
            self.put(S, rr, 5, scalar_value(valid[k]), "input_int")
            self.put(S, rr, 7, scalar_value(records[k]), "input_center")
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
            self.result(S, rr, 3, adopted, "result_center", detail.names[k] if detail else "", ("star", k, 0))
            where = f'"第{k + 1}颗星“"&D{R}&"”:"'
            if k in positions:  # itemsets.item_labels' refusals, word for word
                term, what = org.item_term, type_label(org)
                name_problem = (f'IF(AND({set_cell}>0,{typed}<>"",{typed}<>D{R}),"错误:第{k + 1}项{term}名称“"&{shown_q(typed)}'
                                f'&"”与{what}“"&TRIM({type_row})&"”的规定“"&D{R}&"”不符(按类别确定的{term}可留空)",'
                                f'IF(D{R}="",IF(TRIM({type_row})="","待填写","错误:{what}“"&{shown_q(f"TRIM({type_row})")}'
                                f'&"”不是方案规定的类别(可选:{known_types(org)}),请自行填写"&{missing_cell}&"{term}名称"),""))')
            else:
                name_problem = f'IF(D{R}="","待填写","")'
            self.helper(S, rr, 11, name_problem, "result_text")
            self.helper(S, rr, 12, self.vote_problem(org, where, f"E{R}", f"F{R}", f"TRIM(H{R})", f"D{R}", members, masses,
                                                     f"H{R}"),
                         "result_text")
            self.helper(S, rr, 13, f'IF(L{R}<>"",L{R},"")' if k == 0 else f'IF(N{R - 1}<>"",N{R - 1},L{R})', "result_text")
            self.helper(S, rr, 14, f'IF(M{R}<>"",M{R},"")' if k == 0 else f'IF(O{R - 1}<>"",O{R - 1},M{R})', "result_text")
            share = f'IF(AND(ISNUMBER(E{R}),ISNUMBER(F{R})),IF(AND(F{R}>0,E{R}>=0),{pct_formula(f"E{R}", f"F{R}")},""),"")'
            self.result(S, rr, 6, share, "result_center", "", ("star", k, 1))
            self.result(S, rr, 8, f'IF(OR(L{R}<>"",M{R}<>""),"",{self.earned(org, f"D{R}", f"E{R}", f"F{R}", f"TRIM(H{R})")})',
                    "star", ("是" if detail.outcomes[k].earned else "否") if detail else "", ("star", k, 2))
            reason = self.star_reason(org, k + 1, f"D{R}", f"E{R}", f"F{R}", f"TRIM(H{R})")
            self.result(S, rr, 9, f'IF(I{R}="否",{reason},"")', "result_text",
                        reason_of(result, k) if detail else "", ("star", k, 3))
            got = f'IF(I{R}="是",D{R},"")'
            self.helper(S, rr, 15, got if k == 0 else f'IF(I{R}="是",IF(P{R - 1}="",D{R},P{R - 1}&"、"&D{R}),P{R - 1})',
                         "result_text")
            self.helper(S, rr, 16, f'J{R}' if k == 0 else f'IF(J{R}="",Q{R - 1},IF(Q{R - 1}="",J{R},Q{R - 1}&"；"&J{R}))',
                         "result_text")
            ws.set_row(rr, 26)
        last = top + N - 1
        L = last + 1
        self.names["star_names"] = abs_ref(S, top, 2, last, 2)
        self.names["star_votes_for"] = abs_ref(S, top, 4, last, 4)
        self.names["star_votes_valid"] = abs_ref(S, top, 5, last, 5)
        self.names["star_records"] = abs_ref(S, top, 7, last, 7)

        # results
        r = last + 2
        mc, mp = self.names["member_count"], self.names["masses_present"]
        prev, trb = self.names["prev_level"], self.names["target_rank_bottom"]
        h1 = if_chain(count_steps("member_count", mc, '"错误:"') + count_steps("masses_present", mp, '"错误:"'))
        self.helper(S, r, 11, h1, "result_text")  # shared by the members (their branch's counts)
        self.head_problem = abs_ref(S, r, 11)
        words = org.choices.get("yes_no", ["是", "否"])
        levels = "/".join(lv.name for lv in org.levels)
        h2 = if_chain([
            (f'AND(TRIM({prev})<>"",ISNA(MATCH(TRIM({prev}),{self.rules.level_names[org.id]},0)),'
             f'ISNA(MATCH({prev},{self.rules.ranks[org.id]},0)))',
             f'"错误:{describe("prev_level")}的值“"&{shown_q(prev)}&"”不是本方案的{org.level_term}名称,应为:{levels}"'),
            (f'AND(TRIM({trb})<>"",' + ",".join(f'TRIM({trb})<>{excel_quoted(w)}' for w in words) + ")",
             f'"错误:{describe("target_rank_bottom")}的值“"&{shown_q(trb)}&"”不是可选项,应为:{"/".join(words)}"'),
            (f'TRIM({self.names["org_name"]})=""', '"待填写"')])
        self.helper(S, r + 1, 11, h2, "result_text")
        # the first star named twice, in order (itemsets.item_labels' refusal)
        dup = if_chain([(f'AND($D${top + 1 + k}<>"",COUNTIF($D${top + 1}:$D${top + k},$D${top + 1 + k})>0)',
                         f'"错误:{org.item_term}名称“"&$D${top + 1 + k}&"”重复,同一单位的{org.item_term}不能重名"')
                        for k in range(1, N)])
        status = (f'IF(L{r + 1}<>"",L{r + 1},IF(L{r + 2}<>"",L{r + 2},IF(N{L}<>"",N{L},'
                  f'IF({dup}<>"",{dup},O{L}))))')
        self.helper(S, r, 12, status, "result_text")
        st = abs_ref(S, r, 12)
        count = f'COUNTIF($I${top + 1}:$I${L},"是")'
        rank = self.level_rank(org, count)
        self.helper(S, r, 13, f'IF({st}<>"","",{rank})', "result_center")
        rank_cell = abs_ref(S, r, 13)
        priv = self.rules.key(org, "stars.privileged_min_rank")
        rect = self.rules.key(org, "rectify_max_rank")
        ok = result is not None and not isinstance(result, str)
        rows = [
            ("得星数", "result_star_count", f'IF({st}<>"",{st},{count})', "result_bold", len(result.stars) if ok else result),
            ("星级", "result_level", f'IF({st}<>"",{st},{self.level_name(org, rank_cell)})', "result_bold",
             result.level_name if ok else result),
            ("已得星目", "result_stars", f'IF({st}<>"","",P{L})', "result_text", "、".join(result.stars) if ok else ""),
            (f'"{org.star_rules().rectify_label}("&{self.level_name(org, rect)}&"以下)"', "result_rectify",
             f'IF({st}<>"","",IF({rank_cell}<={rect},"是","否"))', "mark", yes_no(result.rectify) if ok else ""),
            (f'"{org.star_rules().privileged_label}("&{self.level_name(org, priv)}&"以上)"', "result_privileged",
             f'IF({st}<>"","",IF({rank_cell}>={priv},"是","否"))', "mark", yes_no(result.privileged) if ok else ""),
            ("说明(未得星及封顶)", "result_reasons", f'IF({st}<>"","",{self.reasons_with_caps(org, f"Q{L}", count)})',
             "result_text_left", "；".join(result.reasons) if ok else ""),
            ("提示", "result_notes", f'IF({st}<>"","",{masses_note(mc, mp, f"MAX($F${top + 1}:$F${L})")})',
             "result_text_left", "；".join(result.notes) if ok else ""),
        ]
        for i, (label, name, f, style, cached) in enumerate(rows):
            ws.merge_range(r, 0, r, 2, None, self.st["label_bold"])
            if label.startswith('"'):  # a label that tells a number of the 规则 sheet: a formula over it
                self.formula(S, r, 0, label, "label_bold", label_value(org, name))
            else:
                self.put(S, r, 0, label, "label_bold")
            ws.merge_range(r, 3, r, 9, None, self.st[style])
            self.result(S, r, 3, f, style, cached, ("org", i, 0))
            self.names[name] = abs_ref(S, r, 3)
            ws.set_row(r, 44 if name == "result_reasons" else 30 if name == "result_notes" else 22)
            r += 1
        r = self.sign_lines(ws, r + 1, 9)
        ws.freeze_panes(head + 1, 0)
        ws.print_area(0, 0, r - 1, 9)
        page_setup(ws, landscape=True, title=org.name, fit_height=1)

    def sign_lines(self, ws, r: int, last_col: int, first_col: int = 0) -> int:
        """The 民主评星's signatures (评审委员会 of 5~7, 计票 and 监票), the secretary's and the seal, the 公示 and the
        upper level's approval (分级授星), from row r in columns first_col..last_col; the row after them."""
        committee = "    ".join(f"{k}.__________" for k in range(1, 8))
        lines = [
            ("民主评星评审委员会(5~7人,由党员领导干部、党员代表、群众代表和“两代表一委员”组成)成员签字:", 20, "sign_bold"),
            (committee, 26, "sign"),
            ("计票人(签字):______________      监票人(签字):______________      评星日期:______年____月____日", 26, "sign"),
            ("党组织书记(签字):______________      党组织(盖章)      ______年____月____日", 30, "sign"),
            ("公示:评星结果于______年____月____日至______年____月____日在______________________公示,"
             "公示期间 □无异议 □有异议(处理情况:______________________)", 26, "sign"),
            ("镇党委审核意见:____________________________________      (盖章)      ______年____月____日", 30, "sign"),
        ]
        for text, height, style in lines:
            ws.merge_range(r, first_col, r, last_col, text, self.st[style])
            ws.set_row(r, height)
            r += 1
        return r

