"""Request bodies and query strings of consultations (validated at the edge, 400 naming the field)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.model import Model
from chalicelib.tenancy.common import Name, Text
from chalicelib.tenancy.scope import Scope

OptionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,30}$", description="e.g. plan-a")]
PostId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$")]


class Per(StrEnum):
    HOUSEHOLD = "household"  # 一户一票
    PERSON = "person"  # 一人一票


class Publication(StrEnum):
    AFTER_CLOSE = "after_close"  # 投票结束后公布
    LIVE = "live"  # 实时公布


class Input(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OptionIn(Input):
    id: OptionId
    label: Name


class Eligibility(Input):
    """Who votes: verified residents of the scope, one ballot per household or per person."""

    per: Per = Per.HOUSEHOLD
    owners_only: bool = Field(default=False, description="only owners (业主) vote: 业主投票")


class ConsultationIn(Input):
    """议事协商: a question put to the residents of a place, with an optional proposal phase and a vote."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": ["proposals_open", "proposals_close"],
         "properties": {"proposals_open": {"type": "string"}, "proposals_close": {"type": "string"}}},
        {"properties": {"proposals_open": {"type": "null"}, "proposals_close": {"type": "null"}}},
    ]})

    scope: Scope
    title: Name
    question: Text
    options: list[OptionIn] = Field(min_length=2, max_length=10)
    proposals_open: AwareDatetime | None = None
    proposals_close: AwareDatetime | None = Field(default=None, validate_default=True)
    voting_open: AwareDatetime
    voting_close: AwareDatetime
    eligibility: Eligibility = Field(default_factory=Eligibility)
    allow_change: bool = Field(default=False, description="voters may change their vote until voting closes")
    min_turnout: float = Field(default=0, ge=0, le=1, description="fraction of eligible voters for a valid result")
    results: Publication = Publication.AFTER_CLOSE

    @field_validator("options")
    @classmethod
    def _unique_ids(cls, options: list[OptionIn]) -> list[OptionIn]:
        ids = [o.id for o in options]
        if len(set(ids)) != len(ids):
            raise ValueError("option ids must be unique")
        return options

    @field_validator("proposals_close")
    @classmethod
    def _proposal_window(cls, close: AwareDatetime | None, info: ValidationInfo) -> AwareDatetime | None:
        opens = info.data.get("proposals_open")
        if (close is None) != (opens is None) and "proposals_open" in info.data:
            raise ValueError("a proposal phase needs both proposals_open and proposals_close")
        if close is not None and opens is not None and close <= opens:
            raise ValueError("proposals must close after they open")
        return close

    @field_validator("voting_open")
    @classmethod
    def _after_proposals(cls, opens: AwareDatetime, info: ValidationInfo) -> AwareDatetime:
        proposals_close = info.data.get("proposals_close")
        if proposals_close is not None and opens < proposals_close:
            raise ValueError("voting opens once the proposal phase has closed")
        return opens

    @field_validator("voting_close")
    @classmethod
    def _after_open(cls, close: AwareDatetime, info: ValidationInfo) -> AwareDatetime:
        opens = info.data.get("voting_open")
        if opens is not None and close <= opens:
            raise ValueError("voting must close after it opens")
        return close


class ListQuery(Input):
    limit: int = Field(default=50, ge=1, le=200)


class ProposalIn(Input):
    title: str = Field(min_length=2, max_length=80)
    text: str = Field(min_length=2, max_length=2000)


class CommentIn(Input):
    text: str = Field(min_length=1, max_length=1000)
    proposal_id: PostId | None = Field(default=None, description="comment on this proposal, else on the consultation")


class VoteIn(Input):
    option_id: OptionId


class ReasonIn(Input):
    """Why a comment is hidden or a consultation cancelled (kept with who and when)."""

    reason: str = Field(min_length=2, max_length=200)
