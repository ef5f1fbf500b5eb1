"""Tenant API keys for integrations: city admins issue, list and revoke them."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.apikeys.models import ApiKey, ApiKeyCreated, ApiKeyIn, ApiKeyList, RevokeIn
from chalicelib.apikeys.service import ApiKeyService
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.http.openapi import documented
from chalicelib.http.routing import parse_body, route

bp = Blueprint(__name__)
ADMIN = frozenset({Role.CITY_ADMIN})


@route(bp, "/v1/admin/api-keys", method="POST", roles=ADMIN, status=201, body=ApiKeyIn)
def create_key(principal: Principal, body: ApiKeyIn) -> ApiKeyCreated:
    """Issue an API key; the response shows the key this once."""
    return ApiKeyService(principal).create(body)


@route(bp, "/v1/admin/api-keys", roles=ADMIN)
def keys(principal: Principal) -> ApiKeyList:
    """The city's API keys, newest first (never the keys themselves)."""
    return ApiKeyService(principal).list()


@route(bp, "/v1/admin/api-keys/{api_key_id}/revoke", method="POST", roles=ADMIN)
@documented(body=RevokeIn, body_required=False)
def revoke_key(principal: Principal, api_key_id: str) -> ApiKey:
    """Revoke a key at once: ``{"reason": "…"}`` (optional)."""
    return ApiKeyService(principal).revoke(api_key_id, parse_body(bp.current_request, RevokeIn, optional=True))
