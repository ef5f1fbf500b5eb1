"""The compiled rule plan of a tenant: the default device profiles with the city's own
changes (manifest ``alert_rules``), cached per container."""

from __future__ import annotations

import time

from chalicelib.alertcore.plan import Plan, compile_plan
from chalicelib.rules.overrides import effective_profiles
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.service import TenantService

_TTL_SECONDS = 300.0
_cache: dict[str, tuple[float, Plan]] = {}


def plan_for(tenant: TenantContext) -> Plan:
    hit = _cache.get(tenant.tenant_id)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    plan = compile_plan(effective_profiles(TenantService(tenant).alert_rules()))
    _cache[tenant.tenant_id] = (time.monotonic() + _TTL_SECONDS, plan)
    return plan


def forget_plans() -> None:
    _cache.clear()
