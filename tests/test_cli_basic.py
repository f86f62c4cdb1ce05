"""The CLI's engine-only commands and the README's library example."""
import json
import subprocess
import sys

import pytest

from xlsx_addin import load_scheme, score_unit


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "xlsx_addin", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, timeout=120)


def test_readme_library_example():
    r = score_unit(load_scheme("five_star"), {
        "org_name": "城关镇第一村党支部", "member_count": 30,
        "item_scores": [9, 9, 8, 9, 10, 9, 9, 8, 9, 10],
        "honor_level": "省级", "absences": 1,
        "members_present": 27, "votes_satisfied": 20, "votes_basic": 5, "votes_unsatisfied": 2,
    })
    # 90 base + 5 (省级) − 3 (one absence) = 92 → 五星级
    assert (r.base_score, r.bonus, r.penalty, r.final_score) == (90, 5, 3, 92)
    assert (r.level, r.level_name, r.rectify) == (5, "五星级", False)
    assert len(r.reasons) == 2 and "加5分" in r.reasons[0] and "扣3分" in r.reasons[1]


@pytest.mark.slow
def test_score_command_one_unit_and_a_set(tmp_path):
    one = {"org_name": "一支部", "item_scores": [5] * 10}
    (tmp_path / "one.json").write_text(json.dumps(one, ensure_ascii=False), encoding="utf-8")
    out = run_cli("score", str(tmp_path / "one.json"))
    assert out.returncode == 0, out.stderr
    assert "综合得分50" in out.stdout and "一星级" in out.stdout and "需整顿" in out.stdout

    units = [{"org_name": f"支部{i}", "item_scores": [9.5] * 10} for i in range(3)]
    (tmp_path / "set.json").write_text(json.dumps(units, ensure_ascii=False), encoding="utf-8")
    out = run_cli("score", str(tmp_path / "set.json"))
    # three tied 95-point units, cap floor(0.3) = 0: all go down to 四星级; floor ceil(0.3) = 1:
    # the tied group of three is lowered together to 一星级
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("→ 一星级(需整顿)") == 3


def test_score_command_refuses_bad_input_in_chinese(tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"org_name": "x", "item_scores": [12] + [5] * 9}), encoding="utf-8")
    out = run_cli("score", str(tmp_path / "bad.json"))
    assert out.returncode == 2
    assert "超过标准分值10" in out.stderr and "Traceback" not in out.stderr


def test_rules_command_lists_keys():
    out = run_cli("rules", "--scheme", "four_grade")
    assert out.returncode == 0
    assert "quotas.top_cap.share" in out.stdout and "0.2" in out.stdout


def test_unknown_scheme_is_a_clear_error():
    out = run_cli("rules", "--scheme", "nine_star")
    assert out.returncode == 2 and "未知的评定方案" in out.stderr
