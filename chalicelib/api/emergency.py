"""紧急求助: the numbers to call first, for the signed-in resident's home."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.http.routing import route
from chalicelib.residents.emergency import EmergencyContacts, contacts_for

bp = Blueprint(__name__)


@route(bp, "/v1/me/emergency-contacts", roles=frozenset({Role.RESIDENT}))
def mine(principal: Principal) -> EmergencyContacts:
    """119 / 110 / 120 and the city's gas line; when verified, the community's property line and the grid worker."""
    return contacts_for(principal)
