"""xlwings' own VBA wrapper generator accepts every UDF, on Linux.

xlwings.udfs imports pywin32 (pythoncom, pywintypes, win32com.client) at module level, so
a child Python process puts stubs of those into sys.modules, imports xlwings.udfs, points
xlwings.func/arg/ret/script/sub at the real decorators (xlfunc/xlarg/xlret/xlsub, what
xlwings binds on Windows), imports the udfs package fresh and runs
xlwings.udfs.generate_vba_wrapper — the code that "Import Functions" runs in Excel — into
a string. The child prints the VBA and each function's __xlfunc__ metadata as JSON; this
process checks them against the contract. Nothing of the stubbing leaks into other tests.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

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
}
RANGE_ARGS = {"item_scores", "item_scores_reviewed", "info", "survey", "rules", "score_column", "level_column",
              "votes_block", "member_count_column", "members_present_column"}

CHILD = textwrap.dedent(r'''
    import io, json, sys, types

    def stub(name, **attrs):
        mod = types.ModuleType(name)
        mod.__dict__.update(attrs)
        sys.modules[name] = mod
        return mod

    class com_error(Exception):
        pass

    stub("pythoncom", CoInitialize=lambda: None, CoUninitialize=lambda: None)
    stub("pywintypes", com_error=com_error)
    client = stub("win32com.client", Dispatch=lambda *a, **k: None)
    stub("win32com", client=client)

    import xlwings
    import xlwings.udfs as xu
    from xlwings.utils import VBAWriter

    xlwings.func, xlwings.arg, xlwings.ret = xu.xlfunc, xu.xlarg, xu.xlret
    xlwings.script = xlwings.sub = xu.xlsub
    for name in [m for m in sys.modules if m == "udfs" or m.startswith("udfs.")]:
        del sys.modules[name]
    import udfs
    import udfs.star_rating as module

    class Workbook:  # generate_vba_wrapper reads only .Name
        Name = sys.argv[1]

    out = io.StringIO()
    xu.generate_vba_wrapper("udfs.star_rating", module, out, Workbook())
    package = io.StringIO()
    xu.generate_vba_wrapper("udfs", udfs, package, Workbook())
    meta = {}
    for attr in dir(module):
        f = getattr(module, attr)
        if hasattr(f, "__xlfunc__"):
            x = f.__xlfunc__
            meta[x["name"]] = {
                "category": x["category"], "doc": x["ret"]["doc"], "sub": x["sub"],
                "args": [{"name": a["name"], "doc": a["doc"], "optional": "optional" in a,
                          "options": {k: v for k, v in a["options"].items() if isinstance(v, (int, str, bool))}}
                         for a in x["args"]],
            }
    print(json.dumps({"vba": out.getvalue(), "package_vba": package.getvalue(), "meta": meta}))
''')


def _generate(book_name: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, book_name], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def generated() -> dict:
    return _generate("单位填报表.xlsm")


def _signatures(vba: str) -> dict[str, list[str]]:
    return {m.group(1): [a.strip() for a in m.group(2).split(",") if a.strip()]
            for m in re.finditer(r"^Function (\w+)\(([^)]*)\)$", vba, re.M)}


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
