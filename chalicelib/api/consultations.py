"""Consultations and votes (社区议事协商, 业主投票): staff open them in a place; residents of that place
propose, comment and vote once; everyone sees results and the receipt audit."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.consultations.discussion import DiscussionService
from chalicelib.consultations.inputs import CommentIn, ConsultationIn, ListQuery, ProposalIn, ReasonIn, VoteIn
from chalicelib.consultations.models import (
    Audit,
    Ballot,
    Comment,
    Consultation,
    ConsultationList,
    Discussion,
    MyBallot,
    Proposal,
    Results,
    Voters,
)
from chalicelib.consultations.service import ConsultationService
from chalicelib.consultations.voting import VotingService
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route

bp = Blueprint(__name__)
RESIDENT = frozenset({Role.RESIDENT})
VIEWERS = STAFF_ROLES | RESIDENT
ONE = "/v1/consultations/{consultation_id}"


@route(bp, "/v1/consultations", method="POST", roles=STAFF_ROLES, status=201, body=ConsultationIn)
def create(principal: Principal, body: ConsultationIn) -> Consultation:
    """Open a consultation in a place (city admins anywhere, staff inside their communities)."""
    return ConsultationService(principal).create(body)


@route(bp, "/v1/consultations", roles=VIEWERS, query=ListQuery)
def consultations(principal: Principal, query: ListQuery) -> ConsultationList:
    """Consultations of the caller's area (staff) or home (residents): open ones first, newest first."""
    return ConsultationService(principal).listing(query)


@route(bp, ONE, roles=VIEWERS)
def consultation(principal: Principal, consultation_id: str) -> Consultation:
    """One consultation, with its current phase."""
    return ConsultationService(principal).get(consultation_id)


@route(bp, ONE + "/proposals", method="POST", roles=RESIDENT, status=201, body=ProposalIn)
def propose(principal: Principal, consultation_id: str, body: ProposalIn) -> Proposal:
    """Make a proposal while proposals are open (409 naming ``phase`` otherwise)."""
    return DiscussionService(principal).propose(consultation_id, body)


@route(bp, ONE + "/proposals", roles=VIEWERS)
def discussion(principal: Principal, consultation_id: str) -> Discussion:
    """Proposals with their comments, and the comments on the consultation itself."""
    return DiscussionService(principal).discussion(consultation_id)


@route(bp, ONE + "/comments", method="POST", roles=RESIDENT, status=201, body=CommentIn)
def comment(principal: Principal, consultation_id: str, body: CommentIn) -> Comment:
    """Comment on the consultation or one of its proposals while proposals are open."""
    return DiscussionService(principal).comment(consultation_id, body)


@route(bp, ONE + "/comments/{comment_id}/hide", method="POST", roles=STAFF_ROLES, body=ReasonIn)
def hide(principal: Principal, consultation_id: str, comment_id: str, body: ReasonIn) -> Comment:
    """Hide an abusive comment: kept, marked hidden, with the reason."""
    return DiscussionService(principal).hide(consultation_id, comment_id, body)


@route(bp, ONE + "/votes", method="POST", roles=RESIDENT, status=201, body=VoteIn)
def vote(principal: Principal, consultation_id: str, body: VoteIn) -> Ballot:
    """Vote (or change one's vote, when allowed) while voting is open: one ballot per eligible voter."""
    return VotingService(principal).vote(consultation_id, body)


@route(bp, ONE + "/ballot", roles=RESIDENT)
def ballot(principal: Principal, consultation_id: str) -> MyBallot:
    """The caller's own ballot and its receipt code; ``{"ballot": null}`` before they have voted."""
    return VotingService(principal).mine(consultation_id)


@route(bp, ONE + "/results", roles=VIEWERS)
@documented(raises=[409])  # results are shown once the consultation is closed
def results(principal: Principal, consultation_id: str) -> Results:
    """Counts, turnout, validity and winners: live for staff; for residents after close (or live)."""
    return VotingService(principal).results(consultation_id)


@route(bp, ONE + "/audit", roles=VIEWERS)
def audit(principal: Principal, consultation_id: str) -> Audit:
    """Receipt codes of every counted ballot: a voter finds theirs, nobody learns who voted what."""
    return VotingService(principal).audit(consultation_id)


@route(bp, ONE + "/voters", roles=STAFF_ROLES)
def voters(principal: Principal, consultation_id: str) -> Voters:
    """Who has voted (for turnout follow-up), never what they voted."""
    return VotingService(principal).voters(consultation_id)


@route(bp, ONE + "/close", method="POST", roles=STAFF_ROLES)
def close(principal: Principal, consultation_id: str) -> Consultation:
    """End voting now, before its planned close."""
    return ConsultationService(principal).close(consultation_id)


@route(bp, ONE + "/cancel", method="POST", roles=STAFF_ROLES, body=ReasonIn)
def cancel(principal: Principal, consultation_id: str, body: ReasonIn) -> Consultation:
    """Cancel a consultation that has not closed, with the reason."""
    return ConsultationService(principal).cancel(consultation_id, body)
