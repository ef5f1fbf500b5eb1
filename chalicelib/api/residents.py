"""Resident registration into a household, and staff verification."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.http.routing import route
from chalicelib.residents.models import QueueQuery, Registration, RegistrationIn, RegistrationPage, VerificationIn
from chalicelib.residents.service import ResidentService

bp = Blueprint(__name__)
RESIDENT = frozenset({Role.RESIDENT})


@route(bp, "/v1/me/registration", method="POST", roles=RESIDENT, status=201, body=RegistrationIn)
def register(principal: Principal, body: RegistrationIn) -> Registration:
    """住户登记: join a household; pending until staff of the community verify it."""
    return ResidentService(principal).register(body)


@route(bp, "/v1/me/registration", roles=RESIDENT)
def my_registration(principal: Principal) -> Registration:
    """The caller's own registration and its status, with the name and phone they gave in full (their own
    data; everywhere else, ``GET /v1/me`` included, they are masked)."""
    return ResidentService(principal).mine(full=True)


@route(bp, "/v1/communities/{community_id}/registrations", roles=STAFF_ROLES, query=QueueQuery)
def registrations(principal: Principal, community_id: str, query: QueueQuery) -> RegistrationPage:
    """The verification queue of a community, oldest first: ``?status=pending|verified|rejected&limit=50&cursor=…``"""
    return ResidentService(principal).queue(community_id, query.status, query.limit, query.cursor)


@route(bp, "/v1/residents/{resident_id}", roles=STAFF_ROLES)
def resident(principal: Principal, resident_id: str) -> Registration:
    """One resident's registration (staff of the community, city admins)."""
    return ResidentService(principal).get(resident_id)


@route(bp, "/v1/residents/{resident_id}/verification", method="POST", roles=STAFF_ROLES, body=VerificationIn)
def verify(principal: Principal, resident_id: str, body: VerificationIn) -> Registration:
    """Approve a registration, or reject it with a reason the resident can act on."""
    return ResidentService(principal).verify(resident_id, body)
