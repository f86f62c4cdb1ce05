"""Issue 24 at the engine and io level: 规则 rows as offices write them, scheme YAML with bounds, formulas
without a saved result (the CLI cases: tests/test_hostile_corpus.py)."""
from __future__ import annotations

import time

import pytest

from xlsx_addin import SchemeError, rows_to_table
from xlsx_addin.engine.scheme.loader import scheme_from_text
from xlsx_addin.engine.scheme.yaml_text import MAX_NODES, MAX_SCHEME_BYTES, load_yaml
from xlsx_addin.io.formula_cells import simple_value, uncached_formula_at, uncached_formulas


# --- 规则 rows ---------------------------------------------------------------------------------------
def test_trailing_empty_columns_are_excel_csv_not_a_layout():
    rows = [["levels.5.min_score", "95", ""], ["levels.4.min_score", "85", "备注"]]
    assert rows_to_table(rows) == {"levels.5.min_score": "95", "levels.4.min_score": "85"}


def test_keys_in_upper_case_full_width_and_with_spaces():
    rows = [["LEVELS.5.MIN_SCORE", 95], ["\ufeffｌｅｖｅｌｓ. 4 .min_score ", 85], ["levels。3.min\u200b_score", 75]]
    assert rows_to_table(rows) == {"levels.5.min_score": 95, "levels.4.min_score": 85, "levels.3.min_score": 75}


def test_a_header_fixes_the_key_column():
    rows = [["规则参数:五星"], ["参数", "key", "值", "说明"], ["评定方案", "scheme", "five_star", ""],
            ["五星级最低分", "levels.5.min_score", 91, ""]]
    assert rows_to_table(rows) == {"scheme": "five_star", "levels.5.min_score": 91}


def test_the_same_key_in_two_spellings_is_a_duplicate():
    with pytest.raises(SchemeError, match="第1行和第2行重复"):
        rows_to_table([["levels.5.min_score", 95], ["LEVELS.5.MIN_SCORE", 90]])


@pytest.mark.parametrize("rows, text", [
    ([["levels.5.min-score", 95]], "第1行的参数名“levels.5.min-score”"),
    ([["标题"], ["五星级最低分", "95"]], "第2行"),
    ([["x", "y"], ["", "", ""], ["五星级", "", 95]], "第3行"),
])
def test_rows_that_cannot_be_read_are_refused_with_their_number(rows, text):
    with pytest.raises(SchemeError, match=text):
        rows_to_table(rows)


def test_text_only_notes_are_not_parameters():
    assert rows_to_table([["长乐县2026年规则"], ["说明", "以县委组织部通知为准"], ["levels.5.min_score", 92]]) == \
        {"levels.5.min_score": 92}


# --- scheme YAML ------------------------------------------------------------------------------------
def test_duplicate_keys_name_both_lines():
    with pytest.raises(SchemeError, match="第3行:键“b”.*第2行"):
        load_yaml("a: 1\nb: 2\nb: 3\n", "x.yaml")
    with pytest.raises(SchemeError, match="本行前面"):
        load_yaml("a: {b: 1, b: 2}\n", "x.yaml")


def test_merge_keys_may_override():
    assert load_yaml("base: &b {x: 1, y: 2}\nuse: {<<: *b, y: 3}\n", "x.yaml")["use"] == {"x": 1, "y": 3}


def test_aliases_are_bounded_by_what_they_expand_to():
    lines = ["a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"]
    for k in range(1, 9):
        lines.append(f"l{k}: &l{k} [" + ", ".join([f"*{'a' if k == 1 else f'l{k - 1}'}"] * 10) + "]")
    start = time.monotonic()
    with pytest.raises(SchemeError, match=f"超过{MAX_NODES:,}项"):
        load_yaml("\n".join(lines), "bomb.yaml")
    assert time.monotonic() - start < 5
    assert load_yaml("a: &a [1, 2]\nb: [*a, *a]\n", "ok.yaml") == {"a": [1, 2], "b": [[1, 2], [1, 2]]}


def test_self_reference_deep_nesting_and_size_are_refused():
    with pytest.raises(SchemeError, match="自身"):
        load_yaml("a: &a [1, *a]\n", "loop.yaml")
    with pytest.raises(SchemeError, match="嵌套层数过多"):
        load_yaml("a: " + "[" * 50_000 + "]" * 50_000, "deep.yaml")
    with pytest.raises(SchemeError, match="过大"):
        scheme_from_text("#" * (MAX_SCHEME_BYTES + 1), "big.yaml")


def test_yaml_stays_safe():
    with pytest.raises(SchemeError, match="格式错误"):
        scheme_from_text("a: !!python/object/apply:os.system ['true']\n", "evil.yaml")


# --- formulas without a saved result ------------------------------------------------------------------
@pytest.mark.parametrize("formula, value", [("10-1+1", 10), ("=90+5", 95), ("(8.5+1)*2/2", 9.5), ("12%", 0.12),
                                            ("-3", -3), ("SUM(1,2)", None), ("A1+1", None), ("1/0", None),
                                            ("9" * 200, None), ("2**10", None)])
def test_simple_arithmetic_only(formula, value):
    assert simple_value(formula) == (pytest.approx(value) if value is not None else None)


def test_uncached_formulas_found_in_the_sheet_xml():
    xml = (b'<sheetData><row r="1"><c r="A1"><f>10-1+1</f><v /></c><c r="B1"><f>1+1</f><v>2</v></c>'
           b'<c r="C1" t="str"><f>IF(1,"","x")</f><v></v></c><c r="D1"><f>SUM(A1:B1)</f></c>'
           b'<c r="E1"><f t="shared" si="0"/></c><c r="F1"><f>"a"&amp;"b"</f></c></row></sheetData>')
    assert uncached_formulas(xml) == {"A1": "10-1+1", "D1": "SUM(A1:B1)", "E1": "", "F1": '"a"&"b"'}
    # one cell looked up (the reader's way: only a unit's blank input cells) agrees with the whole-sheet scan
    everything = {a1: uncached_formula_at(xml, a1) for a1 in ("A1", "B1", "C1", "D1", "E1", "F1", "G1")}
    assert everything == {"A1": "10-1+1", "B1": None, "C1": None, "D1": "SUM(A1:B1)", "E1": "", "F1": '"a"&"b"',
                          "G1": None}
    assert uncached_formula_at(b'<c r="A1" s="1"/><c r="A10"><f>1+2</f></c>', "A1") is None  # an empty cell


