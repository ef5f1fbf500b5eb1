"""Service requests (接诉即办): residents file and follow them, staff handle them, admins read the rates."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.http.routing import route
from chalicelib.photos import PhotoUpload, PhotoUploadIn
from chalicelib.requests.inputs import (
    AssignIn,
    CommunityQueueQuery,
    DepartmentQueueQuery,
    DuplicateIn,
    NoteIn,
    PageQuery,
    RatingIn,
    ReasonIn,
    RequestIn,
    StatsQuery,
)
from chalicelib.requests.models import RequestPage, ServiceRequest, StatsReport
from chalicelib.requests.queues import RequestQueues
from chalicelib.requests.service import RequestService
from chalicelib.requests.states import Action

bp = Blueprint(__name__)
RESIDENT = frozenset({Role.RESIDENT})
FILERS = STAFF_ROLES | RESIDENT
ONE = "/v1/requests/{request_id}"


@route(bp, "/v1/requests", method="POST", roles=FILERS, status=201, body=RequestIn)
def file_request(principal: Principal, body: RequestIn) -> ServiceRequest:
    """File a request (residents for their household, staff for a caller: channel ``staff``)."""
    return RequestService(principal).file(body)


@route(bp, "/v1/requests/photo-uploads", method="POST", roles=FILERS, status=201, body=PhotoUploadIn)
def photo_upload(principal: Principal, body: PhotoUploadIn) -> PhotoUpload:
    """A presigned POST for one photo (JPEG, PNG, WebP or HEIC, ≤ 5 MB) under the city's prefix, valid
    5 minutes; name its ``key`` in ``photo_keys`` when filing."""
    return RequestService(principal).photo_upload(body)


@route(bp, "/v1/me/requests", roles=RESIDENT, query=PageQuery)
def my_requests(principal: Principal, query: PageQuery) -> RequestPage:
    """Requests filed by or for the caller's household, newest first."""
    return RequestQueues(principal).mine(query)


@route(bp, "/v1/requests/stats", roles=STAFF_ROLES, query=StatsQuery)
def request_stats(principal: Principal, query: StatsQuery) -> StatsReport:
    """Response, resolution and satisfaction rates of a month, ``?month=2026-11&by=department|community``."""
    return RequestQueues(principal).stats(query)


@route(bp, ONE, roles=FILERS)
def get_request(principal: Principal, request_id: str) -> ServiceRequest:
    """One request with its timeline."""
    return RequestService(principal).get(request_id)


@route(bp, "/v1/communities/{community_id}/requests", roles=STAFF_ROLES, query=CommunityQueueQuery)
def community_queue(principal: Principal, community_id: str, query: CommunityQueueQuery) -> RequestPage:
    """A community's requests in one state (``?state=submitted``), oldest first."""
    return RequestQueues(principal).community(community_id, query)


@route(bp, "/v1/departments/{department_id}/requests", roles=STAFF_ROLES, query=DepartmentQueueQuery)
def department_queue(principal: Principal, department_id: str, query: DepartmentQueueQuery) -> RequestPage:
    """A department's open requests by next due time (``?overdue=true``: only those past it)."""
    return RequestQueues(principal).department(department_id, query)


@route(bp, ONE + "/accept", method="POST", roles=STAFF_ROLES, body=NoteIn)
def accept(principal: Principal, request_id: str, body: NoteIn) -> ServiceRequest:
    """Accept (响应) a submitted or reopened request."""
    return RequestService(principal).act(request_id, Action.ACCEPT, body.note)


@route(bp, ONE + "/assign", method="POST", roles=STAFF_ROLES, body=AssignIn)
def assign(principal: Principal, request_id: str, body: AssignIn) -> ServiceRequest:
    """Dispatch (派单) to a department and/or a staff user."""
    return RequestService(principal).assign(request_id, body, Action.ASSIGN)


@route(bp, ONE + "/reassign", method="POST", roles=STAFF_ROLES, body=AssignIn)
def reassign(principal: Principal, request_id: str, body: AssignIn) -> ServiceRequest:
    """Hand an assigned request to another department and/or staff user."""
    return RequestService(principal).assign(request_id, body, Action.REASSIGN)


@route(bp, ONE + "/start", method="POST", roles=STAFF_ROLES, body=NoteIn)
def start(principal: Principal, request_id: str, body: NoteIn) -> ServiceRequest:
    """Start work on it (处理中)."""
    return RequestService(principal).act(request_id, Action.START, body.note)


@route(bp, ONE + "/resolve", method="POST", roles=STAFF_ROLES, body=ReasonIn)
def resolve(principal: Principal, request_id: str, body: ReasonIn) -> ServiceRequest:
    """Resolve it (办结), saying what was done."""
    return RequestService(principal).act(request_id, Action.RESOLVE, body.note)


@route(bp, ONE + "/reject", method="POST", roles=STAFF_ROLES, body=ReasonIn)
def reject(principal: Principal, request_id: str, body: ReasonIn) -> ServiceRequest:
    """Refuse it (不予受理), with the reason."""
    return RequestService(principal).act(request_id, Action.REJECT, body.note)


@route(bp, ONE + "/duplicate", method="POST", roles=STAFF_ROLES, body=DuplicateIn)
def duplicate(principal: Principal, request_id: str, body: DuplicateIn) -> ServiceRequest:
    """Mark it a duplicate of another request of the city."""
    return RequestService(principal).duplicate(request_id, body.duplicate_of, body.note)


@route(bp, ONE + "/return", method="POST", roles=STAFF_ROLES, body=ReasonIn)
def return_to_dispatch(principal: Principal, request_id: str, body: ReasonIn) -> ServiceRequest:
    """Return it to dispatch (退回), with the reason."""
    return RequestService(principal).act(request_id, Action.RETURN, body.note, assignee=None)


@route(bp, ONE + "/rating", method="POST", roles=RESIDENT, status=201, body=RatingIn)
def rate(principal: Principal, request_id: str, body: RatingIn) -> ServiceRequest:
    """Rate the handling (好差评) once; unsatisfied may reopen it at once (``reopen: true``)."""
    return RequestService(principal).rate(request_id, body)


@route(bp, ONE + "/reopen", method="POST", roles=RESIDENT, body=NoteIn)
def reopen(principal: Principal, request_id: str, body: NoteIn) -> ServiceRequest:
    """Reopen a resolved request within 7 days of its resolution."""
    return RequestService(principal).reopen(request_id, body.note)
