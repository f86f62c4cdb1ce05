"""The 一键汇总 window under Xvfb: driven through its widgets like a clerk, screenshot taken, summary checked."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest

from tests.test_roster import county
from xlsx_addin.shells import gui, gui_run
from xlsx_addin import load_scheme
from xlsx_addin.jobs.demo.county import generate_county
from xlsx_addin.templates import build_unit_workbook

tk = pytest.importorskip("tkinter", reason="this Python has no tkinter (Debian: python3-tk)")


@pytest.fixture(scope="module")
def display():
    """A private X server (Xvfb) for the module; DISPLAY points at it."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (.ci/run installs xvfb)")
    for n in range(99, 140):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            break
    proc = subprocess.Popen([xvfb, f":{n}", "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if Path(f"/tmp/.X11-unix/X{n}").exists():
            break
        time.sleep(0.05)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = f":{n}"
    yield f":{n}"
    if old is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = old
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("XLSX_ADDIN_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XLSX_ADDIN_GUI_NO_DIALOGS", "1")
    return tmp_path


def _county(root: Path, n: int = 36) -> Path:
    scheme = load_scheme("five_star")
    folder = root / "2026年星级评定" / "各支部填报表"
    for rel, inputs in generate_county(n, scheme, seed=7):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        build_unit_workbook(path, scheme, inputs)
    (folder / "损坏的文件.xlsx").write_bytes(b"not a workbook")
    return folder


def _run(app: gui.App, timeout: float = 180) -> list[float]:
    """Pump the event loop until the job ends; the progress values the bar showed."""
    seen = []
    end = time.monotonic() + timeout
    while app.outcome is None:
        app.root.update()
        seen.append(float(app.progress.cget("value")))
        assert time.monotonic() < end, "the consolidation did not finish"
        time.sleep(0.01)
    app.root.update()
    return seen


def _screenshot(app: gui.App, path: Path, display: str) -> None:
    app.root.update()
    time.sleep(0.3)
    app.root.update()
    wid = str(app.root.winfo_id())
    r = subprocess.run(["import", "-display", display, "-window", wid, str(path)], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr


@pytest.mark.slow
def test_window_consolidates_a_folder(display, env):
    folder = _county(env)
    app = gui.App()
    try:
        app.root.geometry("900x760+0+0")
        # the clerk types (or picks) the folder; the summary's place follows it
        app.folder_entry.delete(0, "end")
        app.folder_entry.insert(0, str(folder))
        app.set_folder(app.folder_entry.get())
        assert app.out.get() == str(env / "2026年星级评定" / "各支部填报表_汇总表.xlsx")
        app.scheme_box.set(next(k for k, v in app.schemes.items() if v == "five_star"))
        app.run_button.invoke()
        assert str(app.run_button.cget("state")) == "disabled"  # one run at a time
        seen = _run(app)
        assert app.outcome.ok, app.outcome.error
        assert max(seen) > 0 and str(app.open_button.cget("state")) == "normal"

        out = Path(app.out.get())
        assert out.is_file()
        wb = openpyxl.load_workbook(out, read_only=True)
        assert {"一览表", "统计", "问题清单"} <= set(wb.sheetnames)
        rows = list(wb["一览表"].iter_rows(values_only=True))
        assert len([r for r in rows[1:] if any(r)]) == 36
        problems = [r for r in wb["问题清单"].iter_rows(values_only=True) if r and "损坏的文件.xlsx" in map(str, r)]
        assert problems

        text = app.text.get("1.0", "end")
        assert "评定党组织36个" in text and str(out) in text and "Traceback" not in text
        assert "汇总完成" in app.status.get()

        opened = []
        real_open, gui.open_path = gui.open_path, opened.append  # the PC's default program, recorded instead
        try:
            app.open_button.invoke()
            app.folder_open_button.invoke()
        finally:
            gui.open_path = real_open
        assert opened == [out, out.parent]

        shot = env / "gui.png"
        _screenshot(app, shot, display)
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
        if os.environ.get("XLSX_ADDIN_SCREENSHOT"):  # docs/gui.png is made by this very test
            shutil.copy(shot, os.environ["XLSX_ADDIN_SCREENSHOT"])
    finally:
        app.root.destroy()

    saved = json.loads((env / "config" / gui_run.SETTINGS_FILE).read_text(encoding="utf-8"))
    assert saved["input_dir"] == str(folder)
    again = gui.App()  # the folder is remembered
    try:
        assert again.folder.get() == str(folder)
    finally:
        again.root.destroy()


@pytest.mark.slow
def test_window_shows_errors_as_messages(display, env):
    app = gui.App()
    try:
        app.set_folder(str(env / "没有这个文件夹"))
        app.run_button.invoke()
        _run(app, timeout=60)
        assert not app.outcome.ok
        text = app.text.get("1.0", "end")
        assert "不存在" in text and "Traceback" not in text
        assert str(app.run_button.cget("state")) == "normal"
    finally:
        app.root.destroy()


def test_unexpected_errors_are_logged_not_shown(env, monkeypatch):
    folder = env / "units"
    folder.mkdir()

    def boom(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(gui_run, "consolidate_to", boom)
    outcome = gui_run.run_job(gui_run.Choices(input_dir=str(folder)), lambda *a: None)
    assert not outcome.ok and "程序内部错误" in outcome.error and "Traceback" not in outcome.error


def test_choices_are_remembered_and_damaged_settings_ignored(env):
    (env / "填报表" / "2026").mkdir(parents=True)
    ch = gui_run.Choices(input_dir=str(env / "填报表" / "2026"), scheme="four_grade", quota_mode="flag")
    ch.save()
    assert gui_run.Choices.load() == ch
    (env / "config" / gui_run.SETTINGS_FILE).write_text("{not json", encoding="utf-8")
    assert gui_run.Choices.load() == gui_run.Choices()


def test_an_invalid_folder_or_file_is_not_remembered(env):
    """Issue 22: a mistyped folder is not offered again next time; the last good one stays."""
    good = env / "填报表"
    good.mkdir()
    gui_run.Choices(input_dir=str(good), previous=str(env / "没有.xlsx"), out=str(env / "汇总表.xlsx")).save()
    assert gui_run.Choices.load().input_dir == str(good)
    assert gui_run.Choices.load().previous == "" and gui_run.Choices.load().out == str(env / "汇总表.xlsx")
    gui_run.Choices(input_dir=str(env / "填报表2"), out=str(env / "无此文件夹" / "汇总表.xlsx")).save()
    again = gui_run.Choices.load()
    assert again.input_dir == str(good) and again.out == str(env / "汇总表.xlsx")
    gui_run.Choices(input_dir=str(env / "没有这个文件夹")).save()
    assert gui_run.Choices.load().input_dir == str(good)
    good.rmdir()
    gui_run.Choices(input_dir=str(env / "没有这个文件夹")).save()
    assert gui_run.Choices.load().input_dir == ""


def test_rules_table_file(env):
    csv = env / "规则.csv"
    csv.write_text("key,值\nscheme,four_grade\nlevels.3.min_score,91\n", encoding="gbk")
    ch = gui_run.Choices(input_dir=str(env), rules_kind="rules_table", rules_table=str(csv))
    settings, out = gui_run.settings_of(ch)
    assert settings.scheme_source == "four_grade" and settings.overrides["levels.3.min_score"] == "91"
    assert out == Path(gui_run.default_out(str(env)))
    with pytest.raises(Exception, match="请选择规则表"):
        gui_run.settings_of(gui_run.Choices(input_dir=str(env), rules_kind="rules_table"))


def test_cli_knows_gui_and_bundle(tmp_path, capsys):
    from xlsx_addin.shells.cli import build_parser, main

    assert build_parser().parse_args(["gui"]).command == "gui"
    args = build_parser().parse_args(["bundle", "--out", "x", "--python", "3.11", "--platform", "win_amd64"])
    assert args.python == ["3.11"] and args.platform == ["win_amd64"]
    assert main(["bundle", "--check", str(tmp_path)]) == 1  # not a bundle: a Chinese message, no traceback
    assert "没有清单文件" in capsys.readouterr().out


@pytest.mark.slow
def test_pyw_opens_the_window(display, env):
    """一键汇总.pyw as the bundle ships it, started like a double-click; xdotool finds the window and closes it."""
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (.ci/run installs it)")
    import sys

    from xlsx_addin.jobs.bundle import scripts as bundle_scripts

    pyw = env / "一键汇总.pyw"
    pyw.write_text(bundle_scripts.PYW, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(pyw)], env={**os.environ, "DISPLAY": display}, stderr=subprocess.PIPE)
    try:
        found = ""
        xenv = {**os.environ, "DISPLAY": display}
        for _ in range(200):
            # xdotool's --name regex does not match Chinese here: list the windows, compare their names
            ids = subprocess.run(["xdotool", "search", "--name", "."], capture_output=True, text=True,
                                 env=xenv).stdout.split()
            found = next((w for w in ids if subprocess.run(["xdotool", "getwindowname", w], capture_output=True,
                                                           text=True, env=xenv).stdout.strip() == gui.TITLE), "")
            if found or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert found, ("the window did not appear", proc.poll(), proc.stderr.read() if proc.poll() is not None else "")
        assert proc.poll() is None
        subprocess.run(["xdotool", "windowclose", found], env=xenv, capture_output=True)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_open_path_uses_the_default_program(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(gui_run.sys, "platform", "linux")
    monkeypatch.setattr(gui_run.subprocess, "Popen", lambda args, **kw: calls.append(args))
    gui_run.open_path(tmp_path / "汇总表.xlsx")
    assert calls == [["xdg-open", str(tmp_path / "汇总表.xlsx")]]
    started = []
    monkeypatch.setattr(gui_run.sys, "platform", "win32")
    monkeypatch.setattr(gui_run.os, "startfile", started.append, raising=False)
    gui_run.open_path(tmp_path)
    assert started == [str(tmp_path)]


# --- issue 22: the roster's count and the small-set warning in the window ---------------------------------
@pytest.mark.slow
def test_window_shows_the_count_and_the_small_set_warning(display, env):
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
