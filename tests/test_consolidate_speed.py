"""The consolidation's speed-ups change nothing: parse caches, scoring in the workers, the worker count."""
from __future__ import annotations

import dataclasses
import shutil
import zipfile
from pathlib import Path

import pytest

from xlsx_addin import load_scheme
from xlsx_addin.io import rawdata
from xlsx_addin.jobs.consolidate import Settings, consolidate
from xlsx_addin.io.files.pool import FILES_PER_WORKER, choose_workers
from xlsx_addin.io.tables.xlsx import wrapped_lines
from xlsx_addin.io.reader import CACHED_PART_CHARS, UNIT_WORKBOOK, _parse_workbook, defined_names, read_unit, sheet_parts
from xlsx_addin.templates import build_unit_workbook

SCHEME = load_scheme("five_star")


def _workbook_xml(target: str, extra: str = "") -> str:
    return ('<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="自评表" sheetId="1" r:id="rId1"/><sheet name="规则" sheetId="2" r:id="rId2"/>'
            f'</sheets><definedNames><definedName name="org_name">{target}</definedName>{extra}</definedNames></workbook>')


def test_workbook_cache_never_returns_another_texts_names():
    a = _workbook_xml("'自评表'!$F$4")
    b = _workbook_xml("'自评表'!$F$5")  # one byte differs
    assert defined_names(a)[0] == {"org_name": "'自评表'!$F$4"}
    assert defined_names(b)[0] == {"org_name": "'自评表'!$F$5"}
    assert defined_names(a)[0] == {"org_name": "'自评表'!$F$4"}  # a again: its own parse, cached
    assert defined_names(_workbook_xml("'自评表'!$F$4", '<definedName name="org_code">规则!A1</definedName>'))[0] \
        == {"org_name": "'自评表'!$F$4", "org_code": "规则!A1"}


def test_workbook_cache_hands_out_fresh_copies():
    xml = _workbook_xml("'自评表'!$F$4")
    names, sheets = defined_names(xml)
    names["org_name"] = "changed"
    sheets.append("changed")
    assert defined_names(xml) == ({"org_name": "'自评表'!$F$4"}, ["自评表", "规则"])


def test_large_workbook_parts_bypass_the_cache():
    padding = "<!--" + "x" * CACHED_PART_CHARS + "-->"
    xml = _workbook_xml("'自评表'!$F$9", padding)
    before = _parse_workbook.cache_info().currsize
    assert defined_names(xml)[0] == {"org_name": "'自评表'!$F$9"}
    assert _parse_workbook.cache_info().currsize == before


def _package(path: Path, rels_target: str) -> zipfile.ZipFile:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/_rels/workbook.xml.rels",
                   f'<Relationships><Relationship Id="rId1" Target="{rels_target}"/>'
                   '<Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>')
    return zipfile.ZipFile(path)


def test_sheet_parts_cache_follows_the_relationships(tmp_path):
    xml = _workbook_xml("'自评表'!$F$4")
    assert sheet_parts(_package(tmp_path / "a.zip", "worksheets/sheet1.xml"), xml)["自评表"] == "xl/worksheets/sheet1.xml"
    assert sheet_parts(_package(tmp_path / "b.zip", "worksheets/sheet9.xml"), xml)["自评表"] == "xl/worksheets/sheet9.xml"


def _unit(name: str, code: str, score: float) -> dict:
    return {"org_name": name, "org_code": code, "parent_org": "甲镇", "org_type": "农村", "member_count": 30,
            "item_scores": [score / 10] * 10, "members_present": 28, "masses_present": 10,
            "votes_satisfied": 30, "votes_basic": 5, "votes_unsatisfied": 2, "votes_invalid": 1}


def test_same_template_files_with_other_names_are_read_by_their_own_names(tmp_path):
    """Two files whose workbook.xml differ only in where org_name points: each is read by its own names."""
    a = tmp_path / "a.xlsx"
    build_unit_workbook(a, SCHEME, _unit("甲支部", "A1", 90))
    parts = {}
    with zipfile.ZipFile(a) as z:
        for info in z.infolist():
            parts[info.filename] = z.read(info)
    xml = parts["xl/workbook.xml"].decode()
    moved = xml.replace("'自评表'!$F$4<", "'自评表'!$F$5<")  # org_name now points at the org_code cell
    assert moved != xml
    b = tmp_path / "b.xlsx"
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, moved.encode() if name == "xl/workbook.xml" else data)
    assert read_unit(a, UNIT_WORKBOOK).values["org_name"] == "甲支部"
    assert read_unit(b, UNIT_WORKBOOK).values["org_name"] == "A1"
    assert read_unit(a, UNIT_WORKBOOK).values["org_name"] == "甲支部"


def _snapshot(c):
    return ([dataclasses.astuple(p) for p in c.problems],
            [(repr(u.result), u.set_name, u.source_file, u.key, repr(u.inputs)) for u in c.units],
            [repr(s) for s in c.sets], c.files_seen, c.files_rated)


@pytest.mark.slow
def test_workers_and_serial_give_the_same_consolidation(tmp_path):
    """Scoring in the worker processes: same problems (same order), results and sets as serially."""
    folder = tmp_path / "units"
    for i in range(12):
        build_unit_workbook(_mkdir(folder / f"镇{i % 2}") / f"u{i}.xlsx", SCHEME,
                            _unit(f"第{i}支部", f"C{i:02d}", 60 + 3 * i))
    shutil.copy2(folder / "镇0" / "u0.xlsx", folder / "镇1" / "u0_copy.xlsx")  # a duplicate org_code
    bad = _unit("坏支部", "BAD", 80)
    bad["member_count"] = "三十"  # a refused value: the unit is reported, not rated
    build_unit_workbook(folder / "镇1" / "bad.xlsx", SCHEME, bad)
    (folder / "镇1" / "empty.xlsx").write_bytes(b"")
    serial = consolidate(Settings(input_dir=folder, scheme_source="five_star"), workers=1)
    parallel = consolidate(Settings(input_dir=folder, scheme_source="five_star"), workers=2)
    assert _snapshot(serial) == _snapshot(parallel)
    # and what both must be: the twelve branches rated from their item scores (no bonus, no penalty),
    # the copy, the refused value and the empty file reported, each by its file and cell
    assert (serial.files_seen, serial.files_rated) == (15, 12)
    assert {u.result.org_name: u.result.final_score for u in serial.units} == \
        {f"第{i}支部": 60 + 3 * i for i in range(12)}
    assert {(p.file, p.cell, p.value, p.severity) for p in serial.problems} == {
        ("镇1/empty.xlsx", "", "", "错误"), ("镇0/u0.xlsx", "F5", "C00", "提示"),
        ("镇1/u0_copy.xlsx", "F5", "C00", "错误"), ("镇1/bad.xlsx", "F8", "三十", "错误")}
    assert any("重复" in p.reason for p in serial.problems if p.file == "镇1/u0_copy.xlsx")


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize(("n", "asked", "expected"), [(0, 3, 1), (1, 3, 1), (2, 3, 2), (10, 3, 3), (5000, 3, 3),
                                                    (10, 1, 1), (10, 0, 1), (10, -2, 1)])
def test_an_explicit_worker_count_wins_but_never_exceeds_the_files(n, asked, expected):
    assert choose_workers(n, asked) == expected


@pytest.mark.parametrize("method", ["fork", "spawn"])
@pytest.mark.parametrize(("cpus", "loads", "expected"), [
    (4, 0, 1), (4, 1, 1), (4, 2, 2), (4, 3, 3), (4, 4, 4), (4, 40, 4),  # one worker per full load, up to the CPUs
    (2, 3, 2), (1, 40, 1), (16, 40, 8), (16, 5, 5),  # never more than 8
])
def test_workers_follow_the_files_per_worker_and_the_cpus(monkeypatch, method, cpus, loads, expected):
    import multiprocessing
    import os

    monkeypatch.setattr(multiprocessing, "get_start_method", lambda allow_none=False: method)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    per = FILES_PER_WORKER[method]
    assert choose_workers(loads * per, None) == expected
    if loads:
        assert choose_workers(loads * per - 1, None) == max(1, min(expected, loads - 1, 8))  # one file short


def test_raw_rows_put_each_input_under_its_own_column():
    keys = rawdata.columns(SCHEME)
    inputs = _unit("甲支部", "A1", 90)
    inputs["item_scores_reviewed"] = [[8.0, 8.5], [None]]  # a range as xlwings gives it: flattened
    row = rawdata.to_row(SCHEME, inputs, "镇1/a.xlsx", keys)
    assert rawdata.to_row(SCHEME, inputs, "镇1/a.xlsx") == row  # keys passed in or not: the same row
    # scalars, 2×10 scores, 2×4 votes, the upper level’s 10 scores and who set them
    assert len(row) == 18 + 2 * 10 + 2 * 4 + 10 + 1 + 1 and keys[-1] == "source_file"
    got = dict(zip(keys, row))
    assert (got["org_name"], got["org_code"], got["parent_org"], got["member_count"], got["source_file"]) == \
        ("甲支部", "A1", "甲镇", 30, "镇1/a.xlsx")
    assert [got[f"item_scores.{i}"] for i in range(1, 11)] == [9.0] * 10
    assert [got[f"item_scores_reviewed.{i}"] for i in range(1, 11)] == [8.0, 8.5] + [None] * 8
    assert (got["votes_satisfied"], got["votes_basic"], got["votes_unsatisfied"], got["votes_invalid"]) == (30, 5, 2, 1)
    assert got["mass_votes_satisfied"] is None and got["honor_level"] is None and got["prev_level"] is None
    # and back: the row gives the unit's inputs again (blank cells dropped, trailing blank scores trimmed)
    (back, source, line), = rawdata.from_rows(keys, [row])
    assert source == "镇1/a.xlsx" and line == 3
    assert back == {**{k: v for k, v in inputs.items() if k != "item_scores_reviewed"},
                    "item_scores": [9.0] * 10, "item_scores_reviewed": [8.0, 8.5]}


@pytest.mark.parametrize(("text", "width", "lines"), [
    (None, 10, 1), ("", 10, 1), (85.0, 3, 1),  # not text: one line
    ("ab", 10, 1), ("a\nb", 10, 2), ("a\n\nb", 10, 3),  # short: one line per line break
    ("星级", 5, 1),  # 4 units in 4: fits exactly
    ("星级", 4.5, 2),  # 4 units in 3.5
    ("星级评定星级评定", 5, 4),  # 16 units, 4 per line
    ("星级评定星级评定", 8.5, 3),  # 16 units, 7.5 per line
    ("abcdefghij", 5, 3),  # 10 Latin units, 4 per line
    ("星级ab", 4, 2),  # 2+2+1+1 = 6 units, 3 per line
    ("a。", 3, 2),  # the ideographic full stop is wide: 3 units, 2 per line
    ("星级评定\n\n星级评定", 5, 5),  # 2 + an empty line + 2
    ("ab", 0, 2),  # a zero-width column still shows one unit per line
])
def testwrapped_lines(text, width, lines):
    assert wrapped_lines(text, width) == lines
