"""双十星 (double_ten_star, double_ten_star_member): stars by vote share or record, stars by type.

Expectations computed by hand from docs/RULES.md "Scheme double_ten_star".
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsx_addin import (
    InputError,
    MissingInputError,
    SchemeError,
    apply_overrides,
    load_scheme,
    rate_set,
    score_unit,
)
from xlsx_addin.engine.scheme import parameters
from xlsx_addin.engine.itemsets import item_labels
from xlsx_addin.engine.double_ten.scoring import goal_status

ORG = load_scheme("double_ten_star")
MEMBER = load_scheme("double_ten_star_member")
OWN = ["产业星", "治理星", "文明星", "平安星"]  # four individual stars named by the branch
VILLAGE = ["学习星", "法纪星", "组织生活星", "阵地星", "生态星", "扶贫星"]


def org(**over):
    d = {"org_name": "东村党支部", "org_type": "农村", "member_count": 40,
         "star_names": [""] * 6 + OWN, "star_votes_for": [40] * 10, "star_votes_valid": 40,
         "star_records": [""] * 10, "target_rank_bottom": "否"}
    d.update(over)
    return d


def member(**over):
    d = {"member_name": "王立新", "org_name": "东村党支部", "member_type": "农村党员", "member_count": 40,
         "star_names": [""] * 6 + OWN, "star_votes_for": [40] * 10, "star_votes_valid": 40}
    d.update(over)
    return d


def votes(*pairs, default=40):
    """star_votes_for with (index, votes) changes."""
    out = [default] * 10
    for i, v in pairs:
        out[i] = v
    return out


# --- vote share: strictly above 90 % ----------------------------------------------------------------

def test_all_stars_earned_is_ten_star_privileged():
    r = score_unit(ORG, org())
    assert (r.level, r.level_name, r.rectify, r.privileged) == (10, "十星级", False, True)
    assert r.stars == VILLAGE + OWN
    assert r.reasons == []


def test_exactly_ninety_percent_is_not_earned():
    # 36 / 40 = 90 % exactly: 高于90% is strictly greater, so 组织生活星 is not earned
    r = score_unit(ORG, org(star_votes_for=votes((2, 36))))
    assert r.level == 9 and "组织生活星" not in r.stars
    assert r.reasons == ["组织生活星民主测评得票率90%(赞成36票/有效40票),未高于90%,未得星"]


def test_ninety_point_one_percent_is_earned():
    # 901 / 1000 = 90.1 % > 90 %; 900 / 1000 is not
    r = score_unit(ORG, org(member_count=1000, star_votes_valid=1000, star_votes_for=votes((0, 901), (1, 900), default=1000)))
    assert "学习星" in r.stars and "法纪星" not in r.stars
    assert r.level == 9
    assert r.reasons == ["法纪星民主测评得票率90%(赞成900票/有效1000票),未高于90%,未得星"]


def test_valid_votes_one_per_star():
    valid = [40, 40, 40, 40, 40, 40, 20, 20, 20, 20]
    r = score_unit(ORG, org(star_votes_valid=valid, star_votes_for=[39] * 6 + [19, 18, 17, 19]))
    # 39/40 = 97.5 % earned; 19/20 = 95 % earned; 18/20 = 90 % not; 17/20 = 85 % not
    assert r.stars == VILLAGE + ["产业星", "平安星"]
    assert r.level == 8
    assert r.reasons[1] == "文明星民主测评得票率85%(赞成17票/有效20票),未高于90%,未得星"


def test_level_marks_eight_is_privileged_seven_is_rectified():
    eight = score_unit(ORG, org(star_votes_for=votes((8, 10), (9, 10))))
    seven = score_unit(ORG, org(star_votes_for=votes((7, 10), (8, 10), (9, 10))))
    assert (eight.level_name, eight.privileged, eight.rectify) == ("八星级", True, False)
    assert (seven.level_name, seven.privileged, seven.rectify) == ("七星级", False, True)
    none = score_unit(ORG, org(star_votes_for=[0] * 10))
    assert (none.level, none.level_name, none.rectify, none.stars) == (0, "无星", True, [])
    assert len(none.reasons) == 10


def test_member_below_eight_is_disposed_and_result_names_the_member():
    r = score_unit(MEMBER, member(star_votes_for=votes((0, 30), (1, 30), (2, 30))))
    assert (r.level_name, r.rectify, r.privileged) == ("七星级", True, False)
    assert r.star_detail.member_name == "王立新" and r.star_detail.rectify_label == "处置"
    assert r.org_name == "东村党支部"
    assert r.stars == ["致富星", "生态星", "新风星"] + OWN


# --- records --------------------------------------------------------------------------------------

def test_record_overrides_votes_both_ways():
    records = [""] * 10
    records[1] = "是"  # 法纪星 by record although its vote fails
    r = score_unit(ORG, org(star_records=records, star_votes_for=votes((1, 0))))
    assert "法纪星" in r.stars and r.level == 10
    records[1] = "否"  # and lost by record although its vote passes
    r = score_unit(ORG, org(star_records=records))
    assert "法纪星" not in r.stars and r.level == 9
    assert r.reasons == ["法纪星按日常管理记录认定为“否”,未得星"]


def test_blank_record_goes_to_the_vote_and_record_needs_no_votes():
    r = score_unit(ORG, org(star_records=None, star_votes_for=votes((1, 36))))
    assert "法纪星" not in r.stars  # blank record: the vote (90 %, not above) decides
    names = [""] * 6 + ["计生星", "作风星", "稳定星", "产业星"]
    vf = [40] * 6 + [None, None, None, 40]
    r = score_unit(ORG, org(star_names=names, star_votes_for=vf, star_records=[""] * 6 + ["是", "否", "是", ""]))
    assert r.stars == VILLAGE + ["计生星", "稳定星", "产业星"]
    assert r.reasons == ["作风星按日常管理记录认定为“否”,未得星"]


def test_record_on_a_star_that_needs_a_vote_is_refused():
    with pytest.raises(InputError, match="第1颗星“学习星”:不能按日常管理记录直接认定.*计生星、法纪星、作风星、稳定星"):
        score_unit(ORG, org(star_records=["是"] + [""] * 9))


def test_record_word_other_than_yes_no_is_refused():
    with pytest.raises(InputError, match="第2颗星“法纪星”:.*“有”无效,应为是/否或留空"):
        score_unit(ORG, org(star_records=["", "有"] + [""] * 8))


# --- stars by type --------------------------------------------------------------------------------

@pytest.mark.parametrize("org_type, common", [
    ("农村", VILLAGE),
    ("社区", VILLAGE),
    ("镇党委", ["学习星", "法纪星", "组织生活星", "团结星", "生态星", "扶贫星"]),
    ("机关", ["学习星", "法纪星", "组织生活星", "服务星", "扶贫星", "绩效星"]),
    ("事业单位", ["学习星", "法纪星", "组织生活星", "服务星", "扶贫星", "绩效星"]),
    ("学校", ["学习星", "法纪星", "组织生活星", "服务星", "扶贫星", "绩效星"]),
    ("企业", ["学习星", "法纪星", "组织生活星", "新风星", "扶贫星", "绩效星"]),
    ("社会组织", ["学习星", "法纪星", "组织生活星", "新风星", "扶贫星", "绩效星"]),
])
def test_common_stars_come_from_the_organisation_type(org_type, common):
    r = score_unit(ORG, org(org_type=org_type))
    assert r.star_detail.names == common + OWN


@pytest.mark.parametrize("member_type, common", [
    ("农村党员", ["宗旨星", "学习星", "法纪星", "致富星", "生态星", "新风星"]),
    ("社区党员", ["宗旨星", "学习星", "法纪星", "生态星", "新风星", "公益星"]),
    ("机关、事业单位党员", ["宗旨星", "学习星", "法纪星", "敬业星", "绩效星", "创新星"]),
    ("非公企业和社会组织党员", ["宗旨星", "学习星", "法纪星", "绩效星", "创新星", "新风星"]),
])
def test_common_stars_come_from_the_member_type(member_type, common):
    r = score_unit(MEMBER, member(member_type=member_type))
    assert r.star_detail.names == common + OWN


def test_common_star_names_typed_must_agree_with_the_type():
    assert score_unit(ORG, org(star_names=VILLAGE + OWN)).level == 10  # typed and equal: fine
    with pytest.raises(InputError, match="第4项星目名称“服务星”与党组织类别\\(org_type\\)“农村”的规定“阵地星”不符"):
        score_unit(ORG, org(star_names=["学习星", "法纪星", "组织生活星", "服务星", "生态星", "扶贫星"] + OWN))


def test_unknown_type_names_its_own_common_stars():
    mine = ["学习星", "法纪星", "组织生活星", "合作星", "诚信星", "惠农星"]
    r = score_unit(ORG, org(org_type="农民专业合作社", star_names=mine + OWN))
    assert r.stars == mine + OWN and r.level == 10


def test_unknown_type_without_names_is_refused():
    with pytest.raises(InputError, match="党组织类别\\(org_type\\)“农民专业合作社”不是方案规定的类别.*请自行填写第1至6项星目名称"):
        score_unit(ORG, org(org_type="农民专业合作社"))
    with pytest.raises(MissingInputError, match="党员类别\\(member_type\\)未填写"):
        score_unit(MEMBER, member(member_type=""))


def test_individual_stars_must_be_named_and_names_unique():
    with pytest.raises(MissingInputError, match="第10项星目\\(个性星4\\)名称未填写"):
        score_unit(ORG, org(star_names=[""] * 6 + OWN[:3] + [""]))
    with pytest.raises(InputError, match="星目名称“学习星”重复"):
        score_unit(ORG, org(star_names=[""] * 6 + ["学习星"] + OWN[1:]))


# --- the target-rank cap --------------------------------------------------------------------------

def test_target_rank_bottom_caps_at_nine_with_a_reason():
    r = score_unit(ORG, org(target_rank_bottom="是"))
    assert (r.level, r.level_name, r.band_level, r.privileged) == (9, "九星级", 10, True)
    assert r.stars == VILLAGE + OWN  # the stars stay earned; only the level is capped
    assert r.reasons == ["全镇年度目标考核排名靠后(后3位的村、后2位的镇直部门),不得评为十星级党组织,由十星级定为九星级"]
    below = score_unit(ORG, org(target_rank_bottom="是", star_votes_for=votes((0, 0))))
    assert below.level == 9 and len(below.reasons) == 1  # already nine: the cap changes nothing, no reason


# --- refused and missing votes ----------------------------------------------------------------------

@pytest.mark.parametrize("over, match", [
    ({"star_votes_for": votes((3, 41))}, "第4颗星“阵地星”:赞成票数41超过有效票数40"),
    ({"star_votes_valid": 41, "masses_present": 0}, "第1颗星“学习星”:有效票数41超过党员总数40人$"),
    ({"star_votes_for": votes((0, -1))}, "第1颗星“学习星”:赞成票数\\(star_votes_for\\)的值“-1”不能为负数"),
    ({"star_votes_for": votes((0, 35.5))}, "赞成票数\\(star_votes_for\\)的值“35.5”须为整数"),
    ({"star_votes_for": votes((0, "三十"))}, "“三十”不是数字"),
    ({"star_votes_valid": [40] * 9}, "有效票数\\(star_votes_valid\\)有9个值,应为1个\\(各星相同\\)或10个"),
    ({"star_votes_for": [40] * 11}, "赞成票数\\(star_votes_for\\)有11个值,应为10个"),
    ({"star_votes_valid": 0, "star_votes_for": [0] * 10}, "有效票数为0,无法计算得票率"),
    ({"star_votes_for": votes((0, "#N/A"))}, "Excel 错误值 #N/A"),
])
def test_refused_vote_counts(over, match):
    with pytest.raises(InputError, match=match):
        score_unit(ORG, org(**over))


def test_valid_votes_bound_counts_mass_representatives():
    assert score_unit(ORG, org(masses_present=5, star_votes_valid=45, star_votes_for=[45] * 10)).level == 10
    with pytest.raises(InputError, match="有效票数46超过党员总数40人与参加测评群众代表5人之和45人"):
        score_unit(ORG, org(masses_present=5, star_votes_valid=46))
    assert score_unit(ORG, org(member_count=None, star_votes_valid=500, star_votes_for=[499] * 10)).level == 10


MASSES_NOTE = ("有效票数50超过党员总数40人,未填写参加测评群众代表人数(masses_present):已按群众代表参加投票评定,"
               "请填写参加测评群众代表人数以便核对")


@pytest.mark.parametrize("scheme, extra", [(ORG, {}), (MEMBER, {"member_name": "张三", "member_type": "农村党员"})])
def test_masses_blank_valid_votes_above_the_members_are_rated_with_a_hint(scheme, extra):
    """docs/RULES.md: masses vote too; a branch of 40 whose stars got 50 valid votes, masses blank: rated, with a 提示."""
    inputs = org(masses_present=None, star_votes_valid=50, star_votes_for=[48] * 9 + [45], **extra)
    if scheme is MEMBER:
        inputs = {k: v for k, v in inputs.items() if k not in ("org_type", "target_rank_bottom", "prev_level",
                                                                 "org_code")}
        inputs["star_names"] = [None] * 6 + inputs["star_names"][6:]
    r = score_unit(scheme, inputs)
    assert r.level == 9 and r.notes == [MASSES_NOTE]
    assert MASSES_NOTE not in r.reasons
    # the voters the form states bound them: members present + masses present
    with pytest.raises(InputError, match="有效票数50超过参加测评党员35人与参加测评群众代表10人之和45人"):
        score_unit(scheme, {**inputs, "masses_present": 10, "members_present": 35})
    assert score_unit(scheme, {**inputs, "masses_present": 10}).notes == []  # 40 + 10 = 50
    at_most = score_unit(scheme, {**inputs, "star_votes_valid": 40, "star_votes_for": [40] * 10})
    assert at_most.notes == [] and at_most.level == 10


@pytest.mark.parametrize("over, match", [
    ({"org_name": ""}, "党组织名称\\(org_name\\)未填写"),
    ({"star_votes_for": None}, "第1颗星“学习星”:赞成票数未填写"),
    ({"star_votes_valid": None}, "第1颗星“学习星”:有效票数未填写"),
    ({"star_votes_for": votes((1, None))}, "第2颗星“法纪星”:赞成票数未填写\\(或填写日常管理记录“是/否”\\)"),
])
def test_blank_required_inputs_are_missing(over, match):
    with pytest.raises(MissingInputError, match=match):
        score_unit(ORG, org(**over))


def test_member_name_and_branch_are_required():
    with pytest.raises(MissingInputError, match="党员姓名\\(member_name\\)未填写"):
        score_unit(MEMBER, member(member_name=None))
    with pytest.raises(MissingInputError, match="所在党支部\\(org_name\\)未填写"):
        score_unit(MEMBER, member(org_name=" "))


def test_unknown_input_name_is_refused():
    with pytest.raises(InputError, match="不认识的输入名称:star_vote"):
        score_unit(ORG, org(star_vote=[1]))


# --- the 规则 table changes results and texts ------------------------------------------------------

def test_threshold_override_changes_result_and_text():
    local = apply_overrides(ORG, {"stars.rules.vote.threshold": 0.85})
    inputs = org(star_votes_for=votes((2, 35), (3, 34)))  # 87.5 % and 85 %
    assert score_unit(ORG, inputs).level == 8
    r = score_unit(local, inputs)
    assert r.level == 9
    assert r.reasons == ["阵地星民主测评得票率85%(赞成34票/有效40票),未高于85%,未得星"]
    assert all("90%" not in x for x in r.reasons)


def test_other_overrides_record_stars_privileged_rectify_cap():
    local = apply_overrides(ORG, {"stars.rules.record.stars": "计生星、学习星", "stars.privileged_min_rank": 9,
                                  "rectify_max_rank": 6, "adjustments.target_rank_bottom.max_level": 8})
    r = score_unit(local, org(star_records=["否"] + [""] * 9, star_votes_for=votes((9, 0)), target_rank_bottom="是"))
    assert r.reasons[0] == "学习星按日常管理记录认定为“否”,未得星"
    assert (r.band_level, r.level, r.privileged, r.rectify) == (8, 8, False, False)
    with pytest.raises(InputError, match="法纪星.*不能按日常管理记录直接认定.*计生星、学习星"):
        score_unit(local, org(star_records=["", "是"] + [""] * 8))
    with pytest.raises(SchemeError, match="规则 vote\\(民主测评得票率\\) 字段 stars.rules.1.threshold:须小于 1"):
        apply_overrides(ORG, {"stars.rules.vote.threshold": 1.5})


def test_rules_list_the_adjustable_numbers():
    keys = {p.key: p.value for p in parameters(ORG)}
    assert keys["stars.rules.vote.threshold"] == 0.9
    assert keys["stars.rules.record.stars"] == "计生星、法纪星、作风星、稳定星"
    assert keys["stars.privileged_min_rank"] == 8 and keys["rectify_max_rank"] == 7
    assert keys["adjustments.target_rank_bottom.max_level"] == 9
    assert not any(k.startswith("items.") for k in keys)  # stars have no points to edit
    member_keys = {p.key: p.value for p in parameters(MEMBER)}
    assert member_keys["stars.goal.share"] == 0.9 and member_keys["stars.goal.rank"] == 10


# --- sets of units, the goal, other schemes -----------------------------------------------------------

def test_rate_set_has_no_quotas_and_goal_is_reported():
    units = [member(member_name=f"党员{i}", star_votes_for=[40 - i] * 10) for i in range(10)]
    rs = rate_set(MEMBER, units)
    assert [r.level for r in rs] == [10] * 4 + [0] * 6  # 40, 39, 38, 37 of 40 are above 90 %; 36 is not
    assert rs.quotas == []
    g = goal_status(MEMBER, rs)
    assert (g.count, g.total, g.share, g.met) == (4, 10, 0.4, False)
    assert g.text == "十星级党员4人,占10名党员的40%,目标为90%以上(未达到)"
    local = apply_overrides(MEMBER, {"stars.goal.share": 0.4})
    assert goal_status(local, rs).met  # 以上 includes the number
    assert goal_status(ORG, rs) is None


def test_other_schemes_have_no_star_marks_and_ten_star_names_its_stars():
    five = score_unit(load_scheme("five_star"), {"org_name": "x", "item_scores": [10] * 10})
    assert five.stars == [] and five.privileged is False and five.star_detail is None
    ten = load_scheme("ten_star")
    r = score_unit(ten, {"org_name": "x", "item_scores": [10, 8, 7.9] + [0] * 7})
    assert r.items_passed == 2 and r.stars == ["维护稳定星", "民族团结星"]


# --- items chosen by type in an ordinary (scored) scheme ---------------------------------------------

def _typed_four_grade() -> object:
    from xlsx_addin.engine.scheme.loader import scheme_from_dict

    data = load_scheme("four_grade").model_dump(mode="python")
    data["id"] = "four_grade_typed"
    data["items_by_type"] = {"input": "org_type", "positions": [1, 2], "sets": [
        {"types": ["农村"], "items": ["村党组织书记", {"label": "发展思路", "points": 10}]},
        {"types": ["企业"], "items": [{"label": "出资人支持", "points": 15}, {"label": "生产经营", "points": 15}]},
    ]}
    return scheme_from_dict(data, "test")


def test_items_by_type_works_for_a_scored_scheme():
    s = _typed_four_grade()
    village = score_unit(s, {"org_name": "村", "org_type": "农村", "item_scores": [20, 10, 15, 15, 10, 15, 15]})
    assert village.final_score == 100
    with pytest.raises(InputError, match="第1项“出资人支持”得分20超过标准分值15"):
        score_unit(s, {"org_name": "企", "org_type": "企业", "item_scores": [20, 10, 15, 15, 10, 15, 15]})
    with pytest.raises(InputError, match="党组织类别\\(org_type\\)“学校”不是方案规定的类别.*请改为方案中的类别"):
        score_unit(s, {"org_name": "校", "org_type": "学校", "item_scores": [20, 10, 15, 15, 10, 15, 15]})


def test_items_by_type_sets_are_checked_when_loading():
    from xlsx_addin.engine.scheme.loader import scheme_from_dict

    data = ORG.model_dump(mode="python")
    data["items_by_type"]["sets"][0]["items"] = ["学习星"] * 6
    with pytest.raises(SchemeError, match="项目名称不能重复"):
        scheme_from_dict(data, "test")
    data = ORG.model_dump(mode="python")
    data["items_by_type"]["sets"][1]["types"] = ["农村"]
    with pytest.raises(SchemeError, match="类别“农村”同时出现在第1组和第2组"):
        scheme_from_dict(data, "test")
    data = ORG.model_dump(mode="python")
    data["stars"]["rules"][1]["reason"] = "{star}得票率{rate}"
    with pytest.raises(SchemeError, match="\\{rate\\} 无法识别"):
        scheme_from_dict(data, "test")
    data = _typed_four_grade().model_dump(mode="python")
    data["items_by_type"]["sets"][1]["items"][0]["points"] = 16
    with pytest.raises(SchemeError, match="该组各项分值合计101分,与总分100分不符"):
        scheme_from_dict(data, "test")


# --- properties ---------------------------------------------------------------------------------------

SMALL = settings(max_examples=200, deadline=None)


@st.composite
def star_units(draw, scheme):
    valid = draw(st.lists(st.integers(1, 60), min_size=10, max_size=10))
    votes_for = [draw(st.integers(0, v)) for v in valid]
    names = [""] * 6 + ["计生星", "作风星", "稳定星", "产业星"]
    kind = "农村党员" if scheme.stars.subject == "member" else "农村"
    labels = item_labels(scheme, kind, names)
    records = [draw(st.sampled_from(["", "是", "否"])) if n in scheme.stars.record_stars() else "" for n in labels]
    d = {"org_name": "支部", "star_names": names, "star_votes_for": votes_for, "star_votes_valid": valid,
         "star_records": records}
    if scheme.stars.subject == "member":
        d.update(member_name="党员", member_type=kind)
    else:
        d.update(org_type=kind, target_rank_bottom=draw(st.sampled_from(["是", "否"])))
    return d


@pytest.mark.slow
@SMALL
@given(st.sampled_from([ORG, MEMBER]).flatmap(lambda s: st.tuples(st.just(s), star_units(s), st.integers(0, 9))))
def test_adding_a_vote_for_never_loses_a_star(case):
    scheme, d, i = case
    before = score_unit(scheme, d)
    if d["star_votes_for"][i] < d["star_votes_valid"][i]:
        more = dict(d, star_votes_for=[v + (k == i) for k, v in enumerate(d["star_votes_for"])])
        after = score_unit(scheme, more)
        assert set(before.stars) <= set(after.stars)
        assert after.level >= before.level


@pytest.mark.slow
@SMALL
@given(st.sampled_from([ORG, MEMBER]).flatmap(lambda s: st.tuples(st.just(s), star_units(s))))
def test_a_record_yes_always_earns_the_star(case):
    scheme, d = case
    names = score_unit(scheme, d).star_detail.names
    for i, name in enumerate(names):
        if name in scheme.stars.record_stars():
            records = list(d["star_records"])
            records[i] = "是"
            r = score_unit(scheme, dict(d, star_records=records, star_votes_for=[0] * 10))
            assert name in r.stars


@pytest.mark.slow
@SMALL
@given(st.sampled_from([ORG, MEMBER]).flatmap(lambda s: st.tuples(st.just(s), star_units(s))))
def test_level_is_the_star_count_and_marks_follow_the_level(case):
    scheme, d = case
    r = score_unit(scheme, d)
    assert r.band_level == len(r.stars)
    capped = d.get("target_rank_bottom") == "是"
    assert r.level == (min(len(r.stars), 9) if capped else len(r.stars))
    assert r.rectify == (r.level <= 7) and r.privileged == (r.level >= 8)
    assert len(r.reasons) == 10 - len(r.stars) + (capped and len(r.stars) == 10)


# --- the command line -----------------------------------------------------------------------------------

def test_cli_rules_lists_the_adjustable_numbers_and_score_prints_stars(tmp_path, capsys):
    import json

    from xlsx_addin.shells.cli import main

    assert main(["rules", "--scheme", "double_ten_star"]) == 0
    out = capsys.readouterr().out
    assert "stars.rules.vote.threshold\t民主测评得票率:得星比例\t0.9" in out
    assert "stars.rules.record.stars" in out and "stars.privileged_min_rank" in out
    assert "adjustments.target_rank_bottom.max_level" in out
    f = tmp_path / "m.json"
    f.write_text(json.dumps([member(star_votes_for=votes((2, 36))), member(member_name="李红", star_votes_for=[0] * 10)],
                            ensure_ascii=False), encoding="utf-8")
    assert main(["score", str(f), "--scheme", "double_ten_star_member"]) == 0
    out = capsys.readouterr().out
    assert "东村党支部 王立新:得星9颗 → 九星级(优先)" in out
    assert "东村党支部 李红:得星0颗 → 无星(处置)" in out
    assert "法纪星民主测评得票率90%(赞成36票/有效40票),未高于90%,未得星" in out


def test_type_aliases_as_clerks_write_them():
    for word in ("村", "村党支部", "社区党委", "农村(社区)"):
        assert score_unit(ORG, org(org_type=word)).star_detail.names[:6] == VILLAGE
    assert score_unit(MEMBER, member(member_type="机关党员")).star_detail.names[3] == "敬业星"
