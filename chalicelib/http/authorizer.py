"""The API Gateway authorizer: verifies the Cognito ID token once per request (cached by
API Gateway for its TTL) and hands tenant, user and roles to the routes as context."""

from __future__ import annotations

from chalice import AuthResponse, Blueprint
from chalice.app import AuthRequest

from chalicelib.auth import tokens
from chalicelib.errors import Unauthenticated
from chalicelib.observability import logger
from chalicelib.store.scope import tenant_scope
from chalicelib.tenancy.service import tenant_status

auth = Blueprint(__name__)


class Unauthorized(Exception):
    """API Gateway answers 401 when a Lambda authorizer fails with exactly this message."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


def _status(tenant_id: str) -> str | None:
    with tenant_scope(tenant_id):  # read as the city itself, like its requests
        return tenant_status(tenant_id)


@auth.authorizer(ttl_seconds=300)
def jwt_auth(request: AuthRequest) -> AuthResponse:
    try:
        principal = tokens.from_header(request.token)
    except Unauthenticated as exc:
        logger.info("token rejected", extra={"reason": exc.message})
        raise Unauthorized() from exc
    if not principal.is_platform_admin and _status(principal.tenant_id) != "active":
        logger.info("tenant not active", extra={"tenant_id": principal.tenant_id})
        return AuthResponse(routes=[], principal_id=principal.user_id)  # API Gateway answers 403
    # The policy covers every route: what a caller may do is decided per route, by role.
    return AuthResponse(routes=["*"], principal_id=principal.user_id, context=principal.to_context())
