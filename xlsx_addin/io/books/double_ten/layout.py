"""The 评星表's layout and cell helpers, shared by the modules that write its sheets (stars_*.py)."""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Mapping

from xlsx_addin.engine.inputs import flatten
from xlsx_addin.io.books.kit.flavour import Flavour
from xlsx_addin.engine.scheme import Scheme


CREATED = _dt.datetime(2026, 1, 1, 0, 0, 0)
HINTS = {
    "org_name": "必填,与上级通知的名称一致", "org_code": "有组织代码的填写", "parent_org": "填写镇(街道)党委全称",
    "org_type": "下拉选择;其他类别须在下表自行填写6颗共性星名称", "member_count": "本支部党员总数(整数)",
    "masses_present": "参加民主评星的群众代表人数(填写后,有效票数不能超过党员总数与群众代表人数之和;未填写而有效票数多于党员总数的,照常评定并提示)",
    "target_rank_bottom": "全镇目标考核后3位的村、后2位的镇直部门填“是”", "prev_level": "上年度评定的星级,没有的留空",
}


def excel_quoted(text: str) -> str:
    return '"' + str(text).replace('"', '""') + '"'



def scalar_value(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        v = v[0] if v else None
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v


def cell_list(raw: Any, n: int, allow_one: bool = False) -> list[Any]:
    if raw is None:
        return [None] * n
    cells = flatten(raw)
    if allow_one and len(cells) == 1:
        return cells * n
    return (cells + [None] * n)[:n]


def validation(scheme: Scheme, name: str, spec) -> dict | None:
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


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def label_value(scheme: Scheme, name: str) -> str:
    st = scheme.star_rules()
    if name == "result_rectify":
        return f"{st.rectify_label}({scheme.level_name(scheme.rectify_max_rank)}以下)"
    return f"{st.privileged_label}({scheme.level_name(st.privileged_min_rank)}以上)"


def reason_of(result, k: int) -> str:
    d = result.star_detail
    o = d.outcomes[k]
    if o.earned:
        return ""
    return next((x for x in result.reasons if x.startswith(o.name)), "")


def ballot_name(data: Mapping) -> str:
    name = scalar_value(data.get("member_name"))
    if not name:
        return ""
    t = scalar_value(data.get("member_type"))
    return f"{name}" + (f" / {t}" if t else "")


class BookParts:
    """What the parts of the 评星表 builder (RulesSheet, OrgSheet, MemberSheet, PrintSheets and the results of a flavour) share:
    the state stars_book._Book sets, and the methods one part calls on another."""

    flavour: Flavour
    org: Scheme
    member: Scheme
    values: Mapping[str, Any]
    members: list[Mapping]
    own: list[Any]
    wb: Any  # xlsxwriter.Workbook
    st: Any  # templates.styles.Styles
    rules: Any  # stars_rules.Rules
    names: dict[str, str]
    ws: dict[str, Any]  # sheet name → kit.writing.BookSheet
    n_rows: int
    grid: dict[tuple[str, int, int], Any]
    pending: list[Any]
    org_top: int
    org_names: list[str]
    head_problem: str
    member_rows: tuple[int, int]  # the member table's first and last data row

    if TYPE_CHECKING:  # defined by one part, used by the others
        def put(self, sheet: str, r: int, c: int, value: Any, style: str) -> None: ...
        def formula(self, sheet: str, r: int, c: int, f: str, style: str, cached: Any = "") -> None: ...
        def helper(self, sheet: str, r: int, c: int, f: str, style: str, cached: Any = "") -> None: ...
        def result(self, sheet: str, r: int, c: int, f: str, style: str, cached: Any, key: tuple) -> None: ...
        def star_reason(self, scheme: Scheme, k: int, name: str, votes: str, valid: str, record: str) -> str: ...
        def vote_problem(self, scheme: Scheme, where: str, votes: str, valid: str, record: str, name: str,
                         members: str, masses: str, raw_record: str | None = None) -> str: ...
        def earned(self, scheme: Scheme, name: str, votes: str, valid: str, record: str) -> str: ...
        def level_rank(self, scheme: Scheme, count: str) -> str: ...
        def level_name(self, scheme: Scheme, rank: str) -> str: ...
        def reasons_with_caps(self, scheme: Scheme, star_reasons: str, count: str) -> str: ...
        def share_rows(self, sheet: str, cols: range, first: int, last: int) -> None: ...
        def sign_lines(self, ws: Any, r: int, last_col: int, first_col: int = 0) -> int: ...
