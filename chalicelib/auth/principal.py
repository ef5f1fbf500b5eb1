"""The verified caller of a request, as the authorizer established it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.auth.roles import ROLE_NAMES, Role
from chalicelib.constants import PLATFORM_TENANT
from chalicelib.errors import Forbidden, Unauthenticated
from chalicelib.store.keys import TenantContext


@dataclass(frozen=True)
class Principal:
    user_id: str
    username: str
    tenant_id: str
    roles: frozenset[Role]

    @property
    def is_platform_admin(self) -> bool:
        return Role.PLATFORM_ADMIN in self.roles

    @property
    def tenant(self) -> TenantContext:
        if self.tenant_id == PLATFORM_TENANT:
            raise Forbidden("platform accounts act on a city only through /v1/platform routes")
        return TenantContext(self.tenant_id)

    def has_any(self, roles: Iterable[Role]) -> bool:
        return bool(self.roles & frozenset(roles))

    def require(self, roles: Iterable[Role]) -> None:
        if not self.has_any(roles):
            raise Forbidden("this action needs one of the roles: " + ", ".join(sorted(roles)))

    def tenant_for(self, tenant_id: str) -> TenantContext:
        """Tenant context for a tenant named in a path or body: only one's own, or any for platform admins."""
        if tenant_id != self.tenant_id and not self.is_platform_admin:
            raise Forbidden("another city's data cannot be accessed", field="tenant_id")
        return TenantContext(tenant_id)

    def to_context(self) -> dict[str, str]:
        """Authorizer context: API Gateway allows only flat string values."""
        return {"user_id": self.user_id, "username": self.username, "tenant_id": self.tenant_id,
                "roles": ",".join(sorted(self.roles))}

    @classmethod
    def from_context(cls, ctx: Mapping[str, Any] | None) -> Principal:
        if not ctx or not ctx.get("tenant_id"):
            raise Unauthenticated("no verified caller")
        roles = frozenset(Role(r) for r in str(ctx.get("roles", "")).split(",") if r in ROLE_NAMES)
        return cls(str(ctx["user_id"]), str(ctx["username"]), str(ctx["tenant_id"]), roles)
