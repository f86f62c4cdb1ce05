"""Cell styles shared by the template builders: one table of XlsxWriter format properties.

Inputs are unlocked and tinted light yellow; computed cells are locked and grey; every
sheet is protected without a password, so clerks can only type into the yellow cells
(and may still widen columns and rows).
"""
from __future__ import annotations

from typing import Any

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
INPUT_FILL = "#FFF2CC"  # light yellow: the clerk types here
RESULT_FILL = "#EDEDED"  # light grey: computed, locked
HEADER_FILL = "#D9E1F2"
SECTION_FILL = "#F2F2F2"
KEY_COLOR = "#A6A6A6"  # the names-contract keys: small grey text in a hidden column

_BASE: dict[str, Any] = {"font_name": BODY_FONT, "font_size": 11, "valign": "vcenter"}
_BOX: dict[str, Any] = {"border": 1}
_INPUT: dict[str, Any] = {**_BASE, **_BOX, "bg_color": INPUT_FILL, "locked": False}
_RESULT: dict[str, Any] = {**_BASE, **_BOX, "bg_color": RESULT_FILL, "locked": True}

STYLES: dict[str, dict[str, Any]] = {
    "title": {"font_name": TITLE_FONT, "font_size": 18, "bold": True, "align": "center", "valign": "vcenter"},
    "subtitle": {**_BASE, "font_size": 10, "align": "center", "font_color": "#595959"},
    "hint": {**_BASE, "font_size": 9, "font_color": "#595959", "text_wrap": True},
    "hint_box": {**_BASE, **_BOX, "font_size": 9, "font_color": "#595959", "text_wrap": True},
    "section": {**_BASE, "font_name": TITLE_FONT, "font_size": 12, "bold": True, "bg_color": SECTION_FILL,
                "border": 1},
    "header": {**_BASE, **_BOX, "bold": True, "align": "center", "text_wrap": True, "bg_color": HEADER_FILL},
    "label": {**_BASE, **_BOX, "text_wrap": True},
    "label_bold": {**_BASE, **_BOX, "bold": True, "text_wrap": True},
    "label_center": {**_BASE, **_BOX, "align": "center", "text_wrap": True},
    "number_center": {**_BASE, **_BOX, "align": "center", "num_format": "0.##"},
    "key": {**_BASE, "font_size": 8, "font_color": KEY_COLOR},
    "input_text": {**_INPUT, "text_wrap": True},
    "input_center": {**_INPUT, "align": "center"},
    "input_int": {**_INPUT, "align": "center", "num_format": "0"},
    "input_score": {**_INPUT, "align": "center", "num_format": "0.##"},
    "input_param": {**_INPUT, "align": "center", "num_format": "General"},
    "input_percent": {**_INPUT, "align": "center", "num_format": "0.##%"},
    "locked_param": {**_RESULT, "align": "center"},
    "result_text": {**_RESULT, "text_wrap": True},
    "result_text_left": {**_RESULT, "text_wrap": True, "align": "left", "valign": "top"},
    "result_center": {**_RESULT, "align": "center", "num_format": "0.##"},
    "result_bold": {**_RESULT, "align": "center", "bold": True, "font_size": 12, "num_format": "0.##"},
    "result_percent": {**_RESULT, "align": "center", "num_format": "0.0%"},
    "ballot_box": {**_BASE, **_BOX, "align": "center", "font_size": 14},
    "ballot_item": {**_BASE, **_BOX, "text_wrap": True, "font_size": 12},
    "ballot_total": {**_BASE, **_BOX, "text_wrap": True, "font_size": 12, "bold": True},
    "text": {**_BASE, "text_wrap": True},
    "text_top": {**_BASE, "text_wrap": True, "valign": "top"},
    "guide_head": {**_BASE, "font_name": TITLE_FONT, "font_size": 13, "bold": True},
    "guide_body": {**_BASE, "text_wrap": True, "valign": "top"},
    "sign": {**_BASE, "font_size": 12},
}


class Styles(dict):
    """The XlsxWriter Format objects of one workbook, keyed by style name (all made up front)."""

    def __init__(self, workbook):
        super().__init__((name, workbook.add_format(props)) for name, props in STYLES.items())
