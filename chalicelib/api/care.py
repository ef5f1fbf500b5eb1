"""Care subjects (居家养老): consent, family contacts, safety status, caring visits."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.care.board import CareBoard
from chalicelib.care.contacts import ContactService
from chalicelib.care.models import ContactIn, PlanIn, ReconsentIn, SubjectIn, VisitIn, VisitorsIn, WithdrawIn
from chalicelib.care.service import CareService
from chalicelib.care.status_models import CareStatus, SubjectPage
from chalicelib.care.views import CareSubject, Contact, MyCare, MyVisits, VisitQueue, Watching
from chalicelib.http.routing import route

bp = Blueprint(__name__)
RESIDENT = frozenset({Role.RESIDENT})
VISITOR = frozenset({Role.VISITOR})  # 巡访人员: only the subjects assigned to them (chalicelib/care/access.py)
EVERYONE = STAFF_ROLES | RESIDENT
VISITS = STAFF_ROLES | VISITOR


@route(bp, "/v1/care", method="POST", roles=STAFF_ROLES, status=201, body=SubjectIn)
def register(principal: Principal, body: SubjectIn) -> CareSubject:
    """Register a verified resident as a care subject, with recorded consent and household devices."""
    return CareService(principal).register(body)


@route(bp, "/v1/care/{subject_id}", roles=EVERYONE | VISITOR)
def subject(principal: Principal, subject_id: str) -> CareSubject:
    """A care subject's record: consent and its history, devices, contacts (subject, guardian, staff); her care
    visitors see it without her family contacts and the consent's history."""
    return CareService(principal).get(subject_id)


@route(bp, "/v1/care/{subject_id}/status", roles=EVERYONE | VISITOR)
def status(principal: Principal, subject_id: str) -> CareStatus:
    """Safety status: summary, last activity, open alerts and who to call (while consent is active)."""
    return CareBoard(principal).status(subject_id)


@route(bp, "/v1/care/{subject_id}/consent/withdraw", method="POST", roles=EVERYONE, body=WithdrawIn)
def withdraw(principal: Principal, subject_id: str, body: WithdrawIn) -> CareSubject:
    """Withdraw consent (the subject, the guardian who gave it, or staff recording it): monitoring stops."""
    return CareService(principal).withdraw(subject_id, body)


@route(bp, "/v1/care/{subject_id}/consent", method="POST", roles=STAFF_ROLES, body=ReconsentIn)
def reconsent(principal: Principal, subject_id: str, body: ReconsentIn) -> CareSubject:
    """Record a new consent after a withdrawal, and link the devices it covers."""
    return CareService(principal).reconsent(subject_id, body)


@route(bp, "/v1/care/{subject_id}/contacts", method="POST", roles=EVERYONE, status=201, body=ContactIn)
def add_contact(principal: Principal, subject_id: str, body: ContactIn) -> Contact:
    """Add a family contact: a resident of the city (invited) or a phone contact (staff or the subject)."""
    return ContactService(principal).add(subject_id, body)


@route(bp, "/v1/care/{subject_id}/visits", method="POST", roles=VISITS, status=201, body=VisitIn)
def visit(principal: Principal, subject_id: str, body: VisitIn) -> CareSubject:
    """Record a caring visit (巡访关爱): how it was made, the outcome, a need filed as a service request, a
    follow-up date; the newest visit sets when the next is due. Staff record theirs or name who made it; a
    care visitor records their own, for the subjects assigned to them."""
    return CareService(principal).visit(subject_id, body)


@route(bp, "/v1/care/{subject_id}/visitors", method="PUT", roles=STAFF_ROLES, body=VisitorsIn)
def visitors(principal: Principal, subject_id: str, body: VisitorsIn) -> CareSubject:
    """Assign her care visitors (社工、志愿者、家庭医生 of her community): they see her visit task, her record
    without her family, her status, and record visits."""
    return CareService(principal).set_visitors(subject_id, body)


@route(bp, "/v1/me/care-visits", roles=VISITOR)
def my_visits(principal: Principal) -> MyVisits:
    """A care visitor's visit tasks: the subjects assigned to them, urgent and overdue first."""
    return CareBoard(principal).my_visits()


@route(bp, "/v1/care/{subject_id}/visit-plan", method="PUT", roles=STAFF_ROLES, body=PlanIn)
def visit_plan(principal: Principal, subject_id: str, body: PlanIn) -> CareSubject:
    """Set the subject's visit level (普遍巡访 / 重点巡访): the next visit is due by its interval."""
    return CareService(principal).set_plan(subject_id, body)


@route(bp, "/v1/me/care", roles=RESIDENT)
def mine(principal: Principal) -> MyCare:
    """Whether I am a care subject, and the people I watch or am invited to watch."""
    return ContactService(principal).mine()


@route(bp, "/v1/me/care-invitations/{link_id}/accept", method="POST", roles=RESIDENT)
def accept(principal: Principal, link_id: str) -> Watching:
    """Accept an invitation to watch a relative's safety status."""
    return ContactService(principal).accept(link_id)


@route(bp, "/v1/communities/{community_id}/care-subjects", roles=STAFF_ROLES)
def community(principal: Principal, community_id: str) -> SubjectPage:
    """A community's care subjects with their status summaries."""
    return CareBoard(principal).community(community_id)


@route(bp, "/v1/communities/{community_id}/care-visits", roles=STAFF_ROLES)
def visit_queue(principal: Principal, community_id: str) -> VisitQueue:
    """巡访关爱: the community's care subjects by when their next visit is due, overdue first."""
    return CareBoard(principal).visit_queue(community_id)
