"""The 双十星 评星表's contract: its sheets, the member table's name and columns, the organisation's inputs.
The builder (io/books/double_ten/), the formula functions' logic (engine/double_ten/cells.py) and the
consolidation (jobs/consolidate/double_ten/) all read it from here."""
from __future__ import annotations

SHEET_GUIDE, SHEET_ORG, SHEET_MEMBERS, SHEET_BALLOT, SHEET_RULES = "填表说明", "党组织评星表", "党员评星表", "评星票", "规则"
SHEET_MEMBER_BALLOT = "党员评星票"  # the members' ballot, printed on its own pages (评星票: the organisation's)
MEMBER_TABLE = "member_table"  # the Excel table of members (read like a defined name)
MEMBER_ROWS = 80  # blank member rows in the template (a branch has 10–60 members)
N = 10  # stars per organisation / member

# member_table columns, in order (the header texts are what the consolidation checks)
M_NAME, M_TYPE = 0, 1
M_VOTES = 2  # 2..11
M_VALID = 12
M_RECORDS = 13  # 13..22
MEMBER_INPUT_COLUMNS = M_RECORDS + N  # the inputs end here; results and helpers follow
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

# the organisation's inputs on 党组织评星表, in order
ORG_INFO = ("org_name", "org_code", "parent_org", "org_type", "member_count", "masses_present", "target_rank_bottom",
            "prev_level")
