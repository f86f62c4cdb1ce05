"""统计: the quota table's headers, its short 说明 cells, and the 提示 rows naming every unit a quota moved."""
from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook

from xlsx_addin import load_scheme, rate_set
from xlsx_addin.jobs.consolidate.kinds import kind_of
from xlsx_addin.jobs.consolidate.model import Consolidation, SetSummary, Settings, UnitRow
from xlsx_addin.jobs.consolidate.sheets import stats_table
from xlsx_addin.jobs.consolidate.writer import write_summary

S = load_scheme("five_star")


def _unit(name: str, total: float, **kw) -> dict:
    return {"org_name": name, "parent_org": "城关镇党委", "item_scores": [total / 10] * 10, **kw}


def _town(mode: str = "enforce") -> Consolidation:
    units = [_unit("城关镇第一村", 95), _unit("城关镇第二村", 92), _unit("城关镇第三村", 86), _unit("城关镇第四村", 88),
             _unit("城关镇第五村", 90), _unit("城关镇机关", 93, election_overdue_months=13)]
    rs = rate_set(S, units, quota_mode=mode)
    count = lambda attr: {lv.rank: sum(getattr(r, attr) == lv.rank for r in rs) for lv in S.levels}  # noqa: E731
    return Consolidation(kind=kind_of(S), settings=Settings(input_dir=Path("."), scheme_source="five_star",
                         quota_mode=mode), sets=[SetSummary("城关镇党委", len(rs), rs.quotas, count("rule_level"),
                                                            count("level"))],
                         units=[UnitRow(r, "城关镇党委", f"{r.org_name}.xlsx", r.org_name) for r in rs])


def test_quota_header_names_the_set_size_and_the_levels():
    t = stats_table(_town())
    header = t.rows[t.subheaders[0]]
    assert header[:5] == ["评定组", "配额", "参评单位数", "涉及星级", "类型"]
    assert header[-1] == "说明" and len(header) == len(set(header))
    four = stats_table(Consolidation(kind=kind_of(load_scheme("four_grade")),
                                     settings=Settings(input_dir=Path("."), scheme_source="four_grade")))
    assert four.rows[four.subheaders[0]][3] == "涉及等次"


def test_notes_name_every_unit_each_quota_moved(tmp_path):
    out = write_summary(_town(), tmp_path / "汇总表.xlsx").path
    rows = [list(r) for r in CalamineWorkbook.from_path(str(out)).get_sheet_by_name("统计").to_python()]
    text = [str(r[0]) for r in rows if r and isinstance(r[0], str)]
    floor = [x for x in text if "一星级及以下比例下限调整" in x]
    assert floor == ["城关镇党委:一星级及以下比例下限调整1个单位:城关镇机关(三星级→一星级)"]
    cap = next(x for x in text if "五星级比例上限调整" in x)
    assert "城关镇第一村(五星级→四星级)" in cap and "城关镇第三村" not in cap
    assert any("名额为0个" in x for x in text)  # the cap of 0 in a small set, said plainly
    quota_rows = [r for r in rows if r[:2] == ["城关镇党委", "一星级及以下比例下限"]]
    assert quota_rows and quota_rows[0][11] == "调整单位见下方提示" and quota_rows[0][2] == 6


def test_flag_mode_names_the_units_that_would_move():
    t = stats_table(_town("flag"))
    notes = _notes(t)
    assert any(n.startswith("城关镇党委:一星级及以下比例下限应调整(仅标记,未调整)1个单位:城关镇机关") for n in notes)
    assert t.notes is not None and t.notes.span == 12 and t.rows[t.notes.rows[0] - 1] == ["提示"]


def test_long_lists_are_split_into_rows_of_a_few_lines():
    units = [_unit(f"单位{i:03d}", 95) for i in range(70)]  # cap 7 of 70 五星级: 63 move
    rs = rate_set(S, units)
    c = Consolidation(kind=kind_of(S), settings=Settings(input_dir=Path("."), scheme_source="five_star"),
                      sets=[SetSummary("全部", len(rs), rs.quotas, {}, {})])
    notes = [n for n in _notes(stats_table(c)) if "五星级比例上限" in n]
    assert len(notes) == 3 and "(续2)" in notes[1] and all(n.count("→") <= 30 for n in notes)


def _notes(t) -> list[str]:
    """The 提示 texts: the rows the writer merges across the quota table."""
    return [t.rows[i][0] for i in (t.notes.rows if t.notes else ())]
