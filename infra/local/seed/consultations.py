"""Demo consultations and votes, opened by the staff who would have, at times relative to now; the
demo residents propose, comment and vote as they would in the portal.

Ballots and posts are made at the real time of seeding (the roll of voters is fixed when a
consultation is published, after the demo residents were verified); a vote shown as closed was
closed early by its staff once the demo ballots were in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.consultations.discussion import DiscussionService
from chalicelib.consultations.inputs import CommentIn, ConsultationIn, ListQuery, ProposalIn, VoteIn
from chalicelib.consultations.service import ConsultationService
from chalicelib.consultations.voting import VotingService
from chalicelib.store.base import now
from infra.local.seed import SeedContext

Window = tuple[float, float]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DemoBallot(Strict):
    username: str
    option_id: str


class DemoComment(Strict):
    username: str
    text: str


class DemoProposal(Strict):
    username: str
    title: str
    text: str
    comments: list[DemoComment] = Field(default_factory=list)


class DemoConsultation(Strict):
    by: str = Field(description="the staff user who opens it")
    body: dict[str, Any] = Field(description="a ConsultationIn without its times")
    proposal_days: Window | None = Field(default=None, description="proposal phase, in days from now")
    voting_days: Window = Field(description="voting window, in days from now")
    proposals: list[DemoProposal] = Field(default_factory=list)
    comments: list[DemoComment] = Field(default_factory=list, description="on the consultation itself")
    ballots: list[DemoBallot] = Field(default_factory=list)
    close_early: bool = False


class ConsultationsFile(Strict):
    consultations: list[DemoConsultation]


def _times(c: DemoConsultation) -> dict[str, str]:
    start = now()
    windows = {"voting": c.voting_days, **({"proposals": c.proposal_days} if c.proposal_days else {})}
    return {f"{name}_{edge}": (start + timedelta(days=days)).isoformat()
            for name, window in windows.items() for edge, days in zip(("open", "close"), window, strict=True)}


def apply(ctx: SeedContext, data: Any) -> int:
    spec = ConsultationsFile.model_validate(data)
    present = {c.title.zh for c in ConsultationService(ctx.admin()).listing(ListQuery(limit=200)).items}
    written = 0
    for c in spec.consultations:
        body = ConsultationIn.model_validate({**c.body, **_times(c)})
        if body.title.zh in present:
            continue  # seeded by an earlier run against the same moto
        cid = ConsultationService(ctx.principal(c.by)).create(body).consultation_id
        for p in c.proposals:
            proposal = DiscussionService(ctx.principal(p.username)).propose(
                cid, ProposalIn(title=p.title, text=p.text))
            for m in p.comments:
                DiscussionService(ctx.principal(m.username)).comment(
                    cid, CommentIn(text=m.text, proposal_id=proposal.proposal_id))
        for m in c.comments:
            DiscussionService(ctx.principal(m.username)).comment(cid, CommentIn(text=m.text))
        for b in c.ballots:
            VotingService(ctx.principal(b.username)).vote(cid, VoteIn(option_id=b.option_id))
        if c.close_early:
            ConsultationService(ctx.principal(c.by)).close(cid)
        written += 1
    return written
