"""Platform operators: onboard (apply a manifest), list and read city tenants."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import InvalidInput
from chalicelib.http.body import MAX_MANIFEST_BYTES, as_bytes, check_size, check_tree, check_yaml
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route
from chalicelib.model import Model
from chalicelib.notify.models import OutboxPage, OutboxQuery
from chalicelib.notify.service import outbox
from chalicelib.store.keys import TenantContext
from chalicelib.store.scope import tenant_scope
from chalicelib.tenancy import manifest
from chalicelib.tenancy.apply import ApplyReport, apply_manifest
from chalicelib.tenancy.models import TenantManifest
from chalicelib.tenancy.repository import list_tenant_profiles
from chalicelib.tenancy.service import StatusChange, TenantService, set_status
from chalicelib.usage.models import UsageQuery, UsageReport
from chalicelib.usage.service import usage_report

bp = Blueprint(__name__)
PLATFORM = frozenset({Role.PLATFORM_ADMIN})


class OnboardQuery(Model):
    dry_run: Literal["true", "false"] = Field(default="false", description="true: report changes, write nothing")


@route(bp, "/v1/platform/tenants", roles=PLATFORM)
def list_tenants(principal: Principal) -> list[dict[str, Any]]:
    """Every city tenant's profile."""
    return list_tenant_profiles()


@route(bp, "/v1/platform/tenants/{tenant_id}", roles=PLATFORM)
def get_tenant(principal: Principal, tenant_id: str) -> dict[str, Any]:
    """One city tenant's profile: names, tier, quotas, status."""
    return TenantService(TenantContext(tenant_id) if _valid(tenant_id) else _bad(tenant_id)).profile()


@route(bp, "/v1/platform/tenants", method="POST", roles=PLATFORM, query=OnboardQuery,
       content_types=["application/json", "application/yaml", "application/x-yaml", "text/yaml"])
@documented(body=TenantManifest)
def onboard(principal: Principal, query: OnboardQuery) -> ApplyReport:
    """Onboard or update a city: apply its manifest (JSON or YAML body), idempotently.

    ``?dry_run=true`` reports what would change without writing.
    """
    raw = as_bytes(bp.current_request.raw_body)
    if not raw:
        raise InvalidInput("a manifest body is required", field="body")
    check_size(raw, MAX_MANIFEST_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the manifest must be UTF-8", field="body") from exc
    check_yaml(text)  # depth and aliases, before the (recursive) YAML composer sees it
    data, tree = manifest.parse_yaml(text)  # YAML is a superset of JSON: one parser, line numbers for both
    check_tree(data)  # .nan / .inf
    m = manifest.validate(data, tree)
    return apply_manifest(m, dry_run=query.dry_run == "true")


@route(bp, "/v1/platform/tenants/{tenant_id}/status", method="POST", roles=PLATFORM, body=StatusChange)
def change_status(principal: Principal, tenant_id: str, body: StatusChange) -> dict[str, Any]:
    """Suspend (停用) or re-activate a city: ``{"status": "suspended", "reason": "…"}``."""
    tenant = TenantContext(tenant_id) if _valid(tenant_id) else _bad(tenant_id)
    return set_status(tenant, body, principal.username)


@route(bp, "/v1/platform/tenants/{tenant_id}/usage", roles=PLATFORM, query=UsageQuery)
def tenant_usage(principal: Principal, tenant_id: str, query: BaseModel) -> UsageReport:
    """One city's usage per day, totals, estimated AWS cost and quota use.

    ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (UTC days, at most 366; default: this month so far).
    """
    tenant = TenantContext(tenant_id) if _valid(tenant_id) else _bad(tenant_id)
    TenantService(tenant).profile()  # 404 for a city never onboarded
    return usage_report(tenant, query)


@route(bp, "/v1/platform/tenants/{tenant_id}/outbox", roles=PLATFORM, query=OutboxQuery)
def tenant_outbox(principal: Principal, tenant_id: str, query: OutboxQuery) -> OutboxPage:
    """One city's alert SMS and calls of a day (UTC, default today), newest first: sent, failed or skipped
    and why — on the local stack, what the demo's phones would have received."""
    tenant = TenantContext(tenant_id) if _valid(tenant_id) else _bad(tenant_id)
    TenantService(tenant).profile()  # 404 for a city never onboarded
    with tenant_scope(tenant_id):
        return outbox(tenant, query.day, query.limit, query.cursor)


def _valid(tenant_id: str) -> bool:
    try:
        TenantContext(tenant_id)
    except ValueError:
        return False
    return True


def _bad(tenant_id: str) -> TenantContext:
    raise InvalidInput(f"{tenant_id!r} is not a tenant id", field="tenant_id")
