"""The one error-to-message mapping of the shells (shells/errors.py) and the buttons' use of it: our errors
read as themselves, a file refused names the file, anything else is a program fault with a log — never
"汇总未完成:<a bug's text>" as if the clerk had done something wrong."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_summary_writer import _Book
from xlsx_addin.model.errors import InputError, RatingError, SchemeError
from xlsx_addin.shells import errors
from xlsx_addin.shells.buttons.consolidate import run_in_book
from xlsx_addin.shells.buttons.ledgers import run_ledgers_in_book

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def log_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XLSX_ADDIN_LOG_DIR", str(tmp_path))
    return tmp_path


def test_the_log_is_the_users_own_folder(monkeypatch, tmp_path):
    """Per user (issue 22): never one shared file in the system temp folder."""
    import sys
    import tempfile

    monkeypatch.delenv("XLSX_ADDIN_LOG_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    expected = {"win32": tmp_path / "local" / "xlsx-addin" / "logs",
                "darwin": Path.home() / "Library" / "Logs" / "xlsx-addin"}.get(sys.platform,
                                                                              tmp_path / "state" / "xlsx-addin")
    assert errors.log_dir() == expected
    assert not str(errors.log_path()).startswith(tempfile.gettempdir() + "/xlsx-addin-error")
    try:
        raise KeyError("x")
    except KeyError as exc:
        message = errors.clerk_message(exc)
    assert str(expected / errors.LOG_NAME) in message and (expected / errors.LOG_NAME).exists()


@pytest.mark.parametrize("exc", [RatingError("评定组无效"), SchemeError("评定组无效"), InputError("评定组无效")])
def test_our_errors_read_as_their_message(exc, log_dir):
    assert errors.clerk_message(exc) == "评定组无效" and not errors.is_program_fault(exc)
    assert not (log_dir / errors.LOG_NAME).exists()


def test_a_file_in_use_is_named():
    exc = PermissionError(13, "Permission denied", "D:/汇总表.xlsx")
    assert errors.clerk_message(exc) == "文件无法写入(可能正在 Excel/WPS 中打开,请关闭后重试):D:/汇总表.xlsx"


def test_another_file_error_names_the_file():
    exc = FileNotFoundError(2, "No such file or directory", "D:/单位/甲.xlsx")
    assert errors.clerk_message(exc) == "文件操作失败:No such file or directory(D:/单位/甲.xlsx)"
    assert not errors.is_program_fault(exc)


@pytest.mark.parametrize("exc", [ValueError("could not convert"), KeyError("org_name"), ZeroDivisionError()])
def test_anything_else_is_a_program_fault_logged_for_the_it_person(exc, log_dir):
    try:
        raise exc
    except Exception as caught:
        message = errors.clerk_message(caught)
    log = log_dir / errors.LOG_NAME
    assert errors.is_program_fault(exc)
    assert message == f"程序内部错误,详细信息已写入 {log},请发给技术支持人员。"
    assert "Traceback" in log.read_text(encoding="utf-8") and "Traceback" not in message


def _book(tmp_path: Path) -> _Book:
    shutil.copy(ROOT / "workbooks" / "huizong.xlsm", tmp_path / "huizong.xlsm")
    book = _Book(tmp_path / "huizong.xlsm")
    book.sheets["设置"].range("B2").value = [["单位"]]
    return book


def test_the_button_reports_a_bug_as_a_program_fault_not_as_the_clerks_error(tmp_path, log_dir):
    def buggy(settings, progress=None):
        raise ValueError("list index out of range")

    messages: list[str] = []
    book = _book(tmp_path)
    assert run_in_book(book, consolidate=buggy, message_box=lambda b, t, m: messages.append(m)) is None
    assert messages == [f"汇总未完成:程序内部错误,详细信息已写入 {log_dir / errors.LOG_NAME},请发给技术支持人员。"]
    assert "list index out of range" in (log_dir / errors.LOG_NAME).read_text(encoding="utf-8")
    assert book.app.status[-1] is False


def test_the_button_reports_our_refusal_as_its_message(tmp_path):
    def refused(settings, progress=None):
        raise RatingError("文件夹中没有单位填报表")

    messages: list[str] = []
    assert run_in_book(_book(tmp_path), consolidate=refused, message_box=lambda b, t, m: messages.append(m)) is None
    assert messages == ["汇总未完成:文件夹中没有单位填报表"]


def test_the_ledger_button_reports_a_bug_as_a_program_fault(tmp_path, log_dir):
    book = _book(tmp_path)
    (tmp_path / "台账").mkdir()
    sheet = book.sheets["设置"]
    rows = sheet.used_range.value
    for r, row in enumerate(rows, 1):
        if row and row[0] in ("台账文件夹", "期间"):
            sheet.range((r, 2)).value = [["台账" if row[0] == "台账文件夹" else "2026H1"]]

    def buggy(settings, progress=None):
        raise TypeError("unsupported operand")

    messages: list[str] = []
    assert run_ledgers_in_book(book, run=buggy, message_box=lambda b, t, m: messages.append(m)) is None
    assert messages == [f"台账汇总未完成:程序内部错误,详细信息已写入 {log_dir / errors.LOG_NAME},请发给技术支持人员。"]


@pytest.mark.parametrize("exc, code, said", [
    (RatingError("方案文件无法读取"), 2, "错误:方案文件无法读取"),
    (FileNotFoundError(2, "No such file or directory", "甲.yaml"), 2, "错误:文件操作失败:No such file or directory(甲.yaml)"),
    (IndexError("list index out of range"), 1, "程序内部错误,详细信息已写入"),
])
def test_the_command_line_says_the_same_and_exits_by_kind(exc, code, said, log_dir, monkeypatch, capsys):
    from xlsx_addin.shells import cli
    from xlsx_addin.shells.cli import score

    def fail(args):
        raise exc

    monkeypatch.setattr(score, "run_rules", fail)
    assert cli.main(["rules"]) == code
    err = capsys.readouterr().err
    assert err.startswith(said) and "Traceback" not in err



@pytest.mark.slow
def test_a_closed_pipe_ends_quietly(tmp_path):
    """`xlsx-addin score many.json | head -1`: the reader closes the pipe while we still write; nothing on stderr."""
    import json
    import subprocess
    import sys

    unit = {"org_name": "甲村党支部", "member_count": 30, "item_scores": [9, 9, 8, 9, 10, 9, 9, 8, 9, 10],
            "members_present": 27, "votes_satisfied": 20, "votes_basic": 5, "votes_unsatisfied": 2}
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{**unit, "org_name": f"第{i}村党支部"} for i in range(3000)], ensure_ascii=False),
                    encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "xlsx_addin", "score", str(many)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) in (0, 141)
    assert err == ""


@pytest.mark.parametrize("command", [["rules"], ["rules", "--scheme", "ten_star"]])
def test_a_pipe_closed_before_the_first_line_ends_quietly_and_logs_nothing(command, tmp_path):
    """`xlsx-addin rules | head`: the reader is gone before our output is flushed at exit."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, XLSX_ADDIN_LOG_DIR=str(tmp_path / "logs"))
    proc = subprocess.Popen([sys.executable, "-m", "xlsx_addin", *command], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) in (0, 141)
    assert err == "" and not (tmp_path / "logs").exists()
