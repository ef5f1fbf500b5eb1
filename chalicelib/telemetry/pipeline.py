"""One batch of a tenant's device messages, end to end:
decode → registry → alert core (with state from DynamoDB) → alert lifecycle.

A device's state write that loses to a concurrent batch (``telemetry.state``) is followed by a
strongly consistent re-read of that device and a re-run of its readings of this batch, after a
short random pause, up to ``STATE_ATTEMPTS`` runs in all (each round one of the batches racing
for a device wins, so this bounds how many may race); the transitions and counts of the run
whose write stood are the ones kept. A device still losing after that fails the batch's messages of this city, for the
queue to deliver again (redelivery is idempotent: late readings are dropped, a repeated raise
is recognised by the alert lifecycle).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import attrgetter
from types import SimpleNamespace
from typing import Any

import numpy as np

from chalicelib.alertcore.batch import Devices, Readings, Result, Transitions
from chalicelib.alertcore.core import StateStore, process
from chalicelib.alertcore.plan import AnyRule, Plan
from chalicelib.alerts.models import ApplyResult, Transition
from chalicelib.alerts.service import AlertService
from chalicelib.devices.models import Device
from chalicelib.devices.repository import DeviceRepository
from chalicelib.errors import StorageError
from chalicelib.store.keys import TenantContext
from chalicelib.telemetry.decode import Decoded, collector_paused, decode, decode_objects
from chalicelib.telemetry.plans import plan_for
from chalicelib.telemetry.state import DynamoStateStore

STATE_ATTEMPTS = 10
PAUSE_S = 0.005  # the pause before re-run k is random in [0, PAUSE_S · k)


@dataclass
class BatchReport:
    messages: int
    readings: int = 0
    evaluated: int = 0
    bad_messages: list[tuple[int, str]] = field(default_factory=list)
    rejected: dict[str, int] = field(default_factory=dict)
    transitions: int = 0
    alerts: ApplyResult = field(default_factory=ApplyResult)
    state_conflicts: int = 0  # device state writes that lost to a concurrent batch and were re-run


def process_batch(tenant: TenantContext, messages: Sequence[bytes | str | dict[str, Any]],
                  now_ms: int | None = None, *, device_ids: Sequence[str] | None = None) -> BatchReport:
    """Messages as JSON (``device_ids``: their device ids when the queue handler has read them from
    the topics), or already parsed (the critical-event rule's direct invocation)."""
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    plan = plan_for(tenant)
    metric_index = plan.metric_numbers
    if all(isinstance(m, bytes | str) for m in messages):
        decoded = decode(messages, metric_index, device_ids)  # type: ignore[arg-type]
    else:
        with collector_paused():
            decoded = decode_objects(list(messages), metric_index)
    report = BatchReport(len(messages), len(decoded.readings), bad_messages=decoded.bad)
    registry = DeviceRepository(tenant).get_many(decoded.devices)

    def dynamo(known: list[str], types: list[str]) -> tuple[DynamoStateStore, np.ndarray]:
        return DynamoStateStore(tenant, plan, known, types, now_ms), np.arange(len(known), dtype=np.int64)

    known, result, report.state_conflicts = evaluate(plan, decoded, registry, dynamo, now_ms)
    report.evaluated, report.rejected = result.evaluated, result.rejected
    transitions = transitions_of(plan, known, result)
    report.transitions = len(transitions)
    if transitions:
        report.alerts = AlertService(tenant).apply(transitions, {d: registry[d] for d in known})
    return report


StoreFor = Callable[[list[str], list[str]], tuple[StateStore, np.ndarray]]


def evaluate(plan: Plan, decoded: Decoded, registry: Mapping[str, Device], store_for: StoreFor,
             now_ms: int) -> tuple[list[str], Result, int]:
    """The batch's readings of known devices through the alert core with the state of ``store_for(device
    ids, types)`` (a store, and the devices' stable numbers); a state write that lost to a concurrent
    batch is re-run. Returns the devices evaluated, the result and how many writes were re-run."""
    found = list(map(registry.get, decoded.devices, repeat(_UNREGISTERED)))
    kind = np.fromiter(map(plan.type_numbers.get, map(_TYPE, found), repeat(-1)), np.int32, len(found))
    evaluated = kind >= 0  # registered, of a type the plan knows
    known = list(compress(decoded.devices, evaluated))
    remap = np.append(np.where(evaluated, np.cumsum(evaluated) - 1, -1), -1).astype(np.int32)
    readings = decoded.readings
    readings.dev = remap[readings.dev]  # unknown devices become -1: counted, never evaluated
    types = list(map(plan.types.__getitem__, kind[evaluated].tolist()))
    devices = Devices(kind[evaluated], np.fromiter(map(_CARE, compress(found, evaluated)), bool, len(known)))
    store, numbers = store_for(known, types)
    result = process(plan, store, readings, devices, numbers, now_ms)
    conflicts = 0
    for attempt in range(1, STATE_ATTEMPTS):
        if not isinstance(store, DynamoStateStore) or not store.conflicts:
            break
        lost = np.asarray(store.conflicts, np.int32)
        conflicts += len(lost)
        time.sleep(random.uniform(0, PAUSE_S * attempt))  # noqa: S311 (jitter, not a secret)
        before = _counts(store, result, lost)
        store.forget(store.conflicts)
        store.consistent = True
        mine = np.flatnonzero(np.isin(readings.dev, lost))
        again = process(plan, store, Readings(readings.dev[mine], readings.met[mine], readings.ts[mine],
                                              readings.val[mine]), devices, numbers, now_ms)
        result = _rerun(result, again, lost, mine, before)
    if isinstance(store, DynamoStateStore) and store.conflicts:
        raise StorageError(f"the state of {len(store.conflicts)} devices kept changing under this batch")
    return known, result, conflicts


_UNREGISTERED = SimpleNamespace(type=None, care_subject=False)
_TYPE, _CARE = attrgetter("type"), attrgetter("care_subject")


def transitions_of(plan: Plan, known: list[str], result: Result) -> list[Transition]:
    t = result.transitions
    return [_transition(plan.rules[r].rule, known[d], up, ts / 1000.0, v)
            for d, r, up, ts, v in zip(t.device.tolist(), t.rule.tolist(), t.raised.tolist(), t.ts.tolist(),
                                       t.value.tolist(), strict=True)]


def _counts(store: DynamoStateStore, result: Result, devices: np.ndarray) -> tuple[int, int]:
    """Readings of ``devices`` the last run accepted, and those it found late."""
    assert store.prep is not None
    mine = np.isin(store.prep.series_dev, devices)
    accepted = int(result.accepted[mine].sum())
    return accepted, int(store.prep.lengths[mine].sum()) - accepted


def _rerun(first: Result, again: Result, lost: np.ndarray, positions: np.ndarray,
           before: tuple[int, int]) -> Result:
    """``first`` with the lost devices' transitions and counts replaced by those of their re-run."""
    t, u = first.transitions, again.transitions
    keep = ~np.isin(t.device, lost)
    merged = Transitions(*(np.concatenate((getattr(t, c)[keep], getattr(u, c))) for c in
                           ("position", "device", "rule", "raised", "ts", "value")))
    merged.position[keep.sum():] = positions[u.position]  # the re-run's positions are into its subset
    order = np.lexsort((merged.rule, merged.position))
    rejected = dict(first.rejected)
    rejected["late"] = first.rejected.get("late", 0) - before[1] + again.rejected.get("late", 0)
    return Result(Transitions(*(getattr(merged, c)[order] for c in ("position", "device", "rule", "raised", "ts",
                                                                    "value"))),
                  again.series, again.rules, again.due, rejected, first.evaluated - before[0] + again.evaluated,
                  again.accepted)


def _transition(rule: AnyRule, device_id: str, up: bool, ts: float, value: float) -> Transition:
    return Transition(device_id, rule.id, "raise" if up else "clear", ts, value, rule.severity.value, rule.metric,
                      rule.name_zh, rule.name_en)
