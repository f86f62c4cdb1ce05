"""Fuzzing, bounded in time (the whole file runs in well under a minute).

1. The bytes of a real template-made unit workbook, flipped / truncated / spliced, and the XML
   parts inside its zip mutated, through the consolidation of that one file: never an uncaught
   exception; the file is either rated or named by a Problem.
2. Random input values through score_unit: a UnitResult or an xlsx_addin.RatingError, never
   another exception.
"""
from __future__ import annotations

import functools
import io
import math
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
from make_corpus import zip_bytes  # noqa: E402

from xlsx_addin import RatingError, load_scheme, score_unit  # noqa: E402
from xlsx_addin.contracts.names import INPUTS, MASS_PREFIX

SCHEME = load_scheme("five_star")
FILE_NAME = "单位.xlsx"

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _good_values() -> dict:
    from xlsx_addin.jobs.demo.county import generate_county

    return dict(generate_county(1, SCHEME, seed=11)[0][1])


@functools.lru_cache(maxsize=1)
def template_bytes() -> bytes:
    from xlsx_addin.templates import build_unit_workbook

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "u.xlsx"
        build_unit_workbook(path, SCHEME, _good_values())
        return path.read_bytes()


@functools.lru_cache(maxsize=1)
def template_parts() -> tuple[tuple[str, bytes], ...]:
    with zipfile.ZipFile(io.BytesIO(template_bytes())) as z:
        return tuple((i.filename, z.read(i)) for i in z.infolist())


def consolidate_one(data: bytes):
    """The whole job on a folder holding only this file; returns the Consolidation."""
    from xlsx_addin.jobs.consolidate import consolidate
    from xlsx_addin.jobs.consolidate.model import Settings

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / FILE_NAME).write_bytes(data)
        return consolidate(Settings(input_dir=Path(tmp), scheme_source="five_star"), workers=1)


def check_outcome(c) -> None:
    named = [p for p in c.problems if p.file.replace("\\", "/") == FILE_NAME]
    assert len(c.units) <= 1
    assert c.units or named, "the file was neither rated nor named in 问题清单"
    for p in named:
        assert p.reason and any("\u4e00" <= ch <= "\u9fff" for ch in p.reason), p
        assert p.severity in ("错误", "提示"), p
        assert "意外错误" not in p.reason, f"an unexpected exception reached a catch-all: {p.reason}"
    if c.units:
        r = c.units[0].result
        assert math.isfinite(r.final_score), r.final_score


def test_template_file_is_rated():
    c = consolidate_one(template_bytes())
    assert len(c.units) == 1, [p.reason for p in c.problems]


# --- byte-level mutations --------------------------------------------------------------------------
_op = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1, exclude_max=True), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.floats(0, 1, exclude_max=True), st.just(0)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), st.floats(0, 1, exclude_max=True), st.integers(1, 4096)),
    st.tuples(st.just("zero"), st.floats(0, 1, exclude_max=True), st.integers(1, 512)),
)


def mutate_bytes(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for kind, where, arg in ops:
        if not buf:
            break
        i = min(int(where * len(buf)), len(buf) - 1)
        if kind == "flip":
            buf[i] ^= arg
        elif kind == "truncate":
            del buf[i:]
        elif kind == "insert":
            buf[i:i] = arg
        elif kind == "delete":
            del buf[i:i + arg]
        elif kind == "zero":
            buf[i:i + arg] = bytes(len(buf[i:i + arg]))
    return bytes(buf)


@pytest.mark.slow
@FUZZ
@given(ops=st.lists(_op, min_size=1, max_size=4))
def test_mutated_bytes_never_crash(ops):
    check_outcome(consolidate_one(mutate_bytes(template_bytes(), ops)))


# --- XML mutations inside the zip ------------------------------------------------------------------
_XML_PARTS = ["xl/workbook.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml",
              "xl/sharedStrings.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
              "_rels/.rels"]
_SNIPPETS = ["<", ">", "&", "&amp;", '"', "'", "\x00", "\ufffe", "]]>", "<!--", "<c r=\"F8\"><v>x</v></c>",
             "<row>", "</row>", "<v>1e999</v>", "<v>-</v>", "<v>NaN</v>", "t=\"e\"", "t=\"b\"", "t=\"s\"",
             "<v>99999999</v>", "$F$8", "#REF!", "'自评表'!", "<definedName name=\"org_name\">x!A1</definedName>",
             "r=\"XFD1048576\"", "r=\"A0\"", "<!DOCTYPE x [<!ENTITY e \"e\">]>", "&e;", "中文", "\ud7ff"]

_xml_op = st.one_of(
    st.tuples(st.just("delete"), st.floats(0, 1, exclude_max=True), st.integers(1, 400)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(_SNIPPETS)),
    st.tuples(st.just("duplicate"), st.floats(0, 1, exclude_max=True), st.integers(1, 400)),
    st.tuples(st.just("digit"), st.floats(0, 1, exclude_max=True), st.sampled_from("0123456789-.E")),
    st.tuples(st.just("text"), st.floats(0, 1), st.text(max_size=20)),
)


def mutate_xml(text: str, ops) -> str:
    for kind, where, arg in ops:
        i = min(int(where * len(text)), max(0, len(text) - 1))
        if kind == "delete":
            text = text[:i] + text[i + arg:]
        elif kind in ("insert", "text"):
            text = text[:i] + arg + text[i:]
        elif kind == "duplicate":
            text = text[:i] + text[i:i + arg] + text[i:]
        elif kind == "digit":
            j = next((k for k in range(i, len(text)) if text[k].isdigit()), None)
            if j is not None:
                text = text[:j] + arg + text[j + 1:]
    return text


@FUZZ
@given(part=st.sampled_from(_XML_PARTS), ops=st.lists(_xml_op, min_size=1, max_size=5),
       drop=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-16", "gbk-replace"]))
@pytest.mark.slow
def test_mutated_xml_never_crash(part, ops, drop, encoding):
    parts = dict(template_parts())
    if part not in parts:
        return
    text = mutate_xml(parts[part].decode("utf-8"), ops)
    if encoding == "gbk-replace":
        parts[part] = text.encode("gbk", "replace")
    else:
        parts[part] = text.encode(encoding, "surrogatepass")
    if drop and part != "xl/workbook.xml":  # sometimes the part is missing altogether
        del parts[part]
    check_outcome(consolidate_one(zip_bytes(parts)))


# --- random inputs through score_unit ----------------------------------------------------------------
_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-200, 200), st.text(max_size=12),
    st.sampled_from(["", " ", "#N/A", "#DIV/0!", "８５", "85%", "五星级", "省级", "市级、省级", "是", "否", "农村",
                     "无", "1e309", "-0", "NaN", "inf", "10,000"]),
)
_names = st.sampled_from(sorted(set(INPUTS) | set(SCHEME.vote_inputs) | {MASS_PREFIX + v for v in SCHEME.vote_inputs}
                                | {"votes_poor", "unknown_name"}))
_scores = st.one_of(st.lists(_scalar, max_size=12), st.lists(st.floats(0, 10), min_size=10, max_size=10),
                    st.lists(st.lists(_scalar, max_size=2), max_size=11), _scalar)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(values=st.dictionaries(_names, _scalar, max_size=12), items=_scores, reviewed=st.one_of(st.none(), _scores),
       org=st.one_of(st.just("第一党支部"), _scalar))
@pytest.mark.slow
def test_score_unit_result_or_rating_error(values, items, reviewed, org):
    inputs = dict(values, org_name=org, item_scores=items)
    if reviewed is not None:
        inputs["item_scores_reviewed"] = reviewed
    try:
        r = score_unit(SCHEME, inputs)
    except RatingError as exc:
        assert str(exc) and any("\u4e00" <= ch <= "\u9fff" for ch in str(exc)), exc
        return
    for x in (r.base_score, r.bonus, r.penalty, r.final_score):
        assert isinstance(x, float) and math.isfinite(x), (x, inputs)
    assert r.level_name in {lv.name for lv in SCHEME.levels}


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(items=st.lists(st.floats(0, 10), min_size=10, max_size=10), counts=st.dictionaries(
    st.sampled_from(["criticism_committee", "criticism_city", "leader_discipline_minor", "leader_discipline_major",
                     "member_violations", "absences", "member_count", "members_present", "masses_present"]
                    + SCHEME.vote_inputs), st.one_of(st.integers(0, 200), st.floats(0, 1e308)), max_size=8))
@pytest.mark.slow
def test_score_unit_plausible_numbers(items, counts):
    """Numbers a cell can hold (finite, up to 1.8e308): a result with finite scores or a RatingError."""
    try:
        r = score_unit(SCHEME, dict(counts, org_name="一支部", item_scores=items))
    except RatingError:
        return
    assert all(math.isfinite(x) for x in (r.base_score, r.bonus, r.penalty, r.final_score)), counts
