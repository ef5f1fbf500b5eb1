"""Resident registration into a household, and staff verification."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.http.routing import parse_body, parse_query, route
from chalicelib.residents.models import QueueQuery, Registration, RegistrationIn, RegistrationPage, VerificationIn
from chalicelib.residents.service import ResidentService

bp = Blueprint(__name__)
RESIDENT = frozenset({Role.RESIDENT})


@route(bp, "/v1/me/registration", method="POST", roles=RESIDENT, status=201)
def register(principal: Principal) -> Registration:
    return ResidentService(principal).register(parse_body(bp.current_request, RegistrationIn))


@route(bp, "/v1/me/registration", roles=RESIDENT)
def my_registration(principal: Principal) -> Registration:
    return ResidentService(principal).mine()


@route(bp, "/v1/communities/{community_id}/registrations", roles=STAFF_ROLES)
def registrations(principal: Principal, community_id: str) -> RegistrationPage:
    """``?status=pending|verified|rejected&limit=50&cursor=…``"""
    q = parse_query(bp.current_request, QueueQuery)
    return ResidentService(principal).queue(community_id, q.status, q.limit, q.cursor)


@route(bp, "/v1/residents/{resident_id}", roles=STAFF_ROLES)
def resident(principal: Principal, resident_id: str) -> Registration:
    return ResidentService(principal).get(resident_id)


@route(bp, "/v1/residents/{resident_id}/verification", method="POST", roles=STAFF_ROLES)
def verify(principal: Principal, resident_id: str) -> Registration:
    return ResidentService(principal).verify(resident_id, parse_body(bp.current_request, VerificationIn))
