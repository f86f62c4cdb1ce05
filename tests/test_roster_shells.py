"""Issue 22 in the window (under Xvfb) and the summary workbook's button (a fake book): the roster's count, the
small-set warning, and an empty folder never replacing a summary that holds units."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_gui import _run, display, env  # noqa: F401 - the window's fixtures
from tests.test_roster import county
from tests.test_summary_writer import _Book
from xlsx_addin.shells import gui
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


@pytest.mark.slow
def test_window_shows_the_count_and_the_small_set_warning(display, env):  # noqa: F811
    folder = env / "填报表"
    county(folder, 4)
    roster = env / "名单.txt"
    names = sorted(p.stem for p in folder.rglob("*.xlsx")) + ["未交材料村党支部"]
    roster.write_text("\n".join(names), encoding="gbk")
    app = gui.App()
    try:
        app.folder_entry.delete(0, "end")
        app.folder_entry.insert(0, str(folder))
        app.set_folder(app.folder_entry.get())
        app.scheme_box.set(next(k for k, v in app.schemes.items() if v == "five_star"))
        app.expect.set(str(roster))
        app.run_button.invoke()
        _run(app)
        assert app.outcome.ok, app.outcome.error
        status = app.status.get()
        assert "上报情况:应报5个,已报4个,未报1个" in status and "单位太少" in status
        text = app.text.get("1.0", "end")
        assert "未上报" in text and "未交材料村党支部" in text and "--quota-mode flag" in text
    finally:
        app.root.destroy()


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
