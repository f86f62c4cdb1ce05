"""Data validations of the unit workbook's input cells (Chinese prompts and errors)."""
from __future__ import annotations

from xlsx_addin.contracts.names import INPUTS
from xlsx_addin.engine.scheme import Scheme

def _dv_list(words: list[str], what: str) -> dict:
    return {"validate": "list", "source": list(words), "input_title": "请选择",
            "input_message": f"{what}:从下拉列表中选择({'/'.join(words)})"[:255],
            "error_title": "输入有误", "error_message": f"{what}只能是:{'/'.join(words)}"[:255]}


def dv_whole(what: str, minimum: int = 0) -> dict:
    return {"validate": "integer", "criteria": ">=", "value": minimum, "input_title": "请填写整数",
            "input_message": f"{what}:填写不小于{minimum}的整数,没有的填0或留空"[:255],
            "error_title": "输入有误", "error_message": f"{what}须为不小于{minimum}的整数"[:255]}


def _dv_decimal(what: str) -> dict:
    return {"validate": "decimal", "criteria": ">=", "value": 0, "input_title": "请填写数字",
            "input_message": f"{what}:填写不小于0的数字,没有的填0或留空"[:255],
            "error_title": "输入有误", "error_message": f"{what}须为不小于0的数字"[:255]}


def dv_score(points_ref: str, all_or_nothing: bool, self_cell: str, reviewed_cell: str) -> tuple[dict, dict]:
    """The score cells' validations (self, reviewed): the limit read from the 规则 sheet, so a
    locality's points apply; messages name the 标准分值 column, not a number."""
    def one(cell: str) -> dict:
        if all_or_nothing:
            return {"validate": "custom", "value": f"=OR({cell}=0,{cell}={points_ref})",
                    "input_title": "达成得分,不达成不得分", "input_message": "达成目标填“标准分值”列的分数,未达成填0",
                    "error_title": "得分有误", "error_message": "本标准达成得“标准分值”列的分数、不达成得0分,只能填这两个数"}
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": "=" + points_ref,
                "input_title": "请填写得分", "input_message": "填写0至“标准分值”列分数之间的得分",
                "error_title": "得分有误", "error_message": "得分须在0至“标准分值”之间(不超过标准分值)"}
    return one(self_cell), one(reviewed_cell)


def input_validation(scheme: Scheme, name: str) -> dict | None:
    spec = INPUTS[name]
    if spec.kind == "choice":
        words = scheme.choices.get(spec.choices or "")
        return _dv_list(words, spec.label) if words else None
    if spec.kind == "yesno":
        return _dv_list(scheme.choices.get("yes_no", ["是", "否"]), spec.label)
    if spec.kind == "level":
        return _dv_list([lv.name for lv in scheme.levels], spec.label)
    if spec.kind == "count":
        return dv_whole(spec.label, int(spec.minimum or 0))
    if spec.kind == "number":
        return _dv_decimal(spec.label)
    return None


INPUT_STYLE = {"text": "input_text", "choice": "input_center", "yesno": "input_center", "level": "input_center",
                "count": "input_int", "number": "input_score"}

HINTS = {
    "org_name": "必填,与上级通知的名称一致",
    "org_code": "有组织代码的填写(在全县唯一)",
    "parent_org": "填写直接上级党组织全称(汇总时按此分组)",
    "org_type": "下拉选择",
    "member_count": "整数,不少于1",
    "prev_level": "下拉选择;新成立或未评定的留空",
}


