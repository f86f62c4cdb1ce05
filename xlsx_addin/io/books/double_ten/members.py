"""The 评星表's 党员评星表 sheet: the members' table `member_table`, one row per member, results live."""
from __future__ import annotations

from typing import Any

from xlsxwriter.utility import xl_col_to_name

from xlsx_addin.engine.scheme.keys import star_key
from xlsx_addin.model.errors import RatingError
from xlsx_addin.engine.inputs import flatten
from xlsx_addin.contracts.double_ten_book import (
    MEMBER_HEADERS,
    MEMBER_TABLE,
    M_COUNT,
    M_EARNED,
    M_LAST,
    M_LEVEL,
    M_MARK,
    M_NAME,
    M_PROBLEM,
    M_RAW_REASONS,
    M_RAW_STARS,
    M_REASONS,
    M_RECORDS,
    M_STARS,
    M_STAR_NAME,
    M_STATUS,
    M_TYPE,
    M_VALID,
    M_VOTES,
    N,
    SHEET_MEMBERS,
)
from xlsx_addin.io.books.double_ten.layout import (
    BookParts,
    cell_list,
    excel_quoted,
    scalar_value,
)
from xlsx_addin.io.books.kit.page import abs_ref, page_setup
from xlsx_addin.io.books.kit.text import text_height
from xlsx_addin.io.books.kit.writing import NO_CACHE
from xlsx_addin.engine.itemsets import known_types, positions_text, type_label
from xlsx_addin.engine.double_ten.cells import mark as mark_of
from xlsx_addin.io.books.double_ten.rules import if_chain, shown_q


RESULT_WIDTH = 44  # 已得星目 and 未得星说明


class MemberSheet(BookParts):
    """党员评星表 (a mixin of stars_book._Book)."""

    # 党员评星表 --------------------------------------------------------------------------------------
    def member_sheet(self, results: list) -> None:
        S, ws, m = SHEET_MEMBERS, self.ws[SHEET_MEMBERS], self.member
        ws.set_column(0, 0, 10)
        ws.set_column(1, 1, 20)
        ws.set_column(2, 11, 5.5)
        ws.set_column(12, 12, 6.5)
        ws.set_column(13, 22, 5.5)
        ws.set_column(23, 25, 9)
        ws.set_column(M_STARS, M_REASONS, RESULT_WIDTH)
        ws.set_column(28, M_LAST, 10, None, {"hidden": True})
        ws.merge_range(0, 0, 0, M_COUNT - 1, f"{m.name} · 党员评星表", self.st["title"])  # printed on the inputs' page
        ws.set_row(0, 34)
        ws.merge_range(1, 0, 1, M_COUNT - 1, "每名党员一行:黄色单元格填写,灰色自动计算。第1至6星为共性星(按党员类别确定,见下方对照),"
                       "第7至10星为本支部设定的个性星。", self.st["subtitle"])
        # individual stars of the branch's members: one cell above each of their vote columns
        positions = [p - 1 for p in m.by_type().positions]
        own_cols = [c for c in range(N) if c not in positions]
        ws.merge_range(2, 0, 2, 1, "*本支部党员个性星名称", self.st["label_bold"])
        ws.merge_range(2, M_VOTES, 2, M_VOTES + own_cols[0] - 1, "第7至10星 →", self.st["hint_box"])
        for j, k in enumerate(own_cols):
            self.put(S, 2, M_VOTES + k, scalar_value(self.own[j]), "input_center")
        if own_cols != list(range(own_cols[0], own_cols[0] + len(own_cols))):
            raise RatingError("评星表要求个性星排在共性星之后")
        self.names["member_star_names"] = abs_ref(S, 2, M_VOTES + own_cols[0], 2, M_VOTES + own_cols[-1])
        noted = sum(1 for res in results if res is not None and not isinstance(res, str) and res.notes)
        own_refs = {k: abs_ref(S, 2, M_VOTES + k) for k in own_cols}
        # legend: the ten stars of each member type, aligned with the vote columns
        r = 3
        self.put(S, r, 0, "星目对照", "header")
        self.put(S, r, 1, "党员类别", "header")
        for k in range(N):
            self.put(S, r, M_VOTES + k, f"第{k + 1}星", "header")
        r += 1
        for group in m.by_type().sets:
            labels = [it.label for it in group.typed_items()]
            self.put(S, r, 0, "", "label")
            self.put(S, r, 1, group.types[0], "label")
            for k in range(N):
                if k in positions:
                    self.put(S, r, M_VOTES + k, labels[positions.index(k)], "label_center")
                else:
                    self.formula(S, r, M_VOTES + k, f'TRIM({own_refs[k]})', "result_center", scalar_value(self.own[own_cols.index(k)]) or "")
            r += 1
        r += 1
        head = r
        first = head + 1
        last = head + self.n_rows
        columns = [{"header": h, "header_format": self.st["header"]} for h in MEMBER_HEADERS]
        ws.add_table(head, 0, last, M_LAST, {"name": MEMBER_TABLE, "columns": columns, "autofilter": True,
                                              "style": "Table Style Light 1"})
        ws.set_row(head, 42)
        self.member_rows = (first, last)
        self.share_rows(S, range(M_COUNT, M_LAST + 1), first, last)  # one formula per column: stored once
        # the members' 提示 (scoring._masses_note): valid votes above the members with the masses blank
        members_cell, masses_cell = self.names["member_count"], self.names["masses_present"]
        valid_col, count_col = (f"${xl_col_to_name(c)}${first + 1}:${xl_col_to_name(c)}${last + 1}" for c in (M_VALID, M_COUNT))
        over = f"SUMPRODUCT(({valid_col}>{members_cell})*ISNUMBER({count_col}))"  # rated members only
        ws.merge_range(2, M_VALID, 2, M_COUNT - 1, None, self.st["hint_box"])
        self.formula(S, 2, M_VALID, f'IF(AND(TRIM({masses_cell})="",ISNUMBER({members_cell})),IF({over}>0,"提示:"&{over}'
                     f'&"名党员的有效票数超过党员总数"&{members_cell}&"人,已按群众代表参加投票评定;请在党组织评星表填写参加测评群众代表人数",""),"")',
                     "hint_box", f"提示:{noted}名党员的有效票数超过党员总数{self.values.get('member_count')}人,已按群众代表参加投票评定;"
                     "请在党组织评星表填写参加测评群众代表人数" if noted else "")
        words, sets = self.rules.words[m.id], self.rules.sets[m.id]
        branch, members, masses = self.names["org_name"], self.names["member_count"], self.names["masses_present"]
        priv = self.rules.key(m, star_key("privileged_min_rank"))
        rect = self.rules.key(m, "rectify_max_rank")
        col = xl_col_to_name
        term, what = m.item_term, type_label(m)
        unnamed = positions_text(m.by_type().positions)  # a member's common stars are never typed
        for i in range(self.n_rows):
            rr = first + i
            R = rr + 1
            data = self.members[i] if i < len(self.members) else {}
            res = results[i] if i < len(results) else None
            ok = res is not None and not isinstance(res, str)
            got: Any = res if ok else None  # the member's UnitResult when it was scored
            self.put(S, rr, M_NAME, scalar_value(data.get("member_name")), "input_text")
            self.put(S, rr, M_TYPE, scalar_value(data.get("member_type")), "input_center")
            v = cell_list(data.get("star_votes_for"), N)
            recs = cell_list(data.get("star_records"), N)
            valid = scalar_value(flatten(data.get("star_votes_valid"))[0]) if data.get("star_votes_valid") is not None else None
            for k in range(N):
                self.put(S, rr, M_VOTES + k, scalar_value(v[k]), "input_int")
                self.put(S, rr, M_RECORDS + k, scalar_value(recs[k]), "input_center")
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
                self.helper(S, rr, M_STAR_NAME + k, f, "result_center",
                             got.star_detail.names[k] if ok else "")
                votes, rec = f"{col(M_VOTES + k)}{R}", f"TRIM({col(M_RECORDS + k)}{R})"
                where = f'"第{k + 1}颗星“"&{cname}&"”:"'
                self.helper(S, rr, M_PROBLEM + k,
                            self.vote_problem(m, where, votes, f"$M{R}", rec, cname, members, masses,
                                              f"{col(M_RECORDS + k)}{R}"), "result_text")
            names_range = f"{col(M_STAR_NAME)}{R}:{col(M_STAR_NAME + N - 1)}{R}"
            first_problem = '""'
            for k in reversed(range(N)):
                p = f"{col(M_PROBLEM + k)}{R}"
                first_problem = f'IF({p}<>"",{p},{first_problem})'
            names = [f"{col(M_STAR_NAME + k)}{R}" for k in range(N)]
            dup = if_chain([(f'COUNTIF({names[0]}:{names[k - 1]},{names[k]})>0',
                             f'"错误:{term}名称“"&{names[k]}&"”重复,同一单位的{term}不能重名"') for k in range(1, N)])
            status = (f'IF(NOT({filled}),"",IF({self.head_problem}<>"",{self.head_problem},IF(TRIM(A{R})="","待填写",IF(TRIM({branch})="","待填写",'
                      f'IF(TRIM(B{R})="","待填写",IF(ISNA(MATCH(TRIM(B{R}),{words},0)),"错误:{what}“"&{shown_q(f"TRIM(B{R})")}&"”'
                      f'不是方案规定的类别(可选:{known_types(m)}),请自行填写{unnamed}{term}名称",'
                      f'IF(COUNTIF({names_range},"")>0,"待填写",'
                      f'IF({dup}<>"",{dup},'
                      f'{first_problem}))))))))')
            self.helper(S, rr, M_STATUS, status, "result_text", ("" if ok else (res or "")) if i < len(self.members) else "")
            st = f"{col(M_STATUS)}{R}"
            raw_stars, raw_reasons = [], []
            for k in range(N):
                cname = f"{col(M_STAR_NAME + k)}{R}"
                votes, rec = f"{col(M_VOTES + k)}{R}", f"TRIM({col(M_RECORDS + k)}{R})"
                e = f"{col(M_EARNED + k)}{R}"
                self.helper(S, rr, M_EARNED + k,
                             f'IF(OR(NOT({filled}),{st}<>""),"",{self.earned(m, cname, votes, f"$M{R}", rec)})',
                             "result_center", ("是" if got.star_detail.outcomes[k].earned else "否") if ok else "")
                raw_stars.append(f'IF({e}="是",{cname}&"、","")')
                raw_reasons.append(f'IF({e}="否",{self.star_reason(m, k + 1, cname, votes, f"$M{R}", rec)}&"；","")')
            # the two joins are steps of 已得星目 / 未得星说明 (which keep the saved text): no saved value of their own
            self.helper(S, rr, M_RAW_STARS, "&".join(raw_stars), "result_text", NO_CACHE)
            self.helper(S, rr, M_RAW_REASONS, "&".join(raw_reasons), "result_text", NO_CACHE)
            count = f'COUNTIF({col(M_EARNED)}{R}:{col(M_EARNED + N - 1)}{R},"是")'
            rank = self.level_rank(m, count) if m.adjustments else count
            self.result(S, rr, M_COUNT, f'IF(NOT({filled}),"",IF({st}<>"",{st},{count}))', "result_center",
                        len(got.stars) if ok else (res or ""), ("member", i, 0))
            self.result(S, rr, M_LEVEL, f'IF(NOT({filled}),"",IF({st}<>"",{st},{self.level_name(m, rank)}))',
                        "result_center", got.level_name if ok else (res or ""), ("member", i, 1))
            mark = (f'IF(OR(NOT({filled}),{st}<>""),"",IF({rank}<={rect},{excel_quoted(m.star_rules().rectify_label)},'
                    f'IF({rank}>={priv},{excel_quoted(m.star_rules().privileged_label)},"")))')
            self.result(S, rr, M_MARK, mark, "mark", mark_of(m, got) if ok else "", ("member", i, 2))
            if ok and (got.stars or got.reasons):  # the saved texts print in full (no program fits a formula's)
                ws.set_row(rr, min(409, max(text_height("、".join(got.stars), RESULT_WIDTH),
                                            text_height("；".join(got.reasons), RESULT_WIDTH))))
            raw_s, raw_r = f"{col(M_RAW_STARS)}{R}", f"{col(M_RAW_REASONS)}{R}"
            self.result(S, rr, M_STARS, f'IF({raw_s}="","",LEFT({raw_s},LEN({raw_s})-1))', "result_text",
                        "、".join(got.stars) if ok else "", ("member", i, 3))
            self.result(S, rr, M_REASONS, f'IF({raw_r}="","",LEFT({raw_r},LEN({raw_r})-1))', "result_text",
                        "；".join(got.reasons) if ok else "", ("member", i, 4))
        ws.data_validation(first, M_TYPE, last, M_TYPE, {"validate": "list", "source": m.choices.get("member_types", [])[:4] or
                                                         [s.types[0] for s in m.by_type().sets]})
        ws.data_validation(first, M_VOTES, last, M_VALID, {"validate": "integer", "criteria": ">=", "value": 0,
                                                             "error_title": "票数有误", "error_message": "票数须为不小于0的整数"})
        ws.data_validation(first, M_RECORDS, last, M_RECORDS + N - 1, {"validate": "list", "source": ["是", "否"]})
        end = self.sign_lines(ws, last + 2, M_COUNT - 1, M_VOTES)  # right of the repeated name columns
        ws.freeze_panes(first, 2)
        # printed at a legible size over pages: the inputs (A–W), then the results (X–AB); the header row and the
        # name and type columns on every page
        page_setup(ws, landscape=True, title=m.name, repeat=(head, head))
        ws.set_print_scale(60)
        ws.print_across()
        ws.repeat_columns(0, 1)
        ws.set_v_pagebreaks([M_COUNT])
        ws.print_area(0, 0, end - 1, M_REASONS)

