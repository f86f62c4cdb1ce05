"""The 评星表's printable sheets: the 评星票 ballots and the 填表说明."""
from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from xlsx_addin.engine.scheme import Scheme
from xlsx_addin.engine.scheme.keys import adjustment_key, star_key, star_rule_key

from xlsx_addin.contracts.double_ten_book import (
    M_VOTES,
    N,
    SHEET_BALLOT,
    SHEET_GUIDE,
    SHEET_MEMBER_BALLOT,
    SHEET_MEMBERS,
    SHEET_ORG,
)
from xlsx_addin.io.books.double_ten.layout import (
    BookParts,
    ballot_name,
    excel_quoted,
    scalar_value,
)
from xlsx_addin.io.books.kit.page import page_setup
from xlsx_addin.io.books.kit.text import text_height
from xlsx_addin.io.books.double_ten.rules import record_rule


GUIDE_WIDTH = 72  # the 填表说明's one column: within A4 portrait at 100 % (LibreOffice does not shrink one column)


class PrintSheets(BookParts):
    """评星票 and 填表说明 (a mixin of stars_book._Book)."""

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
            self.formula(S, r, 1, f"'{SHEET_ORG}'!$D${self.org_top + k + 1}&\"\"", "ballot_item", self.org_names[k])
            for c in (2, 3, 4):
                self.put(S, r, c, "□", "ballot_box")
            ws.set_row(r, 28)
        r = 4 + N + 1
        ws.merge_range(r, 0, r, 4, None, self.st["text_top"])
        self.formula(S, r, 0, self.ballot_note(self.org), "text_top")
        ws.set_row(r, 60)
        ws.print_area(0, 0, r, 4)
        page_setup(ws, title="评星票", fit_height=1)
        self.member_ballot_sheet()

    def member_ballot_sheet(self) -> None:
        """党员评星票: one line per member, a box per star; its title and header rows repeat on every page."""
        S, ws = SHEET_MEMBER_BALLOT, self.ws[SHEET_MEMBER_BALLOT]
        ws.set_column(0, 0, 5)
        ws.set_column(1, 1, 26)
        ws.set_column(2, 2 + N - 1, 6.5)
        last_col = 2 + N - 1
        ws.merge_range(0, 0, 0, last_col, "“双十星”民主评星票(党员)", self.st["title"])
        ws.set_row(0, 32)
        ws.merge_range(1, 0, 1, last_col, None, self.st["sign"])
        self.formula(S, 1, 0, f'"党支部:"&{self.names["org_name"]}&"    评议人身份:□ 党员  □ 群众代表    日期:    年   月   日"',
                     "sign", f"党支部:{self.values.get('org_name') or ''}    评议人身份:□ 党员  □ 群众代表    日期:    年   月   日")
        ws.merge_range(2, 0, 2, last_col, "每名党员每颗星:同意划“√”,不同意划“×”,弃权不划;第1至6星按党员类别(见党员评星表的星目对照),"
                       "第7至10星为本支部的个性星", self.st["text_top"])
        ws.set_row(2, 30)
        r = 3
        self.put(S, r, 0, "序号", "header")
        self.put(S, r, 1, "党员姓名 / 类别", "header")
        for k in range(N):
            self.put(S, r, 2 + k, f"第{k + 1}星", "header")
        r += 1
        positions = [p - 1 for p in self.member.by_type().positions]
        own = [f"'{SHEET_MEMBERS}'!${xl_col_to_name(M_VOTES + k)}$3" for k in range(N) if k not in positions]
        self.put(S, r, 0, "", "label")
        self.put(S, r, 1, "星目", "label_center")
        j = 0
        for k in range(N):
            if k in positions:
                self.put(S, r, 2 + k, "按类别", "label_center")
            else:  # a blank individual star prints blank, never 0
                self.formula(S, r, 2 + k, f'{own[j]}&""', "label_center", scalar_value(self.own[j]) or "")
                j += 1
        ws.set_row(r, 24)
        head = (0, r)
        r += 1
        first, _ = self.member_rows
        self.share_rows(S, range(1, 2), r, r + self.n_rows - 1)
        for i in range(self.n_rows):
            R = first + i + 1
            self.put(S, r + i, 0, i + 1, "label_center")
            name_cell = f"'{SHEET_MEMBERS}'!$A{R}"
            type_cell = f"'{SHEET_MEMBERS}'!$B{R}"
            data = self.members[i] if i < len(self.members) else {}
            self.formula(S, r + i, 1, f'IF({name_cell}="","",{name_cell}&IF({type_cell}="",""," / "&{type_cell}))',
                         "ballot_item", ballot_name(data))
            for k in range(N):
                self.put(S, r + i, 2 + k, "□", "ballot_box")
            ws.set_row(r + i, 20)
        end = r + (len(self.members) if self.members else self.n_rows) - 1
        ws.merge_range(end + 2, 0, end + 2, last_col, "计票人(签字):______________    监票人(签字):______________    "
                       "____年__月__日", self.st["sign"])
        ws.set_row(end + 2, 28)
        ws.print_area(0, 0, end + 2, last_col)
        page_setup(ws, title="党员评星票", repeat=head)

    def ballot_note(self, scheme: Scheme) -> str:
        thr = self.rules.thr_text[scheme.id]
        return (f'"填写说明:每颗星在“同意”“不同意”“弃权”中选一项划“√”;弃权、多选或无法辨认的不计入有效票。'
                f'当场唱票,赞成票数÷有效票数高于"&{thr}&"(不含本数)方可得星。"')

    # 填表说明 -----------------------------------------------------------------------------------------
    def guide_sheet(self) -> None:
        S, ws, org, m = SHEET_GUIDE, self.ws[SHEET_GUIDE], self.org, self.member
        ws.set_column(0, 0, GUIDE_WIDTH)
        self.put(S, 0, 0, "“双十星”评星表 · 填表说明", "title")
        ws.set_row(0, 32)
        thr = self.rules.thr_text[org.id]
        rec = self.rules.key(org, star_rule_key(record_rule(org).id, "stars")) if record_rule(org) else '""'
        priv = self.rules.key(org, star_key("privileged_min_rank"))
        rect = self.rules.key(org, "rectify_max_rank")
        goal = m.star_rules().goal
        lines: list[tuple[str, bool]] = [
            ("一、本表用途", False),
            (excel_quoted("本工作簿用于“十星级党组织”(党组织评星表)和“十星级党员”(党员评星表)的年终民主评星,填好后报镇党委一键汇总。"
                "黄色单元格填写,灰色单元格自动计算;" + (self.flavour.note("评星表")
                                                 or "本表只用普通公式,Excel、WPS、LibreOffice 都能计算,无需宏或插件。")), True),
            ("二、星目", False),
            (excel_quoted("每个党组织、每名党员各评十颗星:第1至6星为共性星,按类别确定(见“规则”表的对照,党组织评星表的“采用的星目”列自动显示);"
                "第7至10星为个性星,由上级党组织或本支部结合实际设定,须填写名称。党组织类别不在方案所列类别中的,须在“星目名称(填写)”列自行填写6颗共性星名称。"), True),
            ("三、得星", False),
            (f'"每颗星民主测评:得票率=赞成票数÷有效票数,高于"&{thr}&"(不含本数)的得星。赞成票数不能超过有效票数,填写了参加测评群众代表人数的,有效票数不能超过党员总数与群众代表人数之和;群众代表参加投票而未填写人数的,照常评定并提示补填。"', True),
            (f'"可按日常管理情况直接认定的星("&{rec}&"):“日常管理记录”填“是”即得星、填“否”即不得星,留空则按民主测评;其他星不能填记录。"', True),
            ("四、星级与结果运用", False),
            (f'"星级=得星数(十星级至一星级,一颗未得为无星)。"&{self.level_name(org, priv)}&"以上(含本数)优先推荐、享受有关激励政策;"'
             f'&{self.level_name(org, rect)}&"以下(含本数)的党组织整顿、党员处置。"', True),
        ]
        for rule in org.adjustments:
            cap = self.rules.key(org, adjustment_key(rule.id, "max_level"))
            lines.append((f'{excel_quoted(rule.label + ":“年度目标考核排名靠后”填“是”的,最高定为")}&{self.level_name(org, cap)}&"。"', True))
        if goal is not None:
            share = self.rules.key(m, star_key("goal", "share"))
            rank = self.rules.key(m, star_key("goal", "rank"))
            lines.append((f'"目标:力争"&TEXT({share},"0%")&"以上的党员达到"&{self.level_name(m, rank)}&";这是目标而非配额,汇总时报告占比,不调整任何人的星级。"', True))
        lines += [
            ("五、党员评星表", False),
            (excel_quoted("每名党员填一行:姓名、类别(下拉选择)、每颗星的赞成票数、有效票数(一次测评各星相同)、可直接认定的星的日常管理记录。"
                "行数不够时请向镇党委索取新表,不要插入或删除行列。"), True),
            ("六、出错提示", False),
            (excel_quoted("灰色结果显示“待填写”表示还有必填项未填;显示“错误:…”表示某项填写有误(如赞成票多于有效票),按提示改正即可。"), True),
        ]
        r = 2
        for text, formula in lines:
            if formula:
                self.formula(S, r, 0, text, "guide_body")
                ws.set_row(r, text_height(text, GUIDE_WIDTH))
            else:
                self.put(S, r, 0, text, "guide_head")
                ws.set_row(r, 22)
            r += 1
        page_setup(ws, title="填表说明")

