"""Health, the caller's own identity, and this API's OpenAPI document."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import ALL_ROLES, STAFF_ROLES, Role
from chalicelib.errors import NotFound
from chalicelib.http.routing import route
from chalicelib.model import Model
from chalicelib.residents.service import ResidentService
from chalicelib.tenancy.service import TenantService, tenant_name

bp = Blueprint(__name__)


class Health(Model):
    status: str
    service: str


@route(bp, "/health", public=True)
def health() -> Health:
    """Liveness."""
    return Health(status="ok", service="community-cloud")


@route(bp, "/v1/openapi.json", public=True)
def openapi() -> dict[str, Any]:
    """This API's OpenAPI 3.1 document, generated from its route declarations.

    Built on the first request and kept for the life of the process.
    """
    from chalicelib.api.lazy import routes
    from chalicelib.http.openapi import cached

    return cached(routes())


@route(bp, "/v1/me", roles=ALL_ROLES)
def me(principal: Principal) -> dict[str, Any]:
    """Who am I: tenant, roles; staff and city admins: name, department, communities and grids; care visitors:
    name, kind, organisation and communities; residents: their registration."""
    out: dict[str, Any] = {"user_id": principal.user_id, "username": principal.username,
                           "tenant_id": principal.tenant_id, "roles": sorted(principal.roles)}
    if principal.is_platform_admin:
        return out
    tenancy = TenantService(principal.tenant)
    # as the authorizer and the rate limiter read it (no read of its own); the authorizer admits only
    # onboarded cities, so there is a name
    name = tenant_name(principal.tenant_id) or {"zh": principal.tenant_id}
    out["tenant"] = {"tenant_id": principal.tenant_id, "name": name}
    if principal.has_any(STAFF_ROLES):
        staff = tenancy.staff_record(principal.username)
        out.update({k: staff.get(k) for k in ("name", "department")})
        if Role.STAFF in principal.roles:
            out.update(communities=staff.get("communities", []), grids=staff.get("grids", []))
    if Role.VISITOR in principal.roles:  # a care visitor: who they are, for whom, and where
        visitor = tenancy.staff_record(principal.username)
        out.update({k: visitor.get(k) for k in ("name", "visitor_kind", "organisation", "communities")})
    if Role.RESIDENT in principal.roles:
        try:
            out["registration"] = ResidentService(principal, tenancy=tenancy).mine().model_dump(mode="json")
        except NotFound:
            out["registration"] = None
    return out
