"""The absence sweep (未出门 / 未用电 / offline): by due date, without any new message.

Every batch lists its devices under the minute of their next absence due date
(``telemetry.state.index_dues``). The sweep reads the lists of the minutes since its last run up to
now (one Query per day; where it got to is kept in ``T#<t>#SWEEP`` / ``ABSENCE``), reads those
devices' state (strongly consistent), marks the rules that are due fired (a write conditional on the
version it read), lists each device again under its next due date, and hands the raises to the alert
lifecycle. Presence later clears them (``alertcore.kinds``). A device listed early (it sent again
since; its later due date is listed too) is only listed again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import orjson
from pynamodb.attributes import NumberAttribute

from chalicelib.alertcore import policy as P
from chalicelib.alerts.models import ApplyResult, Transition
from chalicelib.alerts.service import AlertService
from chalicelib.devices.repository import DeviceRepository
from chalicelib.rules.models import AbsenceRule
from chalicelib.store import models
from chalicelib.store.base import storage_errors
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import Entity
from chalicelib.store.scope import tenant_scope
from chalicelib.telemetry.plans import plan_for
from chalicelib.telemetry.state import (
    DAY_MS,
    KEEP_LISTS_S,
    MINUTE_MS,
    SK,
    DeviceStateItem,
    DueListItem,
    due_list_pk,
    index_dues,
    write_docs,
)


class SweepMarkItem(Entity, discriminator="sweep_mark"):
    """The last minute whose due lists the absence sweep has done."""

    done_minute = NumberAttribute()


def _mark_key(tenant: TenantContext) -> tuple[str, str]:
    return tenant.key("SWEEP"), "ABSENCE"


@dataclass
class SweepResult(ApplyResult):
    checked: int = 0  # devices whose listing came up: their state read
    minutes: int = 0  # minutes of lists read (1 a run when the sweep keeps up)


def _due_items(tenant: TenantContext, now_ms: int) -> tuple[list[DeviceStateItem], int]:
    """The state of the devices listed due in the minutes after the last sweep's, up to now's; and
    how many minutes that was."""
    models.bind()
    now_minute = now_ms // MINUTE_MS
    with storage_errors():
        try:
            done = int(SweepMarkItem.get(*_mark_key(tenant)).done_minute)
        except SweepMarkItem.DoesNotExist:
            done = now_minute - KEEP_LISTS_S // 60
        first = max(done + 1, now_minute - KEEP_LISTS_S // 60)
        devices: set[str] = set()
        for day in range(first * MINUTE_MS // DAY_MS, now_minute * MINUTE_MS // DAY_MS + 1):
            for item in DueListItem.query(due_list_pk(tenant, day), DueListItem.sk.between(
                    f"{first:010d}", f"{now_minute:010d}~")):
                devices.update(item.devices.split())
        keys = [(tenant.device_pk(d), SK) for d in sorted(devices)]
        return list(DeviceStateItem.batch_get(keys, consistent_read=True)), max(0, now_minute - first + 1)


def _done(tenant: TenantContext, now_ms: int) -> None:
    with storage_errors():
        SweepMarkItem(*_mark_key(tenant), tenant_id=tenant.tenant_id, done_minute=now_ms // MINUTE_MS).save()


def sweep_tenant(tenant: TenantContext, now_ms: int) -> SweepResult:
    plan = plan_for(tenant)
    care_only = {r.rule.id for r in plan.rules if r.rule.care_subjects_only}
    transitions: list[Transition] = []
    docs: dict[str, dict[str, Any]] = {}
    types: dict[str, str] = {}
    versions: dict[str, int | None] = {}
    fired: set[str] = set()
    items, minutes = _due_items(tenant, now_ms)
    for item in items:
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
                fired.add(device_id)
        docs[device_id], types[device_id], versions[device_id] = doc, item.device_type, int(item.version)
    # listed again under its next due date (a device listed early: its own, later one) before any write
    index_dues(tenant, plan, docs, types, now_ms)
    # A device whose state a telemetry batch changed since it was read is left alone: its presence
    # may have moved the due date (that batch listed the new one), and that batch's write stands.
    lost = write_docs(tenant, plan, {d: doc for d, doc in docs.items() if d in fired}, types, versions)
    transitions = [t for t in transitions if t.device_id not in lost]
    result = ApplyResult()
    if transitions:
        registry = DeviceRepository(tenant).get_many({t.device_id for t in transitions})
        # A device may have stopped watching a care subject (consent withdrawn) after its due date was set:
        # its care-only rules are marked fired above (so they do not come back every minute) but raise nothing.
        transitions = [t for t in transitions if t.rule_id not in care_only
                       or (t.device_id in registry and registry[t.device_id].care_subject)]
        if transitions:
            result = AlertService(tenant).apply(transitions, registry)
    _done(tenant, now_ms)
    return SweepResult(**vars(result), checked=len(items), minutes=minutes)


def sweep_all(now_ms: int) -> dict[str, SweepResult]:
    """Every active tenant (the schedule calls this every minute), each in its own scope."""
    from chalicelib.tenancy.repository import list_tenant_profiles

    done: dict[str, SweepResult] = {}
    for p in list_tenant_profiles():
        if p.get("status", "active") == "active":
            with tenant_scope(p["tenant_id"]):
                done[p["tenant_id"]] = sweep_tenant(TenantContext(p["tenant_id"]), now_ms)
    return done
