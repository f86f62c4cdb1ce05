"""Bad inputs: one exception type (RatingError; InputError subclass), a Chinese message naming the
input (name and label), the value and why."""
from __future__ import annotations

import pytest

from xlsx_addin import InputError, MissingInputError, RatingError, SchemeError, load_scheme, score_unit

S = load_scheme("five_star")


def unit(**kw):
    d = {"org_name": "测试支部", "item_scores": [10] * 10}
    d.update(kw)
    return d


def refused(**kw) -> InputError:
    with pytest.raises(InputError) as exc:
        score_unit(S, unit(**kw))
    err = exc.value
    assert isinstance(err, RatingError) and isinstance(err, ValueError)
    return err


def test_one_exception_tree():
    assert issubclass(InputError, RatingError)
    assert issubclass(MissingInputError, InputError)
    assert issubclass(SchemeError, RatingError)


def test_item_above_its_points():
    err = refused(item_scores=[10, 10, 12] + [10] * 7)
    text = str(err)
    assert "自评得分" in text and "item_scores" in text          # input label and name
    assert "第3项" in text and "党组织战斗堡垒作用强" in text      # which item
    assert "12" in text and "超过标准分值10" in text              # value and why
    assert err.name == "item_scores"


def test_reviewed_item_above_its_points():
    err = refused(item_scores_reviewed=[11] + [10] * 9)
    assert "上级审核得分" in str(err) and "item_scores_reviewed" in str(err) and "11" in str(err)


def test_negative_item_score():
    err = refused(item_scores=[-1] + [10] * 9)
    assert "第1项" in str(err) and "-1" in str(err) and "不能为负数" in str(err)


@pytest.mark.parametrize("name, label", [("criticism_committee", "工委通报批评次数"), ("absences", "无故缺席"),
                                         ("member_violations", "一般党员违法违纪人次"),
                                         ("votes_satisfied", "满意"), ("mass_votes_basic", "群众测评")])
def test_negative_count(name, label):
    kw = {name: -2}
    if name.startswith("mass_"):
        kw["votes_basic"] = 5
    err = refused(**kw)
    text = str(err)
    assert name in text and label in text and "“-2”" in text and "不能为负数" in text
    assert err.name == name and err.value == -2


@pytest.mark.parametrize("name, value", [("absences", 2.5), ("criticism_city", "1.5"), ("members_present", 7.2)])
def test_non_integer_count(name, value):
    err = refused(**{name: value})
    assert name in str(err) and str(value) in str(err) and "须为整数" in str(err)


def test_count_typed_as_text_number_is_accepted():
    # clerks type "2" or full-width "２": both are the number 2 (−3 × 2 = −6)
    assert score_unit(S, unit(absences="2")).penalty == 6
    assert score_unit(S, unit(absences="２")).penalty == 6
    assert score_unit(S, unit(absences=2.0)).penalty == 6


def test_count_not_a_number():
    err = refused(absences="两次")
    assert "absences" in str(err) and "两次" in str(err) and "不是数字" in str(err)


@pytest.mark.parametrize("name, value, allowed", [("honor_level", "区级", "无/市级/省级/国家级"),
                                                  ("innovation_level", "县级", "无/市级/省级/国家级"),
                                                  ("election_overdue_excused", "也许", "是/否"),
                                                  ("prev_level", "六星级", "五星级")])
def test_unknown_level_word(name, value, allowed):
    err = refused(**{name: value})
    text = str(err)
    assert name in text and value in text and allowed in text
    assert err.name == name


def test_missing_org_name():
    with pytest.raises(MissingInputError) as exc:
        score_unit(S, {"item_scores": [10] * 10})
    assert "党组织名称" in str(exc.value) and "org_name" in str(exc.value) and "未填写" in str(exc.value)


def test_missing_item_scores():
    with pytest.raises(MissingInputError, match=r"自评得分\(item_scores\)未填写"):
        score_unit(S, {"org_name": "支部"})


def test_one_item_left_blank():
    with pytest.raises(MissingInputError) as exc:
        score_unit(S, unit(item_scores=[10] * 4 + [None] + [10] * 5))
    assert "第5项" in str(exc.value) and "未填写" in str(exc.value)


def test_wrong_number_of_items():
    err = refused(item_scores=[10] * 9)
    assert "9个值" in str(err) and "10项" in str(err)


@pytest.mark.parametrize("name", ["absences", "member_count", "election_overdue_months", "votes_basic",
                                  "honor_level", "election_overdue_excused", "prev_level", "org_code"])
@pytest.mark.parametrize("excel", ["#N/A", "#VALUE!", "#DIV/0!", "#REF!"])
def test_excel_error_strings(name, excel):
    err = refused(**{name: excel})
    text = str(err)
    assert name in text and excel in text and "Excel 错误值" in text


def test_excel_error_in_an_item_cell_names_the_item():
    err = refused(item_scores=[10] * 6 + ["#N/A"] + [10] * 3)
    assert "第7项" in str(err) and "#N/A" in str(err) and "Excel 错误值" in str(err)


def test_text_in_an_item_cell():
    err = refused(item_scores=[10] * 9 + ["优"])
    assert "第10项" in str(err) and "优" in str(err) and "不是数字" in str(err)


def test_member_count_at_least_one():
    err = refused(member_count=0)
    assert "党员总数" in str(err) and "member_count" in str(err) and "0" in str(err)


def test_negative_election_months():
    err = refused(election_overdue_months=-3)
    assert "换届逾期月数" in str(err) and "-3" in str(err) and "不能为负数" in str(err)


def test_unknown_input_name():
    err = refused(absence=1)
    assert "absence" in str(err) and "不认识的输入名称" in str(err)


def test_another_schemes_ballot_option_harmless_only_when_empty():
    # votes_poor belongs to four_grade: blank/0 is tolerated on five_star, a count is refused
    assert score_unit(S, unit(votes_poor=0)).level_name == "五星级"
    refused(votes_poor=3)


def test_inputs_must_be_a_mapping():
    with pytest.raises(InputError, match="对应表"):
        score_unit(S, [("org_name", "x")])


def test_messages_are_chinese():
    cases = [dict(absences=-1), dict(honor_level="区级"), dict(item_scores=[11] * 10), dict(absences="#N/A")]
    for kw in cases:
        err = refused(**kw)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(err))
