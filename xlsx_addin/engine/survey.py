"""党员群众测评 arithmetic: participation, valid ballots, satisfaction (members, masses, all)."""
from __future__ import annotations

from dataclasses import dataclass

from xlsx_addin.model.errors import InputError
from xlsx_addin.engine.inputs import UnitInputs
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.model.textfmt import percent


@dataclass(frozen=True)
class Tally:
    ballots: int  # every ballot cast, invalid included
    valid: int
    invalid: int
    satisfied: int

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.valid if self.valid else None


@dataclass(frozen=True)
class SurveyResult:
    member_count: int | None
    members_present: int | None
    masses_present: int | None
    participation_rate: float | None
    min_participation: float | None
    total: Tally
    members: Tally | None  # only when the masses' ballots are tallied separately
    masses: Tally | None
    usable: bool  # the satisfaction rate may be used by the rules
    problem: str | None  # why the survey is not usable (Chinese)
    caveat: str | None = None  # usable, but worth a look (e.g. participation cannot be checked)

    @property
    def satisfaction_rate(self) -> float | None:
        return self.total.satisfaction_rate

    @property
    def rule_satisfaction_rate(self) -> float | None:
        return self.satisfaction_rate if self.usable else None


def tally(scheme: Scheme, votes: dict[str, int]) -> Tally:
    satisfied = sum(votes[o.input] for o in scheme.survey.options if o.satisfied)
    valid = sum(votes[o.input] for o in scheme.survey.options)
    invalid = votes[scheme.survey.invalid_input]
    return Tally(ballots=valid + invalid, valid=valid, invalid=invalid, satisfied=satisfied)




def participation(member_count: int | None, members_present: int | None) -> float | None:
    """Members present ÷ all members (clean counts); None when either is unknown."""
    if member_count is not None and members_present is not None and members_present > member_count:
        raise InputError(f"参加测评党员人数(members_present){members_present}人超过党员总数{member_count}人",
                         name="members_present", value=members_present)
    return members_present / member_count if member_count and members_present is not None else None


def survey(scheme: Scheme, unit: UnitInputs) -> SurveyResult:
    member_count = unit.get("member_count")
    members_present = unit.get("members_present")
    masses_present = unit.get("masses_present")
    total = tally(scheme, unit.votes)
    mass_votes = unit.mass_votes
    masses = tally(scheme, mass_votes) if mass_votes is not None else None
    members = None
    if mass_votes is not None:
        members = tally(scheme, {k: unit.votes[k] - mass_votes[k] for k in unit.votes})

    rate = participation(member_count, members_present)
    if members_present is not None or masses_present is not None:
        present = (members_present or 0) + (masses_present or 0)
        if total.ballots > present:
            raise InputError(f"测评票数合计{total.ballots}张(含无效票{total.invalid}张),超过参加测评人数{present}人",
                             name="votes", value=total.ballots)
        if members is not None and members_present is not None and members.ballots > members_present:
            raise InputError(f"党员测评票数{members.ballots}张超过参加测评党员人数{members_present}人",
                             name="votes", value=members.ballots)
        if masses is not None and masses_present is not None and masses.ballots > masses_present:
            raise InputError(f"群众测评票数{masses.ballots}张超过参加测评群众人数{masses_present}人",
                             name="mass_votes", value=masses.ballots)

    minimum = scheme.survey.min_participation
    problem = caveat = None
    if total.ballots == 0:
        problem = None  # no survey held: nothing to flag, nothing to use
    elif total.valid == 0:
        problem = f"测评票{total.ballots}张全部无效,无法计算满意率"
    elif minimum is not None and rate is None:
        # Not shown to be below the minimum: the rate counts (a blank count must not dodge a veto).
        caveat = "未填写党员总数或参加测评党员人数,无法核验测评参与率,满意率照常计入评定"
    elif minimum is not None and rate is not None and rate < minimum - 1e-12:
        problem = f"测评参与率{percent(rate)}低于{percent(minimum)},测评无效,满意率不计入评定"
    usable = total.valid > 0 and problem is None
    return SurveyResult(member_count, members_present, masses_present, rate, minimum, total, members, masses,
                        usable, problem, caveat)
