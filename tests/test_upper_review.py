"""The upper level's step (评分定级表): typed 上级评分 decide, are kept, refused with their cell, carried up."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from xlsx_addin import load_scheme, score_unit
from xlsx_addin.contracts.review_sheet import OPINION, PROPOSED, REVIEW, UPPER_TOTAL, upper_header
from xlsx_addin.jobs.demo.county import build_workbooks, generate_county
from xlsx_addin.shells.cli import main

SCHEME = "five_star"


def _run(folder: Path, out: Path, *extra: str) -> None:
    assert main(["consolidate", str(folder), "--out", str(out), "--quiet", *extra]) == 0


def _sheet(out: Path, name: str) -> tuple[list, dict[str, list]]:
    ws = openpyxl.load_workbook(out, read_only=True)[name]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], {r[0]: r for r in rows[1:] if r and isinstance(r[0], str) and r[0].endswith("党支部")}


def _type(out: Path, typed: dict[tuple[str, str], object]) -> dict[tuple[str, str], str]:
    """Type values into 评分定级表 (unit name, header) → value, as a clerk does; returns each cell's address."""
    wb = openpyxl.load_workbook(out)
    ws = wb[REVIEW]
    header = [c.value for c in ws[1]]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    where = {}
    for (name, col), value in typed.items():
        cell = ws.cell(rows[name], header.index(col) + 1)
        cell.value = value
        where[(name, col)] = cell.coordinate
    wb.save(out)
    return where


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("town")
    units = generate_county(12, SCHEME, seed=11)
    build_workbooks(units, root / "units", SCHEME)
    return root / "units", units


def _fresh(tmp_path: Path, town) -> tuple[Path, Path]:
    folder, _ = town
    out = tmp_path / "汇总表.xlsx"
    _run(folder, out)
    return folder, out


def _overview(out: Path) -> dict[str, dict]:
    header, rows = _sheet(out, "一览表")
    return {k: dict(zip(header, r)) for k, r in rows.items()}


def test_typed_scores_change_exactly_the_items_typed(tmp_path, town):
    folder, out = _fresh(tmp_path, town)
    scheme = load_scheme(SCHEME)
    before = _overview(out)
    header, rows = _sheet(out, REVIEW)
    a, b = list(rows)[:2]
    h3, h5 = upper_header(2, scheme.items[2].label), upper_header(4, scheme.items[4].label)
    own3 = rows[a][header.index(h3) - 1]
    _type(out, {(a, h3): own3 - 2, (b, h5): 0, (a, OPINION): "扣分属实"})
    _run(folder, out)
    after = _overview(out)
    assert after[a]["基础得分"] == pytest.approx(before[a]["基础得分"] - 2)
    assert f"上级评分:第3项“{scheme.items[2].label}”由{own3:g}分调整为{own3 - 2:g}分" in after[a]["说明"]
    assert after[a]["自评得分"] == before[a]["自评得分"]
    assert "上级评分:第5项" in after[b]["说明"] and "上级评分" not in after[a]["说明"].replace("上级评分:第3项", "")
    for name in set(after) - {a, b}:  # nobody else moved (quotas aside: compare the scores)
        assert after[name]["基础得分"] == before[name]["基础得分"]
        assert "上级评分" not in (after[name]["说明"] or "")
    header, rows = _sheet(out, REVIEW)  # the typed cells and the opinion are kept; the totals follow
    assert rows[a][header.index(h3)] == own3 - 2 and rows[a][header.index(OPINION)] == "扣分属实"
    assert rows[a][header.index(UPPER_TOTAL)] == pytest.approx(after[a]["基础得分"])


def test_full_review_equal_to_self_scores_changes_nothing(tmp_path, town):
    folder, out = _fresh(tmp_path, town)
    scheme = load_scheme(SCHEME)
    before = _overview(out)
    header, rows = _sheet(out, REVIEW)
    typed = {}
    for name, row in rows.items():
        for i, item in enumerate(scheme.items):
            col = upper_header(i, item.label)
            typed[(name, col)] = row[header.index(col) - 1]  # the unit's own score beside it
    _type(out, typed)
    _run(folder, out)
    after = _overview(out)
    for name in before:
        for col in ("基础得分", "综合得分", "最终星级", "说明"):
            assert after[name][col] == before[name][col], (name, col)


def test_resent_unit_file_and_resorting_keep_the_typed_scores(tmp_path, town):
    folder, units = town
    work = tmp_path / "units"
    shutil.copytree(folder, work)
    out = tmp_path / "汇总表.xlsx"
    _run(work, out)
    scheme = load_scheme(SCHEME)
    header, rows = _sheet(out, REVIEW)
    name = list(rows)[-1]
    h1 = upper_header(0, scheme.items[0].label)
    _type(out, {(name, h1): 1})
    _run(work, out)
    # the branch sends its file again, changed (another item's self score), built anew
    rel, inputs = next((rel, dict(u)) for rel, u in units if u["org_name"] == name)
    scores = list(inputs["item_scores"])
    scores[1] = 0
    inputs["item_scores"] = scores
    fresh = tmp_path / "again"
    build_workbooks([(rel, inputs)], fresh, SCHEME)
    shutil.copy(next(fresh.rglob("*.xlsx")), next(p for p in work.rglob("*.xlsx") if p.name == Path(rel).name))
    _run(work, out, "--set-by", "all")  # another set: the rows are re-sorted
    header, rows = _sheet(out, REVIEW)
    assert rows[name][header.index(h1)] == 1 and rows[name][header.index(h1) + 1] == 0  # typed kept; new self score
    said = _overview(out)[name]["说明"]
    assert "上级评分:第1项" in said and "调整为1分" in said


def test_bad_typed_values_are_refused_with_their_cell(tmp_path, town):
    folder, out = _fresh(tmp_path, town)
    scheme = load_scheme(SCHEME)
    before = _overview(out)
    _, rows = _sheet(out, REVIEW)
    a, b = list(rows)[:2]
    h2, h4 = upper_header(1, scheme.items[1].label), upper_header(3, scheme.items[3].label)
    where = _type(out, {(a, h2): "九分", (b, h4): scheme.items[3].points + 5})
    _run(folder, out)
    after = _overview(out)
    for name in (a, b):  # each falls back to its own scores
        assert after[name]["基础得分"] == before[name]["基础得分"]
    found = [r for r in _sheet_rows(out, "问题清单") if r[1] == REVIEW]
    assert {(r[2], str(r[3])) for r in found} == {(where[(a, h2)], "九分"),
                                                   (where[(b, h4)], f"{scheme.items[3].points + 5:g}")}
    assert all(r[5] == "错误" and "未采用" in r[4] for r in found)
    _, rows = _sheet(out, REVIEW)  # never dropped: the clerk sees and corrects them
    assert rows[a][_sheet(out, REVIEW)[0].index(h2)] == "九分"


def _sheet_rows(out: Path, name: str) -> list[list]:
    ws = openpyxl.load_workbook(out, read_only=True)[name]
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def test_summary_level_equals_score_unit_with_those_scores(tmp_path, town):
    folder, units = town
    out = tmp_path / "汇总表.xlsx"
    _run(folder, out, "--quota-mode", "flag")
    scheme = load_scheme(SCHEME)
    _, rows = _sheet(out, REVIEW)
    inputs = {u["org_name"]: u for _, u in units}
    typed = {}
    for k, name in enumerate(list(rows)[:6]):
        typed[(name, upper_header(k % len(scheme.items), scheme.items[k % len(scheme.items)].label))] = k % 3 + 4
    _type(out, typed)
    _run(folder, out, "--quota-mode", "flag")
    header, rows = _sheet(out, REVIEW)
    over = _overview(out)
    for (name, col), value in typed.items():
        upper: list = [None] * len(scheme.items)
        upper[int(col.split(".")[0]) - 1] = value
        r = score_unit(scheme, inputs[name], upper_scores=upper)
        assert rows[name][header.index(PROPOSED)] == r.level_name
        assert over[name]["综合得分"] == pytest.approx(r.final_score)
        assert over[name]["规则定级"] == r.level_name


@pytest.mark.slow
def test_town_scores_carried_up_and_the_county_wins(tmp_path):
    scheme = load_scheme(SCHEME)
    units = generate_county(40, SCHEME, seed=5)
    branches = tmp_path / "branches"
    build_workbooks(units, branches, SCHEME)
    towns = sorted({rel.split("/")[1] for rel, _ in units})[:2]
    county_in = tmp_path / "county"
    county_in.mkdir()
    typed_town = {}
    for town in towns:
        out = county_in / town / "汇总表.xlsx"
        out.parent.mkdir()
        _run(next(branches.glob(f"*/{town}")), out)
        _, rows = _sheet(out, REVIEW)
        name = list(rows)[0]
        h = upper_header(0, scheme.items[0].label)
        _type(out, {(name, h): 2})
        _run(next(branches.glob(f"*/{town}")), out)
        typed_town[name] = h
    county = tmp_path / "县汇总表.xlsx"
    _run(county_in, county)
    over = _overview(county)
    for name in typed_town:
        assert "上级评分:第1项" in over[name]["说明"] and "为2分" in over[name]["说明"]
    raw = _sheet_rows(county, "原始数据")
    keys = raw[0]
    first = next(r for r in raw[1:] if r[0] == list(typed_town)[0])
    assert first[keys.index("item_scores_upper.1")] == 2 and "汇总表.xlsx" in first[keys.index("upper_by")]
    header, rows = _sheet(county, REVIEW)  # the county sees the town's scores beside its own column
    for name in typed_town:
        assert rows[name][header.index("下级评分")].startswith("第1项2分(") and rows[name][header.index(typed_town[name])] is None
    # the county's own 评分定级表 wins over the town's
    name = list(typed_town)[0]
    _type(county, {(name, typed_town[name]): 5})
    _run(county_in, county)
    assert "调整为5分" in _overview(county)[name]["说明"]
    raw = _sheet_rows(county, "原始数据")
    first = next(r for r in raw[1:] if r[0] == name)
    assert first[keys.index("item_scores_upper.1")] == 5 and first[keys.index("upper_by")] == "本级"


def test_publicity_dates_one_week_by_default_and_top_level_listed_for_recheck(tmp_path, town):
    folder, _ = town
    out = tmp_path / "汇总表.xlsx"
    _run(folder, out)
    assert "公示期:____年__月__日至" in _sheet_rows(out, "公示名单")[-1][0]
    _run(folder, out, "--publicity-start", "2026-12-07")
    assert _sheet_rows(out, "公示名单")[-1][0].startswith("公示期:2026年12月7日至2026年12月13日(共7天)")
    settings = {r[0]: r[1] for r in _sheet_rows(out, "设置") if r and r[0]}
    assert settings["公示开始日期"].date().isoformat() == "2026-12-07"
    assert settings["公示结束日期"].date().isoformat() == "2026-12-13"
    top = {n for n, u in _overview(out).items() if u["最终星级"] == "五星级"}
    listed = {r[1] for r in _sheet_rows(out, "上级复审") if r and isinstance(r[0], int)}
    assert listed == top
    assert main(["consolidate", str(folder), "--out", str(out), "--quiet", "--publicity-start", "2026-12-07",
                 "--publicity-end", "2026-12-01"]) == 2


def test_demo_shows_the_towns_step(tmp_path):
    assert main(["demo", "--units", "30", "--out", str(tmp_path / "demo"), "--quiet"]) == 0
    out = tmp_path / "demo" / "汇总表.xlsx"
    over = _overview(out)
    changed = {n for n, u in over.items() if "上级评分:第" in (u["说明"] or "")}
    assert changed
    header, rows = _sheet(out, REVIEW)
    typed = {n for n, r in rows.items() if any(v is not None for h, v in zip(header, r) if str(h).endswith("上级评分"))}
    assert typed == changed


def test_the_button_rates_with_the_books_typed_scores(tmp_path, town):
    from tests.test_summary_writer import _Book
    from xlsx_addin.shells.buttons.consolidate import run_in_book

    folder, _ = town
    out = tmp_path / "汇总.xlsm"
    _run(folder, out)
    scheme = load_scheme(SCHEME)
    book = _Book(out)
    sheet = book.sheets[REVIEW]
    header = [sheet.grid.get((1, c)) for c in range(1, 200)]
    col = header.index(upper_header(0, scheme.items[0].label)) + 1
    name = sheet.grid[(2, 1)]
    own = sheet.grid[(2, col - 1)]
    sheet.grid[(2, col)] = own - 1  # typed into the open book
    c = run_in_book(book)
    assert c is not None
    unit = next(u for u in c.units if u.result.org_name == name)
    assert f"上级评分:第1项“{scheme.items[0].label}”由{own:g}分调整为{own - 1:g}分" in unit.result.reasons
    rows = {sheet.grid.get((r, 1)): r for r in range(2, 40)}
    assert sheet.grid[(rows[name], col)] == own - 1  # kept in the book, beside its unit


@pytest.mark.parametrize("scheme_id", ["four_grade", "ten_star", "six_good"])
def test_every_item_scored_scheme_has_the_sheet_and_obeys_it(tmp_path, scheme_id):
    scheme = load_scheme(scheme_id)
    units = generate_county(10, scheme_id, seed=4)
    build_workbooks(units, tmp_path / "units", scheme_id)
    out = tmp_path / "汇总表.xlsx"
    _run(tmp_path / "units", out, "--scheme", scheme_id, "--quota-mode", "flag")
    header, rows = _sheet_all(out, REVIEW)
    name = next(iter(rows))
    item = len(scheme.items) - 1  # the last item (with sub-items in ten_star and six_good: its total)
    col = upper_header(item, scheme.items[item].label)
    own = rows[name][header.index(col) - 1]
    new = 0 if own else scheme.items[item].points
    _type(out, {(name, col): new})
    _run(tmp_path / "units", out, "--scheme", scheme_id, "--quota-mode", "flag")
    inputs = next(u for _, u in units if u["org_name"] == name)
    upper: list = [None] * len(scheme.items)
    upper[item] = new
    r = score_unit(scheme, inputs, upper_scores=upper)
    header, rows = _sheet_all(out, REVIEW)
    assert rows[name][header.index(PROPOSED)] == r.level_name
    assert any(x.startswith(f"上级评分:第{item + 1}项") for x in r.reasons)
    said = _sheet_all(out, "一览表")[1][name]
    assert f"上级评分:第{item + 1}项" in said[_sheet_all(out, "一览表")[0].index("说明")]


def _sheet_all(out: Path, name: str) -> tuple[list, dict[str, list]]:
    ws = openpyxl.load_workbook(out, read_only=True)[name]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], {r[0]: r for r in rows[1:] if r and r[1]}
