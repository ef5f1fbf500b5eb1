"""The scheduled sweep: close resolved requests whose reopen window has passed, in every city."""

from __future__ import annotations

from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.observability import logger
from chalicelib.requests.queues import RequestQueues
from chalicelib.store.scope import tenant_scope
from chalicelib.tenancy.repository import list_tenant_profiles


def close_resolved(tenant_id: str) -> int:
    """Close one city's resolved requests past the window; idempotent (a second run closes nothing)."""
    system = Principal("system", "system", tenant_id, frozenset({Role.CITY_ADMIN}))
    with tenant_scope(tenant_id):
        return RequestQueues(system).close_due()


def auto_close_job(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Entry point for a schedule (e.g. hourly): one Query per city on the closing index."""
    done = {p["tenant_id"]: close_resolved(p["tenant_id"]) for p in list_tenant_profiles()}
    logger.info("request auto-close done", extra={"closed": done})
    return {"closed": done}
