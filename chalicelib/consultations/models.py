"""What consultations show: the consultation, its discussion, a voter's ballot, results and audit."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from chalicelib.consultations.inputs import Eligibility, Per, Publication
from chalicelib.model import Model
from chalicelib.tenancy.common import Name, Text
from chalicelib.tenancy.scope import Scope


class State(StrEnum):
    """Stored: what staff did. ``Phase`` adds the time windows."""

    ACTIVE = "active"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Phase(StrEnum):
    SCHEDULED = "scheduled"  # 未开始 (or between the proposal phase and the vote)
    PROPOSALS = "proposals"  # 征集意见
    VOTING = "voting"  # 投票中
    CLOSED = "closed"  # 已结束
    CANCELLED = "cancelled"  # 已取消


class Option(Model):
    id: str
    label: Name


class Consultation(Model):
    consultation_id: str
    scope: Scope
    scope_name: Name | None = None
    title: Name
    question: Text
    options: list[Option]
    proposals_open: datetime | None = None
    proposals_close: datetime | None = None
    voting_open: datetime
    voting_close: datetime
    eligibility: Eligibility
    allow_change: bool
    min_turnout: float
    results: Publication
    phase: Phase
    eligible: int = Field(description="voters (households or persons) on the roll fixed at publication")
    created_by: str
    created_at: datetime
    closed_at: datetime | None = Field(default=None, description="set when staff closed the vote early")
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None


class ConsultationList(Model):
    items: list[Consultation] = Field(description="open ones (proposals or voting) first, then newest first")


class Comment(Model):
    comment_id: str
    proposal_id: str | None = None
    author: str = Field(description="masked name, e.g. 张*兰")
    text: str | None = Field(default=None, description="withheld from residents once hidden")
    created_at: datetime
    hidden: bool = False
    hidden_reason: str | None = None


class Proposal(Model):
    proposal_id: str
    title: str
    text: str
    author: str = Field(description="masked name")
    created_at: datetime
    comments: list[Comment] = Field(default_factory=list)


class Discussion(Model):
    consultation_id: str
    proposals: list[Proposal]
    comments: list[Comment] = Field(description="comments on the consultation itself")


class Ballot(Model):
    """The caller's own ballot: the only place an option is ever shown next to a voter."""

    consultation_id: str
    per: Per
    household_id: str
    option_id: str
    receipt: str = Field(description="look it up in the audit list to confirm the ballot was counted")
    cast_at: datetime
    changed_at: datetime | None = None


class MyBallot(Model):
    """The caller's ballot, or ``null`` before they (or their household) have voted: not voting is
    an answer, not an error."""

    ballot: Ballot | None = None


class OptionResult(Model):
    option_id: str
    label: Name
    votes: int


class Results(Model):
    consultation_id: str
    phase: Phase
    final: bool = Field(description="voting has closed: these counts will not change")
    options: list[OptionResult]
    voters: int
    eligible: int
    turnout: float = Field(description="voters / eligible, 0–1")
    min_turnout: float
    valid: bool = Field(description="turnout reached min_turnout (有效)")
    winners: list[str] = Field(description="option ids with the most votes (several on a tie; none without votes)")


class Audit(Model):
    """Receipt codes of every counted ballot, in code order: neither voter nor option."""

    consultation_id: str
    count: int
    receipts: list[str]


class Voter(Model):
    household_id: str
    building_name: dict[str, str] | None = Field(default=None, description="the household's building, e.g. 6号楼")
    name: str = Field(description="masked name of who cast it")
    cast_at: datetime


class Voters(Model):
    """Who voted, for turnout follow-up (上门动员) — never what they voted."""

    consultation_id: str
    voters: list[Voter]
