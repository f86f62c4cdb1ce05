"""The consolidation's settings: one validated model, and the precedence of consolidate/settings.py —
one rule per test."""
from __future__ import annotations

from pathlib import Path

import pytest

from xlsx_addin.model.choices import QuotaMode, SetBy
from xlsx_addin.jobs.consolidate.settings import Settings, settings_for
from xlsx_addin.model.errors import RatingError


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
    s = settings_for(tmp_path, "four_grade", rules={"scheme": "five_star", "levels.5.min_score": 92},
                     rules_from_summary=True)
    assert s.scheme_source == "four_grade" and s.overrides is None


def test_the_summarys_own_rules_sheet_for_the_same_scheme_is_applied(tmp_path):
    s = settings_for(tmp_path, "five_star", rules={"scheme": "five_star", "levels.5.min_score": 92},
                     rules_from_summary=True)
    assert s.overrides == {"scheme": "five_star", "levels.5.min_score": 92}


def test_in_the_window_a_table_naming_a_builtin_scheme_selects_it(tmp_path):
    s = settings_for(tmp_path, "five_star", rules={"scheme": "ten_star"}, rules_pick_scheme=True)
    assert s.scheme_source == "ten_star"


def test_in_the_window_a_table_naming_no_known_scheme_keeps_the_chosen_one(tmp_path):
    s = settings_for(tmp_path, "four_grade", rules={"scheme": "本地方案"}, rules_pick_scheme=True)
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
