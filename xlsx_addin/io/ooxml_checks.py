"""What the .xlsx reader checks of the values it read, and its reasons for names and files it cannot read.

Cells no spreadsheet can hold (NaN, ±inf) and scores typed as percentages refuse the file, the cell named.
"""
from __future__ import annotations

import math
import zipfile

from xlsx_addin.contracts.names import MASS_PREFIX, VOTE_PREFIX, input_spec
from xlsx_addin.io import package
from xlsx_addin.io.unitfile import RESULT_PREFIX, RULES_TABLE, UnitFile, float_text


def check_values(unit: UnitFile) -> None:
    """Cells no spreadsheet can hold (NaN, ±inf: calamine reads <v>NaN</v> as a float) refuse the file, cell named."""
    for name, value in unit.values.items():
        if name == RULES_TABLE or name.startswith(RESULT_PREFIX):  # only compared, never written or scored
            continue
        for i, v in enumerate(value if isinstance(value, list) else (value,)):
            if v.__class__ is float and not math.isfinite(v):
                what = input_label(name, i if isinstance(value, list) else None)
                unit.problem(f"{what}:单元格的值“{float_text(v)}”不是有效数字(非数值或无穷大,Excel 中不可能出现,文件被改动过),"
                             "该单位未参与评定;请在 Excel 中重新填写该单元格后另存再提交",
                             name=name, index=i if isinstance(value, list) else None, value=float_text(v))
                return


def input_label(name: str, index: int | None = None) -> str:
    """The input a cell holds, as the clerk knows it: 无故缺席次数, 各项得分第4项, 测评票数 (name kept for others)."""
    spec = input_spec(name)
    if spec is not None:
        label = spec.label
    elif name.startswith(MASS_PREFIX + VOTE_PREFIX):
        label = f"群众测评票数({name})"
    elif name.startswith(VOTE_PREFIX):
        label = f"测评票数({name})"
    else:
        label = name
    return f"{label}第{index + 1}项" if index is not None else label


PERCENT_SCORE_NAMES = ("item_scores", "item_scores_reviewed")


def check_percent_scores(unit: UnitFile, zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo],
                          xmls: dict[str, bytes]) -> None:
    """A score typed as a percentage (90% → 0.9, in a cell Excel formats as 0%): refused, with the reason."""
    suspicious = []
    for name in PERCENT_SCORE_NAMES:
        cells = unit.values.get(name)
        if isinstance(cells, list):
            suspicious += [(name, i, v) for i, v in enumerate(cells)
                           if isinstance(v, float) and 0 < v <= 1 and not isinstance(v, bool)]
    if not suspicious or "xl/styles.xml" not in infos:
        return
    styles = package.percent_styles(package.read_member(zf, infos["xl/styles.xml"], package.MAX_XML_PART))
    if not styles:
        return
    for name, i, v in suspicious:
        sheet, cell = unit.where(name, i)
        if package.cell_style(xmls.get(sheet, b""), cell) in styles:
            unit.problem(f"得分填成了百分数(单元格显示为“{v * 100:g}%”,实际数值为{v:g}分),得分应填写分值而不是百分比,"
                         "该单位未参与评定;请把该单元格改为常规格式后填写分值", name=name, index=i, value=f"{v * 100:g}%")
            return


def bad_ref_reason(name: str, text: str) -> str:
    if "#REF!" in text.upper():
        return f"定义名称 {name} 指向的单元格已被删除(#REF!),请使用未改动结构的模板重新填报"
    if "[" in text:
        return f"定义名称 {name} 指向其他工作簿(外部链接),不予读取"
    if "," in text:
        return f"定义名称 {name} 指向多个区域,无法读取"
    return f"定义名称 {name} 不是单元格区域(内容为“{text}”),无法读取"


def calamine_reason(exc: Exception) -> str:
    kind = type(exc).__name__
    if kind == "PasswordError":
        return "文件设置了打开密码(已加密),无法读取;请去掉密码后重新提交"
    return "文件内容无法解析(可能已损坏或不是 Excel 工作簿),请在 Excel 中打开检查后另存为 .xlsx 再提交"


__all__ = ["PERCENT_SCORE_NAMES", "bad_ref_reason", "calamine_reason", "check_percent_scores", "check_values"]
