"""Issue 22 in the summary workbook's button (a fake book) and the 设置 sheet: the roster's count and an empty
folder never replacing a summary that holds units (the window: tests/test_gui.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.test_roster import county
from tests.test_summary_writer import _Book
from xlsx_addin.shells.buttons.consolidate import run_in_book

ROOT = Path(__file__).resolve().parents[1]


def test_button_counts_the_missing_and_never_empties_a_full_book(tmp_path):
    folder = tmp_path / "单位"
    county(folder, 5)
    shutil.copy(ROOT / "workbooks" / "huizong.xlsm", tmp_path / "huizong.xlsm")
    book = _Book(tmp_path / "huizong.xlsm")
    book.sheets["设置"].range("B2").value = [["单位"]]
    messages: list[str] = []
    say = lambda b, t, m: messages.append(m)  # noqa: E731
    assert run_in_book(book, message_box=say) is not None and len(book.sheets["一览表"].used_range.value) == 6
    assert "上报情况" not in messages[-1]  # a fresh book: no roster yet

    gone = sorted(folder.rglob("*.xlsx"))[0]
    gone.unlink()
    c = run_in_book(book, message_box=say)
    assert c is not None and "上报情况:应报5个,已报4个,未报1个" in messages[-1], messages[-1]
    reported = book.sheets["上报情况"].used_range.value
    assert reported[0][:4] == ["评定组", "应报(个)", "已报(个)", "未报(个)"]
    assert any(row and row[0] == gone.stem and "未上报" in row for row in reported)
    assert any(p.reason.startswith("未上报") and gone.stem in p.value for p in c.problems)

    overview = book.sheets["一览表"].used_range.value
    for p in folder.rglob("*.xlsx"):
        p.unlink()
    assert run_in_book(book, message_box=say) is None
    assert "没有读到任何单位" in messages[-1] and str(folder) in messages[-1]
    assert book.sheets["一览表"].used_range.value == overview  # nothing written into the book


def test_the_settings_sheet_keeps_the_roster(tmp_path):
    from xlsx_addin.jobs.consolidate.settings import Settings
    from xlsx_addin.jobs.consolidate.settings_sheet import S_EXPECT, settings_from_rows, settings_table
    from xlsx_addin import load_scheme

    s = Settings(input_dir=tmp_path / "单位", scheme_source="five_star", expect=tmp_path / "名单.csv")
    t = settings_table(load_scheme("five_star"), s)
    assert [r[1] for r in t.rows if r and r[0] == S_EXPECT] == [str(tmp_path / "名单.csv")]
    back = settings_from_rows([t.header, *t.rows], tmp_path)
    assert back.expect == tmp_path / "名单.csv"
    relative = [[k, "应报/名单.xlsx" if k == S_EXPECT else v, *rest] for k, v, *rest in
                ([*r, "", ""][:3] for r in [t.header, *t.rows] if r)]
    assert settings_from_rows(relative, tmp_path).expect == tmp_path / "应报" / "名单.xlsx"
