"""Tenant profile and hierarchy reads."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import ALL_ROLES, STAFF_ROLES, Role
from chalicelib.http.routing import route
from chalicelib.tenancy.service import TenantService

bp = Blueprint(__name__)
# Residents and vendors read the city's place names (to register, to place devices).
PLACE_READERS = ALL_ROLES - {Role.PLATFORM_ADMIN}
STAFF_OR_PLATFORM = STAFF_ROLES | {Role.PLATFORM_ADMIN}


def _svc(principal: Principal, tenant_id: str | None = None) -> TenantService:
    return TenantService(principal.tenant_for(tenant_id) if tenant_id else principal.tenant)


@route(bp, "/v1/tenant", roles=STAFF_ROLES)
def my_tenant(principal: Principal) -> dict[str, Any]:
    """The caller's city: names, tier, quotas."""
    return _svc(principal).profile()


@route(bp, "/v1/tenants/{tenant_id}", roles=STAFF_OR_PLATFORM)
def tenant(principal: Principal, tenant_id: str) -> dict[str, Any]:
    """A city's profile by id: one's own (platform admins: any)."""
    return _svc(principal, tenant_id).profile()


@route(bp, "/v1/tenants/{tenant_id}/hierarchy", roles=STAFF_OR_PLATFORM)
def hierarchy(principal: Principal, tenant_id: str) -> dict[str, Any]:
    """The whole hierarchy of a city, district down to building, nested: an export (it grows with the city — about
    1 MB at 100 communities); screens read a level at a time (streets, communities, a community's grids or
    buildings)."""
    return _svc(principal, tenant_id).tree()


@route(bp, "/v1/departments", roles=PLACE_READERS)
def departments(principal: Principal) -> list[dict[str, Any]]:
    """The city's departments with their public phone numbers (residents see who handles their request)."""
    return _svc(principal).departments()


@route(bp, "/v1/catalog", roles=PLACE_READERS)
def catalog(principal: Principal) -> list[dict[str, Any]]:
    """The service catalog with its SLAs."""
    return _svc(principal).catalog()


@route(bp, "/v1/streets", roles=STAFF_ROLES)
def streets(principal: Principal) -> list[dict[str, Any]]:
    """The city's streets (街道), each with its district's name: a level of the hierarchy."""
    return _svc(principal).streets()


@route(bp, "/v1/communities", roles=PLACE_READERS)
def communities(principal: Principal) -> list[dict[str, Any]]:
    """The city's communities (residents pick theirs to register)."""
    return _svc(principal).children("community")


@route(bp, "/v1/communities/{community_id}", roles=PLACE_READERS)
def community(principal: Principal, community_id: str) -> dict[str, Any]:
    """One community."""
    return _svc(principal).node("community", community_id)


@route(bp, "/v1/communities/{community_id}/grids", roles=STAFF_ROLES)
def community_grids(principal: Principal, community_id: str) -> list[dict[str, Any]]:
    """The grids of a community."""
    svc = _svc(principal)
    return svc.children("grid", svc.node("community", community_id))


@route(bp, "/v1/communities/{community_id}/buildings", roles=PLACE_READERS)
def community_buildings(principal: Principal, community_id: str) -> list[dict[str, Any]]:
    """The buildings of a community."""
    svc = _svc(principal)
    return svc.children("building", svc.node("community", community_id))


@route(bp, "/v1/grids/{grid_id}/buildings", roles=STAFF_ROLES)
def grid_buildings(principal: Principal, grid_id: str) -> list[dict[str, Any]]:
    """The buildings of a grid."""
    svc = _svc(principal)
    return svc.children("building", svc.node("grid", grid_id))
