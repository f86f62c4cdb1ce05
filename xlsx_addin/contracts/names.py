"""The names contract: one vocabulary for the API, the workbook defined names and the consolidation."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "count", "number", "choice", "yesno", "level", "scores", "list"]


@dataclass(frozen=True)
class InputName:
    name: str
    label: str
    kind: Kind
    choices: str | None = None  # key into Scheme.choices for kind == "choice"
    minimum: float | None = None


_NAMES = [
    InputName("org_name", "党组织名称", "text"),
    InputName("org_code", "党组织代码", "text"),
    InputName("parent_org", "上级党组织", "text"),
    InputName("org_type", "党组织类别", "text", choices="org_types"),  # free text; the list only guides input
    InputName("member_count", "党员总数", "count", minimum=1),
    InputName("item_scores", "自评得分", "scores"),
    InputName("item_scores_reviewed", "上级审核得分", "scores"),
    InputName("honor_level", "表彰/署名文章最高级别", "choice", choices="honor_levels"),
    InputName("innovation_level", "创新被推广最高级别", "choice", choices="honor_levels"),
    InputName("criticism_committee", "工委通报批评次数", "count"),
    InputName("criticism_city", "市委通报批评次数", "count"),
    InputName("leader_discipline_minor", "班子成员受严重警告以下处分人次", "count"),
    InputName("leader_discipline_major", "班子成员撤销党内职务以上处分人次", "count"),
    InputName("member_violations", "一般党员违法违纪人次", "count"),
    InputName("election_overdue_months", "换届逾期月数", "number", minimum=0),
    InputName("election_overdue_excused", "逾期是否经请示/有特殊理由", "yesno"),
    InputName("absences", "无故缺席会议培训或未按时完成任务次数", "count"),
    InputName("members_present", "参加测评党员人数", "count"),
    InputName("masses_present", "参加测评群众人数", "count"),
    InputName("prev_level", "上年度等级", "level"),
]

INPUTS: dict[str, InputName] = {n.name: n for n in _NAMES}

# The inputs of the 加分、减分及否决事项 (five_star's adjustments): a scheme's form holds only those its
# rules read (Scheme.form_inputs), so the other schemes' forms show their own inputs only.
ADJUSTMENT_INPUTS = ("honor_level", "innovation_level", "criticism_committee", "criticism_city",
                     "leader_discipline_minor", "leader_discipline_major", "member_violations",
                     "election_overdue_months", "election_overdue_excused", "absences")

# --- 双十星 (schemes with `stars`): inputs of star-rated organisations and members -------------
# Not part of INPUTS, so the other schemes' forms, raw-data columns and reads stay as they are.
# The vote bound is member_count + masses_present (the branch's members and the mass
# representatives who voted), the same names as the other schemes' survey.
_STAR_NAMES = [
    InputName("member_name", "党员姓名", "text"),
    InputName("member_type", "党员类别", "text", choices="member_types"),
    InputName("target_rank_bottom", "年度目标考核排名靠后(不能评十星级)", "yesno"),
    InputName("star_names", "星目名称", "list"),
    InputName("star_votes_for", "赞成票数", "list"),
    InputName("star_votes_valid", "有效票数", "list"),
    InputName("star_records", "日常管理记录认定", "list"),
]
STAR_INPUTS: dict[str, InputName] = {n.name: n for n in _STAR_NAMES}


def input_spec(name: str) -> InputName | None:
    """The contract entry of an input name, the star inputs included."""
    return INPUTS.get(name) or STAR_INPUTS.get(name)


def known_input(name: str) -> InputName:
    """The contract entry of an input the scheme's checks have already accepted (KeyError otherwise)."""
    spec = input_spec(name)
    if spec is None:
        raise KeyError(name)
    return spec


# Values computed by the engine that rule conditions may test.
DERIVED: dict[str, str] = {
    "base_score": "基础得分",
    "final_score": "综合得分",
    "participation_rate": "党员参与率",
    "satisfaction_rate": "满意率",
    "items_passed": "达标项数",
}

# Ballot counts: every scheme's survey options name their own input (votes_*), and
# mass_<input> holds the masses' share of the same option when tallied separately.
VOTE_PREFIX = "votes_"
MASS_PREFIX = "mass_"


def vote_label(option_label: str, mass: bool = False) -> str:
    return f"{'群众' if mass else ''}测评票数:{option_label}"
