"""One batch of a tenant's device messages, end to end:
decode → registry → alert core (with state from DynamoDB) → alert lifecycle."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chalicelib.alertcore.batch import Devices
from chalicelib.alertcore.core import process
from chalicelib.alertcore.plan import AnyRule
from chalicelib.alerts.models import ApplyResult, Transition
from chalicelib.alerts.service import AlertService
from chalicelib.devices.repository import DeviceRepository
from chalicelib.store.keys import TenantContext
from chalicelib.telemetry.decode import decode, decode_objects
from chalicelib.telemetry.plans import plan_for
from chalicelib.telemetry.state import DynamoStateStore


@dataclass
class BatchReport:
    messages: int
    readings: int = 0
    evaluated: int = 0
    bad_messages: list[tuple[int, str]] = field(default_factory=list)
    rejected: dict[str, int] = field(default_factory=dict)
    transitions: int = 0
    alerts: ApplyResult = field(default_factory=ApplyResult)


def process_batch(tenant: TenantContext, messages: Sequence[bytes | dict[str, Any]],
                  now_ms: int | None = None) -> BatchReport:
    """Messages as JSON bytes, or already parsed (the queue handler parses once to find the tenant)."""
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    plan = plan_for(tenant)
    metric_index = {m: i for i, m in enumerate(plan.metrics)}
    if all(isinstance(m, bytes | bytearray) for m in messages):
        decoded = decode(list(messages), metric_index)  # type: ignore[arg-type]
    else:
        decoded = decode_objects(list(messages), metric_index)
    report = BatchReport(len(messages), len(decoded.readings), bad_messages=decoded.bad)
    registry = DeviceRepository(tenant).get_many(decoded.devices)
    known = [d for d in decoded.devices if d in registry and registry[d].type.value in plan.types]
    position = {d: i for i, d in enumerate(known)}
    remap = np.array([position.get(d, -1) for d in decoded.devices] + [-1], np.int32)
    readings = decoded.readings
    readings.dev = remap[readings.dev]  # unknown devices become -1: counted, never evaluated
    types = [registry[d].type.value for d in known]
    devices = Devices(np.array([plan.types.index(t) for t in types], np.int32),
                      np.array([registry[d].care_subject for d in known], bool))
    store = DynamoStateStore(tenant, plan, known, types)
    result = process(plan, store, readings, devices, np.arange(len(known), dtype=np.int64), now_ms)
    report.evaluated, report.rejected = result.evaluated, result.rejected
    t = result.transitions
    transitions = [
        _transition(plan.rules[r].rule, known[d], up, ts / 1000.0, v)
        for d, r, up, ts, v in zip(t.device.tolist(), t.rule.tolist(), t.raised.tolist(), t.ts.tolist(),
                                   t.value.tolist(), strict=True)]
    report.transitions = len(transitions)
    if transitions:
        report.alerts = AlertService(tenant).apply(transitions, {d: registry[d] for d in known})
    return report




def _transition(rule: AnyRule, device_id: str, up: bool, ts: float, value: float) -> Transition:
    return Transition(device_id, rule.id, "raise" if up else "clear", ts, value, rule.severity.value, rule.metric,
                      rule.name_zh, rule.name_en)
