"""Unit workbooks handed in as .xls, .ods or .et: LibreOffice saves real copies; they rate exactly like the .xlsx."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from xlsx_addin import load_scheme, score_unit
from xlsx_addin.jobs.consolidate import Settings, consolidate
from xlsx_addin.jobs.consolidate.scorer import UnitScorer
from xlsx_addin.jobs.demo.county import generate_county
from xlsx_addin.io.legacy_reader import ods_ref, template_map
from xlsx_addin.io.reader import UNIT_WORKBOOK, Ref, read_unit
from xlsx_addin.templates import build_unit_workbook

SOFFICE = shutil.which("soffice")
needs_lo = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def convert(files: list[Path], fmt: str, out: Path, profile: Path) -> list[Path]:
    """LibreOffice headless saves every file as `fmt` (xls / ods) into out; a fresh profile of its own."""
    out.mkdir(parents=True, exist_ok=True)
    cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
           "--outdir", str(out), *map(str, files)]
    for _ in range(2):  # a fresh profile may make the first start exit early (code 81)
        subprocess.run(cmd, check=False, capture_output=True, timeout=300)
        done = [out / f"{f.stem}.{fmt}" for f in files]
        if all(p.exists() for p in done):
            return done
    raise AssertionError(f"LibreOffice did not write {fmt} copies of {files}")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Filled unit workbooks of every built-in scheme (.xlsx), their .xls and .ods copies by LibreOffice."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    root = tmp_path_factory.mktemp("legacy")
    xlsx = root / "xlsx"
    units = []
    for scheme_id, n in (("five_star", 8), ("four_grade", 2), ("ten_star", 2), ("six_good", 2)):
        scheme = load_scheme(scheme_id)
        for i, (rel, inputs) in enumerate(generate_county(n, scheme, seed=11)):
            path = xlsx / f"{scheme_id}_{i}.xlsx"
            path.parent.mkdir(parents=True, exist_ok=True)
            build_unit_workbook(path, scheme, inputs)
            units.append((scheme_id, path, inputs))
    files = [p for _, p, _ in units]
    profile = root / "lo_profile"
    convert(files, "xls", root / "xls", profile)
    convert(files, "ods", root / "ods", profile)
    return root, units, profile


@needs_lo
@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_libreoffice_copies_rate_exactly_like_the_xlsx(county, fmt):
    root, units, _ = county
    scorers = {}
    for scheme_id, path, inputs in units:
        scheme = load_scheme(scheme_id)
        scorer = scorers.setdefault(scheme_id, UnitScorer(scheme))
        copy = root / fmt / f"{path.stem}.{fmt}"
        problems, cands = scorer(str(copy), copy.name)
        assert [p for p in problems if p.severity == "错误"] == [], (copy, problems)
        assert len(cands) == 1
        cand = cands[0]
        assert cand.result is not None, cand.findings
        assert cand.source == f"{copy.name}({fmt}格式,按定义名称读取)"
        expected = score_unit(scheme, inputs)
        _, original = scorer(str(path), path.name)
        assert cand.result == expected == original[0].result
        # nothing reported that the .xlsx does not report (stored results compare alike)
        assert [f.reason for f in cand.findings] == [f.reason for f in original[0].findings]


@needs_lo
@pytest.mark.slow
def test_consolidation_of_a_folder_of_xls_and_ods(county, tmp_path):
    root, units, _ = county
    five = [(p, inputs) for sid, p, inputs in units if sid == "five_star"]
    folder = tmp_path / "县"
    (folder / "甲镇").mkdir(parents=True)
    (folder / "乙镇").mkdir(parents=True)
    for i, (path, _) in enumerate(five):
        fmt = "xls" if i % 2 else "ods"
        shutil.copy(root / fmt / f"{path.stem}.{fmt}", folder / ("甲镇" if i < 4 else "乙镇") / f"{path.stem}.{fmt}")
    legacy = consolidate(Settings(input_dir=folder, scheme_source="five_star"))
    xlsx_dir = tmp_path / "原件"
    xlsx_dir.mkdir()
    for path, _ in five:
        shutil.copy(path, xlsx_dir / path.name)
    plain = consolidate(Settings(input_dir=xlsx_dir, scheme_source="five_star", set_by="all"))
    legacy_all = consolidate(Settings(input_dir=folder, scheme_source="five_star", set_by="all"))

    assert [p for p in legacy.problems if p.severity == "错误"] == []
    assert len(legacy.units) == len(five)
    by_name = {u.result.org_name: u for u in legacy_all.units}
    for u in plain.units:
        twin = by_name[u.result.org_name]
        assert twin.result == u.result  # quotas included: the same set rated the same way
    sources = sorted(u.source_file for u in legacy.units)
    assert all(s.endswith(("(xls格式,按定义名称读取)", "(ods格式,按定义名称读取)")) for s in sources), sources

    from xlsx_addin.jobs.consolidate.writer import write_summary

    out = tmp_path / "汇总表.xlsx"
    write_summary(legacy, out)
    ws = openpyxl.load_workbook(out, read_only=True)["一览表"]
    rows = list(ws.iter_rows(values_only=True))
    col = rows[0].index("来源文件")
    assert sorted(r[col] for r in rows[1:] if r[col]) == sources


def _edit(src: Path, dest: Path, *, strip_names: bool = False, insert_row: int | None = None) -> Path:
    """A copy edited with openpyxl, which moves cells on insert but not the defined names (a shifted layout)."""
    wb = openpyxl.load_workbook(src)
    if strip_names:
        for name in list(wb.defined_names):
            del wb.defined_names[name]
    if insert_row is not None:
        wb["自评表"].insert_rows(insert_row)
    wb.save(dest)
    return dest


@pytest.fixture(scope="module")
def edited(county):
    root, units, profile = county
    scheme_id, path, inputs = next(u for u in units if u[0] == "five_star")
    src = root / "edited"
    src.mkdir()
    files = [_edit(path, src / "shifted.xlsx", insert_row=15),
             _edit(path, src / "no_names.xlsx", strip_names=True),
             _edit(path, src / "no_names_shifted.xlsx", strip_names=True, insert_row=15)]
    for fmt in ("xls", "ods"):
        convert(files, fmt, root / f"edited_{fmt}", profile)
    return root, inputs


@needs_lo
@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["xls", "ods"])
@pytest.mark.parametrize("stem", ["shifted", "no_names_shifted"])
def test_a_shifted_layout_is_refused_with_its_row(edited, fmt, stem):
    root, _ = edited
    path = root / f"edited_{fmt}" / f"{stem}.{fmt}"
    problems, cands = UnitScorer(load_scheme("five_star"))(str(path), path.name)
    assert cands == []
    [p] = [p for p in problems if p.severity == "错误"]
    assert p.sheet == "自评表" and p.cell == "B15"
    assert "第15行" in p.reason and "版式与模板不符" in p.reason and "党员模范带头作用好" in p.reason


@needs_lo
@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_without_defined_names_the_template_cell_map_is_used(edited, fmt):
    root, inputs = edited
    scheme = load_scheme("five_star")
    path = root / f"edited_{fmt}" / f"no_names.{fmt}"
    unit = read_unit(path, UNIT_WORKBOOK, path.name)
    assert unit.names == [] or not any(n in unit.names for n in ("org_name", "item_scores"))
    problems, cands = UnitScorer(scheme)(str(path), path.name)
    assert [p for p in problems if p.severity == "错误"] == []
    [cand] = cands
    assert cand.source.endswith(f"({fmt}格式,按模板单元格位置读取)")
    assert cand.result == score_unit(scheme, inputs)


@needs_lo
@pytest.mark.slow
def test_et_files(county, tmp_path):
    root, units, _ = county
    scheme_id, path, inputs = units[0]
    scheme = load_scheme(scheme_id)
    scorer = UnitScorer(scheme)
    et = tmp_path / "支部.et"
    shutil.copy(root / "xls" / f"{path.stem}.xls", et)  # WPS's .et is the xls family (OLE2/BIFF) inside
    problems, [cand] = scorer(str(et), et.name)
    assert cand.result == score_unit(scheme, inputs)
    assert cand.source == "支部.et(WPS et格式,按定义名称读取)"

    for name, data, words in (("改名.et", path.read_bytes(), "内部是Excel 工作簿(.xlsx)"),
                              ("乱码.et", b"not a spreadsheet at all" * 50, "不是 Excel 97-2003 兼容格式"),
                              ("坏的.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "无法按 Excel 97-2003")):
        bad = tmp_path / name
        bad.write_bytes(data)
        problems, cands = scorer(str(bad), bad.name)
        assert cands == []
        [p] = problems
        assert p.severity == "错误" and p.file == name and words in p.reason, p.reason


def test_wrong_contents_for_the_extension_get_a_row(tmp_path):
    scheme = load_scheme("five_star")
    xlsx = build_unit_workbook(tmp_path / "a.xlsx", scheme)
    cases = {"a.xls": (xlsx.read_bytes(), "改为 .xlsx"), "b.ods": (xlsx.read_bytes(), "改为 .xlsx"),
             "c.xls": (b"<html><table><tr><td>1</td></tr></table></html>", "网页"),
             "d.xls": (b"", "0字节"), "e.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "xls")}
    for name, (data, words) in cases.items():
        (tmp_path / name).write_bytes(data)
        unit = read_unit(tmp_path / name, UNIT_WORKBOOK, name)
        assert unit.failed and words in unit.problems[0].reason, (name, unit.problems)


def test_ods_range_addresses():
    assert ods_ref("$自评表.$F$12:.$F$21") == Ref("自评表", 11, 5, 20, 5)
    assert ods_ref("$'It''s a sheet'.$B$2") == Ref("It's a sheet", 1, 1, 1, 1)
    assert ods_ref("$规则.$A$3:$规则.$D$47") == Ref("规则", 2, 0, 46, 3)
    assert ods_ref("$自评表.$11:.$11") is None  # whole rows (print titles) are not cells
    assert ods_ref("$a.$A$1:$b.$B$2") is None  # across sheets


def test_template_map_has_every_input_and_row_labels():
    tmap = template_map("five_star")
    assert tmap is not None and tmap.scheme_id == "five_star"
    assert {"org_name", "item_scores", "votes_satisfied", "scheme_id", "template_version"} <= set(tmap.refs)
    ref = tmap.refs["item_scores"]
    assert all((ref.sheet, r) in tmap.labels for r in range(ref.row1, ref.row2 + 1))
    assert template_map("no_such_scheme") is None


@pytest.mark.parametrize("name", ["five_star", "four_grade", "ten_star", "six_good"])
def test_committed_cell_maps_equal_a_fresh_build(name):
    """The package's cell maps (read without building a workbook) are the current builder's: regenerate
    them with `python -m xlsx_addin.jobs.templates.cellmap` after a template change."""
    from xlsx_addin.engine.scheme import load_scheme
    from xlsx_addin.jobs.templates.cellmap import FOLDER, map_text

    assert (FOLDER / f"{name}.json").read_text(encoding="utf-8") == map_text(load_scheme(name))


@needs_lo
@pytest.mark.slow
def test_damaged_copies_get_a_row(county, tmp_path):
    root, units, _ = county
    _, path, _ = units[0]
    scorer = UnitScorer(load_scheme("five_star"))
    for fmt in ("xls", "ods"):
        data = (root / fmt / f"{path.stem}.{fmt}").read_bytes()
        for cut in (len(data) // 3, len(data) * 3 // 5, len(data) - 100):
            bad = tmp_path / f"截断{cut}.{fmt}"
            bad.write_bytes(data[:cut])
            problems, cands = scorer(str(bad), bad.name)
            assert cands == [] and problems and problems[0].severity == "错误", (bad, problems)
            assert fmt in problems[0].reason or "损坏" in problems[0].reason, problems[0].reason


@needs_lo
@pytest.mark.slow
def test_a_town_summary_saved_as_xls_is_consolidated_again(county, tmp_path):
    """A town's summary workbook handed up as .xls: its 原始数据 rows are re-scored like unit files."""
    from xlsx_addin.jobs.consolidate.writer import write_summary

    root, units, profile = county
    town = tmp_path / "镇"
    town.mkdir()
    for sid, path, _ in units:
        if sid == "five_star":
            shutil.copy(path, town / path.name)
    c = consolidate(Settings(input_dir=town, scheme_source="five_star"))
    summary = tmp_path / "镇汇总表.xlsx"
    write_summary(c, summary)
    county_dir = tmp_path / "县"
    [xls] = convert([summary], "xls", county_dir, profile)
    again = consolidate(Settings(input_dir=county_dir, scheme_source="five_star"))
    assert [p for p in again.problems if p.severity == "错误"] == []
    assert sorted((u.result.org_name, u.result.final_score, u.result.level) for u in again.units) == \
        sorted((u.result.org_name, u.result.final_score, u.result.level) for u in c.units)
    assert all(u.source_file.startswith(f"{xls.name}:") for u in again.units)


@needs_lo
@pytest.mark.slow
def test_an_xls_named_xlsx_is_read_as_xls(county, tmp_path):
    root, units, _ = county
    scheme_id, path, inputs = units[0]
    renamed = tmp_path / "另存时选错格式.xlsx"
    shutil.copy(root / "xls" / f"{path.stem}.xls", renamed)
    problems, [cand] = UnitScorer(load_scheme(scheme_id))(str(renamed), renamed.name)
    assert cand.result == score_unit(load_scheme(scheme_id), inputs)
    assert cand.source == "另存时选错格式.xlsx(xls格式,按定义名称读取)"
