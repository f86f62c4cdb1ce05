"""The consolidation's speed-ups change nothing: parse caches, scoring in the workers, the worker count."""
from __future__ import annotations

import dataclasses
import math
import random
import shutil
import zipfile
from pathlib import Path

import pytest

from xlsx_addin import load_scheme
from xlsx_addin.consolidate import Settings, consolidate, rawdata
from xlsx_addin.consolidate.job import FILES_PER_WORKER, choose_workers
from xlsx_addin.consolidate.writer import _wrapped_lines
from xlsx_addin.reader import CACHED_PART_CHARS, _parse_workbook, defined_names, read_unit, sheet_parts
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
    assert read_unit(a).values["org_name"] == "甲支部"
    assert read_unit(b).values["org_name"] == "A1"
    assert read_unit(a).values["org_name"] == "甲支部"


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
    assert any("三十" in p.value for p in serial.problems) and any("重复" in p.reason for p in serial.problems)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("n", [0, 1, 10, 49, 99, 100, 5000])
def test_choose_workers(n):
    assert choose_workers(n, 3) == max(1, min(3, n))  # an explicit count wins (never more than the files)
    got = choose_workers(n, None)
    assert 1 <= got <= 8
    assert got == 1 or n // got >= min(FILES_PER_WORKER.values())


def test_raw_rows_with_and_without_the_keys():
    keys = rawdata.columns(SCHEME)
    inputs = _unit("甲支部", "A1", 90)
    inputs["item_scores_reviewed"] = [[8.0, 8.5], [None]]
    assert rawdata.to_row(SCHEME, inputs, "a.xlsx", keys) == rawdata.to_row(SCHEME, inputs, "a.xlsx")


def test_wrapped_lines_short_cut_agrees_with_counting():
    def counted(value: str, width: float) -> int:
        per_line = max(width - 1, 1)
        return sum(max(1, math.ceil(sum(2 if ord(ch) > 0x2E7F else 1 for ch in part) / per_line))
                   for part in value.split("\n"))

    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice("ab1 。星级评定\n") for _ in range(rng.randint(1, 40)))
        width = rng.choice([5, 8.5, 13, 24, 40, 56])
        assert _wrapped_lines(text, width) == counted(text, width), (text, width)
