"""The messages a clerk meets in the first week (issue 22, item 7), through the command line."""
from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pytest

from tests.test_consolidate import SCHEME, TOWN_A, _patch_cached, build, unit
from xlsx_addin import apply_overrides
from xlsx_addin.contracts.summary import PROBLEMS, SETTINGS
from xlsx_addin.jobs.consolidate.settings_sheet import settings_from_rows
from xlsx_addin.shells.cli import main


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own exit
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def _problems(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [r for r in wb[PROBLEMS].iter_rows(values_only=True)][1:]
    wb.close()
    return [r for r in rows if r and r[0]]


# --- the consolidation's report and 问题清单 -----------------------------------------------------------
@pytest.mark.slow
def test_flag_mode_says_what_it_marked_not_what_it_moved(tmp_path, capsys):
    folder = tmp_path / "甲镇"
    for name, code, score in TOWN_A:
        build(folder, f"{name}.xlsx", unit(name, code, "甲镇", score))
    code, out, _ = _cli(capsys, "consolidate", str(folder), "--out", str(tmp_path / "汇总.xlsx"), "--quiet",
                        "--quota-mode", "flag", "--workers", "1")
    assert code == 0
    quota = [line for line in out.splitlines() if line.startswith("  · ") and "比例" in line]
    assert quota and all("标记" in line and "调整前" not in line and "调整后" not in line for line in quota), quota
    assert "3个单位因配额被标记" in out and "标记2个(仅标记,等次未调整)" in out
    code, out, _ = _cli(capsys, "consolidate", str(folder), "--out", str(tmp_path / "汇总2.xlsx"), "--quiet",
                        "--workers", "1")
    assert "调整前" in out and "调整1个" in out  # enforce mode still tells what moved


@pytest.mark.slow
def test_one_changed_rule_gives_one_grouped_hint(tmp_path, capsys):
    folder = tmp_path / "乙镇"
    local = apply_overrides(SCHEME, {"levels.5.min_score": 85})
    for i in range(4):
        build(folder, f"支部{i}.xlsx", unit(f"乙镇第{i}支部", f"B{i}", "乙镇", 70 + i), scheme=local)
    build(folder, "本规则.xlsx", unit("乙镇照章支部", "B9", "乙镇", 80))
    out = tmp_path / "汇总.xlsx"
    code, text, _ = _cli(capsys, "consolidate", str(folder), "--out", str(out), "--quiet", "--workers", "1")
    assert code == 0
    rules = [p for p in _problems(out) if "规则表与本次汇总的规则不同" in str(p[4])]
    assert len(rules) == 1, rules
    assert str(rules[0][4]).startswith("4个单位的规则表与本次汇总的规则不同") and "levels.5.min_score" in rules[0][4]
    assert all(f"支部{i}.xlsx" in rules[0][4] for i in range(4)) and rules[0][5] == "提示"
    assert text.count("规则表与本次汇总的规则不同") == 1


@pytest.mark.slow
def test_nan_in_a_cell_names_the_input(tmp_path, capsys):
    folder = tmp_path / "丁镇"
    path = build(folder, "缺席.xlsx", unit("丁镇支部", "D1", "丁镇", 80, absences=1))
    _patch_cached(path, "absences", "NaN")
    out = tmp_path / "汇总.xlsx"
    assert _cli(capsys, "consolidate", str(folder), "--out", str(out), "--quiet", "--workers", "1")[0] == 0
    (row,) = [p for p in _problems(out) if p[0] == "缺席.xlsx"]
    assert row[2] and "无故缺席会议培训或未按时完成任务次数" in row[4] and "NaN" in row[4]


# --- argparse in Chinese ---------------------------------------------------------------------------------
@pytest.mark.parametrize("args, said", [
    (["consolidate", "x"], "缺少必需的参数:--out"),
    (["consolidate", "x", "--out", "y.xlsx", "--workers", "abc"], "参数 --workers:'abc' 不是有效的整数"),
    (["consolidate", "x", "--out", "y.xlsx", "--quota-mode", "hard"], "无效的选项 'hard'(可选:"),
    (["rules", "--bogus"], "无法识别的参数:--bogus"),
    (["nothing"], "无效的选项 'nothing'"),
    ([], "缺少必需的参数:命令"),
])
def test_argparse_errors_are_chinese(capsys, args, said):
    code, _, err = _cli(capsys, *args)
    assert code == 2
    assert said in err and "用法:" in err and "usage" not in err and "error:" not in err, err


def test_help_is_chinese(capsys):
    code, out, _ = _cli(capsys, "score", "-h")
    assert code == 0
    assert out.startswith("用法:") and "选项:" in out and "显示本帮助并退出" in out
    assert "show this help" not in out and "options:" not in out


# --- score's JSON ----------------------------------------------------------------------------------------
UNIT = {"org_name": "一支部", "item_scores": [9] * 10}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "utf-8"])
def test_score_reads_what_notepad_writes(tmp_path, capsys, encoding):
    path = tmp_path / "单位.json"
    path.write_bytes(json.dumps(UNIT, ensure_ascii=False).encode(encoding))
    code, out, err = _cli(capsys, "score", str(path))
    assert code == 0, err
    assert "一支部:基础得分90" in out


def test_score_names_a_missing_file(tmp_path, capsys):
    code, _, err = _cli(capsys, "score", str(tmp_path / "没有.json"))
    assert code == 2 and "没有.json 不存在" in err
    code, _, err = _cli(capsys, "score", str(tmp_path))
    assert code == 2 and "是文件夹" in err


@pytest.mark.parametrize("text, said", [
    ("[]", "是空列表,没有要评分的单位"),
    ("5", "的内容是数字,不是单位"),
    ('"x"', "的内容是文字,不是单位"),
    ("[1, {}]", "列表中的第1项不是一个单位"),
    ("", "是空的"),
    ('{"org_name": ', "不是有效的 JSON:第1行第14列"),
])
def test_score_says_what_is_wrong_with_the_file(tmp_path, capsys, text, said):
    path = tmp_path / "单位.json"
    path.write_text(text, encoding="utf-8")
    code, out, err = _cli(capsys, "score", str(path))
    assert code == 2 and said in err and "Expecting" not in err, err
    assert "应为一个单位" in err or "JSON" in err


# --- schemes by their Chinese name; a scheme file to copy --------------------------------------------
@pytest.mark.slow
def test_the_chinese_name_is_accepted_everywhere(tmp_path, capsys):
    code, out, _ = _cli(capsys, "rules", "--scheme", "基层党组织分类定级")
    assert code == 0 and "four_grade" in out
    path = tmp_path / "单位.json"
    path.write_text(json.dumps(UNIT, ensure_ascii=False), encoding="utf-8")
    code, out, _ = _cli(capsys, "score", str(path), "--scheme", "服务型党组织星级评定")
    assert code == 0 and "五星级" in out
    folder = tmp_path / "戊镇"
    build(folder, "一.xlsx", unit("戊镇支部", "E1", "戊镇", 80))
    code, out, _ = _cli(capsys, "consolidate", str(folder), "--out", str(tmp_path / "汇总.xlsx"), "--quiet",
                        "--scheme", "服务型党组织星级评定", "--workers", "1")
    assert code == 0 and "服务型党组织星级评定(five_star)" in out
    code, _, err = _cli(capsys, "rules", "--scheme", "没有的方案")
    assert code == 2 and "five_star(服务型党组织星级评定)" in err


def test_export_a_scheme_file_to_copy(tmp_path, capsys):
    code, out, _ = _cli(capsys, "scheme", "--list")
    assert code == 0 and "six_good\t六好党支部创建考评" in out
    target = tmp_path / "本县方案.yaml"
    code, out, _ = _cli(capsys, "scheme", "--export", "服务型党组织星级评定", "--out", str(target))
    assert code == 0 and "已导出" in out
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# 本文件复制自内置评定方案 five_star") and "id: five_star" in text
    target.write_text(text.replace("min_score: 90", "min_score: 88", 1), encoding="utf-8")
    code, out, _ = _cli(capsys, "rules", "--scheme", str(target))
    assert code == 0 and "levels.5.min_score\t五星级最低分\t88" in out.replace(".0\t", "\t")
    code, _, err = _cli(capsys, "scheme", "--export", "five_star", "--out", str(target))
    assert code == 2 and "已存在,未覆盖" in err
    code, _, err = _cli(capsys, "scheme", "--export", "nine_star", "--out", str(tmp_path / "x.yaml"))
    assert code == 2 and "没有名为“nine_star”的内置评定方案" in err and not (tmp_path / "x.yaml").exists()


@pytest.mark.slow
def test_templates_with_a_rules_table_say_which_schemes_they_left_out(tmp_path, capsys):
    rules = tmp_path / "规则.csv"
    rules.write_text("levels.5.min_score,88\n", encoding="utf-8")
    code, out, _ = _cli(capsys, "templates", "--rules", str(rules), "--out", str(tmp_path / "模板"))
    assert code == 0
    assert "提示:规则表文件不适用于“基层党组织分类定级”(four_grade)" in out
    assert "提示:规则表文件不适用于“六好党支部创建考评”(six_good)" in out
    assert (tmp_path / "模板" / "单位填报表_five_star.xlsx").is_file()
    assert not (tmp_path / "模板" / "单位填报表_four_grade.xlsx").exists()
    named = tmp_path / "规则2.csv"
    named.write_text("scheme,六好党支部创建考评\nlevels.1.min_score,1\n", encoding="utf-8")
    code, out, _ = _cli(capsys, "templates", "--rules", str(named), "--out", str(tmp_path / "模板2"))
    assert code == 0 and "只生成该方案的填报模板" in out
    assert (tmp_path / "模板2" / "单位填报表_six_good.xlsx").is_file()


# --- 设置 stores the unit folder relative to the summary ---------------------------------------------
def _stored_folder(out: Path) -> str:
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = [list(r) for r in wb[SETTINGS].iter_rows(values_only=True)]
    wb.close()
    return next(str(r[1]) for r in rows if r and r[0] == "单位填报表文件夹")


@pytest.mark.slow
def test_settings_store_the_folder_as_the_summary_reads_it(tmp_path, capsys, monkeypatch):
    build(tmp_path / "单位", "一.xlsx", unit("己镇支部", "F1", "己镇", 80))
    monkeypatch.chdir(tmp_path)
    # the summary beside the folder: relative to the summary's folder
    assert _cli(capsys, "consolidate", "单位", "--out", "汇总表.xlsx", "--quiet", "--workers", "1")[0] == 0
    assert _stored_folder(tmp_path / "汇总表.xlsx") == "单位"
    # the summary in another folder: the command's relative path would point elsewhere from there
    assert _cli(capsys, "consolidate", "单位", "--out", "结果/汇总表.xlsx", "--quiet", "--workers", "1")[0] == 0
    stored = _stored_folder(tmp_path / "结果" / "汇总表.xlsx")
    assert Path(stored).is_absolute() and Path(stored) == (tmp_path / "单位").resolve()
    # what the button reads back (relative to the summary's folder) is the folder that was read
    back = settings_from_rows([["单位填报表文件夹", stored]], tmp_path / "结果")
    assert os.path.samefile(back.input_dir, tmp_path / "单位")
    back = settings_from_rows([["单位填报表文件夹", _stored_folder(tmp_path / "汇总表.xlsx")]], tmp_path)
    assert os.path.samefile(back.input_dir, tmp_path / "单位")
