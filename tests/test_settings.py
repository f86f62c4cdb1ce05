"""The consolidation's settings: one validated model, and the precedence of consolidate/settings.py —
one rule per test."""
from __future__ import annotations

from pathlib import Path

import pytest

from xlsx_addin.model.choices import QuotaMode, SetBy
from xlsx_addin.jobs.consolidate.settings import Given, Settings, resolve_settings
from xlsx_addin.model.errors import RatingError


def settings_for(input_dir, scheme=None, *, rules=None, summary_rules=None, table_picks_scheme=False, out=None,
                 **given):
    """The settings when the clerk gives these (and no 设置 sheet)."""
    return resolve_settings(Given(input_dir=input_dir, scheme=scheme, rules=rules, **given),
                            summary_rules=summary_rules, table_picks_scheme=table_picks_scheme, out=out)


def test_defaults_are_five_star_enforce_by_parent_and_ten_backups(tmp_path):
    s = settings_for(tmp_path)
    assert (s.scheme_source, s.quota_mode, s.set_by, s.keep_backups) == ("five_star", QuotaMode.ENFORCE, SetBy.PARENT_ORG, 10)
    assert s.overrides is None and s.previous is None and s.exclude == ()


def test_the_named_scheme_is_the_base(tmp_path):
    assert settings_for(tmp_path, "ten_star").scheme_source == "ten_star"


def test_a_rules_table_overrides_the_numbers_of_the_named_scheme(tmp_path):
    s = settings_for(tmp_path, "five_star", rules={"scheme": "five_star", "levels.5.min_score": 92})
    assert s.scheme_source == "five_star" and s.overrides == {"scheme": "five_star", "levels.5.min_score": 92}


def test_a_clerks_table_naming_another_scheme_is_kept_for_the_engine_to_refuse(tmp_path):
    """Rule 2: a table the clerk gives for another scheme is not silently dropped (apply_overrides refuses it)."""
    from xlsx_addin.jobs.consolidate.sets import summary_scheme
    from xlsx_addin.model.errors import SchemeError

    s = settings_for(tmp_path, "five_star", rules={"scheme": "four_grade"})
    assert s.overrides == {"scheme": "four_grade"}
    with pytest.raises(SchemeError, match="four_grade"):
        summary_scheme(s)


def test_the_summarys_own_rules_sheet_for_another_scheme_is_not_applied(tmp_path):
    s = settings_for(tmp_path, "four_grade", summary_rules={"scheme": "five_star", "levels.5.min_score": 92})
    assert s.scheme_source == "four_grade" and s.overrides is None


def test_the_summarys_own_rules_sheet_for_the_same_scheme_is_applied(tmp_path):
    s = settings_for(tmp_path, "five_star", summary_rules={"scheme": "five_star", "levels.5.min_score": 92})
    assert s.overrides == {"scheme": "five_star", "levels.5.min_score": 92}


def test_in_the_window_a_table_naming_a_builtin_scheme_selects_it(tmp_path):
    s = settings_for(tmp_path, "five_star", rules={"scheme": "ten_star"}, table_picks_scheme=True)
    assert s.scheme_source == "ten_star"


def test_in_the_window_a_table_naming_no_known_scheme_keeps_the_chosen_one(tmp_path):
    s = settings_for(tmp_path, "four_grade", rules={"scheme": "本地方案"}, table_picks_scheme=True)
    assert s.scheme_source == "four_grade"


def test_keep_backups_given_wins_and_none_means_ten(tmp_path):
    assert settings_for(tmp_path, keep_backups=3).keep_backups == 3
    assert settings_for(tmp_path, keep_backups=None).keep_backups == 10


def test_negative_backups_are_refused_in_chinese(tmp_path):
    with pytest.raises(RatingError, match="备份份数"):
        settings_for(tmp_path, keep_backups=-1)


def test_an_output_inside_the_input_folder_and_its_backups_are_never_read(tmp_path):
    out = tmp_path / "汇总表.xlsx"
    out.write_bytes(b"x")
    backup = tmp_path / "汇总表.备份-20261201-120000.xlsx"
    backup.write_bytes(b"x")
    assert set(settings_for(tmp_path, out=out).exclude) == {out, backup}


def test_without_an_output_nothing_is_excluded(tmp_path):
    assert settings_for(tmp_path).exclude == ()


@pytest.mark.parametrize("field, value, words", [("quota_mode", "strict", "配额模式"), ("set_by", "county", "评定组")])
def test_a_wrong_choice_is_refused_in_chinese(tmp_path, field, value, words):
    with pytest.raises(RatingError, match=words):
        settings_for(tmp_path, **{field: value})


def test_choices_are_enums_that_read_as_their_words(tmp_path):
    s = settings_for(tmp_path, quota_mode="flag", set_by="all")
    assert s.quota_mode is QuotaMode.FLAG and s.set_by is SetBy.ALL
    assert s.quota_mode == "flag" and f"{s.set_by}" == "all"


def test_the_model_is_strict_and_closed():
    with pytest.raises(Exception, match="input_dir"):
        Settings(input_dir="not a Path", scheme_source="five_star")  # type: ignore[arg-type]
    with pytest.raises(Exception, match="extra"):
        Settings(input_dir=Path("."), scheme_source="five_star", colour="red")  # type: ignore[call-arg]
    with pytest.raises(Exception):
        Settings(input_dir=Path("."), scheme_source="five_star", keep_backups="10")  # type: ignore[arg-type]


@pytest.mark.parametrize("text, scheme", [(None, "five_star"), ("  ", "five_star"), ("ten_star", "ten_star"),
                                          (" four_grade ", "four_grade"), ("my.yaml", "my.yaml")])
def test_resolve_scheme_reads_a_clerks_text(text, scheme):
    from xlsx_addin.engine.scheme import resolve_scheme

    assert resolve_scheme(text) == scheme


def test_resolve_scheme_knows_the_chinese_names():
    from xlsx_addin.engine.scheme import BUILTIN, load_scheme, resolve_scheme

    for name in BUILTIN:
        assert resolve_scheme(load_scheme(name).name) == name


# --- the precedence between the clerk's choices and the 设置 sheet: one rule per test --------------------
def test_the_clerks_scheme_wins_over_the_settings_sheets(tmp_path):
    s = resolve_settings(Given(input_dir=tmp_path, scheme="ten_star"), Given(scheme="four_grade"))
    assert s.scheme_source == "ten_star"


def test_the_settings_sheets_scheme_applies_when_the_clerk_gave_none(tmp_path):
    assert resolve_settings(Given(input_dir=tmp_path), Given(scheme="four_grade")).scheme_source == "four_grade"


def test_the_clerks_choices_win_over_the_settings_sheets(tmp_path):
    s = resolve_settings(Given(input_dir=tmp_path, quota_mode=QuotaMode.FLAG, set_by=SetBy.ALL, keep_backups=2),
                         Given(quota_mode=QuotaMode.ENFORCE, set_by=SetBy.PARENT_ORG, keep_backups=5))
    assert (s.quota_mode, s.set_by, s.keep_backups) == (QuotaMode.FLAG, SetBy.ALL, 2)


def test_the_settings_sheets_choices_apply_when_the_clerk_gave_none(tmp_path):
    s = resolve_settings(Given(), Given(input_dir=tmp_path, quota_mode=QuotaMode.FLAG, previous=tmp_path / "p.xlsx",
                                        keep_backups=0))
    assert (s.input_dir, s.quota_mode, s.previous, s.keep_backups) == (tmp_path, QuotaMode.FLAG, tmp_path / "p.xlsx", 0)


def test_a_clerks_table_wins_over_the_summarys_own_rules_sheet(tmp_path):
    s = settings_for(tmp_path, rules={"levels.5.min_score": 95}, summary_rules={"levels.5.min_score": 92})
    assert s.overrides == {"levels.5.min_score": 95}


def test_a_summarys_rules_sheet_naming_no_scheme_is_applied(tmp_path):
    assert settings_for(tmp_path, summary_rules={"levels.5.min_score": 92}).overrides == {"levels.5.min_score": 92}


def test_without_an_input_folder_nothing_runs(tmp_path):
    with pytest.raises(RatingError, match="文件夹"):
        resolve_settings(Given(scheme="five_star"))


def test_a_blank_scheme_is_no_scheme(tmp_path):
    assert settings_for(tmp_path, "").scheme_source == "five_star"


# --- the 设置 sheet's reader: what it gives, and refusals naming the sheet, the row and the value ----------
def test_the_settings_sheet_gives_only_what_is_filled_in(tmp_path):
    from xlsx_addin.jobs.consolidate.settings_sheet import given_by_sheet

    given = given_by_sheet([["项目", "内容"], ["单位填报表文件夹", "单位"], ["配额模式", None], ["评定组", "全部"]],
                           tmp_path)
    assert given == Given(input_dir=tmp_path / "单位", set_by=SetBy.ALL)


@pytest.mark.parametrize("row, words", [
    (["评定组", "按乡镇"], "“设置”工作表第3行“评定组”的值“按乡镇”无效,应为:按上级党组织 / 全县统一"),
    (["配额模式", "严格"], "“设置”工作表第3行“配额模式”的值“严格”无效,应为:强制调整 / 仅标记"),
    (["保留备份份数", "-2"], "“设置”工作表第3行“保留备份份数”的值“-2”无效,应为0或正整数(默认10)"),
])
def test_a_wrong_settings_sheet_value_names_the_sheet_row_and_value(tmp_path, row, words):
    from xlsx_addin.jobs.consolidate.settings_sheet import given_by_sheet

    with pytest.raises(RatingError) as refused:
        given_by_sheet([["项目", "内容"], ["单位填报表文件夹", "单位"], row], tmp_path)
    assert str(refused.value) == words


def test_each_choice_reads_its_value_label_and_aliases():
    assert SetBy.from_text("all") is SetBy.from_text("全县统一") is SetBy.from_text("全镇统一") is SetBy.ALL
    assert QuotaMode.from_text("仅标记") is QuotaMode.FLAG and QuotaMode.from_text("严格") is None


def test_the_settings_sheet_speaks_the_schemes_own_level_words():
    """four_grade's 设置 says 升级/降级 (its own words), five_star's 晋星/减星: the previous-summary note and the
    result row (the button fills those rows by position, so only the title changes)."""
    from xlsx_addin import load_scheme
    from xlsx_addin.jobs.consolidate.settings_sheet import settings_table

    def texts(scheme_id: str) -> str:
        return "\n".join(str(v) for row in settings_table(load_scheme(scheme_id), None).rows for v in row)

    grades, stars = texts("four_grade"), texts("five_star")
    assert "升级/降级单位数" in grades and "比较升级/降级" in grades and "晋星" not in grades
    assert "晋星/减星单位数" in stars and "比较晋星/减星" in stars
