"""xlwings' own VBA wrapper generator accepts every UDF, on Linux.

xlsx_addin.io.books.vba.wrappers (the build-time shim) runs xlwings.udfs.generate_vba_wrapper
— the code that "Import Functions" runs in Excel — in a child Python with pywin32 stubbed and
the real decorators bound; it returns the VBA and each function's __xlfunc__ metadata, which
this test checks against the contract. Nothing of the stubbing leaks into other tests.
"""
from __future__ import annotations

import re
import sys

import pytest

from xlsx_addin.io.books.vba import wrappers as vba_wrappers

UNIT = ["item_scores", "item_scores_reviewed", "info", "survey", "rules"]
# The formula-function contract (docs/DESIGN.md): name → arguments; trailing "rules" is optional.
CONTRACT = {
    "XJ_BASE": UNIT, "XJ_BONUS": UNIT, "XJ_PENALTY": UNIT, "XJ_FINAL": UNIT, "XJ_LEVEL": UNIT,
    "XJ_REASONS": UNIT, "XJ_RECTIFY": UNIT, "XJ_STARS": UNIT, "XJ_STAR_COUNT": UNIT,
    "XJ_PARTICIPATION": ["member_count", "members_present", "rules"],
    "XJ_SATISFACTION": ["survey", "rules"],
    "XJ_SURVEY_NOTE": ["survey", "info", "rules"],
    "XJ_LEVEL_OF": ["score", "rules"],
    "XJ_LEVELS": ["score_column", "rules"],
    "XJ_RECTIFY_COL": ["level_column", "rules"],
    "XJ_SATISFACTION_COL": ["votes_block", "rules"],
    "XJ_PARTICIPATION_COL": ["member_count_column", "members_present_column"],
    "XJ_RESULT": UNIT,
    "XJ_SURVEY": ["survey", "info", "rules"],
    # 双十星 (评星表): the organisation's blocks and the members' (xlsx_addin/star_cells.py)
    "XJ_STAR_RESULT": ["info", "star_names", "star_votes_for", "star_votes_valid", "star_records", "rules"],
    "XJ_STAR_TABLE": ["info", "star_names", "star_votes_for", "star_votes_valid", "star_records", "rules"],
    "XJ_MEMBER_STARS": ["members", "member_star_names", "info", "rules"],
}
RANGE_ARGS = {"item_scores", "item_scores_reviewed", "info", "survey", "rules", "score_column", "level_column",
              "votes_block", "member_count_column", "members_present_column", "star_names", "star_votes_for",
              "star_votes_valid", "star_records", "members", "member_star_names"}

def _generate(book_name: str) -> dict:
    out = vba_wrappers.generate(["udfs.star_rating", "udfs"], book_name)
    meta = {f["name"]: f for f in out["udfs.star_rating"]["functions"]}
    return {"vba": out["udfs.star_rating"]["vba"], "package_vba": out["udfs"]["vba"], "meta": meta}


@pytest.fixture(scope="module")
def generated() -> dict:
    return _generate("单位填报表.xlsm")


def _signatures(vba: str) -> dict[str, list[str]]:
    return {m.group(1): [a.strip() for a in m.group(2).split(",") if a.strip()]
            for m in re.finditer(r"^Function (\w+)\(([^)]*)\)$", vba, re.M)}


@pytest.mark.slow
def test_every_contract_function_is_wrapped(generated):
    sigs = _signatures(generated["vba"])
    assert set(sigs) == set(CONTRACT)
    for name, args in CONTRACT.items():
        expected = [f"Optional {a}" if a == "rules" else a for a in args]
        assert sigs[name] == expected, name


def test_wrapper_bodies_call_the_module(generated):
    vba = generated["vba"]
    for name, args in CONTRACT.items():
        call = f'{name} = XLPy.CallUDF("udfs.star_rating", "{name}", Array({", ".join(args)}), ThisWorkbook, Application.Caller)'
        assert call in vba, name
    assert vba.count("End Function") == len(CONTRACT)
    assert "Sub " not in vba


def test_the_package_exposes_the_same_functions(generated):
    assert _signatures(generated["package_vba"]) == _signatures(generated["vba"])


@pytest.mark.slow
def test_addin_workbook_uses_active_workbook():
    vba = _generate("星级评定.xlam")["vba"]
    assert "ActiveWorkbook, Application.Caller" in vba and "ThisWorkbook" not in vba


def test_metadata_for_the_function_wizard(generated):
    meta = generated["meta"]
    assert set(meta) == set(CONTRACT)
    for name, m in meta.items():
        assert m["category"] == "星级评定" and not m["sub"]
        assert m["doc"] and len(m["doc"]) <= 255 and re.search(r"[\u4e00-\u9fff]", m["doc"]), name
        assert [a["name"] for a in m["args"]] == CONTRACT[name]
        for a in m["args"]:
            assert not a["doc"].startswith("Positional argument"), (name, a["name"])
            assert len(a["doc"]) <= 255 and re.search(r"[\u4e00-\u9fff]", a["doc"]), (name, a["name"])
            assert a["optional"] == (a["name"] == "rules"), (name, a["name"])
            assert a["options"].get("err_to_str") is True, (name, a["name"])
            assert a["options"].get("ndim") == (2 if a["name"] in RANGE_ARGS else None), (name, a["name"])


def test_plain_import_on_linux_calls_through():
    """Without pywin32 the decorators are no-ops; the functions still answer like cells do."""
    import udfs

    assert udfs.XJ_LEVEL_OF(95.0) == "五星级"
    assert udfs.XJ_LEVELS([[95.0], [None]]) == [["五星级"], ["待填写"]]
    assert "pythoncom" not in sys.modules or hasattr(sys.modules["pythoncom"], "__file__")
