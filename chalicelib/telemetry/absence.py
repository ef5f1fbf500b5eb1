"""The absence sweep (未出门 / 未用电 / offline): by due date, without any new message.

Each device's earliest pending due date sits in a sparse, sharded index; the sweep Queries
every shard for what is due by now, marks those rules fired in the device's state (a write
conditional on the version it read), and hands the raises to the alert lifecycle. Presence
later clears them (``alertcore.kinds``).
"""

from __future__ import annotations

import math
from typing import Any

import orjson

from chalicelib.alertcore import policy as P
from chalicelib.alerts.models import ApplyResult, Transition
from chalicelib.alerts.service import AlertService
from chalicelib.devices.repository import DeviceRepository
from chalicelib.rules.models import AbsenceRule
from chalicelib.store import models
from chalicelib.store.base import storage_errors
from chalicelib.store.keys import TenantContext
from chalicelib.store.scope import tenant_scope
from chalicelib.telemetry.plans import plan_for
from chalicelib.telemetry.state import DUE_SHARDS, DeviceStateItem, due_pk, write_docs


def _due_items(tenant: TenantContext, now_ms: int) -> list[DeviceStateItem]:
    models.bind()
    out: list[DeviceStateItem] = []
    with storage_errors():
        for shard in range(DUE_SHARDS):
            out += list(DeviceStateItem.gsi1.query(  # type: ignore[arg-type]
                due_pk(tenant, shard), DeviceStateItem.gsi1sk <= f"{now_ms:015d}~"))
    return out


def sweep_tenant(tenant: TenantContext, now_ms: int) -> ApplyResult:
    plan = plan_for(tenant)
    care_only = {r.rule.id for r in plan.rules if r.rule.care_subjects_only}
    transitions: list[Transition] = []
    docs: dict[str, dict[str, Any]] = {}
    types: dict[str, str] = {}
    versions: dict[str, int | None] = {}
    for item in _due_items(tenant, now_ms):
        device_id = item.pk.rsplit("#", 1)[-1]
        doc = orjson.loads(item.doc)
        for r in plan.rules:
            rule = r.rule
            if not isinstance(rule, AbsenceRule) or plan.types[r.type_index] != item.device_type:
                continue
            st = doc["r"].get(rule.id)
            if not st or st[0] or st[4] == P.NO_TS:
                continue
            due = st[4] + round(rule.period_seconds * 1000)
            if due <= now_ms:
                st[0] = True  # fired: presence will clear it
                transitions.append(Transition(device_id, rule.id, "raise", due / 1000.0, math.nan,
                                              rule.severity.value, rule.metric, rule.name_zh, rule.name_en))
        docs[device_id], types[device_id], versions[device_id] = doc, item.device_type, int(item.version)
    if not docs:
        return ApplyResult()
    # A device whose state a telemetry batch changed since the index was read is left to the next
    # sweep: its presence may have moved the due date, and that batch's write stands.
    lost = write_docs(tenant, plan, docs, types, versions)
    transitions = [t for t in transitions if t.device_id not in lost]
    if not transitions:
        return ApplyResult()
    registry = DeviceRepository(tenant).get_many({t.device_id for t in transitions})
    # A device may have stopped watching a care subject (consent withdrawn) after its due date was set:
    # its care-only rules are marked fired above (so they do not come back every minute) but raise nothing.
    transitions = [t for t in transitions if t.rule_id not in care_only
                   or (t.device_id in registry and registry[t.device_id].care_subject)]
    return AlertService(tenant).apply(transitions, registry) if transitions else ApplyResult()


def sweep_all(now_ms: int) -> dict[str, ApplyResult]:
    """Every active tenant (the schedule calls this every minute), each in its own scope."""
    from chalicelib.tenancy.repository import list_tenant_profiles

    done: dict[str, ApplyResult] = {}
    for p in list_tenant_profiles():
        if p.get("status", "active") == "active":
            with tenant_scope(p["tenant_id"]):
                done[p["tenant_id"]] = sweep_tenant(TenantContext(p["tenant_id"]), now_ms)
    return done
